"""/api/v1/patients/: list, create, retrieve, update; who may do what; the schema."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import Organization, Role, User
from accounts.tokens import token_issue
from audit.models import Action, AuditEvent
from patients.models import (
    CareTeamMember,
    ClinicalNote,
    EmergencyAccess,
    Patient,
    PatientStatus,
    RecoveryDate,
    TeamRole,
)
from tests.factories import (
    AlertFactory,
    AppointmentFactory,
    CareTeamMemberFactory,
    MembershipFactory,
    PatientFactory,
    ProgramFactory,
    member,
)

pytestmark = pytest.mark.django_db

PATIENTS = "/api/v1/patients/"


def detail(patient: Patient) -> str:
    return f"{PATIENTS}{patient.pk}/"


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def on_team(clinician: User, clinic: Organization, **patient_fields: object) -> Patient:
    return CareTeamMemberFactory(
        clinician=clinician, patient=PatientFactory(clinic=clinic, **patient_fields)
    ).patient


@pytest.fixture
def patient(clinic: Organization, clinician: User) -> Patient:
    """A person in recovery on `clinician`'s care team."""
    return on_team(clinician, clinic, legal_name="Jordan Alvarez", mrn="HRC-1001")


@pytest.fixture
def colleague(clinic: Organization) -> User:
    """A clinician of the same clinic who is not on the patient's care team."""
    return member(Role.CLINICIAN, clinic)


@pytest.fixture
def outsider(other_clinic: Organization) -> User:
    return member(Role.CLINICIAN, other_clinic)


def ids(response: Response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def valid_intake(**overrides: object) -> dict[str, object]:
    data = {
        "mrn": "HRC-2001",
        "legal_name": "Samira Okafor",
        "preferred_name": "Sam",
        "date_of_birth": "1988-04-02",
        "time_zone": "America/Chicago",
        "status": PatientStatus.INTAKE,
    }
    data.update(overrides)
    return data


# --- List -------------------------------------------------------------------------------------


def test_clinician_lists_only_current_care_team_and_emergency_patients(
    clinic, other_clinic, clinician, colleague, patient
):
    theirs = on_team(colleague, clinic)
    ended = CareTeamMemberFactory(
        clinician=clinician, patient__clinic=clinic, ended_on=date(2026, 1, 1)
    ).patient
    elsewhere = on_team(clinician, other_clinic)  # same user id, another clinic's record
    emergency = PatientFactory(clinic=clinic)
    EmergencyAccess.objects.create(
        patient=emergency,
        user=clinician,
        reason="Crisis call at night",
        expires_at=timezone.now() + timedelta(hours=1),
    )

    response = as_user(clinician).get(PATIENTS)

    assert response.status_code == 200
    assert ids(response) == {patient.pk, emergency.pk}
    assert {theirs.pk, ended.pk, elsewhere.pk}.isdisjoint(ids(response))


def test_admin_lists_every_patient_of_their_clinic_only(
    clinic, other_clinic, clinic_admin, patient, colleague
):
    theirs = on_team(colleague, clinic)
    PatientFactory(clinic=other_clinic)

    response = as_user(clinic_admin).get(PATIENTS)

    assert ids(response) == {patient.pk, theirs.pk}


@pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORTER])
def test_people_in_recovery_and_supporters_see_no_patients(clinic, patient, role):
    user = member(role, clinic)
    api = as_user(user)

    assert api.get(PATIENTS).status_code == 404  # like the chart itself: not an empty list
    assert api.get(detail(patient)).status_code == 404
    assert api.post(PATIENTS, valid_intake(), format="json").status_code == 404
    assert not Patient.objects.filter(mrn="HRC-2001").exists()


def test_a_user_without_a_clinic_sees_nothing(patient):
    api = as_user(User.objects.create_user("drifter@example.org"))

    assert api.get(PATIENTS).status_code == 404
    assert api.get(detail(patient)).status_code == 404


def test_requests_without_a_token_are_401(patient):
    api = APIClient()

    assert api.get(PATIENTS).status_code == 401
    assert api.get(detail(patient)).status_code == 401
    assert api.post(PATIENTS, valid_intake(), format="json").status_code == 401
    assert api.patch(detail(patient), {"pronouns": "she/her"}, format="json").status_code == 401


def test_a_token_works_and_x_clinic_picks_the_clinic(clinic, other_clinic, clinician, patient):
    MembershipFactory(user=clinician, organization=other_clinic, role=Role.CLINICIAN)
    there = on_team(clinician, other_clinic)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token_issue(clinician, 'test')}")

    here = api.get(PATIENTS, HTTP_X_CLINIC=clinic.slug)
    away = api.get(PATIENTS, HTTP_X_CLINIC=other_clinic.slug)

    assert ids(here) == {patient.pk}
    assert ids(away) == {there.pk}
    # Acting in the other clinic, this clinic's chart is out of reach.
    assert api.get(detail(patient), HTTP_X_CLINIC=other_clinic.slug).status_code == 404


def test_list_searches_name_preferred_name_and_mrn(clinic, clinician, patient):
    sam = on_team(clinician, clinic, legal_name="Samuel Reyes", preferred_name="Sammy")
    api = as_user(clinician)

    assert ids(api.get(PATIENTS, {"q": "alvarez"})) == {patient.pk}
    assert ids(api.get(PATIENTS, {"q": "sammy"})) == {sam.pk}
    assert ids(api.get(PATIENTS, {"q": "hrc-10"})) == {patient.pk}


def test_list_filters_by_program_status_and_open_alerts(clinic, clinician, patient):
    evening = ProgramFactory(clinic=clinic, name="Evening IOP")
    other = on_team(clinician, clinic, program=evening, status=PatientStatus.INTAKE)
    AlertFactory(patient=other)
    AlertFactory(patient=patient, status="resolved")
    api = as_user(clinician)

    assert ids(api.get(PATIENTS, {"program": evening.pk})) == {other.pk}
    assert ids(api.get(PATIENTS, {"status": "intake"})) == {other.pk}
    assert ids(api.get(PATIENTS, {"has_alerts": "true"})) == {other.pk}
    assert ids(api.get(PATIENTS, {"status": ""})) == {patient.pk, other.pk}


def test_list_sorts_and_shows_the_chart_summary(clinic, clinician, patient):
    zoe = on_team(clinician, clinic, legal_name="Zoe Park")
    AlertFactory(patient=zoe, severity="high")
    AppointmentFactory(patient=zoe)
    api = as_user(clinician)

    by_name = api.get(PATIENTS, {"sort": "-name"}).json()["results"]
    by_alerts = api.get(PATIENTS, {"sort": "alerts"}).json()["results"]

    assert [row["id"] for row in by_name] == [zoe.pk, patient.pk]
    assert [row["id"] for row in by_alerts] == [zoe.pk, patient.pk]
    assert by_alerts[0]["open_alerts"] == 1
    assert by_alerts[0]["high_alerts"] == 1
    assert by_alerts[0]["next_appointment"] is not None
    assert by_alerts[1]["open_alerts"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"program": "evening"}, "program"),
        ({"status": "sober"}, "status"),
        ({"sort": "password"}, "sort"),
        ({"has_alerts": "perhaps"}, "has_alerts"),
    ],
)
def test_list_rejects_bad_filters_with_400(clinician, patient, params, field):
    response = as_user(clinician).get(PATIENTS, params)

    assert response.status_code == 400
    assert field in response.json()


def test_list_is_paginated(clinic, clinician):
    for _ in range(3):
        on_team(clinician, clinic)

    body = as_user(clinician).get(PATIENTS, {"page_size": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] is not None


@pytest.mark.parametrize("size", [5, 60])
def test_list_query_count_does_not_grow_with_the_caseload(
    clinic, clinician, django_assert_max_num_queries, size
):
    for _ in range(size):
        patient = on_team(clinician, clinic)
        AlertFactory(patient=patient)
        AppointmentFactory(patient=patient)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token_issue(clinician, 'test')}")
    api.get("/api/v1/me/")  # notes the token's first use (written at most once a minute)

    # token (user joined) + memberships + count + one page of patients (program joined; alerts,
    # next appointment and last check-in as subqueries), and the list read's audit event and its
    # listed patients (two inserts): 6, whatever the size of the caseload.
    with django_assert_max_num_queries(6):
        response = api.get(PATIENTS, {"page_size": 100})

    assert response.status_code == 200
    assert len(response.json()["results"]) == size


# --- Create -----------------------------------------------------------------------------------


def test_clinician_creates_a_patient_without_joining_the_care_team(clinic, clinician):
    program = ProgramFactory(clinic=clinic)

    response = as_user(clinician).post(PATIENTS, valid_intake(program=program.pk), format="json")

    assert response.status_code == 201, response.json()
    created = Patient.objects.get(pk=response.json()["id"])
    assert created.clinic == clinic
    assert created.program == program
    assert created.preferred_name == "Sam"
    assert response.json()["display_name"] == "Sam"
    assert not CareTeamMember.objects.filter(patient=created).exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, patient=created).exists()
    # Not on the care team, so the chart is now out of reach for its creator.
    assert as_user(clinician).get(detail(created)).status_code == 404


def test_add_me_to_care_team_makes_the_creator_primary_counselor(clinician):
    response = as_user(clinician).post(
        PATIENTS, valid_intake(add_me_to_care_team=True), format="json"
    )

    assert response.status_code == 201
    seat = CareTeamMember.objects.get(patient_id=response.json()["id"])
    assert seat.clinician == clinician
    assert seat.team_role == TeamRole.PRIMARY_COUNSELOR
    assert seat.is_primary
    assert as_user(clinician).get(detail(seat.patient)).status_code == 200


def test_create_with_a_recovery_start_keeps_it_in_the_history(clinician):
    start = timezone.localdate() - timedelta(days=20)

    response = as_user(clinician).post(
        PATIENTS, valid_intake(recovery_start=start.isoformat()), format="json"
    )

    assert response.status_code == 201
    created = Patient.objects.get(pk=response.json()["id"])
    assert created.recovery_start == start
    assert RecoveryDate.objects.get(patient=created).start_date == start


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"legal_name": ""}, "legal_name"),
        ({"mrn": None}, "mrn"),
        ({"date_of_birth": "yesterday"}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"status": "sober"}, "status"),
        ({"preferred_language": "klingon"}, "preferred_language"),
        ({"email": "not-an-email"}, "email"),
        ({"program": "outpatient"}, "program"),
        ({"program": 999999}, "program"),
        ({"mrn": "x" * 41}, "mrn"),
        ({"recovery_start": "2999-01-01"}, "recovery_start"),
        ({"add_me_to_care_team": "sometimes"}, "add_me_to_care_team"),
    ],
)
def test_create_with_bad_input_is_400_with_field_errors_and_saves_nothing(
    clinician, overrides, field
):
    response = as_user(clinician).post(PATIENTS, valid_intake(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Patient.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_rejects_a_record_number_already_used_in_the_clinic(clinic, clinician, patient):
    response = as_user(clinician).post(
        PATIENTS, valid_intake(mrn=patient.mrn.lower(), add_me_to_care_team=True), format="json"
    )

    assert response.status_code == 400
    assert "mrn" in response.json()
    assert Patient.objects.count() == 1
    assert CareTeamMember.objects.filter(clinician=clinician).count() == 1


def test_the_same_record_number_in_another_clinic_is_fine(other_clinic, clinician):
    PatientFactory(clinic=other_clinic, mrn="HRC-2001")

    response = as_user(clinician).post(PATIENTS, valid_intake(mrn="HRC-2001"), format="json")

    assert response.status_code == 201


def test_a_program_of_another_clinic_is_400(other_clinic, clinician):
    foreign = ProgramFactory(clinic=other_clinic)

    response = as_user(clinician).post(PATIENTS, valid_intake(program=foreign.pk), format="json")

    assert response.status_code == 400
    assert "program" in response.json()
    assert not Patient.objects.exists()


def test_clinic_admins_cannot_create_patients(clinic_admin):
    response = as_user(clinic_admin).post(PATIENTS, valid_intake(), format="json")

    assert response.status_code == 403
    assert not Patient.objects.exists()


# --- Retrieve ---------------------------------------------------------------------------------


def test_retrieve_answers_the_care_team_and_admins_and_404s_everyone_else(
    clinician, colleague, clinic_admin, outsider, patient
):
    def status_for(user: User) -> int:
        return as_user(user).get(detail(patient)).status_code

    assert status_for(clinician) == 200
    assert status_for(clinic_admin) == 200
    assert status_for(colleague) == 404
    assert status_for(outsider) == 404
    assert as_user(clinician).get(f"{PATIENTS}999999/").status_code == 404


def test_emergency_access_opens_the_chart_until_it_expires(colleague, patient):
    grant = EmergencyAccess.objects.create(
        patient=patient,
        user=colleague,
        reason="On call, crisis line",
        expires_at=timezone.now() + timedelta(hours=1),
    )

    assert as_user(colleague).get(detail(patient)).status_code == 200
    assert (
        as_user(colleague)
        .patch(detail(patient), {"pronouns": "they/them"}, format="json")
        .status_code
        == 200
    )

    grant.expires_at = timezone.now() - timedelta(minutes=1)
    grant.save()
    assert as_user(colleague).get(detail(patient)).status_code == 404


def test_reading_a_chart_is_audited(clinic, clinic_admin, patient):
    as_user(clinic_admin).get(detail(patient))

    event = AuditEvent.objects.get(action=Action.VIEW)
    assert event.actor == clinic_admin
    assert event.clinic == clinic
    assert event.patient == patient
    assert event.object_id == str(patient.pk)


def test_a_refused_read_writes_no_audit_event(colleague, patient):
    as_user(colleague).get(detail(patient))

    assert not AuditEvent.objects.exists()


def test_the_api_never_shows_clinical_notes(clinician, patient):
    ClinicalNote.objects.create(patient=patient, author=clinician, body="Discussed a SECRET-NOTE")
    api = as_user(clinician)

    for url in (PATIENTS, detail(patient)):
        body = api.get(url).content.decode()
        assert "SECRET-NOTE" not in body
        assert "note" not in body.lower()


# --- Update -----------------------------------------------------------------------------------


def test_care_team_updates_the_patient_and_it_is_audited(clinician, patient):
    response = as_user(clinician).patch(
        detail(patient), {"preferred_name": "Jo", "pronouns": "she/her"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["display_name"] == "Jo"
    patient.refresh_from_db()
    assert (patient.preferred_name, patient.pronouns) == ("Jo", "she/her")
    event = AuditEvent.objects.get(action=Action.UPDATE, patient=patient)
    assert set(event.details["fields"]) == {"preferred_name", "pronouns"}


def test_put_replaces_the_record_and_needs_the_required_fields(clinician, patient):
    api = as_user(clinician)

    missing = api.put(detail(patient), {"preferred_name": "Jo"}, format="json")
    full = api.put(
        detail(patient),
        {"mrn": "HRC-1001", "legal_name": "Jordan A. Alvarez", "date_of_birth": "1990-05-17"},
        format="json",
    )

    assert missing.status_code == 400
    assert {"mrn", "legal_name", "date_of_birth"} <= set(missing.json())
    assert full.status_code == 200
    patient.refresh_from_db()
    assert patient.legal_name == "Jordan A. Alvarez"


def test_status_changes_follow_the_allowed_moves(clinician, patient):
    api = as_user(clinician)

    discharged = api.patch(detail(patient), {"status": "discharged"}, format="json")
    back_to_intake = api.patch(
        detail(patient), {"status": "intake", "pronouns": "he/him"}, format="json"
    )

    assert discharged.status_code == 200
    assert discharged.json()["status"] == "discharged"
    assert back_to_intake.status_code == 400
    assert "status" in back_to_intake.json()
    patient.refresh_from_db()
    assert patient.status == PatientStatus.DISCHARGED
    assert patient.pronouns == ""  # the whole change was rolled back


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mrn": "HRC-7777"}, "mrn"),  # another patient of the clinic has it
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"time_zone": "Nowhere/Special"}, "time_zone"),
        ({"legal_name": ""}, "legal_name"),
        ({"program": 999999}, "program"),
    ],
)
def test_update_with_bad_input_is_400_and_changes_nothing(clinic, clinician, patient, data, field):
    PatientFactory(clinic=clinic, mrn="HRC-7777")
    before = Patient.objects.values().get(pk=patient.pk)

    response = as_user(clinician).patch(detail(patient), data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Patient.objects.values().get(pk=patient.pk) == before
    assert not AuditEvent.objects.filter(action=Action.UPDATE).exists()


def test_only_the_care_team_may_update(colleague, clinic_admin, outsider, patient):
    change = {"preferred_name": "Changed"}

    assert as_user(clinic_admin).patch(detail(patient), change, format="json").status_code == 403
    assert as_user(colleague).patch(detail(patient), change, format="json").status_code == 404
    assert as_user(outsider).patch(detail(patient), change, format="json").status_code == 404
    patient.refresh_from_db()
    assert patient.preferred_name == ""


# --- Schema -----------------------------------------------------------------------------------


def test_the_schema_documents_the_patients_api(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = response.content.decode()
    for path in (
        "/api/v1/patients/",
        "/api/v1/patients/{patient_id}/care-team/{member_id}/end/",
        "/api/v1/patients/{patient_id}/milestones/",
        "/api/v1/appointments/",
        "/api/v1/alerts/{alert_id}/resolve/",
    ):
        assert path in schema
