"""Shared by the networks API tests: a signed-in client, a consent, and a person of another
clinic with a contact of their own (for the 404 across clinics)."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Organization, Role, User
from networks.models import Consent, ContactStatus, Relationship, SupportContact
from networks.services import consent_grant, contact_add
from patients.models import Patient, TeamRole
from patients.services import care_team_add
from tests.factories import PatientFactory, member


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def grant(contact: SupportContact, person: User, scopes: list[str], **extra: object) -> Consent:
    """The person signs a consent in the app."""
    data = {
        "purpose": "To support my recovery",
        "signed_name": "Jordan Rivera",
        "signature_method": "in_app",
        "expires_on_event": "discharge",
    } | extra
    return consent_grant(contact=contact, actor=person, scopes=scopes, **data)


def add_contact(patient: Patient, actor: User, name: str, **fields: object) -> SupportContact:
    fields.setdefault("email", f"{name.split()[0].lower()}@example.org")
    return contact_add(
        patient=patient, actor=actor, name=name, relationship=Relationship.FRIEND, **fields
    )


def linked(contact: SupportContact, user: User) -> SupportContact:
    """The contact joined as `user` (an accepted invitation)."""
    contact.user, contact.status = user, ContactStatus.ACTIVE
    contact.save()
    return contact


@pytest.fixture
def elsewhere(other_clinic: Organization) -> SupportContact:
    """A contact of a person in recovery at the other clinic, on that clinic's care team."""
    clinician = member(Role.CLINICIAN, other_clinic)
    patient = PatientFactory(clinic=other_clinic, legal_name="Robin Lakeside")
    care_team_add(
        patient=patient,
        clinician=clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=clinician,
    )
    return add_contact(patient, clinician, "Sam Lakeside")
