"""The coping API's people: the person in recovery (Jordan), their primary counselor, a clinic
admin (reads only), a clinician off the team, a supporter, and a clinician of another clinic."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.models import Organization, Role, User
from patients.models import Patient
from tests.factories import member


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(patient: Patient, part: str = "") -> str:
    return f"/api/v1/patients/{patient.pk}/{part}"


@pytest.fixture
def off_team(clinic: Organization) -> User:
    return member(Role.CLINICIAN, clinic, full_name="Sam Off-Team")


@pytest.fixture
def stranger(other_clinic: Organization) -> User:
    """A clinician of another clinic."""
    return member(Role.CLINICIAN, other_clinic, full_name="Lee Lakeside")


@pytest.fixture
def stranger_person(other_clinic: Organization) -> User:
    """A person in recovery of another clinic, with their own record there."""
    from tests.factories import PatientFactory

    user = member(Role.PATIENT, other_clinic, full_name="Alex Lakeside")
    PatientFactory(clinic=other_clinic, user=user, legal_name="Alex Lakeside")
    return user


NEW_YORK_MORNING = "2026-03-04T09:00:00-05:00"


@pytest.fixture
def frozen():
    """Wednesday 4 March 2026, 09:00 in New York (the person's zone): asked for before the
    people, so their records are made that day too."""
    import time_machine

    with time_machine.travel(NEW_YORK_MORNING, tick=False) as traveller:
        yield traveller


def queries_of(call: Callable[[], object]) -> int:
    """How many queries `call` runs (its answer must be a 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def add_checkins(patient: Patient, count: int, *, start: int = 0) -> None:
    """`count` check-ins on the days before today (`start` days back first)."""
    from datetime import timedelta

    from coping.models import CheckIn

    today = patient.local_today()
    CheckIn.objects.bulk_create(
        CheckIn(
            patient=patient,
            local_date=today - timedelta(days=start + n + 1),
            mood=5,
            craving=n % 10,
            stress=2,
            used_since_last=n % 7 == 0,
        )
        for n in range(count)
    )
