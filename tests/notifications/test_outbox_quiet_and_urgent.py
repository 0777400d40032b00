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
        patient=patient,
        name="Pat",
        relationship=Relationship.PARENT,
        email="pat@example.org",
        status=ContactStatus.ACTIVE,
        user=supporter,
    )


def planned(contact: SupportContact, *, urgent: bool, kind: str = "help_request") -> Notification:
    message = Message(
        kind=kind,
        occurrence=f"test:{urgent}",
        channel="email",
        urgent=urgent,
        recipient_key=f"contact:{contact.pk}",
        address=contact.email,
        subject="Hi",
        body="Hello",
    )
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


def supporters_with_accounts(clinic, count: int, *, quiet: bool) -> list[SupportContact]:
    contacts = []
    patient = PatientFactory(clinic=clinic, time_zone="America/New_York")
    for number in range(count):
        user = member(Role.SUPPORTER, clinic, time_zone="America/New_York")
        if quiet:
            NotificationPreference.objects.create(
                user=user, quiet_hours_start=time(22), quiet_hours_end=time(7)
            )
        contacts.append(
            SupportContact.objects.create(
                patient=patient,
                name=f"Supporter {number}",
                relationship=Relationship.FRIEND,
                email=f"s{number}-{user.pk}@example.org",
                status=ContactStatus.ACTIVE,
                user=user,
            )
        )
    return contacts


@time_machine.travel(NIGHT, tick=False)
def test_a_batch_holds_each_supporters_quiet_hours_in_constant_queries(clinic, mailoutbox):
    """dispatch_due() reads the contacts' own accounts with the claim and their preferences
    once per batch: as many queries for 12 supporters as for 3, quiet ones held, others sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.outbox import dispatch_due

    def run(count: int) -> tuple[int, dict[str, int]]:
        Notification.objects.all().delete()
        mailoutbox.clear()
        contacts = supporters_with_accounts(clinic, count, quiet=True)
        contacts += supporters_with_accounts(clinic, count, quiet=False)
        for contact in contacts:
            planned(contact, urgent=False, kind="heartbeat")
        with CaptureQueriesContext(connection) as captured:
            counts = dispatch_due()
        return len(captured), counts

    few, few_counts = run(3)
    many, many_counts = run(12)
    assert few_counts["deferred"] == 3 and few_counts["sent"] == 3
    assert many_counts["deferred"] == 12 and many_counts["sent"] == 12
    assert len(mailoutbox) == 12
    assert not Notification.objects.filter(status=Status.PENDING).exclude(due_at=MORNING).exists()
    per_row = (many - few) / 18  # (12 + 12 rows) - (3 + 3 rows)
    assert per_row <= 2, (few, many)  # the claim, and the save of the last outcome with it


@time_machine.travel(MORNING, tick=False)
def test_a_supporter_who_unsubscribes_after_planning_gets_nothing(contact, mailoutbox):
    """Planned to their contact's email, then they turn the kind off in their own settings (or
    pause everything): the row is skipped with the reason, by a single send or a batch."""
    from notifications.outbox import dispatch_due

    row = planned(contact, urgent=False, kind="heartbeat")
    Notification.objects.filter(pk=row.pk).update(due_at=MORNING)
    NotificationPreference.objects.filter(user=contact.user).update(
        unsubscribed_kinds=["heartbeat"]
    )
    assert send_one(row.pk) == "skipped"
    row.refresh_from_db()
    assert row.status == Status.SKIPPED and "opted out" in row.reason

    paused = planned(contact, urgent=True, kind="heartbeat")
    Notification.objects.filter(pk=paused.pk).update(due_at=MORNING)
    NotificationPreference.objects.filter(user=contact.user).update(paused=True)
    assert dispatch_due()["skipped"] == 1
    assert mailoutbox == []
