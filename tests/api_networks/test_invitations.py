"""/api/v1/patients/{patient_id}/contacts/{contact_id}/invitations/: send (and send again),
list, and withdraw (POST .../revoke/ or DELETE), through the invitation services of the page."""

import pytest
import time_machine
from django.utils import timezone

from audit.models import Action, AuditEvent
from networks.models import Invitation
from networks.services import invitation_accept, invitation_send
from notifications.models import Kind, Notification
from tests.api_networks.conftest import add_contact, as_user
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitee(patient, team_clinician):
    """Someone added to the network who has not joined yet."""
    return add_contact(patient, team_clinician, "Alex Friend")


def url(contact, part: str = "") -> str:
    return f"/api/v1/patients/{contact.patient_id}/contacts/{contact.pk}/invitations/{part}"


def test_sending_an_invitation_queues_the_email_like_the_page(team_clinician, invitee):
    response = as_user(team_clinician).post(url(invitee))

    assert response.status_code == 201, response.content
    invitation = Invitation.objects.get(contact=invitee)
    assert response.json()["id"] == invitation.pk
    assert response.json()["state"] == "pending" and response.json()["email"] == invitee.email
    assert "nonce" not in response.json() and "token" not in response.json()
    assert Notification.objects.filter(
        kind=Kind.INVITATION, recipient_contact=invitee, occurrence=f"invitation:{invitation.pk}"
    ).exists()
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type__icontains="invitation", object_id=str(invitation.pk)
    ).exists()


def test_sending_again_withdraws_the_earlier_link(person, invitee):
    api = as_user(person)

    first = api.post(url(invitee)).json()
    second = api.post(url(invitee)).json()

    states = {row["id"]: row["state"] for row in api.get(url(invitee)).json()["results"]}
    assert states == {first["id"]: "revoked", second["id"]: "pending"}


def test_an_invitation_that_cannot_be_sent_is_a_400_naming_why(person, patient, contact, invitee):
    no_email = add_contact(
        patient, person, "Kim Phone", email="", phone="+1555", preferred_channel="sms"
    )
    api = as_user(person)

    joined = api.post(url(contact))  # the supporter already joined
    missing = api.post(url(no_email))

    assert joined.status_code == 400 and "contact" in joined.json()
    assert missing.status_code == 400 and "email" in missing.json()
    assert not Invitation.objects.filter(contact__in=[contact, no_email]).exists()


def test_the_list_filters_by_state(team_clinician, invitee):
    with time_machine.travel(timezone.now() - timezone.timedelta(days=30)):
        old = invitation_send(contact=invitee, actor=team_clinician)
    invitation_send(contact=invitee, actor=team_clinician)
    api = as_user(team_clinician)

    revoked = api.get(url(invitee) + "?state=revoked").json()["results"]
    pending = api.get(url(invitee) + "?state=pending").json()["results"]
    bad = api.get(url(invitee) + "?state=lost")

    assert [row["id"] for row in revoked] == [old.pk]
    assert len(pending) == 1 and pending[0]["id"] != old.pk
    assert bad.status_code == 400 and "state" in bad.json()


def test_an_expired_invitation_says_so(team_clinician, invitee):
    with time_machine.travel(timezone.now() - timezone.timedelta(days=30)):
        invitation_send(contact=invitee, actor=team_clinician)

    (row,) = as_user(team_clinician).get(url(invitee)).json()["results"]

    assert row["state"] == "expired"


@pytest.mark.parametrize("how", ["post", "delete"])
def test_withdrawing_stops_the_link(team_clinician, invitee, how):
    invitation = invitation_send(contact=invitee, actor=team_clinician)
    api = as_user(team_clinician)

    if how == "post":
        response = api.post(url(invitee, f"{invitation.pk}/revoke/"))
        assert response.status_code == 200 and response.json()["state"] == "revoked"
    else:
        assert api.delete(url(invitee, f"{invitation.pk}/")).status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert api.get(url(invitee, f"{invitation.pk}/")).json()["state"] == "revoked"


def test_withdrawing_twice_changes_nothing_and_an_accepted_one_is_a_400(
    team_clinician, invitee, clinic
):
    invitation = invitation_send(contact=invitee, actor=team_clinician)
    api = as_user(team_clinician)
    api.post(url(invitee, f"{invitation.pk}/revoke/"))
    invitation.refresh_from_db()
    first = invitation.revoked_at

    assert api.post(url(invitee, f"{invitation.pk}/revoke/")).status_code == 200
    assert api.delete(url(invitee, f"{invitation.pk}/")).status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at == first

    fresh = invitation_send(contact=invitee, actor=team_clinician)
    invitation_accept(invitation=fresh, user=member("supporter", clinic, email=invitee.email))
    refused = api.post(url(invitee, f"{fresh.pk}/revoke/"))
    assert refused.status_code == 400 and "invitation" in refused.json()
    fresh.refresh_from_db()
    assert fresh.revoked_at is None


def test_an_invitation_of_another_contact_is_404(team_clinician, patient, contact, invitee):
    invitation = invitation_send(contact=invitee, actor=team_clinician)
    api = as_user(team_clinician)

    assert api.get(url(contact, f"{invitation.pk}/")).status_code == 404
    assert api.post(url(contact, f"{invitation.pk}/revoke/")).status_code == 404
    assert api.delete(url(contact, f"{invitation.pk}/")).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_clinic_admin_reads_and_gets_403_on_writes(clinic_admin, team_clinician, invitee):
    invitation = invitation_send(contact=invitee, actor=team_clinician)
    api = as_user(clinic_admin)

    assert api.get(url(invitee)).status_code == 200
    assert api.post(url(invitee)).status_code == 403
    assert api.post(url(invitee, f"{invitation.pk}/revoke/")).status_code == 403
    assert api.delete(url(invitee, f"{invitation.pk}/")).status_code == 403
    assert Invitation.objects.get().revoked_at is None


def test_another_clinic_and_outsiders_get_404(clinician, supporter, team_clinician, elsewhere):
    invitation = invitation_send(contact=elsewhere, actor=elsewhere.added_by)
    for user in (team_clinician, clinician, supporter):
        api = as_user(user)
        assert api.get(url(elsewhere)).status_code == 404
        assert api.post(url(elsewhere)).status_code == 404
        assert api.delete(url(elsewhere, f"{invitation.pk}/")).status_code == 404
    assert Invitation.objects.filter(contact=elsewhere).count() == 1


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_keeps_a_flat_number_of_queries(
    team_clinician, invitee, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        invitation_send(contact=invitee, actor=team_clinician)

    # The membership, the patient and care-team check, the contact, the count, the page with
    # who sent each (one join), and the audited read.
    with django_assert_max_num_queries(10):
        response = as_user(team_clinician).get(url(invitee))

    assert response.json()["count"] == rows
