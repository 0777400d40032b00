"""The clinic's report settings form (posted from the clinic settings page)."""

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from reports.models import ReportSettings, small_number_threshold


def threshold_limits() -> tuple[int, int]:
    """The lowest and highest threshold the model accepts (its validators say so, once)."""
    validators = ReportSettings._meta.get_field("small_number_threshold").validators
    lowest = max(v.limit_value for v in validators if isinstance(v, MinValueValidator))
    highest = min(v.limit_value for v in validators if isinstance(v, MaxValueValidator))
    return lowest, highest


LOWEST, HIGHEST = threshold_limits()


class ReportSettingsForm(forms.Form):
    prefix = "reports"

    small_number_threshold = forms.IntegerField(
        label=_("In exports shared outside the clinic, hide counts of fewer patients than"),
        min_value=LOWEST,
        max_value=HIGHEST,
        help_text=_(
            "A cell counting at least one but fewer patients than this is shown as a range "
            "(such as <5), so no one can be recognised. The pages inside the clinic always "
            "show the exact numbers."
        ),
        widget=forms.NumberInput(attrs={"min": LOWEST, "max": HIGHEST, "step": 1}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One message for every way a value can be wrong, in the language of this request.
        message = gettext("Enter a whole number of patients from %(lowest)d to %(highest)d.") % {
            "lowest": LOWEST,
            "highest": HIGHEST,
        }
        field = self.fields["small_number_threshold"]
        field.error_messages.update(
            dict.fromkeys(("required", "invalid", "min_value", "max_value"), message)
        )


def report_settings_form(clinic: Organization) -> ReportSettingsForm:
    """The form as the settings page shows it, with the clinic's current threshold."""
    return ReportSettingsForm(initial={"small_number_threshold": small_number_threshold(clinic)})
