import pytest

from accounts.models import Role
from networks.models import ContactStatus, Relationship
from networks.services import contact_add
from patients.models import TeamRole
from patients.services import care_team_add
from tests.factories import PatientFactory, member


@pytest.fixture
def team_clinician(clinic):
    return member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")


@pytest.fixture
def person(clinic):
    return member(Role.PATIENT, clinic, full_name="Jordan Rivera")


@pytest.fixture
def patient(clinic, team_clinician, person):
    patient = PatientFactory(
        clinic=clinic, legal_name="Jordan Rivera", user=person, time_zone="America/New_York"
    )
    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=team_clinician,
    )
    return patient


@pytest.fixture
def supporter(clinic):
    return member(Role.SUPPORTER, clinic, full_name="Pat Rivera", email="pat@example.org")


@pytest.fixture
def contact(patient, supporter, team_clinician):
    """An active contact linked to the supporter's account, with no consent yet."""
    contact = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Pat Rivera",
        relationship=Relationship.PARENT,
        email="pat@example.org",
    )
    contact.user = supporter
    contact.status = ContactStatus.ACTIVE
    contact.save()
    return contact
