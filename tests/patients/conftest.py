import pytest

from accounts.models import Role
from patients.models import TeamRole
from patients.services import care_team_add
from tests.factories import PatientFactory, member


@pytest.fixture
def team_clinician(clinic):
    return member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")


@pytest.fixture
def colleague(clinic):
    """A clinician of the same clinic who is not on the patient's care team."""
    return member(Role.CLINICIAN, clinic, full_name="Robin Mbeki")


@pytest.fixture
def outsider(other_clinic):
    return member(Role.CLINICIAN, other_clinic)


@pytest.fixture
def patient(clinic, team_clinician):
    patient = PatientFactory(clinic=clinic, legal_name="Jordan Rivera", mrn="HRB-0001")
    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=team_clinician,
    )
    return patient
