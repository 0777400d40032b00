"""Forms of the escalation ladder: the clinic's policy and the person's chosen supporter."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from engagement.models import LadderPolicy
from networks.models import SupportContact


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
