"""Forms of notifications' pages: a person's preferences and the delivery log's filters."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.languages import language_names
from accounts.models import timezone_choices
from notifications.models import Channel, Kind, NotificationPreference, Status
from notifications.preferences import channels_for
from notifications.selectors import recipient_matches


def _kind_field(kind: str) -> str:
    return f"channels_{kind}"


class PreferenceForm(forms.Form):
    """One checkbox group of channels per kind, quiet hours, pause and unsubscribes."""

    time_zone = forms.ChoiceField(
        label=gettext_lazy("Your time zone"),
        required=False,
        choices=lambda: [("", gettext_lazy("(keep as it is)")), *timezone_choices()],
        help_text=gettext_lazy(
            "Quiet hours, weekly digests and the times in your messages follow it."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Your language"),
        required=False,
        choices=lambda: [
            ("", gettext_lazy("The clinic's default")),
            *language_names(),
        ],
        help_text=gettext_lazy("Your pages and every message we send you are in this language."),
    )
    paused = forms.BooleanField(
        label=gettext_lazy("Pause all notifications"),
        required=False,
        help_text=gettext_lazy("Nothing is sent to you until you turn this off."),
    )
    quiet_hours_start = forms.TimeField(
        label=gettext_lazy("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_hours_end = forms.TimeField(
        label=gettext_lazy("Quiet hours until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy(
            "In your own time zone. A period may cross midnight: 22:00 to 07:00."
        ),
    )
    urgent_in_quiet_hours = forms.BooleanField(
        label=gettext_lazy("Let urgent requests for help through during quiet hours"),
        required=False,
        help_text=gettext_lazy(
            "When someone you support presses their help button, you hear about it at once, "
            "even at night."
        ),
    )
    unsubscribed_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Never send me these"),
        required=False,
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for value, label in Kind.choices:
            self.fields[_kind_field(value)] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=Channel.choices,
                widget=forms.CheckboxSelectMultiple,
            )

    @classmethod
    def initial_from(cls, preference: NotificationPreference) -> dict:
        initial = {
            "paused": preference.paused,
            "quiet_hours_start": preference.quiet_hours_start,
            "quiet_hours_end": preference.quiet_hours_end,
            "urgent_in_quiet_hours": preference.urgent_in_quiet_hours,
            "unsubscribed_kinds": list(preference.unsubscribed_kinds or []),
        }
        for kind in Kind.values:
            initial[_kind_field(kind)] = channels_for(preference, kind)
        return initial

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[_kind_field(kind)] for kind in Kind.values]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if "quiet_hours_start" in data and "quiet_hours_end" in data:
            if (start is None) != (end is None):
                missing = "quiet_hours_end" if end is None else "quiet_hours_start"
                self.add_error(missing, _("Give both times, or neither for no quiet hours."))
            elif start is not None and start == end:
                self.add_error("quiet_hours_end", _("The end must differ from the start."))
        return data

    def apply(self, preference: NotificationPreference) -> None:
        data = self.cleaned_data
        preference.paused = data["paused"]
        preference.quiet_hours_start = data["quiet_hours_start"]
        preference.quiet_hours_end = data["quiet_hours_end"]
        preference.urgent_in_quiet_hours = data["urgent_in_quiet_hours"]
        preference.unsubscribed_kinds = list(data["unsubscribed_kinds"])
        preference.channels = {kind: list(data[_kind_field(kind)]) for kind in Kind.values}


class LogFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *Kind.choices],
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        required=False,
        choices=[("", gettext_lazy("All channels")), *Channel.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *Status.choices],
    )
    recipient = forms.CharField(label=gettext_lazy("Recipient"), required=False, max_length=120)
    date_from = forms.DateField(
        label=gettext_lazy("Due from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Due until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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

    def filter(self, rows: object) -> object:
        data = self.cleaned_data
        for field in ("kind", "channel", "status"):
            if data.get(field):
                rows = rows.filter(**{field: data[field]})
        if data.get("recipient"):
            text = data["recipient"].strip()
            rows = rows.filter(recipient_matches(text))
        zone = timezone.get_current_timezone()
        if data.get("date_from"):
            rows = rows.filter(due_at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data.get("date_to"):
            next_day = data["date_to"] + timedelta(days=1)
            rows = rows.filter(due_at__lt=datetime.combine(next_day, time.min, zone))
        return rows
