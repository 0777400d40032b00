"""The people of tests/conftest.py (Jordan, their care team, Pat a supporter), an API client
for each, and a stranger of another clinic."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Organization, Role, User
from networks.models import Consent, SignatureMethod, SupportContact
from networks.services import consent_grant
from tests.factories import member


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def grant(contact: SupportContact, scopes: list[str]) -> Consent:
    """The patient signs a consent in the app for these scopes (until discharge)."""
    return consent_grant(
        contact=contact,
        actor=contact.patient.user,
        scopes=scopes,
        purpose="To support my recovery",
        signed_name=contact.patient.legal_name,
        signature_method=SignatureMethod.IN_APP,
        expires_on_event="discharge",
    )


def ids(response: object) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def colleague(clinic: Organization) -> User:
    """A clinician of the same clinic, not on Jordan's care team."""
    return member(Role.CLINICIAN, clinic)


@pytest.fixture
def outsider(other_clinic: Organization) -> User:
    return member(Role.ADMIN, other_clinic)


@pytest.fixture
def outside_clinician(other_clinic: Organization) -> User:
    return member(Role.CLINICIAN, other_clinic)
