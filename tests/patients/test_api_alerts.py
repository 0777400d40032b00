"""/api/v1/alerts/: list, acknowledge and resolve, scoped to the charts one may open."""

import pytest
from rest_framework.response import Response
from rest_framework.test import APIClient

from accounts.models import Organization, Role, User
from audit.models import Action, AuditEvent
from patients.models import Alert, AlertStatus, Patient
from tests.factories import AlertFactory, CareTeamMemberFactory, PatientFactory, member

pytestmark = pytest.mark.django_db

ALERTS = "/api/v1/alerts/"


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def acknowledge(alert: Alert) -> str:
    return f"{ALERTS}{alert.pk}/acknowledge/"


def resolve(alert: Alert) -> str:
    return f"{ALERTS}{alert.pk}/resolve/"


def ids(response: Response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def patient(clinic: Organization, clinician: User) -> Patient:
    return CareTeamMemberFactory(clinician=clinician, patient=PatientFactory(clinic=clinic)).patient


@pytest.fixture
def colleague(clinic: Organization) -> User:
    return member(Role.CLINICIAN, clinic)


@pytest.fixture
def outsider(other_clinic: Organization) -> User:
    return member(Role.ADMIN, other_clinic)


@pytest.fixture
def alert(patient: Patient) -> Alert:
    return AlertFactory(patient=patient)


# --- List -------------------------------------------------------------------------------------


def test_list_shows_only_alerts_of_charts_i_may_open(
    clinic, other_clinic, clinician, clinic_admin, colleague, outsider, alert
):
    theirs = AlertFactory(
        patient=CareTeamMemberFactory(clinician=colleague, patient__clinic=clinic).patient
    )
    elsewhere = AlertFactory(patient__clinic=other_clinic)

    assert ids(as_user(clinician).get(ALERTS)) == {alert.pk}
    assert ids(as_user(clinic_admin).get(ALERTS)) == {alert.pk, theirs.pk}
    assert ids(as_user(outsider).get(ALERTS)) == {elsewhere.pk}


@pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORTER])
def test_people_in_recovery_and_supporters_see_no_alerts(clinic, alert, role):
    api = as_user(member(role, clinic))

    assert api.get(ALERTS).status_code == 404  # like its siblings: not an empty list
    assert api.post(acknowledge(alert)).status_code == 404
    assert api.post(resolve(alert), {"comment": "Called them."}).status_code == 404
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_without_a_token_it_is_401(alert):
    assert APIClient().get(ALERTS).status_code == 401
    assert APIClient().post(acknowledge(alert)).status_code == 401


def test_list_filters_by_status_and_patient(clinic, clinician, patient, alert):
    other = CareTeamMemberFactory(clinician=clinician, patient__clinic=clinic).patient
    resolved = AlertFactory(patient=other, status=AlertStatus.RESOLVED)
    api = as_user(clinician)

    assert ids(api.get(ALERTS, {"status": "resolved"})) == {resolved.pk}
    assert ids(api.get(ALERTS, {"status": "open"})) == {alert.pk}
    assert ids(api.get(ALERTS, {"patient_id": patient.pk})) == {alert.pk}
    assert ids(api.get(ALERTS, {"status": ""})) == {alert.pk, resolved.pk}


@pytest.mark.parametrize(
    ("params", "field"), [({"status": "panic"}, "status"), ({"patient_id": "me"}, "patient_id")]
)
def test_list_rejects_bad_filters_with_400(clinician, params, field):
    response = as_user(clinician).get(ALERTS, params)

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("size", [5, 40])
def test_list_query_count_does_not_grow_with_the_rows(
    clinic, clinician, django_assert_max_num_queries, size
):
    for _ in range(size):
        patient = CareTeamMemberFactory(clinician=clinician, patient__clinic=clinic).patient
        AlertFactory(patient=patient, owner=clinician, acknowledged_by=clinician)
    api = as_user(clinician)

    # memberships + count + page (patient, owner and the acknowledging clinician joined), and the
    # list read's audit event and its listed patients (two inserts)
    with django_assert_max_num_queries(5):
        response = api.get(ALERTS, {"page_size": 100})

    assert len(response.json()["results"]) == size


# --- Acknowledge ------------------------------------------------------------------------------


def test_care_team_acknowledges_an_open_alert_once(clinician, alert):
    first = as_user(clinician).post(acknowledge(alert))
    second = as_user(clinician).post(acknowledge(alert))

    assert first.status_code == 200
    assert first.json()["status"] == AlertStatus.ACKNOWLEDGED
    assert first.json()["acknowledged_by"] == clinician.pk
    assert first.json()["owner"] == clinician.pk  # nobody owned it, so the acknowledger does
    assert second.status_code == 400
    assert "status" in second.json()
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(alert.pk)).count() == 1


def test_only_the_care_team_acknowledges(clinic_admin, colleague, outsider, alert):
    assert as_user(clinic_admin).post(acknowledge(alert)).status_code == 403
    assert as_user(colleague).post(acknowledge(alert)).status_code == 404
    assert as_user(outsider).post(acknowledge(alert)).status_code == 404
    assert as_user(colleague).post(f"{ALERTS}999999/acknowledge/").status_code == 404
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


# --- Resolve ----------------------------------------------------------------------------------


def test_care_team_resolves_an_alert_saying_how(clinician, alert):
    response = as_user(clinician).post(
        resolve(alert), {"comment": "  Called; made a plan for tonight.  "}, format="json"
    )

    assert response.status_code == 200, response.json()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    assert alert.resolved_by == clinician
    assert alert.acknowledged_by == clinician
    assert alert.resolution_comment == "Called; made a plan for tonight."


@pytest.mark.parametrize("data", [{}, {"comment": ""}, {"comment": "   "}, {"comment": None}])
def test_resolving_without_a_comment_is_400(clinician, alert, data):
    response = as_user(clinician).post(resolve(alert), data, format="json")

    assert response.status_code == 400
    assert "comment" in response.json()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_resolving_twice_is_400(clinician, alert):
    as_user(clinician).post(resolve(alert), {"comment": "Called."}, format="json")

    again = as_user(clinician).post(resolve(alert), {"comment": "Again."}, format="json")

    assert again.status_code == 400
    assert "status" in again.json()
    alert.refresh_from_db()
    assert alert.resolution_comment == "Called."


def test_only_the_care_team_resolves(clinic_admin, colleague, outsider, alert):
    data = {"comment": "Called."}

    assert as_user(clinic_admin).post(resolve(alert), data).status_code == 403
    assert as_user(colleague).post(resolve(alert), data).status_code == 404
    assert as_user(outsider).post(resolve(alert), data).status_code == 404
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
