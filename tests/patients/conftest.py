import pytest

from accounts.models import Role
from tests.factories import member


@pytest.fixture
def patient_fields() -> dict[str, object]:
    """The chart's patient here has no sign-in of their own, and a known record number."""
    return {"mrn": "HRB-0001"}


@pytest.fixture
def colleague(clinic):
    """A clinician of the same clinic who is not on the patient's care team."""
    return member(Role.CLINICIAN, clinic, full_name="Robin Mbeki")


@pytest.fixture
def outsider(other_clinic):
    return member(Role.CLINICIAN, other_clinic)
