"""The daily check-in and the assessment forms. Rules live in services.py."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coping.instruments import Instrument


class ScaleInput(forms.NumberInput):
    """A 0-10 slider with words at both ends (set in the template)."""

    input_type = "range"
    template_name = "coping/widgets/scale.html"

    def __init__(self, low: str, high: str) -> None:
        super().__init__(attrs={"min": 0, "max": 10, "step": 1, "class": "form-range"})
        self.low, self.high = low, high

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"].update(low=self.low, high=self.high)
        return context


def _scale(label: str, low: str, high: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, max_value=10, initial=5, widget=ScaleInput(low, high)
    )


class CheckInForm(forms.Form):
    mood = _scale(_("Mood"), _("very low"), _("very good"))
    craving = _scale(_("Craving"), _("none"), _("very strong"))
    stress = _scale(_("Stress"), _("calm"), _("overwhelmed"))
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
        initial="no",
        widget=forms.RadioSelect,
        help_text=_(
            "An honest answer helps your care team help you. It is never held against you."
        ),
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
        data = dict(self.cleaned_data)
        data["sleep_hours"] = data["sleep_hours"]
        return data


class AssessmentForm(forms.Form):
    """One radio group per item, in the published wording and order."""

    def __init__(self, *args: object, instrument: Instrument, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        choices = [(str(value), gettext(label)) for value, label in instrument.options]
        for number, item in enumerate(instrument.items, start=1):
            self.fields[f"item_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {gettext(item)}",
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
