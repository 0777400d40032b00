"""The help calendar's world: Jordan (America/New_York) on Monday 8 March 2027, 10:00 local,
the week before the clocks go forward; Pat (the conftest's supporter) shares help tasks."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Role, User
from networks.models import ContactStatus, HelpTask, Relationship, Repeat, SupportContact
from networks.services import consent_grant, contact_add, help_task_create
from patients.models import Patient
from tests.factories import member

MONDAY = date(2027, 3, 8)
NOW = datetime(2027, 3, 8, 10, 0, tzinfo=ZoneInfo("America/New_York"))
TUESDAY, THURSDAY = 1, 3


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


def grant(contact: SupportContact, actor: User, scopes: list[str]) -> None:
    consent_grant(
        contact=contact,
        actor=actor,
        scopes=scopes,
        purpose="To support me",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


def helper(patient: Patient, actor: User, name: str, *, user: User | None = None) -> SupportContact:
    contact = contact_add(
        patient=patient,
        actor=actor,
        name=name,
        relationship=Relationship.FRIEND,
        email=f"{name.split()[0].lower()}@example.org",
    )
    contact.status = ContactStatus.ACTIVE
    contact.user = user
    contact.save()
    return contact


@pytest.fixture
def shared(contact: SupportContact, person: User) -> SupportContact:
    """Pat, with help tasks shared."""
    grant(contact, person, ["help_tasks"])
    return contact


@pytest.fixture
def sam(clinic, patient, person) -> SupportContact:
    """A second supporter (Sam Lee, with a sign-in) who shares help tasks too."""
    user = member(Role.SUPPORTER, clinic, full_name="Sam Lee", email="sam@example.org")
    contact = helper(patient, person, "Sam Lee", user=user)
    grant(contact, person, ["help_tasks"])
    return contact


@pytest.fixture
def ride(patient: Patient, person: User) -> HelpTask:
    """Tuesdays and Thursdays 17:00 to 18:00, two people each time, from tomorrow, 6 times."""
    return help_task_create(
        patient=patient,
        actor=person,
        kind="ride",
        title="A ride to group",
        due_on=date(2027, 3, 9),
        repeat=Repeat.WEEKLY,
        weekdays=[TUESDAY, THURSDAY],
        repeat_count=6,
        starts_at=time(17, 0),
        ends_at=time(18, 0),
        people_needed=2,
    )
