import pytest

from accounts.models import Organization
from tests.api.conftest import World, make_world


@pytest.fixture
def world(clinic: Organization) -> World:
    """The API test world (tests/api/conftest.py): a patient with a care team, a supporter
    sharing help tasks and milestones, a plan, an appointment."""
    return make_world(clinic)
