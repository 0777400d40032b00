"""The outbox: planned once, claimed once, retried with backoff, swept when stranded, and
cancelled with a reason when consent ends."""

import threading
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from networks.services import consent_grant, consent_revoke
from notifications import outbox
from notifications.models import Notification, Status
from notifications.outbox import Message, enqueue

pytestmark = pytest.mark.django_db


def _message(**changes: object) -> Message:
    data = {
        "kind": "heartbeat",
        "occurrence": "test:1",
        "channel": "email",
        "recipient_key": "user:1",
        "address": "pat@example.org",
        "subject": "Hello",
        "body": "Sign in to see more.",
    } | changes
    return Message(**data)


def test_the_same_message_is_planned_once():
    first = enqueue(_message())
    again = enqueue(_message())
    other_channel = enqueue(_message(channel="in_app"))

    assert first is not None and again is None and other_channel is not None
    assert Notification.objects.count() == 2


def test_dispatch_sends_due_email_with_headers_and_counts(capsys):
    enqueue(_message())
    enqueue(_message(occurrence="later"), due_at=timezone.now() + timedelta(hours=1))

    call_command("reminders_dispatch")

    assert capsys.readouterr().out.strip() == "sent=1 failed=0 retried=0"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    row = Notification.objects.get(occurrence="test:1")
    assert sent.extra_headers["Message-ID"] == row.message_id
    assert (
        "List-Unsubscribe" in sent.extra_headers and "List-Unsubscribe-Post" in sent.extra_headers
    )
    assert row.status == Status.SENT and row.attempts == 1


def test_a_claimed_row_cannot_be_claimed_again():
    row = enqueue(_message())

    assert outbox.claim(row.pk) is not None
    assert outbox.claim(row.pk) is None
    assert outbox.send_one(row.pk) == "skipped"


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("row-level races need PostgreSQL (CI runs it)")
    settings.NOTIFICATIONS_INLINE_DISPATCH = False  # the two threads below are the workers
    row = enqueue(_message())
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker() -> None:
        barrier.wait()
        try:
            results.append(outbox.send_one(row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["sent", "skipped"]
    assert len(mail.outbox) == 1


def test_a_transient_failure_retries_with_backoff_then_fails(settings, monkeypatch):
    row = enqueue(_message())

    def broken(row: Notification) -> str:
        raise SMTPServerDisconnected("connection lost")

    monkeypatch.setitem(outbox.CHANNELS, "email", broken)
    assert outbox.send_one(row.pk) == "retried"
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 1
    assert row.due_at > timezone.now() + timedelta(seconds=50)

    for _ in range(outbox.MAX_ATTEMPTS - 1):
        Notification.objects.filter(pk=row.pk).update(due_at=timezone.now())
        outbox.send_one(row.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED and "connection lost" in row.last_error


def test_the_sweep_requeues_a_row_stranded_by_a_killed_worker(settings):
    settings.NOTIFICATIONS_INLINE_DISPATCH = False  # the sweep hands the row to the broker
    row = enqueue(_message())
    outbox.claim(row.pk)  # the worker dies here
    Notification.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(hours=1))

    outbox.sweep()
    result = outbox.send_one(row.pk)

    assert result == "sent" and len(mail.outbox) == 1


def test_revocation_after_planning_cancels_with_a_reason(contact, person):
    consent = consent_grant(
        contact=contact,
        actor=person,
        scopes=["milestones"],
        purpose="To support me",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )
    row = enqueue(
        _message(kind="milestone_day", occurrence="m:30d", recipient_key=f"contact:{contact.pk}"),
        recipient_contact=contact,
        patient=contact.patient,
    )
    consent_revoke(consent=consent, actor=person)

    assert outbox.send_one(row.pk) == "skipped"
    row.refresh_from_db()
    assert row.status == Status.SKIPPED and "consent" in row.reason
    assert mail.outbox == []


def test_quiet_hours_defer_and_never_drop(clinic):
    from notifications.models import NotificationPreference
    from tests.factories import UserFactory

    user = UserFactory(time_zone="UTC")
    now = timezone.now()
    NotificationPreference.objects.create(  # a quiet period around this very minute
        user=user,
        quiet_hours_start=(now - timedelta(hours=1)).time().replace(second=0, microsecond=0),
        quiet_hours_end=(now + timedelta(hours=1)).time().replace(second=0, microsecond=0),
    )
    row = enqueue(_message(channel="in_app"), recipient_user=user)

    result = outbox.send_one(row.pk)

    row.refresh_from_db()
    assert result == "deferred"
    assert row.status == Status.PENDING and row.due_at > timezone.now()


def test_every_email_has_a_text_and_an_html_part_in_the_recipients_language():
    enqueue(
        _message(body="Hola <Ana>. Entra aquí: https://hub.example.org/support/1/", language="es")
    )

    outbox.dispatch_due()

    sent = mail.outbox[0]
    html, mime = sent.alternatives[0]
    assert mime == "text/html" and 'lang="es"' in html
    assert "&lt;Ana&gt;" in html and 'href="https://hub.example.org/support/1/"' in html
    assert sent.body.startswith("Hola <Ana>")


def test_opting_out_after_planning_stops_the_message_with_a_reason(clinic):
    from notifications.models import NotificationPreference
    from tests.factories import UserFactory

    user = UserFactory()
    row = enqueue(
        _message(kind="checkin_reminder", recipient_key=f"user:{user.pk}"), recipient_user=user
    )
    NotificationPreference.objects.create(user=user, unsubscribed_kinds=["checkin_reminder"])

    assert outbox.send_one(row.pk) == "skipped"
    row.refresh_from_db()
    assert "opted out" in row.reason and mail.outbox == []
