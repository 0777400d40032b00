"""The audit trail's filters (the page, its CSV and the API read the same form) and the period
of the "who saw my information" page."""

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from trail.selectors import AuditFilters


class AuditFilterForm(forms.Form):
    who = forms.CharField(label=_("Who (name or email)"), required=False, max_length=254)
    patient = forms.CharField(label=_("Patient (name or MRN)"), required=False, max_length=200)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *Action.choices]
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        for name, value in (("date_from", start), ("date_to", end)):
            if value is not None and not 1900 <= value.year <= 2199:  # 9999-12-31 + 1 day fails
                self.add_error(name, _("Choose a date between 1900 and 2199."))
        if start and end and start > end and not self.errors:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> AuditFilters:
        """The filters to apply; a field with an invalid value (shown as an error) is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return AuditFilters(
            who=(data.get("who") or "").strip(),
            patient=(data.get("patient") or "").strip(),
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to") if "date_to" not in self.errors else None,
        )


PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}


class AccessPeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("30", _("The last 30 days")),
            ("90", _("The last 90 days")),
            ("365", _("The last year")),
            ("all", _("Everything")),
        ],
    )

    DEFAULT = "90"

    def since(self) -> datetime | None:
        """The start of the period; an unknown choice (shown as an error) falls back to 90 days."""
        chosen = self.cleaned_data.get("period") if self.is_valid() else None
        days = PERIODS[chosen or self.DEFAULT]
        return timezone.now() - timedelta(days=days) if days else None
