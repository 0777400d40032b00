"""The engagement tests use the shared people of tests/conftest.py; here their supporter is a
friend added by the patient, and helpers grant consents as the patient signing in the app."""

import pytest

from accounts.models import Role
from networks.models import Consent, ContactStatus, Relationship, SignatureMethod, SupportContact
from networks.services import consent_grant, contact_add
from patients.models import Patient
from tests.factories import member


def grant(contact: SupportContact, scopes: list[str], **extra: object) -> Consent:
    """The patient signs a consent in the app for these scopes (until discharge)."""
    patient = contact.patient
    data = {
        "purpose": "To support my recovery",
        "signed_name": patient.legal_name,
        "signature_method": SignatureMethod.IN_APP,
        "expires_on_event": "discharge",
    }
    data.update(extra)
    return consent_grant(contact=contact, actor=patient.user, scopes=scopes, **data)


def add_supporter(
    patient: Patient, name: str, email: str, *, account: bool = True, **fields: object
) -> SupportContact:
    """An active contact, linked to a new supporter account unless account=False."""
    contact = contact_add(
        patient=patient,
        actor=patient.user,
        name=name,
        relationship=Relationship.FRIEND,
        email=email,
        **fields,
    )
    if account:
        contact.user = member(Role.SUPPORTER, patient.clinic, full_name=name, email=email)
    contact.status = ContactStatus.ACTIVE
    contact.save()
    return contact


@pytest.fixture
def contact(patient) -> SupportContact:
    """An active supporter with an account and no consent yet."""
    return add_supporter(patient, "Pat Rivera", "pat@example.org")
