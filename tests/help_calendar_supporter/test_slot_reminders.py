"""The help calendar's reminders: the day before (24 h before the start) and an hour before, to
whoever still holds the occasion, with the time in their own zone and in their language; quiet
hours defer them; a give-back stops them, planned or not."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from networks.models import ContactStatus, HelpSlotClaim, HelpStatus, Repeat, Scope
from networks.slot_reminders import HELP_SLOTS_ORDER, help_slots, occurrence_key
from notifications import planner
from notifications.models import Kind, Notification, NotificationPreference, Status
from notifications.outbox import send_one
from notifications.planner import Planner, plan
from tests.help_calendar_supporter.conftest import (
    DAY_BEFORE,
    HOUR_BEFORE,
    TUESDAY,
    add_supporter,
    take,
    weekly_ride,
)

pytestmark = pytest.mark.django_db

SLOT_KINDS = (Kind.HELP_SLOT_DAY_BEFORE, Kind.HELP_SLOT_HOUR_BEFORE)


def rows(kind: str = Kind.HELP_SLOT_DAY_BEFORE) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("pk"))


def run(at: datetime) -> None:
    """Only this rule, at `at` (the planner's window is (at - 1 h, at])."""
    with time_machine.travel(at, tick=False):
        engine = Planner(at)
        help_slots(engine)
        engine.flush()


def test_the_rule_is_registered_after_the_help_tasks_rule():
    orders = {f"{r.run.__module__}.{r.run.__name__}": r.order for r in planner.RULES}
    assert orders["networks.slot_reminders.help_slots"] == HELP_SLOTS_ORDER == 55
    assert orders["networks.reminders.help_tasks"] < 55 < orders["networks.reminders.reach_outs"]


def test_day_before_is_24_hours_before_the_start_with_the_time_in_the_supporters_zone(ride, pat):
    claim = take(ride, pat)

    run(DAY_BEFORE - timedelta(minutes=61))  # the window ends before the moment: nothing
    assert rows() == []

    run(DAY_BEFORE)
    (row,) = rows()
    assert row.due_at == DAY_BEFORE  # Monday 16:00 in Chicago, 17:00 in New York
    assert row.recipient_contact == pat
    assert row.occurrence == occurrence_key(claim) == f"help_slot:{claim.pk}:{TUESDAY}"
    # Pat reads Chicago time: the ride starts at 4 PM there (5 PM in New York).
    assert "Tomorrow 4:00 PM–5:00 PM" in row.subject
    assert "4:00 PM–5:00 PM" in row.body and "Jordan" in row.body
    assert "Ride to group" not in row.body  # the kind of help, never the task's own title
    assert rows(Kind.HELP_SLOT_HOUR_BEFORE) == []

    run(DAY_BEFORE)  # asking twice plans once
    assert len(rows()) == 1


def test_the_whole_planner_plans_it_too(ride, pat):
    take(ride, pat)
    with time_machine.travel(DAY_BEFORE, tick=False):
        plan(DAY_BEFORE)
    assert [r.recipient_contact for r in rows()] == [pat]


def test_hour_before(ride, pat):
    take(ride, pat)
    run(HOUR_BEFORE)
    (row,) = rows(Kind.HELP_SLOT_HOUR_BEFORE)
    assert row.due_at == HOUR_BEFORE
    assert "In an hour, 4:00 PM–5:00 PM" in row.body
    assert rows() == []


def test_spanish_speaking_supporter_gets_it_in_spanish(clinic, patient, person, ride):
    ana = add_supporter(
        clinic, patient, person, "Ana Ruiz", time_zone="America/Chicago", language="es"
    )
    take(ride, ana)
    run(DAY_BEFORE)
    (row,) = rows()
    assert row.language == "es"
    # Rendered with Spanish active: Spanish time styles (24-hour clock), in Chicago time.
    assert "16:00–17:00" in row.body
    assert "PM" not in row.body


def test_occasion_without_a_time_is_reminded_at_nine_the_day_before_in_the_supporters_zone(
    patient, pat
):
    task = weekly_ride(patient, starts_at=None, ends_at=None)
    take(task, pat)
    nine_in_chicago = datetime(2026, 12, 7, 15, tzinfo=UTC)
    run(nine_in_chicago)
    (row,) = rows()
    assert row.due_at == nine_in_chicago
    assert "any time that day" in row.body
    run(HOUR_BEFORE)
    run(datetime(2026, 12, 8, 14, tzinfo=UTC))
    assert rows(Kind.HELP_SLOT_HOUR_BEFORE) == []  # no hour before an untimed occasion


def test_only_the_one_who_kept_it_is_reminded(ride, pat, sam):
    take(ride, pat)
    given = take(ride, sam)
    HelpSlotClaim.objects.filter(pk=given.pk).update(given_back_at=timezone.now())

    run(DAY_BEFORE)
    assert [r.recipient_contact for r in rows()] == [pat]


def test_a_give_back_after_planning_is_caught_at_send_time(ride, pat, mailoutbox):
    claim = take(ride, pat)
    run(DAY_BEFORE)
    (row,) = rows()
    HelpSlotClaim.objects.filter(pk=claim.pk).update(given_back_at=timezone.now())

    with time_machine.travel(DAY_BEFORE, tick=False):
        assert send_one(row.pk) == "skipped"
    row.refresh_from_db()
    assert row.status == Status.SKIPPED
    assert "given back" in row.reason
    assert mailoutbox == []


def test_a_held_claim_is_sent(ride, pat, mailoutbox):
    take(ride, pat)
    run(DAY_BEFORE)
    (row,) = rows()
    with time_machine.travel(DAY_BEFORE, tick=False):
        assert send_one(row.pk) == "sent"
    assert mailoutbox[0].to == ["pat@example.org"]


def test_quiet_hours_defer_it_until_they_end(ride, pat, mailoutbox):
    NotificationPreference.objects.create(
        user=pat.user, quiet_hours_start=time(15), quiet_hours_end=time(18)
    )
    take(ride, pat)
    run(DAY_BEFORE)
    (row,) = rows()
    with time_machine.travel(DAY_BEFORE, tick=False):  # 16:00 in Chicago: quiet
        assert send_one(row.pk) == "deferred"
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.due_at == datetime(2026, 12, 8, 0, tzinfo=UTC)  # 18:00 in Chicago
    assert mailoutbox == []


def test_nothing_without_the_help_tasks_consent(clinic, patient, person, ride):
    other = add_supporter(clinic, patient, person, "Lee Park", scopes=[Scope.MILESTONES.value])
    take(ride, other)
    run(DAY_BEFORE)
    assert rows() == []


def test_a_consent_revoked_after_planning_stops_it_at_send_time(ride, pat, mailoutbox):
    take(ride, pat)
    run(DAY_BEFORE)
    (row,) = rows()
    pat.consents.update(revoked_at=timezone.now())
    with time_machine.travel(DAY_BEFORE, tick=False):
        assert send_one(row.pk) == "skipped"
    assert mailoutbox == []


def test_nothing_for_a_paused_contact_a_cancelled_task_or_a_day_no_longer_in_the_series(
    patient, ride, pat, sam
):
    take(ride, pat)
    take(ride, sam)
    sam.status = ContactStatus.PAUSED
    sam.save(update_fields=["status"])
    run(DAY_BEFORE)
    assert [r.recipient_contact for r in rows()] == [pat]

    moved = weekly_ride(patient, title="Moved")
    wednesday = TUESDAY + timedelta(days=1)
    take(moved, pat, wednesday)  # the series no longer has this day
    cancelled = weekly_ride(patient, status=HelpStatus.CANCELLED)
    take(cancelled, pat)
    run(DAY_BEFORE + timedelta(days=1))
    run(DAY_BEFORE)
    assert len(rows()) == 1


def test_a_dated_one_time_task_taken_on_the_calendar_gets_one_day_before_reminder(patient, pat):
    """The old help-task rule (9:00 the day before, to the claimer) stands down for a task
    taken through the help calendar: the slot rule reminds each person on it, once."""
    from networks.help_calendar import claim_slot

    task = weekly_ride(
        patient, repeat=Repeat.ONCE, weekdays=[], due_on=TUESDAY, starts_at=None, people_needed=1
    )
    task.ends_at = None
    task.save()
    claim_slot(task=task, day=TUESDAY, contact=pat, actor=None)
    task.refresh_from_db()
    assert task.status == HelpStatus.CLAIMED and task.claimed_by == pat

    nine = datetime.combine(TUESDAY - timedelta(days=1), time(9), tzinfo=pat.zone)
    with time_machine.travel(nine, tick=False):
        plan(nine)
    assert Notification.objects.filter(kind=Kind.HELP_TASK_DUE).count() == 0
    assert [r.recipient_contact for r in rows()] == [pat]
