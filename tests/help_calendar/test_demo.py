"""networks.demo_calendar.seed_help_calendar: the demo person's ride on Tuesdays and Thursdays,
two people each time, partly taken by the demo family member, so gaps show; safe twice."""

import pytest

from accounts.models import Role
from networks.demo_calendar import RIDE_TITLE, seed_help_calendar
from networks.help_calendar import coverage, upcoming_gaps
from networks.models import HelpSlotClaim, HelpTask
from tests.factories import PatientFactory, member
from tests.help_calendar.conftest import MONDAY, grant, helper

pytestmark = pytest.mark.django_db


def test_the_demo_shows_covered_times_and_gaps(clinic):
    person = member(Role.PATIENT, clinic, email="patient@demo.clinic", full_name="Jordan Rivera")
    patient = PatientFactory(clinic=clinic, user=person, legal_name="Jordan Rivera")
    family_user = member(Role.SUPPORTER, clinic, email="family@demo.clinic", full_name="Pat Rivera")
    family = helper(patient, person, "Pat Rivera", user=family_user)
    grant(family, person, ["help_tasks"])

    task = seed_help_calendar(clinic, MONDAY)
    seed_help_calendar(clinic, MONDAY)  # twice: the same

    assert HelpTask.objects.filter(title=RIDE_TITLE).count() == 1
    assert (task.weekdays, task.people_needed, task.starts_at.hour) == ([1, 3], 2, 17)
    assert HelpSlotClaim.objects.filter(contact=family).count() == 3
    found = coverage(patient, MONDAY, MONDAY.replace(day=21))
    assert any(o.names == ["Pat"] for o in found)
    assert len(upcoming_gaps(patient, MONDAY)) == 4  # every occasion still needs someone


def test_no_demo_person_no_task(clinic):
    assert seed_help_calendar(clinic, MONDAY) is None
