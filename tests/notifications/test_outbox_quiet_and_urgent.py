"""Quiet hours on messages to a supporter's contact, and urgent messages (the help button) that
pass them only for people who allowed that."""

from datetime import UTC, datetime, time

import pytest
import time_machine

from accounts.models import Role
from networks.models import ContactStatus, Relationship, SupportContact
from notifications.models import Notification, NotificationPreference, Status
from notifications.outbox import Message, enqueue, send_one
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

NIGHT = datetime(2026, 1, 15, 4, tzinfo=UTC)  # 23:00 in New York
MORNING = datetime(2026, 1, 15, 12, tzinfo=UTC)  # 07:00 in New York, when quiet hours end


@pytest.fixture
def contact(clinic) -> SupportContact:
    supporter = member(Role.SUPPORTER, clinic, time_zone="America/New_York")
    NotificationPreference.objects.create(
        user=supporter, quiet_hours_start=time(22), quiet_hours_end=time(7)
    )
    patient = PatientFactory(clinic=clinic, time_zone="America/New_York")
    return SupportContact.objects.create(
        patient=patient, name="Pat", relationship=Relationship.PARENT, email="pat@example.org",
        status=ContactStatus.ACTIVE, user=supporter,
    )  # fmt: skip


def planned(contact: SupportContact, *, urgent: bool, kind: str = "help_request") -> Notification:
    message = Message(
        kind=kind, occurrence=f"test:{urgent}", channel="email", urgent=urgent,
        recipient_key=f"contact:{contact.pk}", address=contact.email, subject="Hi", body="Hello",
    )  # fmt: skip
    return enqueue(message, due_at=NIGHT, patient=contact.patient, recipient_contact=contact)


def allow_urgent(contact: SupportContact) -> None:
    NotificationPreference.objects.filter(user=contact.user).update(urgent_in_quiet_hours=True)


@time_machine.travel(NIGHT, tick=False)
def test_a_supporters_quiet_hours_hold_messages_to_their_contact(contact, mailoutbox):
    row = planned(contact, urgent=False, kind="heartbeat")
    assert send_one(row.pk) == "deferred"
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.due_at == MORNING
    assert mailoutbox == []


@time_machine.travel(NIGHT, tick=False)
def test_an_urgent_message_waits_for_someone_who_did_not_allow_it(contact, mailoutbox):
    row = planned(contact, urgent=True, kind="heartbeat")
    assert send_one(row.pk) == "deferred"
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.due_at == MORNING
    assert mailoutbox == []


@time_machine.travel(NIGHT, tick=False)
def test_an_urgent_message_passes_for_someone_who_allowed_it(contact, mailoutbox):
    allow_urgent(contact)
    row = planned(contact, urgent=True, kind="heartbeat")
    assert send_one(row.pk) == "sent"
    assert len(mailoutbox) == 1


@time_machine.travel(NIGHT, tick=False)
def test_allowing_urgent_messages_does_not_let_the_others_through(contact, mailoutbox):
    allow_urgent(contact)
    row = planned(contact, urgent=False, kind="heartbeat")
    assert send_one(row.pk) == "deferred"
    assert mailoutbox == []


@time_machine.travel(MORNING, tick=False)
def test_outside_quiet_hours_everything_goes(contact, mailoutbox):
    row = planned(contact, urgent=False, kind="heartbeat")
    Notification.objects.filter(pk=row.pk).update(due_at=MORNING)
    assert send_one(row.pk) == "sent"
    assert len(mailoutbox) == 1
