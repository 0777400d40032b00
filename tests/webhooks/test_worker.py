"""Delivered through the real thing: a check-in commits, its delivery is queued on the broker, a
separate Celery worker process (tests/worker.py) posts it to the local receiver, signed."""

import pytest
from django.db import transaction

from coping.services import checkin_submit
from tests.worker import celery_worker, wait_for
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.signing import verify

# The worker's settings: the project's, with the local plain-HTTP receiver allowed.
WORKER_SETTINGS = "tests.webhooks.worker_settings"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_checkin_signed(
    tmp_path, settings, patient, person, endpoint_and_secret, receiver
):
    endpoint, secret = endpoint_and_secret
    settings.NOTIFICATIONS_INLINE_DISPATCH = False  # queued to the run's broker
    env = {"NOTIFICATIONS_INLINE_DISPATCH": "false", "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS}
    with celery_worker(tmp_path, env=env) as worker:
        with transaction.atomic():
            checkin, _created = checkin_submit(
                patient=patient, actor=person, mood=6, craving=2, stress=3
            )
        delivered = wait_for(
            lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SENT).exists(), worker
        )
        log = (tmp_path / "worker.log").read_text()

    assert delivered, log[-3000:]
    (got,) = receiver.received
    stamp = int(got.headers["X-RecoveryHub-Signature"].split(",")[0][2:])
    assert verify(secret, got.headers["X-RecoveryHub-Signature"], got.body, now=stamp)
    assert got.json["data"]["checkin_id"] == checkin.pk
    row = WebhookDelivery.objects.get()
    assert (row.endpoint_id, row.attempts, row.last_status_code) == (endpoint.pk, 1, 200)
