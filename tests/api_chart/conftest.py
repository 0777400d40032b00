import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User
from tests.factories import member


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def colleague(clinic) -> User:
    """A clinician of the same clinic who is not on the patient's care team."""
    return member(Role.CLINICIAN, clinic, full_name="Robin Mbeki")


@pytest.fixture
def outsider(other_clinic) -> User:
    """A clinician of another clinic."""
    return member(Role.CLINICIAN, other_clinic)


@pytest.fixture
def other_admin(other_clinic) -> User:
    return member(Role.ADMIN, other_clinic)
