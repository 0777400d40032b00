"""Forms of the network pages of the patient and the care team. They parse and check the shape
of the input; the rules themselves (a channel needs its address, a consent needs an end, only the
patient signs in the app) live in networks/services.py and come back as field errors."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from networks.models import Channel, ExpiryEvent, HelpKind, Offer, Relationship, Scope
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
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")
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
        help_text=_("In the words of the person in recovery, for example: “Call me and go for a "
                    "walk with me.” They see this only if the coping plan is shared with them."),
    )  # fmt: skip
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
                help_text=_("They get a link to join, valid for seven days. Nothing is shared "
                            "with them until a consent is signed."),
            )  # fmt: skip

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


class ConsentForm(forms.Form):
    """A new consent. The patient signs in the app (typed name and "I agree"); the care team
    records the paper form the patient signed."""

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

    def __init__(self, *args: object, signer: str, recipient: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.signer = signer
        self.fields["expires_on"].help_text = _(
            "Give an end date, or choose “when I am discharged”, or both: whichever comes first."
        )
        if signer == "patient":
            self.fields["signed_name"] = forms.CharField(
                label=_("Type your full name to sign"), max_length=200
            )
            self.fields["agree"] = forms.BooleanField(
                label=_("I agree that the clinic shares the information ticked above with "
                        "%(name)s, for the purpose and until the end written here.")
                % {"name": recipient},
            )  # fmt: skip
        else:
            self.fields["paper_form"] = forms.FileField(
                label=_("The signed paper form"),
                help_text=_("A PDF, JPEG or PNG file of 5 MB at most."),
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
                ),
            )
            self.fields["signed_name"] = forms.CharField(
                label=_("The patient's name as signed on the form"), max_length=200
            )

    @property
    def signature_method(self) -> str:
        return "in_app" if self.signer == "patient" else "paper"

    def clean_paper_form(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["paper_form"]
        extension = Path(upload.name or "").suffix.lower()
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
        # The stored name says what it is, not what the sender's computer called it.
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        upload.name = f"consent-{stamp}{'.jpg' if extension == '.jpeg' else extension}"
        return upload

    def service_fields(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "scopes": data["scopes"],
            "purpose": data["purpose"],
            "expires_on": data.get("expires_on"),
            "expires_on_event": ExpiryEvent.DISCHARGE if data.get("until_discharge") else "",
            "signed_name": data["signed_name"],
            "signature_method": self.signature_method,
            "paper_form": data.get("paper_form"),
        }


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
    due_on = forms.DateField(label=_("By"), required=False, widget=DateInput())
    weekly = forms.BooleanField(label=_("Every week"), required=False)
