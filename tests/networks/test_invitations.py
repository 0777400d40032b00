"""The invitation link: a new account, an existing one, and every way a link can fail (a clear
page, never a 500); the email itself."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.access import SESSION_KEY
from accounts.models import Membership, Role, User
from audit.models import Action, AuditEvent
from networks.models import ContactStatus, Invitation, Relationship
from networks.services import contact_add, invitation_send, invitation_token
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Quiet-harbor-lantern-83"


@pytest.fixture
def invited(patient, team_clinician):
    """A contact invited by email who has no account yet."""
    return contact_add(
        patient=patient,
        actor=team_clinician,
        name="Alex Kim",
        relationship=Relationship.FRIEND,
        email="alex@example.org",
    )


def invite_url(contact, actor) -> str:
    invitation = invitation_send(contact=contact, actor=actor)
    return reverse("networks:invitation", args=[invitation_token(invitation)])


def signup(client, url, **changes):
    data = {"full_name": "Alex Kim", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(url, data | changes)


def test_the_email_has_one_message_a_working_link_and_a_discreet_subject(
    client, invited, team_clinician, clinic, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(contact=invited, actor=team_clinician)

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["alex@example.org"]
    assert message.subject == "Jordan invited you to their support network"
    for word in (clinic.name, "Harbor", "Rivera", "diagnos", "addiction", "treatment", "substance"):
        assert word.lower() not in message.subject.lower()
    link = re.search(r"https?://\S+/invite/\S+/", message.body).group(0)
    response = client.get(urlsplit(link).path)
    assert response.status_code == 200
    assert "Jordan has invited you to their support network" in response.content.decode()


def test_the_page_says_who_invited_with_a_first_name_only(client, invited, team_clinician, clinic):
    url = invite_url(invited, team_clinician)

    html = client.get(url).content.decode()

    assert "Jordan has invited you to their support network" in html
    assert "Rivera" not in html and clinic.name not in html
    assert 'value="alex@example.org" readonly' in html
    assert 'data-testid="redisclosure"' in html
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="networks.Invitation").exists()


def test_a_new_supporter_creates_an_account_and_lands_on_the_patient_page(
    client, invited, team_clinician, clinic, patient
):
    url = invite_url(invited, team_clinician)

    response = signup(client, url)

    assert response.status_code == 302
    assert response.url == reverse("networks:supporter_patient", args=[patient.pk])
    user = User.objects.get(email="alex@example.org")
    assert user.full_name == "Alex Kim" and user.check_password(NEW_PASSWORD)
    invited.refresh_from_db()
    assert (invited.user, invited.status) == (user, ContactStatus.ACTIVE)
    assert Membership.objects.get(user=user).role == Role.SUPPORTER
    assert Invitation.objects.get().accepted_by == user
    assert client.session[SESSION_KEY] == clinic.pk
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Jordan has invited you to their support network" in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"password2": "Something-else-entirely-9"}, "The two passwords do not match."),
        ({"password1": "password", "password2": "password"}, "This password is too common."),
        ({"password1": "alex@example.org", "password2": "alex@example.org"}, "too similar"),
        ({"full_name": ""}, "Give your name."),
    ],
)
def test_bad_sign_up_input_shows_errors_and_creates_nothing(
    client, invited, team_clinician, changes, error
):
    url = invite_url(invited, team_clinician)

    response = signup(client, url, **changes)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.filter(email="alex@example.org").exists()
    assert Invitation.objects.get().accepted_at is None
    assert "_auth_user_id" not in client.session


def test_a_refusal_of_the_service_shows_on_the_page_and_creates_no_account(
    client, clinic, invited, team_clinician, person
):
    """The invitee's address belongs to the patient: they cannot join their own network."""
    invited.email = person.email
    invited.save()
    url = invite_url(invited, team_clinician)
    client.force_login(person)

    response = client.post(url)

    assert response.status_code == 200
    assert "You cannot join your own support network." in response.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_staff_of_the_clinic_cannot_accept_with_their_work_account(client, invited, team_clinician):
    invited.email = team_clinician.email  # invited at the clinician's own address
    invited.save()
    url = invite_url(invited, team_clinician)
    client.force_login(team_clinician)

    response = client.post(url)

    assert response.status_code == 200
    assert "accept the invitation with a personal email address" in response.content.decode()
    invited.refresh_from_db()
    assert invited.user is None


def test_a_supporter_of_another_clinic_keeps_one_login_and_gains_a_membership(
    client, clinic, other_clinic, patient, team_clinician
):
    elsewhere = member(Role.SUPPORTER, other_clinic, email="robin@example.org")
    row = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Robin",
        relationship=Relationship.FRIEND,
        email="robin@example.org",
    )
    url = invite_url(row, team_clinician)
    client.force_login(elsewhere)
    page = client.get(url).content.decode()
    assert "You are signed in as robin@example.org" in page and ">Accept<" in page

    response = client.post(url)

    assert response.url == reverse("networks:supporter_patient", args=[patient.pk])
    assert User.objects.filter(email="robin@example.org").count() == 1
    assert set(elsewhere.memberships.values_list("organization__slug", "role")) == {
        (other_clinic.slug, Role.SUPPORTER),
        (clinic.slug, Role.SUPPORTER),
    }
    assert client.session[SESSION_KEY] == clinic.pk
    assert client.get(response.url).status_code == 200


def test_a_signed_out_visitor_with_an_account_is_asked_to_sign_in(
    client, clinic, other_clinic, patient, team_clinician
):
    member(Role.SUPPORTER, other_clinic, email="robin@example.org")
    row = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Robin",
        relationship=Relationship.FRIEND,
        email="Robin@Example.org",
    )
    url = invite_url(row, team_clinician)

    html = client.get(url).content.decode()

    assert f"{reverse('account_login')}?next={url.replace(':', '%3A')}" in html
    assert 'data-testid="signup-form"' not in html
    client.post(url, {"full_name": "Robin", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert Invitation.objects.get().accepted_at is None

    login = client.post(
        reverse("account_login") + f"?next={url}",
        {"login": "robin@example.org", "password": PASSWORD},
    )
    assert login.status_code == 302 and login.url == url


def test_an_expired_link_says_so(client, invited, team_clinician):
    url = invite_url(invited, team_clinician)

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        get, post = client.get(url), signup(client, url)

    for response in (get, post):
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()
    assert not User.objects.filter(email="alex@example.org").exists()


def test_a_used_link_says_so(client, invited, team_clinician):
    url = invite_url(invited, team_clinician)
    signup(client, url)
    client.logout()

    for response in (client.get(url), signup(client, url)):
        assert response.status_code == 410
        assert "This invitation was already used" in response.content.decode()


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "x" + t, lambda t: "abc"])
def test_a_tampered_link_says_it_is_not_valid(client, invited, team_clinician, mangle):
    token = invitation_token(invitation_send(contact=invited, actor=team_clinician))

    response = client.get(reverse("networks:invitation", args=[mangle(token)]))

    assert response.status_code == 200
    assert "This invitation link is not valid" in response.content.decode()
    assert "Jordan" not in response.content.decode()


def test_resending_retires_the_first_link(client, invited, team_clinician):
    first = invite_url(invited, team_clinician)
    second = invite_url(invited, team_clinician)

    response = client.get(first)

    assert response.status_code == 410
    assert "This invitation is no longer valid" in response.content.decode()
    assert signup(client, first).status_code == 410
    assert signup(client, second).status_code == 302


def test_a_removed_contacts_link_is_revoked(client, invited, team_clinician):
    from networks.services import contact_set_status

    url = invite_url(invited, team_clinician)
    contact_set_status(contact=invited, status=ContactStatus.REMOVED, actor=team_clinician)

    response = client.get(url)

    assert response.status_code == 410
    assert "This invitation is no longer valid" in response.content.decode()
