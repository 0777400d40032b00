"""The journey's range and filters: which local days of the patient's story to show, and which
kinds of entry. Bad input comes back by the field it concerns; the page then shows the last
days instead (and says so), never an error page."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from patients.forms import DateInput
from patients.models import Patient
from patients.selectors import JOURNEY_DAYS, JourneyWindow

# A page holds at most a year; more would be the one long list again.
MOST_DAYS = 366
# Dates outside these are typing slips (and would overflow the paging arithmetic).
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)


class JourneyFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a real date, for example 2026-03-01.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a real date, for example 2026-03-31.")},
    )
    kind = forms.MultipleChoiceField(
        label=_("Show only"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Tick none to see every kind."),
        error_messages={"invalid_choice": _("Choose from the kinds listed.")},
    )

    def __init__(
        self, *args: object, patient: Patient, kinds: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["kind"].choices = kinds
        if not self.is_bound:
            recent = JourneyWindow.recent(patient)
            self.initial.update(start=recent.start, end=recent.end)

    def date_inputs(self) -> list[tuple[forms.BoundField, str]]:
        """From and To with the text their inputs hold, as the date widget writes it: the page
        writes their markup itself (crispy's templates per field cost more than the header)."""
        return [
            (self[name], self.fields[name].widget.format_value(self[name].value()) or "")
            for name in ("start", "end")
        ]

    def clean_start(self) -> date | None:
        return self._in_bounds("start")

    def clean_end(self) -> date | None:
        return self._in_bounds("end")

    def _in_bounds(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s."),
                params={"first": FIRST_DATE.year, "last": LAST_DATE.year},
            )
        return value

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error(
                    "end", _("The “To” date is before the “From” date. Choose a later “To” date.")
                )
            elif (end - start).days >= MOST_DAYS:
                self.add_error(
                    "end",
                    _(
                        "Choose at most a year between “From” and “To”; use Earlier and Later "
                        "to move through a longer history."
                    ),
                )
        return data

    def window(self) -> JourneyWindow:
        """The days asked for; missing ends are filled in to a 30-day page; an invalid form
        gives the last 30 days (the errors are shown by their fields)."""
        if not self.is_bound or not self.is_valid():
            return JourneyWindow.recent(self.patient)
        start, end = self.cleaned_data["start"], self.cleaned_data["end"]
        kinds = self.cleaned_data["kind"]
        if start is None and end is None:
            return JourneyWindow.recent(self.patient, kinds)
        page = timedelta(days=JOURNEY_DAYS - 1)
        if start is None:
            start = end - page
        if end is None:
            today = self.patient.local_today()
            end = today if start <= today < start + timedelta(days=MOST_DAYS) else start + page
        return JourneyWindow(start, end, self.patient.zone, frozenset(kinds))
