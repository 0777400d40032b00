"""The demo person in recovery has what use cost entered and a streak badge; seeding twice
changes nothing."""

from datetime import timedelta

import pytest

from accounts.models import Role
from coping.badges import achievements_for, regained
from coping.demo_milestones import seed_milestones
from coping.models import CheckIn, UseCost
from tests.factories import CheckInFactory, PatientFactory, member
from tests.milestones.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_demo_person_has_a_use_cost_and_a_streak_badge_and_seeding_is_idempotent(
    frozen, clinic
):
    user = member(Role.PATIENT, clinic, email="patient@demo.clinic")
    patient = PatientFactory(clinic=clinic, user=user, recovery_start=TODAY - timedelta(days=40))
    CheckInFactory(patient=patient, local_date=TODAY - timedelta(days=3), mood=2)

    assert seed_milestones(clinic, TODAY) == patient
    seed_milestones(clinic, TODAY)

    assert UseCost.objects.filter(patient=patient).count() == 1
    assert CheckIn.objects.filter(patient=patient).count() == 7
    assert CheckIn.objects.get(patient=patient, local_date=TODAY - timedelta(days=3)).mood == 2
    found = achievements_for(patient, TODAY)
    assert {"streak-3", "streak-7"} <= {badge.key for badge in found.earned}
    assert regained(UseCost.objects.get(), patient.recovery_start, TODAY).money > 0


def test_a_clinic_without_a_demo_person_is_left_alone(clinic):
    assert seed_milestones(clinic, TODAY) is None
