"""The events, heard from the apps below through their signals (connected in
WebhooksConfig.ready()); each receiver only writes delivery rows in the event's transaction.

- checkin.recorded: coping.signals.checkin_saved (coping.services.checkin_submit)
- alert.raised: patients.signals.alerts_raised (patients.services.alert_raise, and engagement's
  missed check-ins rule, which raises many at once)
- help.requested: engagement.signals.help_requested (engagement.services.help_request_send)
- consent.changed: networks.signals.consent_changed (networks.services.consent_grant and
  consent_revoke)

An event of a clinic without a subscribed endpoint costs one query. Writing the deliveries runs
in a savepoint: a failure there is logged and never undoes the clinical change (care comes
first; the delivery log shows what was sent).
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import Organization
from coping.models import CheckIn
from coping.signals import checkin_saved
from engagement.models import HelpRequest
from engagement.signals import help_requested
from networks.models import Consent
from networks.signals import consent_changed
from patients.models import Alert
from patients.signals import alerts_raised
from webhooks import delivery
from webhooks.models import WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)


def _write(endpoints: list[WebhookEndpoint], event: str, body: dict[str, Any]) -> None:
    try:
        with transaction.atomic():
            delivery.record_for(endpoints, event=event, body=body)
    except DatabaseError:
        logger.exception("webhook deliveries could not be written")


def _deliver(clinic_id: int, event: str, build: Callable[[Organization], dict[str, Any]]) -> None:
    """`build(clinic)` makes the payload, only when an endpoint of the clinic wants it."""
    endpoints = delivery.subscribed([clinic_id], event).get(clinic_id, [])
    if endpoints:
        _write(endpoints, event, build(endpoints[0].clinic))


def _patient_links(patient_id: int) -> dict[str, str]:
    return {"patient": delivery.site_link("patient-detail", patient_id=patient_id)}


def on_checkin(sender: type, patient: Any, checkin: CheckIn, **kwargs: object) -> None:
    def build(clinic: Organization) -> dict[str, Any]:
        return delivery.payload(
            event=WebhookEvent.CHECKIN_RECORDED,
            clinic=clinic,
            occurred_at=timezone.now(),
            data={
                "patient_id": patient.pk,
                "checkin_id": checkin.pk,
                "local_date": checkin.local_date.isoformat(),
            },
            links={
                **_patient_links(patient.pk),
                "checkins": delivery.site_link("patient-checkins", patient_id=patient.pk),
            },
        )

    _deliver(patient.clinic_id, WebhookEvent.CHECKIN_RECORDED, build)


def on_alerts(sender: type, alerts: list[Alert], **kwargs: object) -> None:
    """Many alerts at once (the missed check-ins rule): one query for all their clinics."""
    by_clinic: dict[int, list[Alert]] = defaultdict(list)
    for alert in alerts:
        by_clinic[alert.clinic_id].append(alert)
    if not by_clinic:
        return
    endpoints = delivery.subscribed(by_clinic, WebhookEvent.ALERT_RAISED)
    for clinic_id, subscribed in endpoints.items():
        for alert in by_clinic[clinic_id]:
            body = delivery.payload(
                event=WebhookEvent.ALERT_RAISED,
                clinic=subscribed[0].clinic,
                occurred_at=alert.created_at or timezone.now(),
                data={
                    "patient_id": alert.patient_id,
                    "alert_id": alert.pk,
                    "severity": alert.severity,
                },
                links={
                    **_patient_links(alert.patient_id),
                    "alerts": delivery.site_link("alert-list") + f"?patient_id={alert.patient_id}",
                },
            )
            _write(subscribed, WebhookEvent.ALERT_RAISED, body)


def on_help_request(sender: type, help_request: HelpRequest, **kwargs: object) -> None:
    patient = help_request.patient

    def build(clinic: Organization) -> dict[str, Any]:
        return delivery.payload(
            event=WebhookEvent.HELP_REQUESTED,
            clinic=clinic,
            occurred_at=help_request.created_at or timezone.now(),
            data={
                "patient_id": patient.pk,
                "help_request_id": help_request.pk,
                "alert_id": help_request.alert_id,
            },
            links=_patient_links(patient.pk),
        )

    _deliver(patient.clinic_id, WebhookEvent.HELP_REQUESTED, build)


def on_consent(sender: type, consent: Consent, change: str, **kwargs: object) -> None:
    def build(clinic: Organization) -> dict[str, Any]:
        return delivery.payload(
            event=WebhookEvent.CONSENT_CHANGED,
            clinic=clinic,
            occurred_at=consent.revoked_at or consent.signed_at or timezone.now(),
            data={
                "patient_id": consent.patient_id,
                "contact_id": consent.contact_id,
                "consent_id": consent.pk,
                "change": change,
            },
            links={
                **_patient_links(consent.patient_id),
                "consents": delivery.site_link("contact-consents", contact_id=consent.contact_id),
            },
        )

    _deliver(consent.clinic_id, WebhookEvent.CONSENT_CHANGED, build)


def connect() -> None:
    """WebhooksConfig.ready(): listen to the four events."""
    checkin_saved.connect(on_checkin, sender=CheckIn, dispatch_uid="webhooks_checkin")
    alerts_raised.connect(on_alerts, sender=Alert, dispatch_uid="webhooks_alerts")
    help_requested.connect(on_help_request, sender=HelpRequest, dispatch_uid="webhooks_help")
    consent_changed.connect(on_consent, sender=Consent, dispatch_uid="webhooks_consent")
