"""GET /api/v1/patients/{patient_id}/fhir/ and GET /api/v1/fhir/export/ over the API test world
(tests/api/conftest.py): who may read what, the supporter's consented view before and after a
consent changes, the audit of every export and a query count that does not grow with the data."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Action, AuditEvent
from coping.plan import empty_plan
from coping.services import plan_save
from interop.fhir import supporter_types
from networks.consent import consented_scopes
from networks.models import Consent, Scope
from networks.services import consent_grant, consent_revoke
from patients.models import ClinicalNote, TeamRole
from patients.services import care_team_add
from tests.api.conftest import World, as_user
from tests.factories import (
    AppointmentFactory,
    AssessmentFactory,
    CheckInFactory,
    MilestoneFactory,
    PatientFactory,
    member,
)
from tests.interop.fhir_checks import by_type, types_of, validate_bundle

pytestmark = pytest.mark.django_db


def fhir_url(patient_id: int) -> str:
    return reverse("api:patient-fhir", kwargs={"patient_id": patient_id})


def export_lines(response) -> list[dict]:
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def supporter_contact(world: World):
    return world.patient.contacts.get(user=world.supporter)


def grant(world: World, scopes: list[str]) -> Consent:
    return consent_grant(
        contact=supporter_contact(world),
        actor=world.person,
        scopes=scopes,
        purpose="Support in recovery",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


def add_history(world: World, days: int, *, since: int = 0) -> None:
    """Check-ins, assessments, sessions and milestones: the rows a bundle grows with (one a
    day, `since` days back and before)."""
    today = timezone.localdate() - timedelta(days=since)
    for offset in range(days):
        CheckInFactory(patient=world.patient, local_date=today - timedelta(days=offset + 1))
        AssessmentFactory(patient=world.patient, local_date=today - timedelta(days=offset))
        appointment = AppointmentFactory(patient=world.patient, clinic=world.patient.clinic)
        appointment.staff_attendees.add(world.clinician)
        appointment.network_attendees.add(supporter_contact(world))
        MilestoneFactory(patient=world.patient)


# --- Who reads what ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["clinician", "admin", "person"])
def test_the_care_team_the_admin_and_the_person_read_the_whole_record(world: World, who: str):
    add_history(world, 2)

    response = as_user(getattr(world, who)).get(fhir_url(world.patient.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = response.json()
    validate_bundle(bundle)
    assert {
        "Patient",
        "CareTeam",
        "RelatedPerson",
        "Consent",
        "Observation",
        "QuestionnaireResponse",
        "Appointment",
        "Goal",
        "CarePlan",
    } <= types_of(bundle)
    assert by_type(bundle, "Patient")[0]["identifier"][0]["value"] == world.patient.mrn


def test_a_client_asking_for_fhir_json_gets_it(world: World):
    response = as_user(world.clinician).get(
        fhir_url(world.patient.pk), HTTP_ACCEPT="application/fhir+json"
    )

    assert response.status_code == 200
    validate_bundle(response.json())


def test_clinical_notes_are_never_exported(world: World):
    ClinicalNote.objects.create(
        patient=world.patient, author=world.clinician, body="Private note zebra-4471"
    )

    response = as_user(world.clinician).get(fhir_url(world.patient.pk))

    assert "zebra-4471" not in response.content.decode()


def test_a_clinician_off_the_care_team_and_another_clinic_get_404(world: World, other_clinic):
    colleague = member(Role.CLINICIAN, world.patient.clinic)
    stranger = member(Role.ADMIN, other_clinic)
    someone_else = PatientFactory(clinic=world.patient.clinic)

    assert as_user(colleague).get(fhir_url(world.patient.pk)).status_code == 404
    assert as_user(stranger).get(fhir_url(world.patient.pk)).status_code == 404
    assert as_user(world.person).get(fhir_url(someone_else.pk)).status_code == 404
    assert as_user(world.supporter).get(fhir_url(someone_else.pk)).status_code == 404
    assert as_user(world.clinician).get(fhir_url(999999)).status_code == 404


def test_the_bundle_is_read_only(world: World):
    response = as_user(world.clinician).post(fhir_url(world.patient.pk), {}, format="json")

    assert response.status_code == 405


# --- The supporter's view ---------------------------------------------------------------------


def test_the_supporter_gets_only_the_consented_resources_before_and_after_a_change(
    world: World,
):
    contact = supporter_contact(world)
    appointment = AppointmentFactory(
        patient=world.patient,
        clinic=world.patient.clinic,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=1),
    )
    appointment.network_attendees.add(contact)
    CheckInFactory(patient=world.patient)
    AssessmentFactory(patient=world.patient)
    api = as_user(world.supporter)

    # The world's consent: help tasks and milestones.
    first = api.get(fhir_url(world.patient.pk)).json()
    validate_bundle(first)
    assert types_of(first) <= supporter_types({Scope.HELP_TASKS, Scope.MILESTONES})
    assert "CarePlan" not in types_of(first) and "Appointment" not in types_of(first)

    # A new consent adds the coping plan and sessions (and replaces the first).
    consent = grant(world, [Scope.COPING_PLAN, Scope.APPOINTMENTS])
    second = api.get(fhir_url(world.patient.pk)).json()
    validate_bundle(second)
    assert {"CarePlan", "Appointment"} <= types_of(second)
    assert types_of(second) <= supporter_types({Scope.COPING_PLAN, Scope.APPOINTMENTS})
    assert "Goal" not in types_of(second)
    assert [c["id"] for c in by_type(second, "Consent")] == [
        e["resource"]["id"] for e in second["entry"] if e["resource"]["resourceType"] == "Consent"
    ]
    assert len(by_type(second, "Consent")) == 1  # only the consent in force

    # Revoked: nothing is shared, as if there were nothing there.
    consent_revoke(consent=consent, actor=world.person)
    assert api.get(fhir_url(world.patient.pk)).status_code == 404


def test_the_supporter_never_gets_answers_scores_notes_or_other_people(world: World):
    grant(world, list(Scope.values))
    CheckInFactory(patient=world.patient, note="Hard day quokka-9")
    AssessmentFactory(patient=world.patient)
    ClinicalNote.objects.create(patient=world.patient, author=world.clinician, body="n-7731")

    bundle = as_user(world.supporter).get(fhir_url(world.patient.pk)).json()

    text = json.dumps(bundle)
    assert "quokka-9" not in text and "n-7731" not in text
    assert not by_type(bundle, "QuestionnaireResponse")
    assert not by_type(bundle, "Practitioner") and not by_type(bundle, "CareTeam")
    assert "valueQuantity" not in text and "valueInteger" not in text
    assert world.patient.mrn not in text and world.patient.legal_name not in text
    assert [r["name"][0]["text"] for r in by_type(bundle, "RelatedPerson")] == ["Pat Rivera"]


def test_the_supporters_care_plan_holds_only_what_the_person_marked_shareable(world: World):
    plan = empty_plan()
    plan["warning_signs"] = [
        {"text": "Skipping meals", "shareable": True},
        {"text": "Secret sign walrus", "shareable": False},
    ]
    plan["triggers"] = [
        {"category": "places", "description": "The old bar", "intensity": 5, "shareable": True}
    ]
    plan_save(patient=world.patient, actor=world.clinician, content=plan)
    grant(world, [Scope.COPING_PLAN])

    bundle = as_user(world.supporter).get(fhir_url(world.patient.pk)).json()
    staff = as_user(world.clinician).get(fhir_url(world.patient.pk)).json()

    notes = [n["text"] for n in by_type(bundle, "CarePlan")[0]["note"]]
    assert any("Skipping meals" in n for n in notes)
    assert not any("walrus" in n for n in notes)
    assert not any("intensity" in n for n in notes)  # no numbers reach a supporter
    staff_notes = [n["text"] for n in by_type(staff, "CarePlan")[0]["note"]]
    assert any("walrus" in n for n in staff_notes)


# --- The audit --------------------------------------------------------------------------------


def test_every_bundle_read_is_an_audited_export(world: World):
    as_user(world.clinician).get(fhir_url(world.patient.pk))
    as_user(world.supporter).get(fhir_url(world.patient.pk))

    events = list(AuditEvent.objects.filter(action=Action.EXPORT).order_by("pk"))
    assert [(e.actor, e.patient_id, e.details["api"]) for e in events] == [
        (world.clinician, world.patient.pk, "fhir"),
        (world.supporter, world.patient.pk, "fhir"),
    ]
    contact = world.patient.contacts.get(user=world.supporter)
    granted = sorted(consented_scopes(contact))
    assert {Scope.HELP_TASKS, Scope.MILESTONES} <= set(granted)
    assert events[1].details["scopes"] == granted


def test_a_refused_read_is_not_audited(world: World, other_clinic):
    stranger = member(Role.ADMIN, other_clinic)

    as_user(stranger).get(fhir_url(world.patient.pk))

    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


# --- Query budgets ----------------------------------------------------------------------------


def bundle_queries(world: World) -> int:
    api = as_user(world.clinician)
    with CaptureQueriesContext(connection) as queries:
        assert api.get(fhir_url(world.patient.pk)).status_code == 200
    return len(queries)


def test_a_bundles_queries_do_not_grow_with_the_record(world: World, django_assert_max_num_queries):
    add_history(world, 2)
    small = bundle_queries(world)
    add_history(world, 25, since=2)

    # The user and clinic (3), the access rule (2), one query per kind of row the bundle
    # prefetches (about 12), the current plan version (1) and the audit event (1).
    with django_assert_max_num_queries(24):
        assert as_user(world.clinician).get(fhir_url(world.patient.pk)).status_code == 200
    assert bundle_queries(world) == small


def export_queries(world: World) -> int:
    api = as_user(world.admin)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(reverse("api:fhir-export"))
        export_lines(response)
    return len(queries)


def test_the_exports_queries_do_not_grow_with_the_patients(
    world: World, django_assert_max_num_queries
):
    small = export_queries(world)
    for _ in range(6):
        patient = PatientFactory(clinic=world.patient.clinic)
        care_team_add(
            patient=patient,
            clinician=world.clinician,
            actor=world.clinician,
            team_role=TeamRole.PRIMARY_COUNSELOR,
            is_primary=True,
        )
        CheckInFactory(patient=patient)
        AssessmentFactory(patient=patient, instrument="gad7", answers=[1] * 7, total=7)

    # The user and clinic (3), the patient ids and the audit event with its rows (4), one
    # query per kind of row per chunk of patients (about 12).
    with django_assert_max_num_queries(26):
        export_lines(as_user(world.admin).get(reverse("api:fhir-export")))
    assert export_queries(world) == small


# --- The clinic's export ----------------------------------------------------------------------


def test_the_export_names_each_patient_once_and_is_audited(world: World):
    other = PatientFactory(clinic=world.patient.clinic)

    response = as_user(world.admin).get(reverse("api:fhir-export"))

    lines = export_lines(response)
    assert response["Content-Disposition"].startswith("attachment;")
    patients = [line for line in lines if line["resourceType"] == "Patient"]
    assert sorted(p["identifier"][0]["value"] for p in patients) == sorted(
        [world.patient.mrn, other.mrn]
    )
    practitioners = [line for line in lines if line["resourceType"] == "Practitioner"]
    assert len(practitioners) == len({p["id"] for p in practitioners})
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.details["patients"] == 2
    assert set(event.listed_patients.values_list("patient_id", flat=True)) == {
        world.patient.pk,
        other.pk,
    }


@pytest.mark.parametrize("who", ["clinician", "person", "supporter"])
def test_only_the_clinic_admin_may_export_the_clinic(world: World, who: str):
    response = as_user(getattr(world, who)).get(reverse("api:fhir-export"))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_another_clinics_admin_exports_only_their_own_clinic(world: World, other_clinic):
    stranger = member(Role.ADMIN, other_clinic)

    lines = export_lines(as_user(stranger).get(reverse("api:fhir-export")))

    assert world.patient.mrn not in json.dumps(lines)
