"""/api/v1/me/network/ (the person's own network) and /api/v1/me/setback/ ("I had a
setback": recorded in their own words, told to whom they choose, all or nothing)."""

import pytest
import time_machine

from networks.models import SetbackNotice, SupportContact
from patients.models import Alert, AlertKind, Setback
from tests.api_networks.conftest import add_contact, as_user, grant, linked
from tests.factories import member

pytestmark = pytest.mark.django_db

SETBACK = {"occurred_on": "2026-03-09", "kind": "lapse", "what_happened": "A hard evening."}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-03-10 15:00Z", tick=False):
        yield


def test_my_network_is_the_contact_list_of_my_own_record(person, patient, contact):
    response = as_user(person).get("/api/v1/me/network/?status=active")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [contact.pk]


def test_i_add_someone_to_my_own_network(person, patient):
    response = as_user(person).post(
        "/api/v1/me/network/",
        {"name": "Alex Friend", "relationship": "friend", "email": "alex@example.org"},
        format="json",
    )

    assert response.status_code == 201
    assert SupportContact.objects.get(pk=response.json()["id"]).patient == patient


def test_my_network_is_404_for_everyone_but_a_person_in_recovery(
    team_clinician, clinic_admin, supporter, patient
):
    for user in (team_clinician, clinic_admin, supporter):
        assert as_user(user).get("/api/v1/me/network/").status_code == 404


def test_i_tell_my_care_team_and_one_supporter_about_a_setback(person, patient, contact):
    grant(contact, person, ["milestones"])

    response = as_user(person).post(
        "/api/v1/me/setback/",
        SETBACK | {"tell_care_team": True, "contacts": [contact.pk]},
        format="json",
    )

    assert response.status_code == 201, response.content
    setback = Setback.objects.get(patient=patient)
    assert response.json() == {
        "setback": setback.pk,
        "occurred_on": "2026-03-09",
        "kind": "lapse",
        "told_care_team": True,
        "told_contacts": [contact.pk],
    }
    assert setback.what_happened == "A hard evening." and setback.recorded_by == person
    assert SetbackNotice.objects.filter(setback=setback, contact=contact).exists()
    assert Alert.objects.filter(patient=patient, kind=AlertKind.SETBACK_SHARED).exists()


def test_telling_no_one_records_the_setback_only(person, patient):
    response = as_user(person).post(
        "/api/v1/me/setback/", SETBACK | {"tell_care_team": False}, format="json"
    )

    assert response.status_code == 201
    assert Setback.objects.filter(patient=patient).count() == 1
    assert not Alert.objects.filter(patient=patient).exists()
    assert not SetbackNotice.objects.exists()


def test_someone_who_sees_nothing_cannot_be_told_and_nothing_is_saved(
    person, patient, contact, clinic, team_clinician
):
    other = linked(add_contact(patient, team_clinician, "Alex Friend"), member("supporter", clinic))
    grant(other, person, ["milestones"])

    response = as_user(person).post(
        "/api/v1/me/setback/", SETBACK | {"contacts": [other.pk, contact.pk]}, format="json"
    )

    assert response.status_code == 400 and "contacts" in response.json()
    assert not Setback.objects.exists() and not SetbackNotice.objects.exists()
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"occurred_on": "2026-03-11"}, "occurred_on"),  # the future (the service's rule)
        ({"occurred_on": "yesterday"}, "occurred_on"),
        ({"kind": "failure"}, "kind"),
        ({"what_happened": "   "}, "what_happened"),
        ({"contacts": ["1"]}, "contacts.0"),
        ({"tell_care_team": "yes"}, "tell_care_team"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(person, patient, body, field):
    response = as_user(person).post("/api/v1/me/setback/", SETBACK | body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Setback.objects.exists()


def test_only_the_person_tells(team_clinician, clinic_admin, supporter, patient):
    for user in (team_clinician, clinic_admin, supporter):
        response = as_user(user).post("/api/v1/me/setback/", SETBACK, format="json")
        assert response.status_code == 404
    assert not Setback.objects.exists()
