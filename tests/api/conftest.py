"""One small clinic with a row of every kind the API serves, and who may write each."""

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from accounts.models import Organization, Role, User
from coping.plan import empty_plan
from coping.services import plan_save
from networks.models import ContactStatus, Relationship
from networks.services import consent_grant, contact_add, help_task_create
from patients.models import Patient, TeamRole
from patients.services import care_team_add
from tests.factories import AlertFactory, AppointmentFactory, PatientFactory, member

# role -> (operations, cases) of the schemathesis run (tests/api/test_schemathesis.py), printed
# in the run's summary (pytest runs with -ra, not -s).
SCHEMATHESIS_RUNS: dict[str, tuple[int, int]] = {}
# page URL name -> why it has no twin under /api/v1/ (tests/api/test_api_twins.py).
PAGES_WITHOUT_TWIN: dict[str, str] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if PAGES_WITHOUT_TWIN:
        terminalreporter.section("page actions without an API twin, and why")
        for page, reason in sorted(PAGES_WITHOUT_TWIN.items()):
            terminalreporter.write_line(f"{page}: {reason}")
    if not SCHEMATHESIS_RUNS:
        return
    terminalreporter.section("schemathesis over /api/schema/")
    for role, (operations, cases) in SCHEMATHESIS_RUNS.items():
        terminalreporter.write_line(f"as {role}: {operations} operations, {cases} cases")


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@dataclass
class World:
    clinician: User
    admin: User
    person: User
    supporter: User
    patient: Patient
    ids: dict[str, int]

    def path(self, template: str) -> str:
        """A schema path with real ids (`{patient_id}`, `{contact_id}`, ...)."""
        return template.format(**self.ids)


@pytest.fixture
def world(clinic) -> World:
    return make_world(clinic)


def make_world(clinic: Organization) -> World:
    """The people and rows of `world`, for a fixture of a wider scope (test_probe_data.py)."""
    clinician = member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")
    admin = member(Role.ADMIN, clinic, full_name="Ari Admin")
    person = member(Role.PATIENT, clinic, full_name="Jordan Rivera")
    supporter = member(Role.SUPPORTER, clinic, full_name="Pat Rivera", email="pat@example.org")
    patient = PatientFactory(
        clinic=clinic, legal_name="Jordan Rivera", user=person, time_zone="America/New_York"
    )
    member_row = care_team_add(
        patient=patient,
        clinician=clinician,
        actor=clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
    )
    contact = contact_add(
        patient=patient,
        actor=clinician,
        name="Pat Rivera",
        relationship=Relationship.PARENT,
        email="pat@example.org",
    )
    contact.user, contact.status = supporter, ContactStatus.ACTIVE
    contact.save()
    consent = consent_grant(
        contact=contact,
        actor=person,
        scopes=["help_tasks", "milestones"],
        purpose="Support in recovery",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )
    task = help_task_create(patient=patient, actor=person, kind="meal", title="Dinner")
    version = plan_save(patient=patient, actor=clinician, content=empty_plan())
    appointment = AppointmentFactory(patient=patient)
    alert = AlertFactory(patient=patient)
    ids = {
        "patient_id": patient.pk,
        "member_id": member_row.pk,
        "contact_id": contact.pk,
        "consent_id": consent.pk,
        "task_id": task.pk,
        "number": version.number,
        "appointment_id": appointment.pk,
        "alert_id": alert.pk,
        "slug": "caseload",
    }
    world = World(clinician, admin, person, supporter, patient, ids)
    # Each area adds its own rows and path ids in tests/api/world_<area>.py (`extend(world)`
    # returns the ids it adds), so the areas of the API grow without editing this file.
    for module in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if module.name.startswith("world_"):
            extend = importlib.import_module(f"tests.api.{module.name}").extend
            world.ids.update(extend(world))
    return world
