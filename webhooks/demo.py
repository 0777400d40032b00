"""The demo's webhooks: one example endpoint, turned off (nothing leaves the demo), with a few
rows in its delivery log to show each status. Called by recovery_hub.demo."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, Organization, Role
from webhooks import delivery
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.signing import encrypt_secret, new_secret

DEMO_URL = "https://ehr.example.org/recovery-hub/events"


def seed_webhooks(clinic: Organization) -> WebhookEndpoint:
    """An inactive example endpoint of `clinic` and four deliveries in its log (delivered,
    delivered after a retry, will try again, stopped trying). Idempotent per clinic."""
    existing = WebhookEndpoint.objects.filter(clinic=clinic, url=DEMO_URL).first()
    if existing is not None:
        return existing
    admin = (
        Membership.objects.filter(organization=clinic, role=Role.ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    endpoint = WebhookEndpoint.objects.create(
        clinic=clinic,
        url=DEMO_URL,
        description="EHR (example, turned off)",
        events=[value for value, _label in WebhookEvent.subscribable()],
        secret_encrypted=encrypt_secret(new_secret()),
        active=False,
        created_by=admin.user if admin else None,
    )
    now = timezone.now()
    rows = [
        (WebhookEvent.PING, DeliveryStatus.SENT, 1, 200, "", timedelta(days=3)),
        (WebhookEvent.CONSENT_CHANGED, DeliveryStatus.SENT, 2, 200, "", timedelta(days=2)),
        (
            WebhookEvent.CHECKIN_RECORDED,
            DeliveryStatus.FAILED,
            1,
            503,
            "Answered 503.",
            timedelta(hours=1),
        ),
        (
            WebhookEvent.ALERT_RAISED,
            DeliveryStatus.GAVE_UP,
            6,
            None,
            "No answer within 5 seconds.",
            timedelta(days=1),
        ),
    ]
    for event, status, attempts, code, error, ago in rows:
        at = now - ago
        row = WebhookDelivery(
            endpoint=endpoint,
            event=event,
            status=status,
            attempts=attempts,
            last_status_code=code,
            last_error=error,
            sent_at=at if status == DeliveryStatus.SENT else None,
            # A retry waits until the endpoint is on again: the sender gives it up if it is off.
            next_attempt_at=now + timedelta(minutes=2) if status == DeliveryStatus.FAILED else None,
        )
        row.payload = {
            "id": str(row.uid),
            **delivery.payload(
                event=event,
                clinic=clinic,
                occurred_at=at,
                data={"endpoint_id": endpoint.pk},
                links={"endpoint": delivery.site_link("webhook-detail", endpoint_id=endpoint.pk)},
            ),
        }
        row.save()
        WebhookDelivery.objects.filter(pk=row.pk).update(created_at=at, updated_at=F("created_at"))
    return endpoint
