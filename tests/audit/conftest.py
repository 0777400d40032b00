"""People for the audit tests: a patient (Jordan Rivera, with an account) in `clinic`, the
primary clinician, a supporter with an account, and the clinic admin signed in."""

import pytest
from django.test import Client

from accounts.models import Role, User
from networks.models import ContactStatus, Relationship, SupportContact
from networks.services import contact_add
from patients.models import Patient, TeamRole
from patients.services import care_team_add
from tests.factories import PatientFactory, member


@pytest.fixture
def team_clinician(clinic) -> User:
    return member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")


@pytest.fixture
def person(clinic) -> User:
    return member(Role.PATIENT, clinic, full_name="Jordan Rivera", email="jordan@example.org")


@pytest.fixture
def patient(clinic, team_clinician, person) -> Patient:
    patient = PatientFactory(
        clinic=clinic,
        legal_name="Jordan Rivera",
        user=person,
        mrn="HR-100",
        time_zone="America/New_York",
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
def supporter(clinic) -> User:
    return member(Role.SUPPORTER, clinic, full_name="Pat Rivera", email="pat@example.org")


@pytest.fixture
def contact(patient, supporter, team_clinician) -> SupportContact:
    contact = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Mom (Pat)",
        relationship=Relationship.PARENT,
        email="pat@example.org",
    )
    contact.user = supporter
    contact.status = ContactStatus.ACTIVE
    contact.save()
    return contact


@pytest.fixture
def admin_signed_in(client: Client, clinic_admin) -> Client:
    client.force_login(clinic_admin)
    return client
