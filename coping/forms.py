"""The daily check-in and the assessment forms. Rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coping.instruments import Instrument
from coping.models import HOURS_IN_A_WEEK, USE_COST_MAX_PER_WEEK, CheckIn, Currency
from core.bilingual import reader_language

SCALE_CHOICES = [(str(n), str(n)) for n in range(11)]


class ButtonChoices(forms.RadioSelect):
    """A radio group drawn as a row of large buttons (Bootstrap's btn-check): still real radios,
    so the keyboard, screen readers and a form without JavaScript all work. Nothing is chosen
    unless the person chose it or it was saved before."""

    template_name = "coping/widgets/buttons.html"

    def __init__(self, low: str = "", high: str = "") -> None:
        super().__init__(attrs={"class": "btn-check"})
        self.low, self.high = low, high

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        invalid = (attrs or {}).get("aria-invalid") == "true"
        if invalid:  # app.js moves focus to the first .is-invalid control
            for _group, options, _index in context["widget"]["optgroups"]:
                for option in options:
                    option["attrs"]["class"] = "btn-check is-invalid"
        context["widget"].update(low=self.low, high=self.high, scale=bool(self.low))
        return context


def _scale(label: str, low: str, high: str, required: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCALE_CHOICES,
        coerce=int,
        widget=ButtonChoices(low, high),
        error_messages={
            "required": required,
            "invalid_choice": _("Choose a whole number from 0 to 10."),
        },
    )


class CheckInForm(forms.Form):
    """Every answer is the person's own: mood, craving, stress and "any use" start unanswered
    and must be chosen; only editing today's check-in starts from what was saved."""

    mood = _scale(
        _("Mood"), _("very low"), _("very good"), _("Choose how your mood is today, from 0 to 10.")
    )
    craving = _scale(
        _("Craving"),
        _("none"),
        _("very strong"),
        _("Choose how strong any craving is today, from 0 to 10."),
    )
    stress = _scale(
        _("Stress"),
        _("calm"),
        _("overwhelmed"),
        _("Choose how stressed you feel today, from 0 to 10."),
    )
    sleep_hours = forms.DecimalField(
        label=_("Hours of sleep last night"),
        required=False,
        min_value=0,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    used_since_last = forms.TypedChoiceField(
        label=_("Any use since your last check-in?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=ButtonChoices(),
        help_text=_(
            "An honest answer helps your care team help you. It is never held against you."
        ),
        error_messages={"required": _("Choose Yes or No.")},
    )
    use_details = forms.CharField(
        label=_("What, if you want to say"), max_length=200, required=False
    )
    strategies_used = forms.MultipleChoiceField(
        label=_("Coping strategies I used today"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Anything else on your mind?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, strategies: list[dict], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strategies_used"].choices = [(s["id"], s["text"]) for s in strategies]
        if not strategies:
            self.fields["strategies_used"].help_text = _(
                "Strategies from your coping plan appear here once the plan has some."
            )

    def service_values(self) -> dict[str, object]:
        return dict(self.cleaned_data)

    @staticmethod
    def initial_from(checkin: CheckIn | None) -> dict[str, object]:
        """The saved answers of today's check-in, to edit it (empty for a new check-in)."""
        if checkin is None:
            return {}
        return {
            "mood": str(checkin.mood),
            "craving": str(checkin.craving),
            "stress": str(checkin.stress),
            "sleep_hours": checkin.sleep_hours,
            "used_since_last": "yes" if checkin.used_since_last else "no",
            "use_details": checkin.use_details,
            "strategies_used": [item["id"] for item in checkin.strategies_used or []],
            "note": checkin.note,
        }


class AssessmentForm(forms.Form):
    """One radio group per item, in the published wording and order."""

    def __init__(self, *args: object, instrument: Instrument, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        # The published English or a validated translation, never the catalog (instruments.py).
        self.text = instrument.text_in(reader_language())
        choices = [(str(value), label) for value, label in self.text.options]
        for number, item in enumerate(self.text.items, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {item}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Choose an answer for this question.")},
            )

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{n}"] for n in range(1, len(self.instrument.items) + 1)]


class ScheduleForm(forms.Form):
    instrument = forms.CharField(widget=forms.HiddenInput)
    interval_days = forms.IntegerField(label=_("Every (days)"), min_value=1, max_value=365)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class ReminderTimeForm(forms.Form):
    checkin_reminder_time = forms.TimeField(
        label=_("Remind me to check in every day at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class UseCostForm(forms.Form):
    """What use cost each week, if the person wants to say: money, hours or both."""

    amount_per_week = forms.DecimalField(
        label=_("Money each week"),
        required=False,
        min_value=0,
        max_value=USE_COST_MAX_PER_WEEK,
        decimal_places=2,
        max_digits=9,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Enter a number, such as 40."),
            "min_value": _("Enter 0 or more."),
            "max_value": _("Enter a number up to %(limit_value)s."),
            "max_decimal_places": _("Use at most 2 decimal places."),
            "max_digits": _("Enter a smaller number."),
        },
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    hours_per_week = forms.DecimalField(
        label=_("Hours each week"),
        help_text=_("Time spent getting, using or getting over use. Up to 168 (a whole week)."),
        required=False,
        min_value=0,
        max_value=HOURS_IN_A_WEEK,
        decimal_places=1,
        max_digits=4,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Enter a number of hours, such as 10."),
            "min_value": _("Enter 0 or more."),
            "max_value": _("A week has 168 hours: enter 168 or fewer."),
            "max_decimal_places": _("Use at most 1 decimal place."),
            "max_digits": _("Enter 168 or fewer."),
        },
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            not self.errors
            and cleaned.get("amount_per_week") is None
            and cleaned.get("hours_per_week") is None
        ):
            self.add_error(
                "amount_per_week", _("Enter money, hours or both; or clear what you entered.")
            )
        return cleaned
