"""The webhooks area of the API test world: an endpoint of the world's clinic (an address that
does not resolve, so nothing is ever sent) with one delivery in its log."""

from webhooks import delivery
from webhooks.models import WebhookEvent
from webhooks.services import endpoint_create


def extend(world) -> dict[str, int]:
    endpoint, _secret = endpoint_create(
        clinic=world.patient.clinic,
        actor=world.admin,
        url="https://ehr.example.invalid/hooks",
        events=["alert.raised", "consent.changed"],
        description="EHR",
    )
    delivery.record_for([endpoint], event=WebhookEvent.PING, body=delivery.ping_body(endpoint))
    return {"endpoint_id": endpoint.pk}
