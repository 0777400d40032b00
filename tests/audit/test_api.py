"""GET /api/v1/audit-events/: the clinic's trail for its admins, read only."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import Action, AuditEvent
from audit.services import audit_record
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

URL = reverse("api:audit-event-list")


@pytest.fixture
def api(clinic_admin) -> APIClient:
    client = APIClient()
    client.force_authenticate(clinic_admin)
    return client


def test_admin_lists_the_clinics_events_with_filters(
    api, clinic, other_clinic, patient, team_clinician
):
    viewed = audit_record(
        action=Action.VIEW, actor=team_clinician, clinic=clinic, target=patient, patient=patient
    )
    audit_record(
        action=Action.VIEW, clinic=other_clinic, patient=PatientFactory(clinic=other_clinic)
    )

    response = api.get(URL, {"who": "alvarez", "action": "view", "patient_name": "HR-100"})

    assert response.status_code == 200
    assert response.json()["count"] == 1
    row = response.json()["results"][0]
    assert row["id"] == viewed.pk
    assert row["actor_email"] == team_clinician.email and row["actor_role"] == "clinician"
    assert row["patient"] == patient.pk and row["patient_mrn"] == "HR-100"
    assert AuditEvent.objects.filter(action=Action.VIEW, details__api="audit-events").exists()


def test_another_clinics_events_never_appear(api, other_clinic):
    audit_record(action=Action.EXPORT, clinic=other_clinic, details={"export": "lakeside"})

    results = api.get(URL, {"page_size": 200}).json()["results"]

    assert all(row["details"].get("export") != "lakeside" for row in results)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"action": "erase"}, "action"),
        ({"patient_id": "HR-100"}, "patient_id"),
        ({"patient": "HR-100"}, "patient"),
    ],
)
def test_bad_filters_answer_400_with_field_errors(api, params, field):
    response = api.get(URL, params)

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_not_allowed(api, clinic, method):
    event = audit_record(action=Action.VIEW, clinic=clinic)

    response = getattr(api, method)(URL, {"action": "delete", "id": event.pk}, format="json")

    assert response.status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).action == Action.VIEW


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_other_roles_get_404(clinic, role):
    client = APIClient()
    client.force_authenticate(member(role, clinic))

    assert client.get(URL).status_code == 404


def test_another_clinics_admin_naming_this_clinic_gets_404(clinic, other_clinic):
    client = APIClient()
    client.force_authenticate(member(Role.ADMIN, other_clinic))

    assert client.get(URL, HTTP_X_CLINIC=clinic.slug).status_code == 404


def test_anonymous_gets_401():
    assert APIClient().get(URL).status_code == 401


@pytest.mark.parametrize("count", [5, 200])
def test_query_count_does_not_grow_with_events(api, django_assert_max_num_queries, clinic, count):
    patient = PatientFactory(clinic=clinic)
    staff = member(Role.CLINICIAN, clinic)
    for _ in range(count):
        audit_record(action=Action.VIEW, actor=staff, clinic=clinic, patient=patient)

    # memberships, the read's own audit event (and savepoint pair), count, page.
    with django_assert_max_num_queries(7):
        response = api.get(URL)
    assert response.status_code == 200
