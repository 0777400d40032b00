"""The audit tests use the shared people of tests/conftest.py (Jordan Rivera with an account,
the primary clinician, a supporter with an account, the clinic admin signed in), with the
record number and the contact's name their trails are searched by."""

import pytest


@pytest.fixture
def patient_fields(person) -> dict[str, object]:
    return {"user": person, "mrn": "HR-100"}


@pytest.fixture
def contact_name() -> str:
    return "Mom (Pat)"
