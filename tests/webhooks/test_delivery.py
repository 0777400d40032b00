"""Sending: signed posts to a real local receiver, retries with exponential backoff (time pinned
with time-machine), a cap, no redirects, no receiver body in the log, one send per claim."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction

from coping.services import checkin_submit
from webhooks import delivery
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from webhooks.services import endpoint_set_active
from webhooks.signing import verify

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def check_in(patient, person, capture, **fields) -> object:
    values = {"mood": 6, "craving": 2, "stress": 3, **fields}
    with capture(execute=True):
        checkin, _created = checkin_submit(patient=patient, actor=person, **values)
    return checkin


def test_a_checkin_is_posted_signed_with_the_endpoints_secret(
    patient, person, endpoint_and_secret, receiver, django_capture_on_commit_callbacks
):
    endpoint, secret = endpoint_and_secret
    with time_machine.travel(T0, tick=False):
        checkin = check_in(patient, person, django_capture_on_commit_callbacks)

    (got,) = receiver.received
    row = WebhookDelivery.objects.get()
    timestamp = int(T0.timestamp())
    by_hand = hmac.new(secret.encode(), f"{timestamp}.".encode() + got.body, hashlib.sha256)
    assert got.headers["X-RecoveryHub-Signature"] == f"t={timestamp},v1={by_hand.hexdigest()}"
    assert verify(secret, got.headers["X-RecoveryHub-Signature"], got.body, now=timestamp)
    assert not verify(
        "whsec_other", got.headers["X-RecoveryHub-Signature"], got.body, now=timestamp
    )
    assert not verify(secret, got.headers["X-RecoveryHub-Signature"], got.body, now=timestamp + 301)
    assert got.headers["X-RecoveryHub-Event"] == "checkin.recorded"
    assert got.headers["X-RecoveryHub-Delivery"] == str(row.uid) == got.json["id"]
    assert got.headers["Content-Type"] == "application/json"
    assert got.path == "/hooks?source=rh"
    assert got.json == {
        "id": str(row.uid),
        "event": "checkin.recorded",
        "occurred_at": T0.isoformat(),
        "clinic": "harbor",
        "data": {
            "patient_id": patient.pk,
            "checkin_id": checkin.pk,
            "local_date": "2026-03-02",
        },
        "links": {
            "patient": f"http://127.0.0.1:8000/api/v1/patients/{patient.pk}/",
            "checkins": f"http://127.0.0.1:8000/api/v1/patients/{patient.pk}/checkins/",
        },
    }
    assert (row.status, row.attempts, row.last_status_code) == (DeliveryStatus.SENT, 1, 200)
    assert row.sent_at == T0 and row.next_attempt_at is None
    assert endpoint.secret_encrypted and secret not in endpoint.secret_encrypted


def test_a_failing_receiver_is_tried_again_with_exponential_backoff_until_it_answers(
    patient, person, endpoint_and_secret, receiver, django_capture_on_commit_callbacks
):
    _endpoint, secret = endpoint_and_secret
    receiver.answers = [500, 503]
    with time_machine.travel(T0, tick=False) as clock:
        check_in(patient, person, django_capture_on_commit_callbacks)
        row = WebhookDelivery.objects.get()
        assert (row.status, row.attempts, row.last_status_code) == ("failed", 1, 500)
        assert row.next_attempt_at == T0 + timedelta(seconds=60)
        assert row.last_error == "Answered 500."  # the receiver's body is never kept

        clock.shift(timedelta(seconds=59))
        assert delivery.sweep() == 0  # not due yet
        clock.shift(timedelta(seconds=1))
        assert delivery.sweep() == 1
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_status_code) == ("failed", 2, 503)
        assert row.next_attempt_at == T0 + timedelta(seconds=60 + 120)  # doubled

        clock.move_to(T0 + timedelta(seconds=180))
        assert delivery.sweep() == 1
        row.refresh_from_db()

    assert (row.status, row.attempts, row.last_status_code) == ("sent", 3, 200)
    assert len(receiver.received) == 3
    # One delivery, three attempts: the same id each time, each signed when it was sent.
    assert {got.headers["X-RecoveryHub-Delivery"] for got in receiver.received} == {str(row.uid)}
    last = receiver.received[-1]
    stamp = int((T0 + timedelta(seconds=180)).timestamp())
    assert last.headers["X-RecoveryHub-Signature"].startswith(f"t={stamp},")
    assert verify(secret, last.headers["X-RecoveryHub-Signature"], last.body, now=stamp)


def test_after_the_last_attempt_it_stops_trying(
    patient, person, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500] * delivery.MAX_ATTEMPTS
    with time_machine.travel(T0, tick=False) as clock:
        check_in(patient, person, django_capture_on_commit_callbacks)
        for _attempt in range(delivery.MAX_ATTEMPTS - 1):
            clock.shift(timedelta(hours=1))
            delivery.sweep()
        row = WebhookDelivery.objects.get()
        assert (row.status, row.attempts) == (DeliveryStatus.GAVE_UP, delivery.MAX_ATTEMPTS)
        assert row.next_attempt_at is None
        clock.shift(timedelta(days=1))
        assert delivery.sweep() == 0
    assert len(receiver.received) == delivery.MAX_ATTEMPTS


def test_a_redirect_is_not_followed(
    patient, person, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [302]
    receiver.redirect_to = receiver.url + "&followed=1"

    check_in(patient, person, django_capture_on_commit_callbacks)

    row = WebhookDelivery.objects.get()
    assert len(receiver.received) == 1
    assert (row.status, row.last_status_code) == ("failed", 302)
    assert "redirects are not followed" in row.last_error


def test_a_receiver_that_is_down_is_a_short_error_and_a_retry(
    patient, person, endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint.url = "http://127.0.0.1:9/hooks"  # nothing listens on the discard port
    endpoint.save()

    check_in(patient, person, django_capture_on_commit_callbacks)

    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.last_status_code) == ("failed", 1, None)
    assert row.last_error == "The connection was refused."


def test_a_rolled_back_checkin_sends_nothing(
    patient, person, endpoint, receiver, django_capture_on_commit_callbacks
):
    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        checkin_submit(patient=patient, actor=person, mood=6, craving=2, stress=3)
        raise RuntimeError

    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []


def test_an_endpoint_turned_off_before_the_send_gets_nothing(
    patient, person, endpoint, clinic_admin, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        checkin_submit(patient=patient, actor=person, mood=6, craving=2, stress=3)
    endpoint_set_active(endpoint=endpoint, actor=clinic_admin, active=False)
    for callback in queued:
        callback()

    row = WebhookDelivery.objects.get()
    assert (row.status, row.last_error) == ("gave_up", "The endpoint was turned off.")
    assert receiver.received == []


def test_two_workers_one_send(endpoint, receiver):
    (row,) = delivery.record_for(
        [endpoint], event=WebhookEvent.PING, body=delivery.ping_body(endpoint)
    )

    first = delivery.claim(row.pk)
    second = delivery.claim(row.pk)

    assert first is not None and second is None
    assert first.attempts == 1


def test_a_claimed_row_whose_worker_died_is_swept_after_the_lease(endpoint, receiver):
    with time_machine.travel(T0, tick=False) as clock:
        (row,) = delivery.record_for(
            [endpoint], event=WebhookEvent.PING, body=delivery.ping_body(endpoint)
        )
        assert delivery.claim(row.pk) is not None  # and the worker is killed here
        assert delivery.sweep() == 0
        clock.shift(delivery.CLAIM_LEASE)
        assert delivery.sweep() == 1

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(receiver.received) == 1


def test_the_sweep_runs_every_minute_on_the_planning_queue():
    from recovery_hub.queues import PLANNING_QUEUE, route_task
    from recovery_hub.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["webhooks-sweep"]
    assert entry["task"] == "webhooks.tasks.sweep_webhooks"
    assert entry["schedule"] == timedelta(minutes=1)
    assert route_task(entry["task"], (), {}, {}) == {"queue": PLANNING_QUEUE}
    assert route_task("webhooks.tasks.send_webhook", (1,), {}, {}) is None  # the default queue
