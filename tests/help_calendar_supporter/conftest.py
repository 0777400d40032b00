"""The help calendar from the supporter's side: Jordan (New York) asks for a weekly ride on
Tuesdays, 17:00 to 18:00, two people needed; Pat (Chicago) and Sam (the patient's zone) support
Jordan and share help tasks. Time is pinned to Tuesday 1 December 2026 (UTC)."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from accounts.models import Role
from networks.models import (
    ContactStatus,
    HelpKind,
    HelpSlotClaim,
    HelpTask,
    Relationship,
    Repeat,
    Scope,
    SupportContact,
)
from networks.services import consent_grant
from tests.factories import member

NOW = datetime(2026, 12, 1, 15, tzinfo=UTC)  # Tuesday 1 Dec, 10:00 in New York
TUESDAY = date(2026, 12, 8)  # 17:00 New York = 22:00 UTC = 16:00 Chicago
DAY_BEFORE = datetime(2026, 12, 7, 22, tzinfo=UTC)  # 24 h before the start
HOUR_BEFORE = datetime(2026, 12, 8, 21, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def grant(contact: SupportContact, person: object, scopes: list[str]) -> object:
    return consent_grant(
        contact=contact,
        actor=person,
        scopes=scopes,
        purpose="To support me",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


def add_supporter(
    clinic: object,
    patient: object,
    person: object,
    name: str,
    *,
    scopes: list[str] | None = None,
    time_zone: str = "",
    language: str = "",
) -> SupportContact:
    """An active contact with an account; help tasks shared unless `scopes` says otherwise."""
    user = member(
        Role.SUPPORTER,
        clinic,
        full_name=name,
        email=f"{name.split()[0].lower()}@example.org",
        time_zone=time_zone,
        language=language,
    )
    contact = SupportContact.objects.create(
        patient=patient,
        name=name,
        relationship=Relationship.FRIEND,
        email=user.email,
        status=ContactStatus.ACTIVE,
        user=user,
    )
    grant(contact, person, [Scope.HELP_TASKS.value] if scopes is None else scopes)
    return contact


@pytest.fixture
def pat(clinic, patient, person) -> SupportContact:
    return add_supporter(clinic, patient, person, "Pat Rivera", time_zone="America/Chicago")


@pytest.fixture
def sam(clinic, patient, person) -> SupportContact:
    return add_supporter(clinic, patient, person, "Sam Okafor")


def weekly_ride(patient: object, **fields: object) -> HelpTask:
    values = {
        "patient": patient,
        "kind": HelpKind.RIDE,
        "title": "Ride to group",
        "due_on": date(2026, 12, 1),
        "repeat": Repeat.WEEKLY,
        "weekdays": [1],
        "repeat_count": 8,
        "starts_at": time(17),
        "ends_at": time(18),
        "people_needed": 2,
        **fields,
    }
    return HelpTask.objects.create(**values)


@pytest.fixture
def ride(patient) -> HelpTask:
    return weekly_ride(patient)


def take(task: HelpTask, contact: SupportContact, day: date = TUESDAY) -> HelpSlotClaim:
    return HelpSlotClaim.objects.create(task=task, occurs_on=day, contact=contact)
