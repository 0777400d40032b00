"""A staff member invited but not joined shows as invited (with the day it was sent) until they
choose a password, and the admin can send the invitation again; choosing the password signs
them in and takes them to their role's home."""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Role, User
from audit.models import Action, AuditEvent
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db

INVITE = {"email": "robin.lee@harbor.org", "full_name": "Robin Lee", "role": Role.CLINICIAN}


def invite(client, callbacks, data=INVITE) -> Membership:
    with callbacks(execute=True):
        client.post(reverse("clinic_admin:staff_invite"), data)
    return Membership.objects.get(user__email=data["email"])


def link_in(body: str) -> str:
    return urlsplit(re.search(r"https?://\S+", body).group(0)).path


def status_of(client, membership: Membership) -> str:
    page = client.get(reverse("clinic_admin:staff")).content.decode()
    row = re.search(rf'<tr id="staff-{membership.pk}".*?</tr>', page, re.S).group(0)
    cell = re.search(r'data-testid="staff-status">(.*?)</td>', row, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def test_an_invitee_shows_as_invited_with_the_day_it_was_sent_not_as_active(
    admin_signed_in, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 2, 15, tzinfo=UTC)):
        membership = invite(admin_signed_in, django_capture_on_commit_callbacks)

    status = status_of(admin_signed_in, membership)

    assert status.startswith("Invited (sent Mar 2, 2026)")
    assert "Active" not in status
    assert "Send the invitation again" in status


def test_the_admin_sends_the_invitation_again(
    admin_signed_in, clinic, clinic_admin, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 2, 15, tzinfo=UTC)):
        membership = invite(admin_signed_in, django_capture_on_commit_callbacks)
    url = reverse("clinic_admin:staff_resend", args=[membership.pk])

    with time_machine.travel(datetime(2026, 3, 9, 15, tzinfo=UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_signed_in.post(url)
        status = status_of(admin_signed_in, membership)

    assert response.status_code == 302
    assert response.url == f"{reverse('clinic_admin:staff')}#staff-{membership.pk}"
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["robin.lee@harbor.org"]
    assert "/accounts/password/reset/key/" in mail.outbox[1].body
    assert status.startswith("Invited (sent Mar 9, 2026)")
    assert AuditEvent.objects.filter(action=Action.UPDATE, actor=clinic_admin,
                                     object_id=str(membership.pk),
                                     details__invitation="sent again").exists()  # fmt: skip


def test_the_confirmation_of_a_resend_is_beside_the_persons_row(
    admin_signed_in, django_capture_on_commit_callbacks
):
    membership = invite(admin_signed_in, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_signed_in.post(
            reverse("clinic_admin:staff_resend", args=[membership.pk]), follow=True
        )

    page = response.content.decode()
    row = re.search(rf'<tr id="staff-{membership.pk}".*?</tr>', page, re.S).group(0)
    assert "The invitation was sent again to robin.lee@harbor.org." in row
    assert 'role="status"' in row


def test_no_resend_once_the_person_has_joined(admin_signed_in, clinic):
    joined = member(Role.CLINICIAN, clinic, email="sam@harbor.org")
    membership = Membership.objects.get(user=joined, organization=clinic)

    response = admin_signed_in.post(
        reverse("clinic_admin:staff_resend", args=[membership.pk]), follow=True
    )

    assert "already chosen a password" in response.content.decode()
    assert mail.outbox == []
    assert status_of(admin_signed_in, membership) == "Active"


def test_only_this_clinics_admins_may_resend(
    client, clinic, other_clinic, admin_signed_in, django_capture_on_commit_callbacks
):
    membership = invite(admin_signed_in, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    url = reverse("clinic_admin:staff_resend", args=[membership.pk])

    for outsider in (member(Role.ADMIN, other_clinic), member(Role.CLINICIAN, clinic)):
        client.force_login(outsider)
        assert client.post(url).status_code == 404
    assert client.get(url).status_code in (404, 405)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("role", "home"),
    [(Role.CLINICIAN, "patients:caseload"), (Role.ADMIN, "reports:dashboard")],
)
def test_choosing_the_password_signs_the_person_in_on_their_roles_home(
    admin_signed_in, client, django_capture_on_commit_callbacks, role, home
):
    membership = invite(
        admin_signed_in, django_capture_on_commit_callbacks, {**INVITE, "role": role}
    )
    path = link_in(mail.outbox[0].body)
    visitor = client.__class__()

    form_url = visitor.get(path).url
    form = visitor.get(form_url).content.decode()
    assert "Choose your password" in form and "robin.lee@harbor.org" in form
    response = visitor.post(form_url, {"password1": PASSWORD, "password2": PASSWORD}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(home)
    assert response.wsgi_request.user.email == "robin.lee@harbor.org"
    assert "Your password is set." in response.content.decode()
    assert "Your password is now changed." not in response.content.decode()
    assert User.objects.get(email="robin.lee@harbor.org").has_usable_password()
    assert status_of(admin_signed_in, membership) == "Active"


def test_a_used_link_says_what_to_do_next(
    admin_signed_in, client, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0].body)
    visitor = client.__class__()
    form_url = visitor.get(path).url
    visitor.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})
    visitor.logout()

    page = visitor.get(path).content.decode()

    assert "This link no longer works" in page
    assert reverse("account_login") in page and reverse("account_reset_password") in page
