"""/api/v1/patients/{patient_id}/contacts/{contact_id}/ (GET, PATCH, DELETE) and .../status/:
the network page's edit, pause/resume and remove, through networks.services."""

import pytest

from audit.models import Action, AuditEvent
from networks.models import Consent, ContactStatus, HelpStatus, SupportContact
from networks.services import help_task_claim, help_task_create
from tests.api_networks.conftest import add_contact, as_user, grant

pytestmark = pytest.mark.django_db


def url(contact: SupportContact, part: str = "") -> str:
    return f"/api/v1/patients/{contact.patient_id}/contacts/{contact.pk}/{part}"


def test_the_detail_is_the_contact_as_the_list_shows_it(team_clinician, person, contact):
    grant(contact, person, ["milestones"])

    response = as_user(team_clinician).get(url(contact))
    listed = as_user(team_clinician).get(f"/api/v1/patients/{contact.patient_id}/contacts/")

    assert response.status_code == 200
    assert response.json() == listed.json()["results"][0]
    assert response.json()["consent"]["scopes"] == ["milestones"]
    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient=contact.patient, details__api="contact"
    ).exists()


def test_the_person_edits_a_contact_like_the_page_does(person, contact):
    response = as_user(person).patch(
        url(contact),
        {"phone": "+15551234567", "preferred_channel": "sms", "offers": ["car"]},
        format="json",
    )

    assert response.status_code == 200, response.content
    contact.refresh_from_db()
    assert (contact.phone, contact.preferred_channel, contact.offers) == (
        "+15551234567",
        "sms",
        ["car"],
    )
    assert contact.name == "Pat Rivera"  # what was not sent is kept
    assert response.json()["preferred_channel"] == "sms"
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(contact.pk)).last()
    assert event.details["fields"] == ["offers", "phone", "preferred_channel"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"preferred_channel": "sms"}, "phone"),  # the service's rule: SMS needs a number
        ({"relationship": "neighbour"}, "relationship"),
        ({"name": ""}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"offers": ["yacht"]}, "offers.0"),
        ({"reach_out_weekday": 7}, "reach_out_weekday"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(person, contact, body, field):
    response = as_user(person).patch(url(contact), body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    contact.refresh_from_db()
    assert contact.preferred_channel == "email" and contact.name == "Pat Rivera"


def test_an_unknown_field_is_ignored_not_saved(person, contact):
    response = as_user(person).patch(url(contact), {"invite": True}, format="json")

    assert response.status_code == 200  # not a field of the edit: inviting is its own endpoint


def test_delete_removes_like_the_page_keeping_the_history(team_clinician, person, patient, contact):
    consent = grant(contact, person, ["help_tasks"])
    task = help_task_create(patient=patient, actor=person, kind="meal", title="Dinner")
    help_task_claim(task=task, contact=contact)

    response = as_user(team_clinician).delete(url(contact))

    assert response.status_code == 204
    contact.refresh_from_db()
    consent.refresh_from_db()
    task.refresh_from_db()
    assert contact.status == ContactStatus.REMOVED and contact.removed_at is not None
    assert consent.revoked_at is not None
    assert task.status == HelpStatus.OPEN and task.claimed_by is None
    assert SupportContact.objects.filter(pk=contact.pk).exists()
    again = as_user(team_clinician).delete(url(contact))
    assert again.status_code == 400 and "status" in again.json()


def test_pause_and_resume(person, contact):
    grant(contact, person, ["milestones"])
    api = as_user(person)

    paused = api.post(url(contact, "status/"), {"status": "paused"}, format="json")
    contact.refresh_from_db()
    assert paused.status_code == 200 and contact.status == ContactStatus.PAUSED
    assert paused.json()["status"] == "paused"

    resumed = api.post(url(contact, "status/"), {"status": "active"}, format="json")
    contact.refresh_from_db()
    assert resumed.status_code == 200 and contact.status == ContactStatus.ACTIVE
    assert Consent.objects.get(contact=contact).revoked_at is None  # a pause ends nothing


@pytest.mark.parametrize("body", [{"status": "active"}, {"status": "invited"}, {}])
def test_a_change_the_state_does_not_allow_is_a_400_on_status(person, contact, body):
    response = as_user(person).post(url(contact, "status/"), body, format="json")

    assert response.status_code == 400 and "status" in response.json()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.ACTIVE


def test_a_clinic_admin_reads_but_gets_403_on_every_write(clinic_admin, contact):
    api = as_user(clinic_admin)

    assert api.get(url(contact)).status_code == 200
    assert api.patch(url(contact), {"name": 7}, format="json").status_code == 403
    assert api.delete(url(contact)).status_code == 403
    assert api.post(url(contact, "status/"), {}, format="json").status_code == 403
    contact.refresh_from_db()
    assert contact.status == ContactStatus.ACTIVE


def test_a_colleague_off_the_team_and_the_supporter_get_404(clinician, supporter, contact):
    for user in (clinician, supporter):
        api = as_user(user)
        assert api.get(url(contact)).status_code == 404
        assert api.patch(url(contact), {"name": "X"}, format="json").status_code == 404
        assert api.delete(url(contact)).status_code == 404


def test_another_clinics_contact_is_404_and_so_is_a_contact_of_another_patient(
    team_clinician, patient, elsewhere
):
    api = as_user(team_clinician)
    through_mine = f"/api/v1/patients/{patient.pk}/contacts/{elsewhere.pk}/"

    assert api.get(url(elsewhere)).status_code == 404
    assert api.get(through_mine).status_code == 404
    assert api.delete(through_mine).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == ContactStatus.INVITED


def test_the_list_filters_by_status_and_relationship(team_clinician, patient, contact):
    paused = add_contact(patient, team_clinician, "Alex Friend")
    paused.status = ContactStatus.PAUSED
    paused.save()
    api = as_user(team_clinician)
    base = f"/api/v1/patients/{patient.pk}/contacts/"

    by_status = api.get(base + "?status=paused").json()["results"]
    by_relationship = api.get(base + "?relationship=parent").json()["results"]
    bad = api.get(base + "?status=gone")

    assert [row["id"] for row in by_status] == [paused.pk]
    assert [row["id"] for row in by_relationship] == [contact.pk]
    assert bad.status_code == 400 and "status" in bad.json()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_filtered_list_keeps_a_flat_number_of_queries(
    team_clinician, person, patient, rows, django_assert_max_num_queries
):
    for number in range(rows):
        grant(add_contact(patient, team_clinician, f"Friend {number}"), person, ["milestones"])
    api = as_user(team_clinician)

    # The membership, the patient and the care-team check, the count and the page of contacts
    # with their consents in force (one prefetch), and the audited read.
    with django_assert_max_num_queries(12):
        response = api.get(f"/api/v1/patients/{patient.pk}/contacts/?relationship=friend")

    assert response.status_code == 200 and response.json()["count"] == rows
