"""Template tags of the help button: the "I'm struggling" button, a supporter's open asks with
their "I'm on it" button, and who is on it under a chart's help alert."""

from django import template
from django.template.context import Context
from django.utils import timezone

from engagement.help import HELP_SCOPE, OPEN_FOR
from engagement.selectors import open_asks_for, open_request, requests_by_alert
from networks.selectors import SupporterView
from patients.models import Alert, AlertKind, AlertStatus, Patient

register = template.Library()

_NOT_LOADED = object()


@register.inclusion_tag("engagement/_help_button.html")
def help_button(patient: Patient | None) -> dict[str, object]:
    """The button, and a link to the request still open (one query)."""
    return {"open": open_request(patient) if patient is not None else None}


@register.inclusion_tag("engagement/_help_supporter.html", takes_context=True)
def help_requests_for_supporter(context: Context, view: SupporterView) -> dict[str, object]:
    """Open requests asking this supporter, while the coping plan is shared with them (one
    query; the scopes come from the page's own consent check)."""
    asks = open_asks_for(view.contact, scopes=view.scopes) if HELP_SCOPE in view.scopes else []
    return {
        "asks": asks,
        "first_name": view.first_name,
        "patient_id": view.contact.patient_id,
        "step": view.contact.playbook_step.strip(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("engagement/_help_alert.html", takes_context=True)
def help_alert_status(context: Context, alert: Alert) -> dict[str, object]:
    """Under a help alert: who was asked, who is on it, and the care team's "I'm on it". The
    requests of the whole page are loaded once and kept on the patient object."""
    if alert.kind != AlertKind.HELP_REQUESTED:
        return {"help_request": None}
    patient = alert.patient
    loaded = getattr(patient, "_help_requests_by_alert", _NOT_LOADED)
    if loaded is _NOT_LOADED:
        loaded = requests_by_alert(patient)
        patient._help_requests_by_alert = loaded
    help_request = loaded.get(alert.pk)
    if help_request is None:
        return {"help_request": None}
    request = context.get("request")
    user_id = request.user.pk if request is not None else None
    acks = list(help_request.acknowledgements.all())
    access = context.get("access")
    still_open = alert.status != AlertStatus.RESOLVED and (
        timezone.now() - help_request.created_at < OPEN_FOR
    )
    return {
        "help_request": help_request,
        "asked": list(help_request.recipients.all()),
        "team_on_it": [ack for ack in acks if ack.user_id],
        "can_answer": bool(access and access.can_edit)
        and still_open
        and not any(ack.user_id == user_id for ack in acks),
        "patient_id": patient.pk,
        "csrf_token": context.get("csrf_token"),
    }
