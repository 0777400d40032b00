"""The digest settings: the supporter's day and time, and the patient's choice for everyone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from engagement.models import DigestMode, Weekday


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
