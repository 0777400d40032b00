"""The calendars tests' world, at a pinned time: Jordan Rivera (in recovery since 1 January
2026, New York) in the Harbor clinic, Pat Rivera her supporter with a consent to share
milestones, help tasks and sessions, a help task Pat claimed, a family session Pat is invited
to, a workshop of the clinic Pat is invited to, and Jordan's own appointments."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from accounts.models import User
from calendars.models import CalendarFeed
from calendars.services import feed_ensure
from networks.models import Consent, HelpTask, Scope, SupportContact
from networks.services import consent_grant, help_task_claim, help_task_create
from patients.models import Appointment, Patient
from tests.factories import AppointmentFactory, EventFactory, EventInvitationFactory

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)  # 10:00 in New York
ALL_SHARED = [Scope.MILESTONES, Scope.HELP_TASKS, Scope.APPOINTMENTS]


@pytest.fixture(autouse=True)
def pinned() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def patient_fields(person) -> dict[str, object]:
    return {"user": person, "recovery_start": date(2026, 1, 1)}


def grant(contact: SupportContact, actor: User, scopes: list[str]) -> Consent:
    return consent_grant(
        contact=contact,
        actor=actor,
        scopes=scopes,
        purpose="To support my recovery",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


@pytest.fixture
def consent(contact: SupportContact, person: User) -> Consent:
    return grant(contact, person, ALL_SHARED)


@pytest.fixture
def claimed_task(patient: Patient, person: User, contact: SupportContact, consent) -> HelpTask:
    task = help_task_create(
        patient=patient,
        actor=person,
        kind="ride",
        title="A ride on Thursday",
        due_on=date(2026, 3, 12),
    )
    return help_task_claim(task=task, contact=contact)


@pytest.fixture
def family_session(patient: Patient, contact: SupportContact) -> Appointment:
    appointment = AppointmentFactory(
        patient=patient,
        kind="family_therapy",
        title="Family therapy with Dr. Lee",
        location="Harbor Recovery Center, room 2",
        starts_at=NOW + timedelta(days=3),
        ends_at=NOW + timedelta(days=3, hours=1),
    )
    appointment.network_attendees.add(contact)
    return appointment


@pytest.fixture
def workshop_invitation(clinic, contact: SupportContact):
    event = EventFactory(
        clinic=clinic,
        title="Harbor family workshop on opioid use disorder",
        starts_at=NOW + timedelta(days=5),
        ends_at=NOW + timedelta(days=5, hours=2),
    )
    return EventInvitationFactory(event=event, patient=None, contact=contact)


@pytest.fixture
def supporter_feed(
    patient, contact, supporter, consent, claimed_task, family_session, workshop_invitation
) -> CalendarFeed:
    return feed_ensure(patient=patient, contact=contact, actor=supporter)


@pytest.fixture
def own_appointment(patient: Patient) -> Appointment:
    return AppointmentFactory(
        patient=patient,
        kind="individual",
        title="Counseling",
        location="Room 2",
        starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=1, hours=1),
    )


@pytest.fixture
def patient_feed(patient, person, own_appointment) -> CalendarFeed:
    return feed_ensure(patient=patient, actor=person)


def feed_path(feed: CalendarFeed) -> str:
    return f"/calendar/feed/{feed.token}.ics"


def fetch(feed_or_path: CalendarFeed | str) -> object:
    path = feed_or_path if isinstance(feed_or_path, str) else feed_path(feed_or_path)
    return Client().get(path)


def parse(response: object) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events_of(calendar: Calendar) -> list:
    return [c for c in calendar.walk() if c.name in ("VEVENT", "VTODO")]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
