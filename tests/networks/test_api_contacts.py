"""/api/v1/patients/{patient_id}/contacts/: the network with each person's consent in force; adding
someone (and inviting them) through networks.services."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import User
from networks.models import Invitation, SupportContact
from networks.services import consent_grant, consent_revoke
from patients.models import Patient

pytestmark = pytest.mark.django_db


def names(body: dict, field: str) -> bool:
    """The error body names the field, or a place inside it (`answers.3`)."""
    return any(key == field or key.startswith(f"{field}.") for key in body)


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/contacts/"


def grant(contact: SupportContact, actor: User, scopes: list[str], **extra: object):
    data = {
        "purpose": "To support my recovery",
        "signed_name": "Jordan Rivera",
        "signature_method": "in_app",
        "expires_on_event": "discharge",
    } | extra
    return consent_grant(contact=contact, actor=actor, scopes=scopes, **data)


def test_the_list_shows_each_contact_with_the_consent_in_force(
    team_clinician, person, patient, contact
):
    first = grant(contact, person, ["milestones", "help_tasks"])
    current = grant(contact, person, ["appointments"])

    response = as_user(team_clinician).get(url(patient))

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row == {
        "id": contact.pk,
        "name": "Pat Rivera",
        "relationship": "parent",
        "email": "pat@example.org",
        "phone": "",
        "preferred_channel": "email",
        "language": "en",
        "status": "active",
        "offers": [],
        "playbook_step": "",
        "has_account": True,
        "consent": {
            "id": current.pk,
            "scopes": ["appointments"],
            "expires_on": None,
            "expires_on_event": "discharge",
        },
    }
    assert first.pk != current.pk


def test_a_revoked_consent_leaves_no_consent_in_force(person, patient, contact):
    consent_revoke(consent=grant(contact, person, ["milestones"]), actor=person)

    (row,) = as_user(person).get(url(patient)).json()["results"]

    assert row["consent"] is None


def test_the_patient_adds_someone_to_their_network(person, patient):
    body = {
        "name": "  Sam Lee ",
        "relationship": "sponsor",
        "email": "SAM@example.org",
        "phone": "+1 555 0100",
        "preferred_channel": "sms",
        "language": "es",
        "offers": ["car", "calls"],
        "playbook_step": "Call me and go for a walk.",
        "reach_out_weekday": 2,
        "reach_out_time": "18:30",
    }

    response = as_user(person).post(url(patient), body, format="json")

    assert response.status_code == 201, response.json()
    created = SupportContact.objects.get(pk=response.json()["id"])
    assert (created.name, created.email, created.added_by) == ("Sam Lee", "sam@example.org", person)
    assert created.offers == ["car", "calls"] and created.reach_out_weekday == 2
    assert response.json()["status"] == "invited"
    assert response.json()["has_account"] is False and response.json()["consent"] is None
    assert not Invitation.objects.exists()


def test_invite_true_sends_an_invitation(
    team_clinician, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(team_clinician).post(
            url(patient),
            {
                "name": "Sam Lee",
                "relationship": "friend",
                "email": "sam@example.org",
                "invite": True,
            },
            format="json",
        )

    assert response.status_code == 201
    invitation = Invitation.objects.get(contact_id=response.json()["id"])
    assert invitation.email == "sam@example.org"
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_an_invitation_that_cannot_be_sent_saves_nothing(team_clinician, patient):
    # No email address: the contact may be reached by text, but the invitation needs email.
    response = as_user(team_clinician).post(
        url(patient),
        {
            "name": "Sam Lee",
            "relationship": "friend",
            "preferred_channel": "sms",
            "phone": "+1 555 0100",
            "invite": True,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "email" in response.json()
    assert not SupportContact.objects.filter(patient=patient).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"relationship": "friend"}, "name"),
        ({"name": "   ", "relationship": "friend", "email": "a@example.org"}, "name"),
        ({"name": "Sam", "relationship": "boss", "email": "a@example.org"}, "relationship"),
        ({"name": "Sam", "relationship": "friend", "email": "not-an-email"}, "email"),
        ({"name": "Sam", "relationship": "friend"}, "email"),  # email channel, no address
        ({"name": "Sam", "relationship": "friend", "preferred_channel": "sms"}, "phone"),
        (
            {
                "name": "Sam",
                "relationship": "friend",
                "email": "a@example.org",
                "preferred_channel": "pigeon",
            },
            "preferred_channel",
        ),
        (
            {"name": "Sam", "relationship": "friend", "email": "a@example.org", "language": "xx"},
            "language",
        ),
        (
            {
                "name": "Sam",
                "relationship": "friend",
                "email": "a@example.org",
                "offers": ["money"],
            },
            "offers",
        ),
        (
            {"name": "Sam", "relationship": "friend", "email": "a@example.org", "offers": "car"},
            "offers",
        ),
        (
            {
                "name": "Sam",
                "relationship": "friend",
                "email": "a@example.org",
                "reach_out_weekday": 7,
            },
            "reach_out_weekday",
        ),
        (
            {
                "name": "Sam",
                "relationship": "friend",
                "email": "a@example.org",
                "reach_out_weekday": True,
            },
            "reach_out_weekday",
        ),
        (
            {
                "name": "Sam",
                "relationship": "friend",
                "email": "a@example.org",
                "reach_out_time": "25:00",
            },
            "reach_out_time",
        ),
        ({"name": ["Sam"], "relationship": "friend", "email": "a@example.org"}, "name"),
        ({"name": "S" * 201, "relationship": "friend", "email": "a@example.org"}, "name"),
        (
            {"name": "Sam", "relationship": "friend", "email": "a@example.org", "invite": "maybe"},
            "invite",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(person, patient, body, field):
    response = as_user(person).post(url(patient), body, format="json")

    assert response.status_code == 400
    assert names(response.json(), field)
    assert not SupportContact.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("raw", ["{", "[]", '"text"', "null"])
def test_malformed_json_is_a_400_and_saves_nothing(person, patient, raw):
    response = as_user(person).post(url(patient), raw, content_type="application/json")

    assert response.status_code == 400
    assert not SupportContact.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("rows", [3, 50])
def test_the_list_keeps_a_constant_number_of_queries(
    team_clinician, person, patient, rows, django_assert_max_num_queries
):
    contacts = SupportContact.objects.bulk_create(
        SupportContact(
            patient=patient,
            name=f"Friend {n}",
            relationship="friend",
            email=f"friend{n}@example.org",
            status="active",
        )
        for n in range(rows)
    )
    for contact in contacts:
        grant(contact, person, ["milestones"])
    api = as_user(team_clinician)

    # memberships, patient (care-team check inside), the contacts (network_of: a list, so the
    # page is counted without a query), their consents in force (one prefetch), audit insert.
    with django_assert_max_num_queries(5):
        response = api.get(url(patient), {"page_size": 100})

    results = response.json()["results"]
    assert len(results) == rows
    assert all(row["consent"]["scopes"] == ["milestones"] for row in results)
