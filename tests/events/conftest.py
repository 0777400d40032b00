from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from events.models import Event, EventInvitation, EventKind
from networks.models import ContactStatus, Relationship, SupportContact
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
        clinic=clinic, legal_name="Jordan Quincy Rivera", user=person, mrn="MRN-77123"
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
    return member(Role.SUPPORTER, clinic, full_name="Pat Rivera")


@pytest.fixture
def contact(patient, supporter):
    return SupportContact.objects.create(
        patient=patient,
        name="Pat Rivera",
        relationship=Relationship.PARENT,
        status=ContactStatus.ACTIVE,
        user=supporter,
    )


def make_event(clinic, creator, **fields):
    start = timezone.now() + timedelta(days=7)
    values = {
        "kind": EventKind.FAMILY_WORKSHOP,
        "title": "Family education workshop",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "place": "Room 1",
        "created_by": creator,
    }
    values.update(fields)
    return Event.objects.create(clinic=clinic, **values)


@pytest.fixture
def event(clinic, team_clinician):
    return make_event(clinic, team_clinician)


@pytest.fixture
def patient_invitation(event, patient):
    return EventInvitation.objects.create(event=event, patient=patient)


@pytest.fixture
def contact_invitation(event, contact):
    return EventInvitation.objects.create(event=event, contact=contact)
