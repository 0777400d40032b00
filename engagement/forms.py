"""Forms of engagement's features: the help button, the celebration kit (the message and its
review), the one-action links' encouragement, the digest settings and the escalation ladder.
They parse and present; the rules live in the services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from engagement.models import CelebrationMessage, DigestMode, LadderPolicy, Weekday
from networks.models import Encouragement, SupportContact


class HelpForm(forms.Form):
    """Which of the people who can be asked to ask now (none: the care team only)."""

    contacts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Who to ask"),
        required=False,
        queryset=SupportContact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Choose from the people listed."),
            "invalid_pk_value": gettext_lazy("Choose from the people listed."),
            "invalid_list": gettext_lazy("Choose from the people listed."),
        },
    )

    def __init__(
        self,
        *args: object,
        supporters: list[SupportContact],
        refused: set[int] = frozenset(),
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.supporters = supporters
        self.refused = refused
        self.fields["contacts"].queryset = SupportContact.objects.filter(
            pk__in=[contact.pk for contact in supporters]
        ).select_related("user")

    def checked(self) -> set[int]:
        """Everyone is preselected; after a post, what was ticked."""
        if not self.is_bound:  # everyone the message can reach
            return {contact.pk for contact in self.supporters} - self.refused
        return {int(v) for v in self.data.getlist("contacts") if str(v).isdigit()}


class CelebrationForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your message for the day"),
        max_length=CelebrationMessage.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "A few warm words about the person and what they have done. They are read before "
            "they are shown, and arrive together with the others on the day."
        ),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("decline", gettext_lazy("Do not show"))]
    )
    seen = forms.CharField(max_length=64)


class EncouragementForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=Encouragement.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("A few warm words. The care team can see it too."),
    )


class DigestSubscriptionForm(forms.Form):
    prefix = "digest"

    enabled = forms.BooleanField(label=_("Send me a weekly digest"), required=False)
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=Weekday.choices,
        coerce=int,
        error_messages={"invalid_choice": _("Choose a day of the week.")},
    )
    send_time = forms.TimeField(
        label=_("Time"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "invalid": _("Enter a time such as 18:00."),
            "required": _("Enter a time such as 18:00."),
        },
    )


class DigestModeForm(forms.Form):
    digest_mode = forms.ChoiceField(
        label=_("Weekly digests to my supporters"),
        choices=DigestMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Choose one of the options."),
            "required": _("Choose one of the options."),
        },
    )


class LadderPolicyForm(forms.ModelForm):
    """The clinic's ladder. The days must climb: the supporter after the first nudge (the
    clinic's missed-check-in setting), the clinician after the supporter."""

    prefix = "ladder"

    class Meta:
        model = LadderPolicy
        fields = ["enabled", "supporter_after_days", "clinician_after_days"]
        help_texts = {
            "enabled": _(
                "When check-ins stop: a nudge and an alert, then a chosen supporter is "
                "asked to reach out, then a task for the primary clinician."
            ),
            "supporter_after_days": _(
                "Only a supporter the person chose, with check-in "
                "summaries shared, is asked. They are never told why."
            ),
        }

    def __init__(self, *args: Any, clinic: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        supporter, clinician = data.get("supporter_after_days"), data.get("clinician_after_days")
        first = self.clinic.missed_checkin_days
        if supporter is not None and supporter <= first:
            self.add_error(
                "supporter_after_days",
                _(
                    "Ask a supporter later than the first nudge, which comes after %(days)d days "
                    "(the missed check-ins setting above)."
                )
                % {"days": first},
            )
        if supporter is not None and clinician is not None and clinician <= supporter:
            self.add_error(
                "clinician_after_days",
                _("Add the clinician's task later than the supporter's step."),
            )
        return data


class LadderContactForm(forms.Form):
    contact = forms.ModelChoiceField(
        label=_("Who may we ask to say hello if you go quiet for a few days?"),
        queryset=SupportContact.objects.none(),
        required=False,
        empty_label=_("Nobody: do not ask anyone"),
        help_text=_(
            "Only people who can see your check-in summaries can be chosen. They get a "
            "friendly suggestion to get in touch, never the reason."
        ),
    )

    def __init__(self, *args: Any, candidates: list[SupportContact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        field.queryset = SupportContact.objects.filter(pk__in=[c.pk for c in candidates])
        field.error_messages["invalid_choice"] = _(
            "Choose someone from the list: people who can see your check-in summaries."
        )
