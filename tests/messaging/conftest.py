from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from messaging.models import ClinicHours
from networks.models import Scope
from tests.factories import ConsentFactory

UTC = ZoneInfo("UTC")
NEW_YORK = ZoneInfo("America/New_York")


def at_clinic(day: str, clock: str) -> datetime:
    """A moment on the clinic's wall clock (Harbor is in America/New_York)."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=NEW_YORK)


@pytest.fixture
def weekday_hours(clinic) -> list[ClinicHours]:
    """Monday to Friday, 09:00 to 17:00 in the clinic's zone."""
    return [
        ClinicHours.objects.create(clinic=clinic, weekday=day, opens=time(9), closes=time(17))
        for day in range(5)
    ]


@pytest.fixture
def messaging_contact(contact):
    """Pat, with a consent in force that shares messages with the care team."""
    ConsentFactory(contact=contact, scopes=[Scope.MESSAGES.value])
    return contact
