"""/api/v1/patients/{patient_id}/encouragements/ and .../{encouragement_id}/hide/: the messages
supporters sent, and moderation (the care team sees what was hidden; the person does not)."""

import pytest

from audit.models import Action, AuditEvent
from networks.models import Encouragement
from networks.services import encouragement_hide, encouragement_send
from tests.api_networks.conftest import add_contact, as_user, grant, linked
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(person, contact) -> Encouragement:
    grant(contact, person, ["milestones"])
    return encouragement_send(contact=contact, message="Proud of you.")


def url(patient, part: str = "") -> str:
    return f"/api/v1/patients/{patient.pk}/encouragements/{part}"


def test_the_care_team_hides_a_message_like_the_page(team_clinician, patient, note):
    response = as_user(team_clinician).post(url(patient, f"{note.pk}/hide/"))

    assert response.status_code == 200
    note.refresh_from_db()
    assert note.hidden_at is not None and note.hidden_by == team_clinician
    assert response.json()["hidden"] is True
    assert response.json()["hidden_by_name"] == team_clinician.display_name
    assert AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(note.pk)).exists()


def test_hiding_twice_keeps_who_hid_it_first(team_clinician, clinic, patient, note):
    encouragement_hide(encouragement=note, actor=team_clinician)
    first = Encouragement.objects.get(pk=note.pk).hidden_at

    response = as_user(team_clinician).post(url(patient, f"{note.pk}/hide/"))

    assert response.status_code == 200
    assert Encouragement.objects.get(pk=note.pk).hidden_at == first


def test_the_person_does_not_see_hidden_messages_and_the_care_team_does(
    team_clinician, person, patient, note
):
    shown = encouragement_send(contact=note.contact, message="Thinking of you.")
    encouragement_hide(encouragement=note, actor=team_clinician)

    theirs = as_user(person).get(url(patient)).json()["results"]
    staff = as_user(team_clinician).get(url(patient)).json()["results"]
    hidden_only = as_user(team_clinician).get(url(patient) + "?hidden=true").json()["results"]
    hide_again = as_user(person).post(url(patient, f"{note.pk}/hide/"))

    assert [row["id"] for row in theirs] == [shown.pk]
    assert [row["id"] for row in staff] == [shown.pk, note.pk]
    assert [row["id"] for row in hidden_only] == [note.pk]
    assert hide_again.status_code == 404  # not in their list: as if it were not there


def test_the_list_filters_by_supporter_and_refuses_bad_values(
    team_clinician, person, patient, clinic, note
):
    other = linked(add_contact(patient, team_clinician, "Alex Friend"), member("supporter", clinic))
    grant(other, person, ["milestones"])
    theirs = encouragement_send(contact=other, message="You've got this.")
    api = as_user(team_clinician)

    rows = api.get(url(patient) + f"?contact_id={other.pk}").json()["results"]
    bad = api.get(url(patient) + "?contact_id=abc")
    bad_hidden = api.get(url(patient) + "?hidden=maybe")

    assert [row["id"] for row in rows] == [theirs.pk]
    assert bad.status_code == 400 and "contact_id" in bad.json()
    assert bad_hidden.status_code == 400 and "hidden" in bad_hidden.json()


def test_a_clinic_admin_reads_and_gets_403_and_outsiders_404(
    clinic_admin, clinician, supporter, patient, note
):
    assert as_user(clinic_admin).get(url(patient)).status_code == 200
    assert as_user(clinic_admin).post(url(patient, f"{note.pk}/hide/")).status_code == 403
    for user in (clinician, supporter):
        assert as_user(user).get(url(patient)).status_code == 404
        assert as_user(user).post(url(patient, f"{note.pk}/hide/")).status_code == 404
    assert Encouragement.objects.get(pk=note.pk).hidden_at is None


def test_another_clinics_message_is_404(team_clinician, patient, elsewhere, other_clinic):
    linked(elsewhere, member("supporter", other_clinic))
    stranger = Encouragement.objects.create(
        patient=elsewhere.patient, contact=elsewhere, message="Hello"
    )

    mine = as_user(team_clinician).post(url(patient, f"{stranger.pk}/hide/"))
    theirs = as_user(team_clinician).get(url(elsewhere.patient))

    assert mine.status_code == theirs.status_code == 404
    assert Encouragement.objects.get(pk=stranger.pk).hidden_at is None


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_keeps_a_flat_number_of_queries(
    team_clinician, patient, note, rows, django_assert_max_num_queries
):
    for number in range(rows):
        encouragement_send(contact=note.contact, message=f"Note {number}")

    # The membership, the patient and care-team check, the count, the page (with the supporter
    # and who hid each, joined), and the audited read.
    with django_assert_max_num_queries(9):
        response = as_user(team_clinician).get(url(patient))

    assert response.json()["count"] == rows + 1
