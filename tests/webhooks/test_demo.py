"""The demo's example endpoint: turned off, with a log showing each status; seeded once."""

import pytest

from webhooks.demo import DEMO_URL, seed_webhooks
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.signing import decrypt_secret

pytestmark = pytest.mark.django_db


def test_the_demo_endpoint_is_off_and_its_log_shows_every_status(clinic, clinic_admin):
    endpoint = seed_webhooks(clinic)
    again = seed_webhooks(clinic)

    assert again == endpoint and endpoint.url == DEMO_URL and not endpoint.active
    assert endpoint.created_by == clinic_admin
    assert decrypt_secret(endpoint.secret_encrypted).startswith("whsec_")
    statuses = set(
        WebhookDelivery.objects.filter(endpoint=endpoint).values_list("status", flat=True)
    )
    assert statuses == set(DeliveryStatus.values) - {DeliveryStatus.PENDING}


def test_the_demo_log_page_shows_it(admin_signed_in, clinic):
    endpoint = seed_webhooks(clinic)

    listed = admin_signed_in.get("/clinic/webhooks/")
    log = admin_signed_in.get(f"/clinic/webhooks/{endpoint.pk}/deliveries/")

    assert "EHR (example, turned off)" in listed.content.decode()
    assert len(log.context["page"].object_list) == 4
