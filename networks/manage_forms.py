"""Forms of the network pages of the patient and the care team. They parse and check the shape
of the input; the rules themselves (a channel needs its address, a consent needs an end, only the
patient signs in the app) live in networks/services.py and come back as field errors."""

from collections.abc import Callable
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from networks.models import ExpiryEvent, HelpKind, HelpTask, Offer, Relationship, Repeat, Scope
from networks.services import HeldPaperForm
from notifications.models import Channel
from patients.forms import DateInput

MAX_PAPER_FORM_BYTES = 5 * 1024 * 1024
# What a scanned or photographed paper form may be: the extension must agree with the first
# bytes of the file, since the browser's content type is only the sender's claim.
PAPER_FORM_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%H:%M", **kwargs)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relationship = forms.ChoiceField(
        label=_("Relationship"), choices=[("", "---------"), *Relationship.choices]
    )
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    preferred_channel = forms.ChoiceField(
        label=_("Best way to reach them"), choices=Channel.choices, initial=Channel.EMAIL
    )
    # Blank: the clinic's default language (networks.services fills it in).
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("The clinic's default")), *settings.LANGUAGES],
        required=False,
        help_text=_("Messages and pages for this person are in this language."),
    )
    offers = forms.MultipleChoiceField(
        label=_("What they can offer"),
        choices=Offer.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    playbook_step = forms.CharField(
        label=_("When I'm struggling, how this person can help"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "In the words of the person in recovery, for example: “Call me and go for a "
            "walk with me.” They see this only if the coping plan is shared with them."
        ),
    )
    reach_out_weekday = forms.TypedChoiceField(
        label=_("Regular reach-out: day"),
        choices=[("", _("No regular day")), *WEEKDAYS.items()],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reach_out_time = forms.TimeField(
        label=_("Regular reach-out: time"), widget=TimeInput(), required=False
    )

    def __init__(self, *args: object, adding: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["invite_now"] = forms.BooleanField(
                label=_("Invite them by email now"),
                required=False,
                help_text=_(
                    "They get a link to join, valid for seven days. Nothing is shared "
                    "with them until a consent is signed."
                ),
            )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("reach_out_time") and data.get("reach_out_weekday") is None:
            self.add_error("reach_out_weekday", _("Choose a day for the regular reach-out."))
        return data

    def service_fields(self) -> dict[str, object]:
        return {k: v for k, v in self.cleaned_data.items() if k != "invite_now"}


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("active", _("Resume")), ("paused", _("Pause")), ("removed", _("Remove"))]
    )


HeldLookup = Callable[[str], HeldPaperForm | None]


class SignatureMixin:
    """The signature of a consent: the patient signs in the app (typed name and "I agree"); the
    care team records the paper form the patient signed. A checked paper form is kept while the
    rest of the form is corrected (see networks.services.paper_form_hold), so it is never asked
    for twice."""

    fields: dict[str, forms.Field]
    cleaned_data: dict

    def _add_signature(self, signer: str, agree_label: str, held_lookup: HeldLookup | None) -> None:
        self.signer = signer
        self.held_lookup = held_lookup
        self.held: HeldPaperForm | None = None  # the form kept from an earlier post
        self.fresh_upload: UploadedFile | None = None  # a form attached to this post
        self.fresh_name = ""
        if signer == "patient":
            self.fields["signed_name"] = forms.CharField(
                label=_("Type your full name to sign"), max_length=200
            )
            self.fields["agree"] = forms.BooleanField(label=agree_label)
        else:
            self.fields["paper_form"] = forms.FileField(
                label=_("The signed paper form"),
                help_text=_("A PDF, JPEG or PNG file of 5 MB at most."),
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
                ),
            )
            self.fields["paper_form_kept"] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )
            self.fields["signed_name"] = forms.CharField(
                label=_("The patient's name as signed on the form"), max_length=200
            )

    @property
    def signature_method(self) -> str:
        return "in_app" if self.signer == "patient" else "paper"

    @property
    def kept_name(self) -> str:
        """The name of the signed form this page holds on to, to say so beside the field."""
        return self.held.name if self.held else ""

    def clean_paper_form(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data["paper_form"]
        if not upload:
            return None
        original = Path(upload.name or "").name
        extension = Path(original).suffix.lower()
        if extension not in PAPER_FORM_SIGNATURES:
            raise forms.ValidationError(
                _("Upload the signed form as a PDF, JPEG or PNG file."), code="file_type"
            )
        if upload.size > MAX_PAPER_FORM_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB. Scan it at a lower resolution, or as a PDF."),
                code="file_size",
            )
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(PAPER_FORM_SIGNATURES[extension]):
            raise forms.ValidationError(
                _("This file is not a readable PDF, JPEG or PNG. Scan the signed form again."),
                code="file_content",
            )
        upload.name = _stored_name(extension)
        self.fresh_upload, self.fresh_name = upload, original
        return upload

    def _clean_signature(self) -> None:
        if self.signer == "patient":
            return
        if self.held_lookup is not None:
            self.held = self.held_lookup(self.cleaned_data.get("paper_form_kept") or "")
        if self.cleaned_data.get("paper_form") or self.has_error("paper_form"):
            return
        if self.held is not None:  # nothing new attached: the form kept from the last try
            extension = Path(self.held.stored).suffix.lower()
            self.cleaned_data["paper_form"] = self.held.open(_stored_name(extension))
        else:
            self.add_error("paper_form", _("Attach the signed paper form."))

    def keep_upload(self, token: str) -> None:
        """After a refusal: the fresh upload is held under `token`; say so on the page."""
        self.data = self.data.copy()
        self.data[self.add_prefix("paper_form_kept")] = token
        self.held = HeldPaperForm(stored="", name=self.fresh_name)

    def signature_fields(self) -> dict[str, object]:
        return {
            "signed_name": self.cleaned_data["signed_name"],
            "signature_method": self.signature_method,
            "paper_form": self.cleaned_data.get("paper_form"),
        }


def _stored_name(extension: str) -> str:
    # The stored name says what it is, not what the sender's computer called it.
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return f"consent-{stamp}{'.jpg' if extension == '.jpeg' else extension}"


class ConsentForm(SignatureMixin, forms.Form):
    """A new consent, with every element written anew (what, why, until when)."""

    scopes = forms.MultipleChoiceField(
        label=_("What may be shared"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(
        label=_("Why it is shared"),
        max_length=300,
        initial=_("To support my recovery"),
    )
    expires_on = forms.DateField(label=_("Until (end date)"), required=False, widget=DateInput())
    until_discharge = forms.BooleanField(label=ExpiryEvent.DISCHARGE.label, required=False)

    def __init__(
        self,
        *args: object,
        signer: str,
        recipient: str,
        held_lookup: HeldLookup | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].help_text = _(
            "Give an end date, or choose “when I am discharged”, or both: whichever comes first."
        )
        self._add_signature(
            signer,
            _(
                "I agree that the clinic shares the information ticked above with %(name)s, for "
                "the purpose and until the end written here."
            )
            % {"name": recipient},
            held_lookup,
        )

    def clean(self) -> dict:
        data = super().clean()
        self._clean_signature()
        return data

    def service_fields(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "scopes": data["scopes"],
            "purpose": data["purpose"],
            "expires_on": data.get("expires_on"),
            "expires_on_event": ExpiryEvent.DISCHARGE if data.get("until_discharge") else "",
            **self.signature_fields(),
        }


class ScopeChangeForm(SignatureMixin, forms.Form):
    """A change of what one supporter sees: a switch per scope, signed in one step. Why and until
    when stay those of the consent in force (networks.services.consent_scopes_change)."""

    scopes = forms.MultipleChoiceField(
        label=_("What they see"),
        choices=Scope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input", "role": "switch"}),
    )

    def __init__(
        self,
        *args: object,
        signer: str,
        recipient: str,
        current: list[str],
        held_lookup: HeldLookup | None = None,
        **kwargs: object,
    ) -> None:
        kwargs.setdefault("prefix", "change")
        kwargs.setdefault("initial", {"scopes": list(current)})
        super().__init__(*args, **kwargs)
        self.current = sorted(current)
        self._add_signature(
            signer,
            _(
                "I agree that the clinic shares what is switched on above with %(name)s, for the "
                "same purpose and until the same end as now."
            )
            % {"name": recipient},
            held_lookup,
        )

    def clean_scopes(self) -> list[str]:
        chosen = self.cleaned_data["scopes"]
        if not chosen:
            raise forms.ValidationError(
                _("To stop sharing everything, revoke the consent instead."), code="empty"
            )
        if sorted(chosen) == self.current:
            raise forms.ValidationError(
                _("Nothing changed: turn a switch on or off first."), code="unchanged"
            )
        return chosen

    def clean(self) -> dict:
        data = super().clean()
        self._clean_signature()
        return data

    def service_fields(self) -> dict[str, object]:
        return {"scopes": self.cleaned_data["scopes"], **self.signature_fields()}


class ConsentRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking (optional)"), max_length=300, required=False
    )


class HelpTaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of help"), choices=HelpKind.choices)
    title = forms.CharField(label=_("What would help"), max_length=200)
    details = forms.CharField(
        label=_("Details"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    due_on = forms.DateField(
        label=_("Day (the first day, for a series)"), required=False, widget=DateInput()
    )
    weekly = forms.BooleanField(
        label=_("Every week, opening again when marked done"),
        required=False,
        help_text=_("For a task without set times. For a regular slot, use “Repeats” below."),
    )
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        choices=Repeat.choices,
        initial=Repeat.ONCE,
        required=False,  # left out: one time
        widget=forms.RadioSelect,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these days (for every week)"),
        choices=[(number, name) for number, name in WEEKDAYS.items()],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repeat_until = forms.DateField(label=_("Until (optional)"), required=False, widget=DateInput())
    repeat_count = forms.IntegerField(
        label=_("Or a number of times (optional)"),
        required=False,
        min_value=1,
        max_value=HelpTask.MAX_OCCURRENCES,
        help_text=_("With neither, a series stops after %(n)s times.")
        % {"n": HelpTask.MAX_OCCURRENCES},
    )
    starts_at = forms.TimeField(label=_("From (optional)"), required=False, widget=TimeInput())
    ends_at = forms.TimeField(label=_("To (optional)"), required=False, widget=TimeInput())
    people_needed = forms.IntegerField(
        label=_("People needed each time"),
        initial=1,
        required=False,  # left out: one person
        min_value=1,
        max_value=HelpTask.MAX_PEOPLE,
    )

    field_order = [
        "kind",
        "title",
        "details",
        "due_on",
        "repeat",
        "weekdays",
        "repeat_until",
        "repeat_count",
        "starts_at",
        "ends_at",
        "people_needed",
        "weekly",
    ]

    def clean_repeat(self) -> str:
        return self.cleaned_data.get("repeat") or Repeat.ONCE

    def clean_people_needed(self) -> int:
        needed = self.cleaned_data.get("people_needed")
        return 1 if needed is None else needed
