"""A push goes through the outbox to a real push endpoint stand-in (tests/push/standin.py:
VAPID signature checked, payload decrypted), with the outbox's send-time checks: a revoked
consent, a removed device and quiet hours stop or hold it."""

from datetime import UTC, datetime, time

import pytest
import requests
import time_machine
from django.conf import settings
from django.urls import reverse
from py_vapid import Vapid

from networks.models import Scope
from networks.services import consent_revoke
from notifications.models import (
    Channel,
    Kind,
    Notification,
    NotificationPreference,
    PushSubscription,
    Status,
)
from notifications.outbox import Message, enqueue, send_one
from tests.engagement.conftest import grant
from tests.push.conftest import subscribe, vapid_pair

pytestmark = pytest.mark.django_db

SECRET_WORDS = "Your counselor wrote about your opioid use and the relapse last week"
AFTERNOON = datetime(2026, 3, 10, 18, tzinfo=UTC)  # 14:00 in New York
NIGHT = datetime(2026, 3, 11, 4, tzinfo=UTC)  # 00:00 in New York


def message_to(user: object, kind: str = Kind.MESSAGE_NEW, occurrence: str = "m:1") -> Message:
    return Message(
        kind=kind,
        occurrence=occurrence,
        channel=Channel.IN_APP,
        recipient_key=f"user:{user.pk}",
        address="",
        subject="About your plan",
        body=SECRET_WORDS,
        link="https://elsewhere.example/phish",
    )


def push_row(**filters: object) -> Notification:
    return Notification.objects.get(channel=Channel.PUSH, **filters)


@time_machine.travel(AFTERNOON, tick=False)
def test_a_message_through_the_outbox_arrives_decrypted_with_the_generic_text(
    push_service, phone, person, patient
):
    link = f"http://127.0.0.1:8000{reverse('notifications:centre')}"
    message = message_to(person)
    enqueue(Message(**{**message.__dict__, "link": link}), patient=patient, recipient_user=person)

    row = push_row(recipient_user=person)  # the push joined the in-app note
    assert send_one(row.pk) == "sent"

    [delivery] = push_service.delivered
    assert delivery.device == "phone"
    assert delivery.payload == {
        "title": "Recovery Hub",
        "body": "You have a new message",
        "url": reverse("notifications:centre"),
        "tag": "rh-message",
    }
    assert SECRET_WORDS not in str(delivery.payload)
    assert int(delivery.ttl) > 0
    row.refresh_from_db()
    assert row.status == Status.SENT and row.provider_message_id == f"push:{phone.pk}"
    phone.refresh_from_db()
    assert phone.last_used_at == AFTERNOON and phone.failures == 0


@time_machine.travel(AFTERNOON, tick=False)
def test_a_link_to_another_site_opens_the_notification_centre(push_service, phone, person):
    enqueue(message_to(person), recipient_user=person)
    send_one(push_row(recipient_user=person).pk)
    assert push_service.delivered[0].payload["url"] == reverse("notifications:centre")


@time_machine.travel(AFTERNOON, tick=False)
def test_the_stand_in_refuses_a_signature_made_with_another_key(
    push_service, phone, person, settings
):
    _public, other_private = vapid_pair()
    settings.VAPID_PRIVATE_KEY = other_private  # signs with a key the browser never saw
    enqueue(message_to(person), recipient_user=person)
    row = push_row(recipient_user=person)

    assert send_one(row.pk) == "failed"
    assert push_service.delivered == []
    assert push_service.refused == ["k is not the key the browser subscribed with"]


def test_the_stand_in_refuses_a_tampered_signature(push_service, phone):
    vapid = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
    headers = vapid.sign({"sub": settings.VAPID_SUBJECT, "aud": push_service.origin})
    _scheme, rest = headers["Authorization"].split(" ", 1)
    token = rest.split("t=", 1)[1].split(",", 1)[0]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    headers["Authorization"] = headers["Authorization"].replace(token, forged)

    answer = requests.post(push_service.endpoint("phone"), data=b"x", headers=headers, timeout=5)
    assert answer.status_code == 401
    assert push_service.refused == ["bad signature"]

    good = vapid.sign({"sub": "mailto:someone-else@example.org", "aud": push_service.origin})
    answer = requests.post(push_service.endpoint("phone"), data=b"x", headers=good, timeout=5)
    assert answer.status_code == 401  # a valid signature with the wrong subject


@time_machine.travel(AFTERNOON, tick=False)
def test_a_device_the_push_service_no_longer_knows_is_revoked(push_service, phone, person):
    push_service.answer("phone", 410)
    enqueue(message_to(person), recipient_user=person)
    row = push_row(recipient_user=person)

    assert send_one(row.pk) == "skipped"
    phone.refresh_from_db()
    assert phone.revoked_at == AFTERNOON
    row.refresh_from_db()
    assert "unsubscribed" in row.reason

    enqueue(message_to(person, occurrence="m:2"), recipient_user=person)
    assert not Notification.objects.filter(channel=Channel.PUSH, occurrence="m:2").exists()


@pytest.mark.parametrize("status", [429, 503])
@time_machine.travel(AFTERNOON, tick=False)
def test_a_busy_push_service_means_try_again_later(push_service, phone, person, status):
    push_service.answer("phone", status)
    enqueue(message_to(person), recipient_user=person)
    row = push_row(recipient_user=person)

    assert send_one(row.pk) == "retried"
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 1 and row.due_at > AFTERNOON
    phone.refresh_from_db()
    assert phone.revoked_at is None


@time_machine.travel(AFTERNOON, tick=False)
def test_every_device_of_the_person_gets_it(push_service, phone, person):
    subscribe(push_service, person, device="laptop")
    enqueue(message_to(person), recipient_user=person)
    assert send_one(push_row(recipient_user=person).pk) == "sent"
    assert sorted(d.device for d in push_service.delivered) == ["laptop", "phone"]


@time_machine.travel(AFTERNOON, tick=False)
def test_a_revoked_consent_stops_the_next_push_at_send_time(push_service, contact, supporter):
    subscribe(push_service, supporter)
    consent = grant(contact, [Scope.HELP_TASKS])

    def planned(occurrence: str) -> Notification:
        message = Message(
            kind=Kind.HELP_TASK_DUE,
            occurrence=occurrence,
            channel=Channel.IN_APP,
            recipient_key=f"contact:{contact.pk}",
            address="",
            body="Bring groceries to Jordan",
        )
        enqueue(message, patient=contact.patient, recipient_contact=contact)
        return push_row(recipient_contact=contact, occurrence=occurrence)

    first = planned("task:1")
    assert send_one(first.pk) == "sent"
    assert [d.payload["body"] for d in push_service.delivered] == ["A reminder from Recovery Hub"]

    second = planned("task:2")  # planned while the consent was in force
    consent_revoke(consent=consent, actor=contact.patient.user)
    assert send_one(second.pk) == "skipped"
    second.refresh_from_db()
    assert second.reason == "No consent in force for this any more."
    assert len(push_service.delivered) == 1


@time_machine.travel(AFTERNOON, tick=False)
def test_removing_the_device_in_preferences_stops_pushes(client, push_service, phone, person):
    enqueue(message_to(person), recipient_user=person)
    row = push_row(recipient_user=person)
    client.force_login(person)

    answer = client.post(reverse("notifications:push_revoke", args=[phone.pk]))
    assert answer.status_code == 302

    assert send_one(row.pk) == "skipped"
    row.refresh_from_db()
    assert row.reason == "No device of the person takes push notifications."
    assert push_service.delivered == []


@time_machine.travel(NIGHT, tick=False)
def test_quiet_hours_hold_a_push_until_morning(push_service, phone, person):
    NotificationPreference.objects.filter(user=person).update(
        quiet_hours_start=time(22), quiet_hours_end=time(7)
    )
    person.time_zone = "America/New_York"
    person.save(update_fields=["time_zone"])
    enqueue(message_to(person), recipient_user=person)
    row = push_row(recipient_user=person)

    assert send_one(row.pk) == "deferred"
    row.refresh_from_db()
    assert row.due_at == datetime(2026, 3, 11, 11, tzinfo=UTC)  # 07:00 in New York (EDT)
    assert push_service.delivered == []


@time_machine.travel(AFTERNOON, tick=False)
def test_turning_push_off_for_a_kind_stops_it_for_that_kind_only(push_service, phone, person):
    preference = NotificationPreference.objects.get(user=person)
    preference.channels[Kind.MESSAGE_NEW] = [Channel.IN_APP]
    preference.save()

    enqueue(message_to(person), recipient_user=person)
    enqueue(message_to(person, kind=Kind.CHECKIN_REMINDER), recipient_user=person)

    pushed = Notification.objects.filter(channel=Channel.PUSH).values_list("kind", flat=True)
    assert list(pushed) == [Kind.CHECKIN_REMINDER]


def test_without_vapid_keys_a_push_is_skipped_not_failed(push_service, phone, person, settings):
    settings.VAPID_PRIVATE_KEY = ""
    enqueue(message_to(person), recipient_user=person)
    row = push_row(recipient_user=person)
    assert send_one(row.pk) == "skipped"
    row.refresh_from_db()
    assert "not set up" in row.reason


def test_no_device_no_push_row(vapid, person):
    enqueue(message_to(person), recipient_user=person)
    assert not Notification.objects.filter(channel=Channel.PUSH).exists()
    assert PushSubscription.objects.count() == 0
