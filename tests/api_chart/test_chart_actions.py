"""The chart's page twins: status, journey, recovery start, clinical notes (with a reason),
finding a patient by MRN, emergency access and the person's own sign-in invitation."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import Action, AuditEvent
from joining.models import PatientInvitation
from patients.models import ClinicalNote, EmergencyAccess, Patient, PatientStatus, RecoveryDate
from tests.api_chart.conftest import as_user
from tests.factories import ClinicalNoteFactory, MilestoneFactory, PatientFactory, SetbackFactory

pytestmark = pytest.mark.django_db


def url(patient: Patient, part: str) -> str:
    return f"/api/v1/patients/{patient.pk}/{part}/"


# --- Status -----------------------------------------------------------------------------------


def test_the_care_team_discharges_a_patient_audited(team_clinician, patient):
    response = as_user(team_clinician).post(
        url(patient, "status"), {"status": "discharged"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == PatientStatus.DISCHARGED
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, patient=patient, details__status=["active", "discharged"]
    ).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "status"), ({"status": "sober"}, "status"), ({"status": "intake"}, "status")],
)
def test_a_status_that_cannot_be_chosen_is_a_400(team_clinician, patient, body, field):
    response = as_user(team_clinician).post(url(patient, "status"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_status_refuses_the_admin_403_and_others_404(clinic_admin, colleague, outsider, patient):
    body = {"status": "discharged"}

    assert as_user(clinic_admin).post(url(patient, "status"), body).status_code == 403
    assert as_user(colleague).post(url(patient, "status"), body).status_code == 404
    assert as_user(outsider).post(url(patient, "status"), body).status_code == 404
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ACTIVE


# --- Journey ----------------------------------------------------------------------------------


def test_the_journey_shows_the_last_30_days_newest_first(team_clinician, patient):
    today = patient.local_today()
    SetbackFactory(patient=patient, occurred_on=today - timedelta(days=3))
    MilestoneFactory(patient=patient, date=today - timedelta(days=1), title="First meeting")
    MilestoneFactory(patient=patient, date=today - timedelta(days=90), title="Long ago")

    response = as_user(team_clinician).get(url(patient, "journey"))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["end"] == today.isoformat()
    titles = [event["title"] for event in body["events"]]
    assert "First meeting" in titles and "Long ago" not in titles
    days = [event["day"] for event in body["events"]]
    assert days == sorted(days, reverse=True)
    assert body["has_earlier"] is True
    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient=patient, details__api="JourneyView"
    ).exists()


def test_the_journey_takes_a_window_and_kinds(team_clinician, patient):
    today = patient.local_today()
    MilestoneFactory(patient=patient, date=today - timedelta(days=90), title="Long ago")
    SetbackFactory(patient=patient, occurred_on=today - timedelta(days=91))
    start, end = today - timedelta(days=95), today - timedelta(days=85)

    response = as_user(team_clinician).get(
        url(patient, "journey"),
        {"start": start.isoformat(), "end": end.isoformat(), "kinds": "milestone"},
    )

    assert response.status_code == 200, response.content
    assert {event["kind"] for event in response.json()["events"]} == {"milestone"}
    assert response.json()["kinds"] == ["milestone"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "yesterday"}, "start"),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "end"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "end"),
        ({"kinds": "gossip"}, "kinds"),
    ],
)
def test_a_bad_journey_window_is_a_400_naming_the_field(team_clinician, patient, params, field):
    response = as_user(team_clinician).get(url(patient, "journey"), params)

    assert response.status_code == 400
    assert field in response.json()


def test_the_admin_reads_the_journey_others_get_404(clinic_admin, colleague, outsider, patient):
    assert as_user(clinic_admin).get(url(patient, "journey")).status_code == 200
    assert as_user(colleague).get(url(patient, "journey")).status_code == 404
    assert as_user(outsider).get(url(patient, "journey")).status_code == 404


# --- Recovery start ---------------------------------------------------------------------------


def test_changing_the_recovery_start_keeps_the_old_date(team_clinician, patient):
    old = patient.recovery_start
    new = patient.local_today() - timedelta(days=10)

    response = as_user(team_clinician).post(
        url(patient, "recovery-start"),
        {"start_date": new.isoformat(), "reason": "Date corrected after the intake review"},
        format="json",
    )

    assert response.status_code == 201, response.content
    patient.refresh_from_db()
    assert patient.recovery_start == new
    assert RecoveryDate.objects.filter(patient=patient, start_date=new).exists()
    history = as_user(team_clinician).get(url(patient, "recovery-start")).json()
    assert history["results"][0]["start_date"] == new.isoformat()
    assert old != new


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "typo"}, "start_date"),
        ({"start_date": "2026-01-01"}, "reason"),
        ({"start_date": "2026-01-01", "reason": "   "}, "reason"),
        ({"start_date": "2999-01-01", "reason": "In the future"}, "recovery_start"),
    ],
)
def test_a_bad_recovery_start_is_a_400(team_clinician, patient, body, field):
    response = as_user(team_clinician).post(url(patient, "recovery-start"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_recovery_start_refuses_the_admin_403_and_others_404(
    clinic_admin, colleague, outsider, patient
):
    body = {"start_date": "2026-01-01", "reason": "Corrected"}

    assert as_user(clinic_admin).post(url(patient, "recovery-start"), body).status_code == 403
    assert as_user(colleague).post(url(patient, "recovery-start"), body).status_code == 404
    assert as_user(outsider).post(url(patient, "recovery-start"), body).status_code == 404


# --- Clinical notes ---------------------------------------------------------------------------


def test_notes_are_read_only_with_a_reason_recorded_in_the_trail(team_clinician, patient):
    note = ClinicalNoteFactory(patient=patient, author=team_clinician)
    api = as_user(team_clinician)

    without = api.get(url(patient, "notes"))
    blank = api.get(url(patient, "notes"), {"reason": ""})
    read = api.get(url(patient, "notes"), {"reason": "Preparing for today's session"})

    assert without.status_code == 400 and "reason" in without.json()
    assert blank.status_code == 400 and "reason" in blank.json()
    assert read.status_code == 200
    assert [row["id"] for row in read.json()["results"]] == [note.pk]
    event = AuditEvent.objects.get(action=Action.VIEW, patient=patient, details__api="notes")
    assert event.details["reason"] == "Preparing for today's session"


def test_writing_a_note_takes_a_reason_too(team_clinician, patient):
    api = as_user(team_clinician)

    missing = api.post(url(patient, "notes"), {"body": "Talked about work."}, format="json")
    saved = api.post(
        url(patient, "notes"),
        {"body": "Talked about work.", "reason": "Session note"},
        format="json",
    )

    assert missing.status_code == 400 and "reason" in missing.json()
    assert saved.status_code == 201, saved.content
    assert ClinicalNote.objects.get(patient=patient).body == "Talked about work."
    assert AuditEvent.objects.filter(action=Action.CREATE, patient=patient).exists()
    assert AuditEvent.objects.filter(details__reason="Session note", patient=patient).exists()


def test_notes_stay_off_for_the_admin_and_anyone_off_the_team_even_with_a_reason(
    clinic_admin, colleague, outsider, patient
):
    ClinicalNoteFactory(patient=patient)
    reason = {"reason": "Curious"}

    for user in (clinic_admin, colleague, outsider):
        assert as_user(user).get(url(patient, "notes"), reason).status_code == 404
        body = {"body": "x", "reason": "y"}
        assert as_user(user).post(url(patient, "notes"), body, format="json").status_code == 404
    assert not AuditEvent.objects.filter(details__api="notes").exists()


def test_a_clinician_with_emergency_access_reads_the_notes_with_a_reason(colleague, patient):
    EmergencyAccess.objects.create(
        patient=patient,
        user=colleague,
        reason="Crisis call after hours",
        expires_at=timezone.now() + timedelta(hours=1),
    )

    response = as_user(colleague).get(url(patient, "notes"), {"reason": "Crisis call"})

    assert response.status_code == 200


# --- Finding a patient and emergency access ---------------------------------------------------


def test_a_clinician_finds_a_patient_by_exact_mrn_name_only(colleague, patient, clinic):
    PatientFactory(clinic=clinic, mrn="HR-999")
    api = as_user(colleague)

    found = api.get("/api/v1/patients/find/", {"mrn": patient.mrn.lower()})
    partial = api.get("/api/v1/patients/find/", {"mrn": patient.mrn[:-1]})
    missing = api.get("/api/v1/patients/find/")

    assert found.status_code == 200
    assert found.json()["results"] == [{"id": patient.pk, "display_name": patient.display_name}]
    assert partial.json()["results"] == []
    assert missing.status_code == 400 and "mrn" in missing.json()
    event = AuditEvent.objects.filter(action=Action.LIST).latest("pk")
    assert patient.mrn not in str(event.details)


def test_finding_is_for_clinicians_of_the_clinic(clinic_admin, outsider, patient):
    assert (
        as_user(clinic_admin).get("/api/v1/patients/find/", {"mrn": patient.mrn}).status_code == 404
    )
    elsewhere = as_user(outsider).get("/api/v1/patients/find/", {"mrn": patient.mrn})
    assert elsewhere.json()["results"] == []


def test_emergency_access_opens_the_chart_with_a_reason_for_24_hours(colleague, patient):
    api = as_user(colleague)
    assert api.get(f"/api/v1/patients/{patient.pk}/").status_code == 404

    with time_machine.travel(timezone.now(), tick=False):
        response = api.post(
            url(patient, "emergency-access"),
            {"reason": "Crisis call after hours; care team unreachable."},
            format="json",
        )

    assert response.status_code == 201, response.content
    grant = EmergencyAccess.objects.get(patient=patient, user=colleague)
    assert grant.expires_at - grant.started_at == timedelta(hours=24)
    assert AuditEvent.objects.filter(action=Action.EMERGENCY_ACCESS, patient=patient).exists()
    assert api.get(f"/api/v1/patients/{patient.pk}/").status_code == 200


@pytest.mark.parametrize("body", [{}, {"reason": "because"}, {"reason": 12}])
def test_emergency_access_without_a_real_reason_is_a_400(colleague, patient, body):
    response = as_user(colleague).post(url(patient, "emergency-access"), body, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    assert not EmergencyAccess.objects.exists()


def test_emergency_access_is_for_clinicians_of_the_patients_clinic(clinic_admin, outsider, patient):
    body = {"reason": "Crisis call after hours; care team unreachable."}

    assert as_user(clinic_admin).post(url(patient, "emergency-access"), body).status_code == 404
    assert as_user(outsider).post(url(patient, "emergency-access"), body).status_code == 404
    assert not EmergencyAccess.objects.exists()


# --- The person's own sign-in -----------------------------------------------------------------


@pytest.fixture
def patient_fields() -> dict[str, object]:
    """A record without a sign-in yet, with an email to invite."""
    return {"email": "jordan@example.org", "phone": ""}


def test_the_care_team_invites_the_person_and_withdraws_the_link(team_clinician, patient):
    api = as_user(team_clinician)

    sent = api.post(url(patient, "sign-in"), {"channel": "email"}, format="json")
    state = api.get(url(patient, "sign-in")).json()
    withdrawn = api.delete(url(patient, "sign-in"))
    again = api.delete(url(patient, "sign-in"))

    assert sent.status_code == 201, sent.content
    assert state["state"] == "invited" and len(state["invitations"]) == 1
    assert withdrawn.status_code == 204
    assert PatientInvitation.objects.get(patient=patient).revoked_at is not None
    assert again.status_code == 404
    assert AuditEvent.objects.filter(
        action=Action.CREATE, patient=patient, object_type="joining.PatientInvitation"
    ).exists()


@pytest.mark.parametrize(
    ("body", "field"), [({"channel": "sms"}, "channel"), ({"channel": "fax"}, "channel")]
)
def test_an_invitation_the_record_cannot_take_is_a_400(team_clinician, patient, body, field):
    response = as_user(team_clinician).post(url(patient, "sign-in"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_the_admin_reads_the_sign_in_but_cannot_invite(clinic_admin, colleague, outsider, patient):
    admin = as_user(clinic_admin)

    assert admin.get(url(patient, "sign-in")).status_code == 200
    assert admin.post(url(patient, "sign-in"), {"channel": "email"}).status_code == 403
    assert as_user(colleague).get(url(patient, "sign-in")).status_code == 404
    assert as_user(outsider).post(url(patient, "sign-in"), {"channel": "email"}).status_code == 404
    assert not PatientInvitation.objects.exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_notes_and_recovery_dates_read_a_flat_number_of_queries(team_clinician, patient, rows):
    for n in range(rows):
        ClinicalNoteFactory(patient=patient, author=team_clinician, body=f"Note {n}")
        RecoveryDate.objects.create(patient=patient, start_date=patient.recovery_start)
    api = as_user(team_clinician)

    with CaptureQueriesContext(connection) as notes:
        read = api.get(url(patient, "notes"), {"reason": "Review", "page_size": 50})
    with CaptureQueriesContext(connection) as history:
        dates = api.get(url(patient, "recovery-start"), {"page_size": 50})

    assert read.json()["count"] == rows and dates.json()["count"] == rows
    # memberships, the patient, the access checks, the audit write, the count, the page
    assert len(notes) <= 9
    assert len(history) <= 9
