"""The access report per patient (the clinic admin's), "who saw my information" (the person's)
and the audit trail's `patient_id` filter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Action, AuditEvent
from audit.services import audit_record
from patients.models import Patient
from tests.api_chart.conftest import as_user
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db


def report(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/access-report/"


def test_the_admin_reads_who_saw_a_patient_and_the_read_is_audited(
    clinic, clinic_admin, team_clinician, patient
):
    audit_record(
        action=Action.VIEW, actor=team_clinician, clinic=clinic, target=patient, patient=patient
    )

    response = as_user(clinic_admin).get(report(patient), {"period": "30"})

    assert response.status_code == 200, response.content
    people = response.json()["people"]
    assert [person["name"] for person in people] == [team_clinician.full_name]
    assert AuditEvent.objects.filter(
        action=Action.VIEW, actor=clinic_admin, patient=patient, details__api="access_report"
    ).exists()


def test_a_bad_period_is_a_400(clinic_admin, patient):
    response = as_user(clinic_admin).get(report(patient), {"period": "forever"})

    assert response.status_code == 400
    assert "period" in response.json()


def test_the_access_report_is_the_admins_only(team_clinician, person, patient, other_clinic):
    other_admin = member("admin", other_clinic)

    assert as_user(team_clinician).get(report(patient)).status_code == 404
    assert as_user(person).get(report(patient)).status_code == 404
    assert as_user(other_admin).get(report(patient)).status_code == 404
    assert as_user(other_admin).get(report(patient), HTTP_X_CLINIC="harbor").status_code == 404


def test_the_person_reads_who_saw_their_information(clinic, person, team_clinician, patient):
    audit_record(
        action=Action.VIEW, actor=team_clinician, clinic=clinic, target=patient, patient=patient
    )

    response = as_user(person).get("/api/v1/me/access-report/")

    assert response.status_code == 200
    assert response.json()["patient"] == patient.pk
    assert [group["name"] for group in response.json()["people"]] == [team_clinician.full_name]
    assert AuditEvent.objects.filter(
        actor=person, patient=patient, details__api="who_saw_my_information"
    ).exists()


def test_who_saw_me_is_the_persons_own_only(team_clinician, clinic_admin, patient):
    assert as_user(team_clinician).get("/api/v1/me/access-report/").status_code == 404
    assert as_user(clinic_admin).get("/api/v1/me/access-report/").status_code == 404


def test_the_audit_trail_filters_by_patient_id(clinic, clinic_admin, team_clinician, patient):
    other = PatientFactory(clinic=clinic)
    mine = audit_record(action=Action.VIEW, actor=team_clinician, clinic=clinic, patient=patient)
    audit_record(action=Action.VIEW, actor=team_clinician, clinic=clinic, patient=other)

    response = as_user(clinic_admin).get("/api/v1/audit-events/", {"patient_id": patient.pk})

    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert mine.pk in ids and all(
        row["patient"] == patient.pk for row in response.json()["results"]
    )


@pytest.mark.parametrize("rows", [5, 50])
def test_the_audit_trail_reads_a_flat_number_of_queries(clinic, clinic_admin, patient, rows):
    for _ in range(rows):
        audit_record(action=Action.VIEW, actor=clinic_admin, clinic=clinic, patient=patient)
    api = as_user(clinic_admin)

    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/audit-events/", {"page_size": 100, "action": "view"})

    assert response.status_code == 200
    # memberships, the audit write of this read, the count, the page (actor and patient joined)
    assert len(queries) <= 6
