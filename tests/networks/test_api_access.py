"""Who reaches the networks API: the person in recovery (their own network) and the care team
read and write; clinic admins read (403 on writes, saying why); a colleague not on the team, a
supporter of someone else, and anyone of another clinic get 404; no credentials, 401."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.tokens import token_issue
from audit.models import Action, AuditEvent
from networks.models import Consent, HelpTask, Relationship, SupportContact
from networks.services import consent_grant, contact_add, help_task_create
from patients.models import Patient
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

ALL = ["appointments", "checkin_summary", "coping_plan", "help_tasks", "milestones"]


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def grant(contact: SupportContact, actor: User, scopes: list[str]) -> Consent:
    return consent_grant(
        contact=contact,
        actor=actor,
        scopes=scopes,
        purpose="To support me",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


@pytest.fixture
def consent(contact, person) -> Consent:
    return grant(contact, person, ALL)


@pytest.fixture
def task(patient, team_clinician) -> HelpTask:
    return help_task_create(
        patient=patient, actor=team_clinician, kind="ride", title="A ride to Tuesday group"
    )


def reads(patient: Patient, contact: SupportContact) -> list[str]:
    return [
        f"/api/v1/patients/{patient.pk}/contacts/",
        f"/api/v1/contacts/{contact.pk}/consents/",
        f"/api/v1/patients/{patient.pk}/help-tasks/",
    ]


def read_statuses(api: APIClient, patient: Patient, contact: SupportContact) -> list[int]:
    return [api.get(path).status_code for path in reads(patient, contact)]


def write_statuses(
    api: APIClient, patient: Patient, contact: SupportContact, consent: Consent, task: HelpTask
) -> list[int]:
    """Add a contact, record a consent (paper: valid for staff), revoke, add a task, done."""
    base = f"/api/v1/patients/{patient.pk}"
    return [
        api.post(
            f"{base}/contacts/",
            {"name": "Sam", "relationship": "friend", "email": "sam@example.org"},
            format="json",
        ).status_code,
        api.post(
            f"/api/v1/contacts/{contact.pk}/consents/",
            {
                "scopes": ["milestones"],
                "purpose": "Support",
                "signed_name": "Jordan Rivera",
                "signature_method": "in_app",
                "expires_on_event": "discharge",
            },
            format="json",
        ).status_code,
        api.post(
            f"/api/v1/contacts/{contact.pk}/consents/{consent.pk}/revoke/",
            {"reason": "Changed my mind"},
            format="json",
        ).status_code,
        api.post(
            f"{base}/help-tasks/", {"kind": "meal", "title": "Dinner on Friday"}, format="json"
        ).status_code,
        api.post(f"{base}/help-tasks/{task.pk}/done/").status_code,
    ]


def nothing_written(patient: Patient, consent: Consent, task: HelpTask) -> bool:
    consent.refresh_from_db()
    task.refresh_from_db()
    return (
        patient.contacts.count() == 1
        and Consent.objects.filter(patient=patient).count() == 1
        and consent.revoked_at is None
        and patient.help_tasks.count() == 1
        and task.status == "open"
    )


def test_the_person_in_recovery_reads_and_writes_their_own_network_with_a_token(
    person, patient, contact, consent, task
):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(person, 'test')}")

    assert read_statuses(api, patient, contact) == [200, 200, 200]
    # The in-app consent replaces the first one, so revoking the first is then refused (400).
    assert write_statuses(api, patient, contact, consent, task) == [201, 201, 400, 201, 200]


def test_the_care_team_clinician_reads_and_writes(team_clinician, patient, contact, consent, task):
    api = as_user(team_clinician)

    assert read_statuses(api, patient, contact) == [200, 200, 200]
    # Only the patient signs in the app: a clinician's in-app consent is a 400 naming why.
    assert write_statuses(api, patient, contact, consent, task) == [201, 400, 200, 201, 200]


def test_a_clinic_admin_reads_but_cannot_write(clinic_admin, patient, contact, consent, task):
    api = as_user(clinic_admin)

    assert read_statuses(api, patient, contact) == [200, 200, 200]
    assert write_statuses(api, patient, contact, consent, task) == [403] * 5
    response = api.post(
        f"/api/v1/patients/{patient.pk}/help-tasks/",
        {"kind": "meal", "title": "Dinner"},
        format="json",
    )
    assert "Clinic admins can read" in response.json()["detail"]
    assert nothing_written(patient, consent, task)


def test_a_colleague_not_on_the_care_team_gets_404(clinician, patient, contact, consent, task):
    api = as_user(clinician)

    assert read_statuses(api, patient, contact) == [404, 404, 404]
    assert write_statuses(api, patient, contact, consent, task) == [404] * 5
    assert nothing_written(patient, consent, task)


def test_another_person_in_recovery_gets_404(clinic, patient, contact, consent, task):
    someone = member(Role.PATIENT, clinic)
    PatientFactory(clinic=clinic, user=someone)
    api = as_user(someone)

    assert read_statuses(api, patient, contact) == [404, 404, 404]
    assert write_statuses(api, patient, contact, consent, task) == [404] * 5
    assert nothing_written(patient, consent, task)


def test_a_supporter_of_someone_else_gets_404(
    clinic, team_clinician, patient, contact, consent, task
):
    other_patient = PatientFactory(clinic=clinic)
    other_person = member(Role.PATIENT, clinic)
    other_patient.user = other_person
    other_patient.save()
    their_supporter = member(Role.SUPPORTER, clinic)
    theirs = contact_add(
        patient=other_patient,
        actor=team_clinician,
        name="Lee",
        relationship=Relationship.FRIEND,
        email="lee@example.org",
    )
    theirs.user, theirs.status = their_supporter, "active"
    theirs.save()
    grant(theirs, other_person, ALL)
    api = as_user(their_supporter)

    assert read_statuses(api, patient, contact) == [404, 404, 404]
    assert write_statuses(api, patient, contact, consent, task) == [404] * 5
    base = f"/api/v1/patients/{patient.pk}/help-tasks/{task.pk}"
    assert api.post(f"{base}/claim/").status_code == 404
    assert nothing_written(patient, consent, task)
    # Their own list shows only the person they support.
    listed = api.get("/api/v1/supporter/patients/").json()["results"]
    assert [row["patient"]["id"] for row in listed] == [other_patient.pk]


def test_the_supporter_of_this_patient_never_reaches_the_staff_endpoints(
    supporter, patient, contact, consent, task
):
    api = as_user(supporter)

    # contacts/ and consents/ are for the patient and the staff; help-tasks/ is shared.
    assert read_statuses(api, patient, contact) == [404, 404, 200]
    statuses = write_statuses(api, patient, contact, consent, task)
    # Adding a task is the patient's or the care team's (403); done needs a claim first (400).
    assert statuses == [404, 404, 404, 403, 400]
    assert nothing_written(patient, consent, task)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_anyone_of_another_clinic_gets_404(other_clinic, patient, contact, consent, task, role):
    api = as_user(member(role, other_clinic))

    assert read_statuses(api, patient, contact) == [404, 404, 404]
    assert write_statuses(api, patient, contact, consent, task) == [404] * 5
    # Naming the patient's clinic does not help someone who is not a member there.
    response = api.get(reads(patient, contact)[0], HTTP_X_CLINIC=patient.clinic.slug)
    assert response.status_code == 404
    assert nothing_written(patient, consent, task)


def test_without_credentials_everything_is_401(patient, contact, consent, task):
    api = APIClient()

    assert read_statuses(api, patient, contact) == [401, 401, 401]
    assert write_statuses(api, patient, contact, consent, task) == [401] * 5
    assert api.get("/api/v1/supporter/patients/").status_code == 401
    assert nothing_written(patient, consent, task)


def test_reading_is_audited_and_a_refused_read_is_not(
    team_clinician, clinician, patient, contact, consent
):
    for path in reads(patient, contact):
        assert as_user(team_clinician).get(path).status_code == 200
        as_user(clinician).get(path)

    views = AuditEvent.objects.filter(action=Action.VIEW, patient=patient)
    assert sorted(e.details["api"] for e in views) == ["consents", "contacts", "help-tasks"]
    assert {e.actor_id for e in views} == {team_clinician.pk}
    assert {e.clinic_id for e in views} == {patient.clinic_id}


def test_the_schema_documents_the_network_endpoints(team_clinician):
    response = as_user(team_clinician).get("/api/schema/")

    assert response.status_code == 200
    schema = response.content.decode()
    for path in (
        "/api/v1/patients/{patient_id}/contacts/",
        "/api/v1/contacts/{contact_id}/consents/",
        "/api/v1/contacts/{contact_id}/consents/{consent_id}/revoke/",
        "/api/v1/patients/{patient_id}/help-tasks/",
        "/api/v1/patients/{patient_id}/help-tasks/{task_id}/claim/",
        "/api/v1/patients/{patient_id}/help-tasks/{task_id}/release/",
        "/api/v1/patients/{patient_id}/help-tasks/{task_id}/done/",
        "/api/v1/supporter/patients/",
    ):
        assert path in schema


def test_the_schema_generates_without_warnings():
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    # Enum-name collisions name no file, so every warning counts here, not only ours.
    assert messages == []
