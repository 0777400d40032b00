"""Finding 3: an invitation is bound to its address. A supporter invitation opened while signed
in as another account (of this clinic or another) links nothing: a page says whose invitation
it is (masked), offers to sign out, and the attempt is audited. The patient's own invitation
holds to the same rule."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from accounts.models import Membership, Role, User
from audit.models import AuditEvent
from joining.models import PatientInvitation
from joining.services import invitation_url, patient_invitation_send
from networks.models import ContactStatus, Invitation, Relationship
from networks.services import InvitationProblem, contact_add, invitation_accept
from networks.services import invitation_send as supporter_invitation_send
from networks.services import invitation_token as supporter_token
from notifications.models import Channel
from patients.models import Patient, TeamRole
from patients.services import care_team_add
from tests.factories import PASSWORD, PatientFactory, member

pytestmark = pytest.mark.django_db

INVITED = "Alex.Kim@Example.org"  # as the clinician typed it: the match ignores case


@pytest.fixture
def team_clinician(clinic):
    return member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")


@pytest.fixture
def patient(clinic, team_clinician):
    patient = PatientFactory(clinic=clinic, legal_name="Jordan Rivera")
    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=team_clinician,
    )
    return patient


@pytest.fixture
def contact(patient, team_clinician):
    return contact_add(
        patient=patient,
        actor=team_clinician,
        name="Alex Kim",
        relationship=Relationship.FRIEND,
        email=INVITED,
    )


@pytest.fixture
def url(contact, team_clinician) -> str:
    invitation = supporter_invitation_send(contact=contact, actor=team_clinician)
    return reverse("networks:invitation", args=[supporter_token(invitation)])


def _someone_else(persona: str, clinic, other_clinic) -> User:
    if persona == "same_clinic_supporter":
        return member(Role.SUPPORTER, clinic, email="sam.else@example.org")
    if persona == "other_clinic_supporter":
        return member(Role.SUPPORTER, other_clinic, email="quinn@lakeside.org")
    return member(Role.PATIENT, other_clinic, email="river@lakeside.org")


PERSONAS = ["same_clinic_supporter", "other_clinic_supporter", "other_clinic_patient"]


def assert_nothing_linked(contact) -> None:
    contact.refresh_from_db()
    assert contact.user_id is None
    assert contact.status == ContactStatus.INVITED
    assert Invitation.objects.get(contact=contact).accepted_at is None


@pytest.mark.parametrize("persona", PERSONAS)
def test_another_account_sees_whose_invitation_it_is_and_nothing_is_linked(
    client, clinic, other_clinic, contact, url, persona
):
    stranger = _someone_else(persona, clinic, other_clinic)
    memberships_before = set(Membership.objects.values_list("pk", "user_id", "organization_id"))
    client.force_login(stranger)

    page = client.get(url)
    accepted = client.post(url)

    assert page.status_code == 403 and accepted.status_code == 403
    html = page.content.decode()
    assert "This invitation was sent to a•••@example.org" in html
    assert "alex.kim" not in html.lower()  # the address is masked
    # A way out: sign out, then come back to the same link.
    logout = reverse("account_logout")
    form = re.search(
        rf'<form method="post" action="{logout}" data-testid="sign-out-to-invitation">(.*?)</form>',
        html,
        re.S,
    )
    assert f'name="next" value="{url}"' in form.group(1)
    assert_nothing_linked(contact)
    assert set(Membership.objects.values_list("pk", "user_id", "organization_id")) == (
        memberships_before
    )
    refused = AuditEvent.objects.filter(
        actor=stranger,
        clinic=clinic,
        object_type="networks.Invitation",
        details__refused="signed in as another account",
    )
    assert refused.count() == 2  # the look and the attempt to accept


def test_the_service_refuses_an_account_that_does_not_hold_the_address(
    clinic, other_clinic, contact, team_clinician
):
    invitation = supporter_invitation_send(contact=contact, actor=team_clinician)
    stranger = member(Role.SUPPORTER, other_clinic, email="quinn@lakeside.org")

    with pytest.raises(InvitationProblem) as problem:
        invitation_accept(invitation=invitation, user=stranger)

    assert problem.value.reason == "not_yours"
    assert_nothing_linked(contact)
    assert not stranger.memberships.filter(organization=clinic).exists()


def test_the_account_that_holds_the_address_accepts_whatever_the_case(
    client, clinic, other_clinic, contact, url, patient
):
    owner = member(Role.SUPPORTER, other_clinic, email="alex.kim@example.org")
    client.force_login(owner)

    assert client.get(url).status_code == 200
    response = client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("networks:supporter_patient", args=[patient.pk])
    contact.refresh_from_db()
    assert (contact.user, contact.status) == (owner, ContactStatus.ACTIVE)
    assert owner.memberships.get(organization=clinic).role == Role.SUPPORTER


def test_signing_out_from_the_page_comes_back_to_the_invitation(
    client, clinic, other_clinic, contact, url
):
    client.force_login(member(Role.SUPPORTER, other_clinic, email="quinn@lakeside.org"))

    response = client.post(reverse("account_logout"), {"next": url})

    assert response.status_code == 302 and response.url == url
    html = client.get(url).content.decode()
    assert 'data-testid="signup-form"' in html  # the address has no account: set one up


def test_signing_up_from_the_emailed_link_proves_the_address(client, contact, url):
    response = client.post(
        url, {"full_name": "Alex Kim", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    user = User.objects.get(email="alex.kim@example.org")
    contact.refresh_from_db()
    assert contact.user == user
    assert user.emailaddress_set.get().verified


def test_the_supporters_message_link_leads_to_the_bound_invitation(
    client,
    clinic,
    other_clinic,
    contact,
    url,  # `url` sends the invitation
):
    from joining.services import supporter_link

    link = urlsplit(supporter_link(contact, "/support/")).path
    client.force_login(member(Role.SUPPORTER, other_clinic, email="quinn@lakeside.org"))

    response = client.get(link, follow=True)

    assert response.status_code == 403
    # The same invitation (its link is signed again, so compare what it points at).
    assert response.redirect_chain[-1][0].startswith("/invite/")
    assert 'data-testid="invitation-not-yours"' in response.content.decode()
    contact.refresh_from_db()
    assert contact.user_id is None


# --- The person's own invitation --------------------------------------------------------------


@pytest.fixture
def invited_patient(clinic, team_clinician, django_capture_on_commit_callbacks):
    patient = PatientFactory(
        clinic=clinic,
        legal_name="Jordan Rivera",
        email="jordan.r@example.org",
        phone="+1 555 010 0042",
    )
    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=team_clinician,
    )
    return patient


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_patient_invitation_opened_by_another_account_links_nothing(
    client, clinic, other_clinic, invited_patient, team_clinician, persona
):
    invitation = patient_invitation_send(patient=invited_patient, actor=team_clinician)
    link = urlsplit(invitation_url(invitation)).path
    stranger = _someone_else(persona, clinic, other_clinic)
    client.force_login(stranger)

    page = client.get(link)
    joined = client.post(link)

    assert page.status_code == 403 and joined.status_code == 403
    html = page.content.decode()
    assert "This invitation was sent to j•••@example.org" in html
    assert "jordan.r@" not in html
    assert Patient.objects.get(pk=invited_patient.pk).user_id is None
    assert PatientInvitation.objects.get(pk=invitation.pk).accepted_at is None
    assert (
        AuditEvent.objects.filter(
            actor=stranger,
            clinic=clinic,
            object_type="joining.PatientInvitation",
            details__refused="signed in as another account",
        ).count()
        == 2
    )


def test_a_text_message_invitation_never_binds_to_a_signed_in_account(
    client, clinic, invited_patient, team_clinician
):
    """A text proves a phone number, which no account holds: even an account with the
    patient's email address sets up a new sign-in instead, signed out."""
    invitation = patient_invitation_send(
        patient=invited_patient, actor=team_clinician, channel=Channel.SMS
    )
    link = urlsplit(invitation_url(invitation)).path
    client.force_login(User.objects.create_user(email="jordan.r@example.org", password=PASSWORD))

    response = client.post(link)

    assert response.status_code == 403
    assert "This invitation was sent to •••42" in response.content.decode()
    assert Patient.objects.get(pk=invited_patient.pk).user_id is None


def test_the_patient_invitation_joins_the_account_that_holds_the_address(
    client, clinic, invited_patient, team_clinician
):
    invitation = patient_invitation_send(patient=invited_patient, actor=team_clinician)
    link = urlsplit(invitation_url(invitation)).path
    owner = User.objects.create_user(email="Jordan.R@Example.org", password=PASSWORD)
    client.force_login(owner)

    assert client.get(link).status_code == 200
    response = client.post(link)

    assert response.status_code == 302
    assert Patient.objects.get(pk=invited_patient.pk).user == owner
