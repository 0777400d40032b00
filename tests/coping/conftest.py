import pytest

from accounts.models import Role
from patients.models import TeamRole
from patients.services import care_team_add
from tests.factories import PatientFactory, member


@pytest.fixture
def team_clinician(clinic):
    return member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")


@pytest.fixture
def person(clinic):
    """The person in recovery's own sign-in."""
    return member(Role.PATIENT, clinic, full_name="Jordan Rivera")


@pytest.fixture
def patient(clinic, team_clinician, person):
    patient = PatientFactory(
        clinic=clinic, legal_name="Jordan Rivera", time_zone="America/New_York", user=person
    )
    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=team_clinician,
    )
    return patient
