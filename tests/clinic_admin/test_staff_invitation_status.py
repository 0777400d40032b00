"""A staff invitation shows as invited and pending (with the day it was sent) under the name
the admin typed until the person accepts; the admin can send it again or withdraw it;
accepting signs the person in and takes them on to their role's home."""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Role, StaffInvitation, User
from accounts.second_factor import totp_enrol
from audit.models import Action, AuditEvent
from tests.factories import PASSWORD, TOTP_SECRET, member

pytestmark = pytest.mark.django_db

INVITE = {"email": "robin.lee@harbor.org", "full_name": "Robin Lee", "role": Role.CLINICIAN}


def invite(client, callbacks, data=INVITE) -> StaffInvitation:
    with callbacks(execute=True):
        client.post(reverse("clinic_admin:staff_invite"), data)
    return StaffInvitation.objects.waiting().get(email=data["email"])


def link_in(body: str) -> str:
    return urlsplit(re.search(r"https?://\S+", body).group(0)).path


def status_of(client, place: str) -> str:
    page = client.get(reverse("clinic_admin:staff")).content.decode()
    row = re.search(rf'<tr id="{place}".*?</tr>', page, re.S).group(0)
    cell = re.search(r'data-testid="(?:staff|invitation)-status">(.*?)</td>', row, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def test_an_invitee_shows_as_invited_with_the_day_it_was_sent_not_as_active(
    admin_signed_in, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 2, 15, tzinfo=UTC)):
        invitation = invite(admin_signed_in, django_capture_on_commit_callbacks)
        status = status_of(admin_signed_in, f"invitation-{invitation.pk}")

    assert status == "Invited, pending (sent Mar 2, 2026)"
    page = admin_signed_in.get(reverse("clinic_admin:staff")).content.decode()
    assert "Send the invitation again" in page and "Withdraw" in page


def test_the_admin_sends_the_invitation_again(
    admin_signed_in, client, clinic, clinic_admin, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 2, 15, tzinfo=UTC)):
        invitation = invite(admin_signed_in, django_capture_on_commit_callbacks)
    url = reverse("clinic_admin:staff_resend", args=[invitation.pk])

    with time_machine.travel(datetime(2026, 3, 9, 15, tzinfo=UTC)):
        client.force_login(clinic_admin)  # a week later: a new session
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        status = status_of(client, f"invitation-{invitation.pk}")

    assert response.status_code == 302
    assert response.url == f"{reverse('clinic_admin:staff')}#invitation-{invitation.pk}"
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["robin.lee@harbor.org"]
    assert "/join/staff/" in mail.outbox[1].body
    assert status == "Invited, pending (sent Mar 9, 2026)"
    assert AuditEvent.objects.filter(
        action=Action.UPDATE,
        actor=clinic_admin,
        object_id=str(invitation.pk),
        details__invitation="sent again",
    ).exists()


def test_the_confirmation_of_a_resend_is_beside_the_invitations_row(
    admin_signed_in, django_capture_on_commit_callbacks
):
    invitation = invite(admin_signed_in, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_signed_in.post(
            reverse("clinic_admin:staff_resend", args=[invitation.pk]), follow=True
        )

    page = response.content.decode()
    row = re.search(rf'<tr id="invitation-{invitation.pk}".*?</tr>', page, re.S).group(0)
    assert "The invitation was sent again to robin.lee@harbor.org." in row
    assert 'role="status"' in row


def test_a_member_who_joined_shows_as_active_with_nothing_to_resend(admin_signed_in, clinic):
    joined = member(Role.CLINICIAN, clinic, email="sam@harbor.org")
    membership = Membership.objects.get(user=joined, organization=clinic)

    assert status_of(admin_signed_in, f"staff-{membership.pk}") == "Active"
    page = admin_signed_in.get(reverse("clinic_admin:staff")).content.decode()
    assert "Send the invitation again" not in page


def test_only_this_clinics_admins_may_resend(
    client, clinic, other_clinic, admin_signed_in, django_capture_on_commit_callbacks
):
    invitation = invite(admin_signed_in, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    url = reverse("clinic_admin:staff_resend", args=[invitation.pk])

    for outsider in (member(Role.ADMIN, other_clinic), member(Role.CLINICIAN, clinic)):
        client.force_login(outsider)
        assert client.post(url).status_code == 404
    assert client.get(url).status_code in (404, 405)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("role", "home"),
    [(Role.CLINICIAN, "patients:caseload"), (Role.ADMIN, "reports:dashboard")],
)
def test_accepting_signs_the_person_in_and_leads_to_their_roles_home(
    admin_signed_in, client, clinic, django_capture_on_commit_callbacks, role, home
):
    invitation = invite(
        admin_signed_in, django_capture_on_commit_callbacks, {**INVITE, "role": role}
    )
    path = link_in(mail.outbox[0].body)
    visitor = client.__class__()

    form = visitor.get(path).content.decode()
    assert "Set up your sign-in" in form and "robin.lee@harbor.org" in form
    response = visitor.post(
        path, {"full_name": "Robin Lee", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    user = User.objects.get(email="robin.lee@harbor.org")
    assert visitor.session["_auth_user_id"] == str(user.pk)
    assert (
        "Welcome to Harbor Recovery Center"
        in visitor.get(response.url, follow=True).content.decode()
    )
    totp_enrol(user, secret=TOTP_SECRET)  # staff enrol a second factor before anything else
    assert visitor.get(reverse("home")).url == reverse(home)
    membership = Membership.objects.get(user=user, organization=clinic)
    assert status_of(admin_signed_in, f"staff-{membership.pk}") == "Active"
    assert not StaffInvitation.objects.waiting().filter(pk=invitation.pk).exists()


def test_a_used_link_says_what_to_do_next(
    admin_signed_in, client, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0].body)
    visitor = client.__class__()
    visitor.post(path, {"full_name": "Robin Lee", "password1": PASSWORD, "password2": PASSWORD})
    visitor.logout()

    page = visitor.get(path).content.decode()

    assert "This link was already used." in page
    assert reverse("account_login") in page
