"""Milestones, badges and money and hours regained: the person in recovery (Jordan, New York)
on a pinned day, and helpers to give them check-ins and setbacks."""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import time_machine

from coping.models import CheckIn
from patients.models import Patient

# Saturday 5 December 2026, 10:00 in New York (15:00 UTC).
NOW = "2026-12-05T10:00:00-05:00"
TODAY = date(2026, 12, 5)


@pytest.fixture
def frozen() -> Iterator[object]:
    """Asked for before the people, so their records are made that day too."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def checkins_on(patient: Patient, days: list[date], **fields: object) -> None:
    CheckIn.objects.bulk_create(
        CheckIn(patient=patient, local_date=day, mood=6, craving=2, stress=3, **fields)
        for day in days
    )


def days_back(first: int, last: int = 0, today: date = TODAY) -> list[date]:
    """The local days from `first` days ago to `last` days ago, oldest first."""
    return [today - timedelta(days=n) for n in range(first, last - 1, -1)]
