"""Forms of the messaging pages: a message, and the clinic's opening hours (one row a day)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.hours import Opening
from messaging.models import BODY_MAX_CHARS, ClinicHours, Weekday


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Up to 2,000 characters. The care team reads messages during opening hours; "
            "this is not for emergencies."
        ),
        error_messages={"required": _("Write your message before sending it.")},
    )

    @property
    def characters(self) -> int:
        """How many characters were typed (shown by the field when it is too long)."""
        return len((self.data.get("body") or "").strip()) if self.is_bound else 0


class HoursForm(forms.Form):
    """Opening and closing time for each day of the week; a day left empty is closed."""

    def __init__(self, *args: Any, current: list[ClinicHours] | None = None, **kwargs: Any) -> None:
        initial = {}
        for row in current or []:
            initial.setdefault(f"opens_{row.weekday}", row.opens)
            initial.setdefault(f"closes_{row.weekday}", row.closes)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for day, label in Weekday.choices:
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=_("%(day)s: opens") % {"day": label},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=_("%(day)s: closes") % {"day": label},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )

    def days(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (label, self[f"opens_{day}"], self[f"closes_{day}"]) for day, label in Weekday.choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for day, _label in Weekday.choices:
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if f"opens_{day}" in self.errors or f"closes_{day}" in self.errors:
                continue
            if (opens is None) != (closes is None):
                missing = f"closes_{day}" if closes is None else f"opens_{day}"
                self.add_error(missing, _("Give both times, or leave both empty for a closed day."))
            elif opens is not None and closes <= opens:
                self.add_error(
                    f"closes_{day}", _("The closing time must be after the opening time.")
                )
        return data

    def openings(self) -> list[Opening]:
        data = self.cleaned_data
        return [
            Opening(day, data[f"opens_{day}"], data[f"closes_{day}"])
            for day, _label in Weekday.choices
            if data.get(f"opens_{day}") is not None and data.get(f"closes_{day}") is not None
        ]
