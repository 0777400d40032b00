"""/api/v1/patients/{patient_id}/help-tasks/: the patient and the care team add and finish tasks; a
supporter sees, claims, releases and finishes them only while `help_tasks` is shared with them
(without it the list is a 404 and the services refuse a claim with a 400)."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User
from audit.models import Action, AuditEvent
from networks.models import HelpStatus, HelpTask, Relationship, SupportContact
from networks.services import (
    consent_grant,
    consent_revoke,
    contact_add,
    contact_set_status,
    help_task_create,
)
from patients.models import Patient
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(patient: Patient, part: str = "") -> str:
    return f"/api/v1/patients/{patient.pk}/help-tasks/{part}"


def grant(contact: SupportContact, actor: User, scopes: list[str]):
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
def task(patient: Patient, team_clinician: User) -> HelpTask:
    return help_task_create(
        patient=patient, actor=team_clinician, kind="ride", title="A ride to Tuesday group"
    )


@pytest.fixture
def shared(contact: SupportContact, person: User) -> SupportContact:
    """The supporter's contact, with help tasks shared."""
    grant(contact, person, ["help_tasks"])
    return contact


@pytest.fixture
def second_supporter(clinic, patient, person, team_clinician) -> User:
    user = member(Role.SUPPORTER, clinic, full_name="Sam Lee")
    contact = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Sam Lee",
        relationship=Relationship.FRIEND,
        email="sam@example.org",
    )
    contact.user, contact.status = user, "active"
    contact.save()
    grant(contact, person, ["help_tasks"])
    return user


def test_the_patient_adds_a_task(person, patient):
    due = (patient.local_today() + timedelta(days=3)).isoformat()

    response = as_user(person).post(
        url(patient),
        {
            "kind": "meal",
            "title": " Dinner on Friday ",
            "details": "Anything warm",
            "due_on": due,
            "weekly": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["title"], body["status"]) == ("meal", "Dinner on Friday", "open")
    assert body["due_on"] == due and body["weekly"] is True and body["claimed_by"] is None
    assert HelpTask.objects.get(pk=body["id"]).created_by == person


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Dinner"}, "kind"),
        ({"kind": "money", "title": "Dinner"}, "kind"),
        ({"kind": "meal"}, "title"),
        ({"kind": "meal", "title": "   "}, "title"),
        ({"kind": "meal", "title": "x" * 201}, "title"),
        ({"kind": "meal", "title": "Dinner", "due_on": "2001-01-01"}, "due_on"),
        ({"kind": "meal", "title": "Dinner", "due_on": "next friday"}, "due_on"),
        ({"kind": "meal", "title": "Dinner", "weekly": True}, "due_on"),
        ({"kind": "meal", "title": "Dinner", "weekly": "often"}, "weekly"),
        ({"kind": "meal", "title": {"text": "Dinner"}}, "title"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(person, patient, body, field):
    response = as_user(person).post(url(patient), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not HelpTask.objects.exists()


@pytest.mark.parametrize("raw", ["{", "[]", "null", "42"])
def test_malformed_json_is_a_400_and_saves_nothing(person, patient, raw):
    response = as_user(person).post(url(patient), raw, content_type="application/json")

    assert response.status_code == 400
    assert not HelpTask.objects.exists()


def test_the_care_team_sees_every_task_and_who_claimed_it(team_clinician, patient, shared, task):
    done = help_task_create(patient=patient, actor=team_clinician, kind="call", title="A call")
    HelpTask.objects.filter(pk=done.pk).update(status=HelpStatus.DONE)
    as_user(shared.user).post(url(patient, f"{task.pk}/claim/"))

    rows = as_user(team_clinician).get(url(patient)).json()["results"]

    assert {(r["id"], r["status"], r["claimed_by_name"]) for r in rows} == {
        (task.pk, "claimed", "Pat Rivera"),
        (done.pk, "done", None),
    }
    only_open = as_user(team_clinician).get(url(patient), {"status": "done"}).json()["results"]
    assert [r["id"] for r in only_open] == [done.pk]
    assert as_user(team_clinician).get(url(patient), {"status": "lost"}).status_code == 400


def test_a_supporter_with_help_tasks_sees_open_tasks_and_their_own(
    team_clinician, patient, shared, second_supporter, task
):
    theirs = help_task_create(patient=patient, actor=team_clinician, kind="meal", title="Dinner")
    as_user(second_supporter).post(url(patient, f"{theirs.pk}/claim/"))

    response = as_user(shared.user).get(url(patient))

    assert response.status_code == 200
    rows = response.json()["results"]
    # Sam's claimed task is not shown to Pat, and nothing names who claimed what.
    assert [r["id"] for r in rows] == [task.pk]
    assert "claimed_by" not in rows[0] and "claimed_by_name" not in rows[0]
    assert "Sam" not in response.content.decode()
    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient=patient, actor=shared.user
    ).exists()


def test_a_supporter_without_help_tasks_gets_404(person, patient, contact, task):
    api = as_user(contact.user)
    assert api.get(url(patient)).status_code == 404  # no consent at all

    grant(contact, person, ["milestones", "appointments"])
    assert api.get(url(patient)).status_code == 404  # other scopes only

    consent = grant(contact, person, ["help_tasks"])
    assert api.get(url(patient)).status_code == 200

    consent_revoke(consent=consent, actor=person)
    assert api.get(url(patient)).status_code == 404  # revoked: the very next request
    claim = api.post(url(patient, f"{task.pk}/claim/"))
    assert claim.status_code == 404  # as if there were nothing there, like the list
    task.refresh_from_db()
    assert task.status == "open"


def test_a_supporter_does_not_add_tasks(patient, shared):
    response = as_user(shared.user).post(
        url(patient), {"kind": "meal", "title": "Dinner"}, format="json"
    )

    assert response.status_code == 403
    assert not HelpTask.objects.exists()


def test_claim_release_and_done_by_a_supporter(patient, shared, task):
    api = as_user(shared.user)

    claimed = api.post(url(patient, f"{task.pk}/claim/"))
    assert claimed.status_code == 200 and claimed.json()["status"] == "claimed"
    mine = api.get("/api/v1/supporter/patients/").json()["results"][0]["help_tasks"]["mine"]
    assert [t["id"] for t in mine] == [task.pk]

    released = api.post(url(patient, f"{task.pk}/release/"))
    assert released.status_code == 200 and released.json()["status"] == "open"

    assert api.post(url(patient, f"{task.pk}/done/")).status_code == 400  # not claimed
    api.post(url(patient, f"{task.pk}/claim/"))
    done = api.post(url(patient, f"{task.pk}/done/"))
    assert done.status_code == 200 and done.json()["status"] == "done"
    task.refresh_from_db()
    assert task.status == "done" and task.claimed_by == shared


def test_a_task_someone_else_claimed_is_404_for_a_second_supporter(
    patient, shared, second_supporter, task
):
    first = as_user(shared.user).post(url(patient, f"{task.pk}/claim/"))
    second = as_user(second_supporter).post(url(patient, f"{task.pk}/claim/"))
    missing = as_user(second_supporter).post(url(patient, f"{task.pk + 1000}/claim/"))

    assert first.status_code == 200
    # The same answer as for a task that does not exist: nothing confirms it is there.
    assert second.status_code == missing.status_code == 404
    assert second.json() == missing.json()
    task.refresh_from_db()
    assert task.claimed_by == shared
    # Nor can the second release or finish it.
    assert as_user(second_supporter).post(url(patient, f"{task.pk}/release/")).status_code == 404
    assert as_user(second_supporter).post(url(patient, f"{task.pk}/done/")).status_code == 404
    task.refresh_from_db()
    assert task.status == "claimed" and task.claimed_by == shared


def test_the_patient_and_the_care_team_mark_a_task_done(person, team_clinician, patient, task):
    other = help_task_create(patient=patient, actor=person, kind="call", title="A call")

    assert as_user(person).post(url(patient, f"{task.pk}/done/")).json()["status"] == "done"
    assert as_user(team_clinician).post(url(patient, f"{other.pk}/done/")).status_code == 200
    again = as_user(person).post(url(patient, f"{task.pk}/done/"))
    assert again.status_code == 400 and "task" in again.json()


def test_a_weekly_task_opens_again_when_done(person, patient):
    first = help_task_create(
        patient=patient,
        actor=person,
        kind="ride",
        title="Ride to group",
        due_on=patient.local_today(),
        weekly=True,
    )

    as_user(person).post(url(patient, f"{first.pk}/done/"))

    following = HelpTask.objects.exclude(pk=first.pk).get()
    assert following.status == "open" and following.due_on == first.due_on + timedelta(days=7)


def test_the_patient_and_staff_do_not_claim(person, team_clinician, patient, task):
    assert as_user(person).post(url(patient, f"{task.pk}/claim/")).status_code == 403
    assert as_user(team_clinician).post(url(patient, f"{task.pk}/release/")).status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_a_task_of_another_patient_is_404(clinic, team_clinician, patient, shared):
    stranger = PatientFactory(clinic=clinic)
    theirs = help_task_create(patient=stranger, actor=team_clinician, kind="meal", title="Soup")

    assert as_user(shared.user).post(url(patient, f"{theirs.pk}/claim/")).status_code == 404
    assert as_user(team_clinician).post(url(patient, f"{theirs.pk}/done/")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_a_removed_supporter_gets_404(team_clinician, patient, shared, task):
    contact_set_status(contact=shared, status="removed", actor=team_clinician)

    api = as_user(shared.user)
    assert api.get(url(patient)).status_code == 404
    assert api.post(url(patient, f"{task.pk}/claim/")).status_code == 404


@pytest.mark.parametrize("rows", [3, 50])
def test_the_lists_keep_a_constant_number_of_queries(
    team_clinician, patient, shared, rows, django_assert_max_num_queries
):
    tasks = HelpTask.objects.bulk_create(
        HelpTask(patient=patient, kind="meal", title=f"Meal {n}") for n in range(rows)
    )
    HelpTask.objects.filter(pk__in=[t.pk for t in tasks[::2]]).update(
        status=HelpStatus.CLAIMED, claimed_by=shared
    )

    # memberships, patient (care-team check inside), count, page of tasks with the contact who
    # claimed them, audit insert.
    with django_assert_max_num_queries(5):
        staff = as_user(team_clinician).get(url(patient), {"page_size": 100})
    # memberships, the supporter's contact, the consents in force, count, page, audit insert.
    with django_assert_max_num_queries(6):
        supporter = as_user(shared.user).get(url(patient), {"page_size": 100})

    assert len(staff.json()["results"]) == rows
    assert len(supporter.json()["results"]) == rows
