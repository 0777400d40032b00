"""coverage(), upcoming_gaps() and supporter_occasions(): every occasion with who took it and
the gap, in a constant number of queries; a supporter sees only what is shared with them."""

from datetime import date, time, timedelta

import pytest

from networks.help_calendar import (
    claim_slot,
    coverage,
    give_back_slot,
    schedule_text,
    supporter_occasions,
    upcoming_gaps,
)
from networks.models import HelpTask, Repeat
from networks.services import help_task_create
from tests.help_calendar.conftest import MONDAY, grant, helper

pytestmark = pytest.mark.django_db

TUESDAY = date(2027, 3, 9)
THURSDAY = date(2027, 3, 11)


def test_coverage_lists_each_occasion_with_names_and_gaps(ride, shared, sam, supporter):
    claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    claim_slot(task=ride, day=TUESDAY, contact=sam, actor=sam.user)
    claim_slot(task=ride, day=THURSDAY, contact=sam, actor=sam.user)

    found = coverage(ride.patient, MONDAY, MONDAY + timedelta(days=13))

    assert [(o.day, o.names, o.gap) for o in found] == [
        (TUESDAY, ["Pat", "Sam"], 0),
        (THURSDAY, ["Sam"], 1),
        (date(2027, 3, 16), [], 2),
        (date(2027, 3, 18), [], 2),
    ]
    assert found[0].covered and found[0].people_needed == 2
    assert found[0].starts().hour == 17 and found[0].ends().hour == 18


def test_a_given_back_claim_opens_the_place_again(ride, shared, supporter):
    claim = claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    give_back_slot(claim=claim, actor=supporter)
    (tuesday,) = coverage(ride.patient, TUESDAY, TUESDAY)
    assert (tuesday.names, tuesday.gap) == ([], 2)


def test_upcoming_gaps_leave_out_covered_times_and_closed_tasks(ride, shared, sam, supporter):
    claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    claim_slot(task=ride, day=TUESDAY, contact=sam, actor=sam.user)
    help_task_create(patient=ride.patient, actor=None, kind="call", title="Undated call")
    done = help_task_create(
        patient=ride.patient, actor=None, kind="meal", title="Dinner", due_on=THURSDAY
    )
    HelpTask.objects.filter(pk=done.pk).update(status="done")

    gaps = upcoming_gaps(ride.patient, MONDAY)

    assert [o.day for o in gaps] == [THURSDAY, date(2027, 3, 16), date(2027, 3, 18)]


def make_tasks(patient, person, how_many: int) -> None:
    for number in range(how_many):
        task = help_task_create(
            patient=patient,
            actor=person,
            kind="meal",
            title=f"Dinner {number}",
            due_on=MONDAY + timedelta(days=1),
            repeat=Repeat.DAILY,
            repeat_count=10,
            people_needed=3,
        )
        yield task


@pytest.mark.parametrize("tasks", [2, 12])
def test_coverage_costs_the_same_queries_whatever_the_number(
    tasks, patient, person, shared, sam, supporter, django_assert_max_num_queries
):
    for task in make_tasks(patient, person, tasks):
        for offset in range(1, 5):
            claim_slot(task=task, day=MONDAY + timedelta(days=offset), contact=shared, actor=None)
            claim_slot(task=task, day=MONDAY + timedelta(days=offset), contact=sam, actor=None)
    patient.refresh_from_db()
    # The tasks and their claims (each with its contact) in the range: 2 queries.
    with django_assert_max_num_queries(2):
        found = coverage(patient, MONDAY, MONDAY + timedelta(days=13))
        names = [o.names for o in found]
    assert len(found) == tasks * 10 and names[0] == ["Pat", "Sam"]


def test_a_supporter_sees_only_patients_who_share_help_tasks(ride, contact, supporter, person):
    assert supporter_occasions(contact, MONDAY, MONDAY + timedelta(days=13)) == []
    grant(contact, person, ["help_tasks"])
    found = supporter_occasions([contact], MONDAY, MONDAY + timedelta(days=13))
    assert [o.day for o in found][:2] == [TUESDAY, THURSDAY]


def test_a_consent_without_help_tasks_shows_nothing(ride, contact, person):
    grant(contact, person, ["milestones"])
    assert supporter_occasions(contact, MONDAY, MONDAY + timedelta(days=13)) == []


def test_a_supporter_sees_which_are_theirs_and_the_open_places(ride, shared, sam, supporter):
    claim = claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    claim_slot(task=ride, day=THURSDAY, contact=sam, actor=sam.user)

    tuesday, thursday = supporter_occasions(shared, TUESDAY, THURSDAY)

    assert (tuesday.mine, tuesday.open_places) == (claim, 1)
    assert (thursday.mine, thursday.open_places, thursday.names) == (None, 1, ["Sam"])


def test_the_schedule_reads_in_words(ride):
    text = schedule_text(ride)
    assert "Tuesday, Thursday" in text and "17:00 to 18:00" in text and "2 people" in text
    assert "6 times" in text


def test_another_patients_tasks_are_not_in_the_coverage(ride, clinic, person):
    from accounts.models import Role
    from tests.factories import PatientFactory, member

    owner = member(Role.PATIENT, clinic)
    other = PatientFactory(clinic=clinic, user=owner, legal_name="Jordan Rivera")
    assert coverage(other, MONDAY, MONDAY + timedelta(days=13)) == []
    contact = helper(other, owner, "Robin Doe")
    grant(contact, owner, ["help_tasks"])
    assert supporter_occasions(contact, MONDAY, MONDAY + timedelta(days=13)) == []


def test_a_time_window_without_end_and_any_time(patient, person):
    task = help_task_create(
        patient=patient, actor=person, kind="call", title="Call", due_on=TUESDAY, starts_at=time(9)
    )
    (found,) = coverage(patient, TUESDAY, TUESDAY)
    assert found.ends() is None and found.starts().hour == 9 and found.task == task
