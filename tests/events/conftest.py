from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, EventInvitation, EventKind
from networks.models import ContactStatus, Relationship, SupportContact


@pytest.fixture
def patient_fields(person) -> dict[str, object]:
    """A middle name and a record number the event pages must never show."""
    return {"user": person, "legal_name": "Jordan Quincy Rivera", "mrn": "MRN-77123"}


@pytest.fixture
def contact(patient, supporter) -> SupportContact:
    """Pat's active contact row, made directly (no invitation, no audit event)."""
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
