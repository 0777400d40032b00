"""Who reaches /api/v1/patients/{patient_id}/checkins/, assessments/ and coping-plan/: the person in
recovery (their own record), the care team and emergency access read and write; clinic admins
read; everyone else gets 404, and nobody without credentials gets anything."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import Organization, Role, User
from accounts.tokens import token_issue
from audit.models import Action, AuditEvent
from coping.models import Assessment, CheckIn, CopingPlanVersion
from coping.plan import empty_plan
from coping.services import plan_save
from patients.models import Patient
from tests.factories import EmergencyAccessFactory, MembershipFactory, PatientFactory, member

pytestmark = pytest.mark.django_db

READS = (
    "checkins/",
    "assessments/",
    "coping-plan/",
    "coping-plan/versions/",
    "coping-plan/versions/1/",
)
WRITES = (
    ("post", "checkins/", {"mood": 6, "craving": 2, "stress": 3}),
    ("post", "assessments/", {"instrument": "gad7", "answers": [0, 1, 0, 1, 0, 1, 0]}),
    ("put", "coping-plan/", {"content": empty_plan(), "change_summary": "First plan"}),
)


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(patient: Patient, part: str) -> str:
    return f"/api/v1/patients/{patient.pk}/{part}"


@pytest.fixture
def first_version(patient: Patient, team_clinician: User) -> CopingPlanVersion:
    """Version 1 exists, so every read URL (versions/1/ included) has something to show."""
    return plan_save(patient=patient, content=empty_plan(), actor=team_clinician)


def statuses_of_reads(api: APIClient, patient: Patient) -> set[int]:
    return {api.get(url(patient, part)).status_code for part in READS}


def statuses_of_writes(api: APIClient, patient: Patient) -> list[int]:
    return [
        getattr(api, method)(url(patient, part), body, format="json").status_code
        for method, part, body in WRITES
    ]


def nothing_written(patient: Patient) -> bool:
    return not (
        CheckIn.objects.filter(patient=patient).exists()
        or Assessment.objects.filter(patient=patient).exists()
        or CopingPlanVersion.objects.filter(plan__patient=patient).count() > 1
    )


def test_the_person_in_recovery_reads_and_writes_their_own_record_with_a_token(
    person, patient, first_version
):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(person, 'test')}")

    assert statuses_of_reads(api, patient) == {200}
    assert statuses_of_writes(api, patient) == [201, 201, 201]
    assert CheckIn.objects.get(patient=patient).on_behalf is False


def test_a_person_in_recovery_gets_404_for_another_record(clinic, person, patient):
    someone_else = PatientFactory(clinic=clinic)
    plan_save(patient=someone_else, content=empty_plan(), actor=person)
    api = as_user(person)

    assert statuses_of_reads(api, someone_else) == {404}
    assert statuses_of_writes(api, someone_else) == [404, 404, 404]
    assert nothing_written(someone_else)


def test_the_care_team_clinician_reads_and_writes(team_clinician, patient, first_version):
    api = as_user(team_clinician)

    assert statuses_of_reads(api, patient) == {200}
    assert statuses_of_writes(api, patient) == [201, 201, 201]
    assert CheckIn.objects.get(patient=patient).on_behalf is True


def test_a_clinician_with_emergency_access_reads_and_writes(clinic, patient, first_version):
    on_call = member(Role.CLINICIAN, clinic)
    EmergencyAccessFactory(patient=patient, user=on_call)
    api = as_user(on_call)

    assert statuses_of_reads(api, patient) == {200}
    assert statuses_of_writes(api, patient) == [201, 201, 201]


def test_a_colleague_not_on_the_care_team_gets_404(clinician, patient, first_version):
    api = as_user(clinician)

    assert statuses_of_reads(api, patient) == {404}
    assert statuses_of_writes(api, patient) == [404, 404, 404]
    assert nothing_written(patient)


def test_a_clinic_admin_reads_but_cannot_write(clinic_admin, patient, first_version):
    api = as_user(clinic_admin)

    assert statuses_of_reads(api, patient) == {200}
    assert statuses_of_writes(api, patient) == [403, 403, 403]
    response = api.post(url(patient, "checkins/"), WRITES[0][2], format="json")
    assert "Clinic admins can read" in response.json()["detail"]
    assert nothing_written(patient)


def test_a_supporter_gets_404(clinic, patient, first_version):
    api = as_user(member(Role.SUPPORTER, clinic))

    assert statuses_of_reads(api, patient) == {404}
    assert statuses_of_writes(api, patient) == [404, 404, 404]
    assert nothing_written(patient)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CLINICIAN, Role.PATIENT])
def test_anyone_of_another_clinic_gets_404(other_clinic, patient, first_version, role):
    api = as_user(member(role, other_clinic))

    assert statuses_of_reads(api, patient) == {404}
    assert statuses_of_writes(api, patient) == [404, 404, 404]
    # Naming the patient's clinic does not help someone who is not a member there.
    response = api.get(url(patient, "checkins/"), HTTP_X_CLINIC=patient.clinic.slug)
    assert response.status_code == 404
    assert nothing_written(patient)


def test_the_clinic_named_in_the_header_decides_for_someone_in_two_clinics(
    other_clinic: Organization, patient, team_clinician, first_version
):
    # The care-team clinician is also an admin at another clinic.
    MembershipFactory(user=team_clinician, organization=other_clinic, role=Role.ADMIN)
    api = as_user(team_clinician)

    assert api.get(url(patient, "checkins/"), HTTP_X_CLINIC="lakeside").status_code == 404
    assert api.get(url(patient, "checkins/"), HTTP_X_CLINIC="harbor").status_code == 200


def test_without_credentials_everything_is_401(patient, first_version):
    api = APIClient()

    assert statuses_of_reads(api, patient) == {401}
    assert statuses_of_writes(api, patient) == [401, 401, 401]
    assert nothing_written(patient)


def test_reading_is_audited_once_per_request(team_clinician, patient, first_version):
    api = as_user(team_clinician)
    for part in READS:
        assert api.get(url(patient, part)).status_code == 200

    views = AuditEvent.objects.filter(action=Action.VIEW, patient=patient, actor=team_clinician)
    assert sorted(event.details["api"] for event in views) == sorted(
        ["checkins", "assessments", "coping-plan", "coping-plan-versions", "coping-plan-version"]
    )
    assert {event.clinic_id for event in views} == {patient.clinic_id}


def test_a_refused_read_is_not_audited_as_a_view(clinician, patient):
    as_user(clinician).get(url(patient, "checkins/"))

    assert not AuditEvent.objects.filter(action=Action.VIEW, patient=patient).exists()


def test_the_schema_documents_the_coping_endpoints(team_clinician):
    response = as_user(team_clinician).get("/api/schema/")

    assert response.status_code == 200
    schema = response.content.decode()
    for path in (
        "/api/v1/patients/{patient_id}/checkins/",
        "/api/v1/patients/{patient_id}/assessments/",
        "/api/v1/patients/{patient_id}/coping-plan/",
        "/api/v1/patients/{patient_id}/coping-plan/versions/",
        "/api/v1/patients/{patient_id}/coping-plan/versions/{number}/",
    ):
        assert path in schema


def test_the_coping_views_generate_their_schema_without_warnings():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    # Messages name the view's source file and class; other apps' warnings are theirs to fix.
    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    assert [m for m in messages if "coping" in m.lower()] == []
