"""Forms of the webhooks pages (the rules are in webhooks.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.models import DeliveryStatus, WebhookEvent


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Address (HTTPS)"),
        max_length=500,
        help_text=_("Where the events are posted, for example https://ehr.example.org/hooks."),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=120,
        required=False,
        help_text=_("So you recognise it later, for example: the EHR."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=WebhookEvent.subscribable,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *DeliveryStatus.choices]
    )
    event = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("Any")), *WebhookEvent.choices]
    )
