"""Finding 5: a staff invitation reveals nothing about who holds the address elsewhere (the admin
only ever sees what they typed, the same words for every address) and grants nothing until the
person accepts with the emailed link, signed in as the account of that address or setting up a
new one."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.access import memberships_for
from accounts.models import Membership, Role, StaffInvitation, User
from audit.models import Action, AuditEvent
from notifications.models import Notification
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_signed_in(client, clinic_admin):
    client.force_login(clinic_admin)
    return client


@pytest.fixture
def quinn(other_clinic) -> User:
    """A clinician of another clinic, with her real name on her account."""
    return member(
        Role.CLINICIAN, other_clinic, email="quinn.novak@example.org", full_name="Quinn Novak"
    )


def invite(client, callbacks, email: str, full_name: str = "Made Up Name", role=Role.CLINICIAN):
    with callbacks(execute=True):
        return client.post(
            reverse("clinic_admin:staff_invite"),
            {"email": email, "full_name": full_name, "role": role},
            follow=True,
        )


def link_in(body: str) -> str:
    return urlsplit(re.search(r"https?://\S+", body).group(0)).path


def confirmation(response) -> str:
    return next(str(m) for m in response.context["messages"])


def test_inviting_an_address_with_an_account_elsewhere_shows_only_what_the_admin_typed(
    admin_signed_in, clinic, other_clinic, quinn, django_capture_on_commit_callbacks
):
    response = invite(
        admin_signed_in, django_capture_on_commit_callbacks, "Quinn.Novak@example.org"
    )

    html = response.content.decode()
    assert "Quinn Novak" not in html
    assert other_clinic.name not in html
    assert confirmation(response) == (
        "An invitation was sent to Made Up Name at quinn.novak@example.org. They join once "
        "they accept it."
    )
    quinn.refresh_from_db()
    assert quinn.full_name == "Quinn Novak"  # nothing of her account was touched
    assert not Membership.objects.filter(user=quinn, organization=clinic).exists()


def test_existing_and_new_addresses_get_the_same_answer_and_the_same_email(
    admin_signed_in, clinic, quinn, django_capture_on_commit_callbacks
):
    users_before = User.objects.count()

    known = invite(
        admin_signed_in, django_capture_on_commit_callbacks, "quinn.novak@example.org", "Robin Lee"
    )
    new = invite(
        admin_signed_in, django_capture_on_commit_callbacks, "robin.lee@example.org", "Robin Lee"
    )

    assert confirmation(known).replace("quinn.novak", "X") == confirmation(new).replace(
        "robin.lee", "X"
    )
    assert User.objects.count() == users_before  # no account is made or looked at
    first, second = (m.body for m in mail.outbox)
    assert re.sub(r"https?://\S+", "LINK", first) == re.sub(r"https?://\S+", "LINK", second)
    # The email goes to the invitation, never to an account the clinic could then see.
    assert not Notification.objects.filter(recipient_user__isnull=False).exists()


def test_an_invitation_grants_nothing_until_it_is_accepted(
    admin_signed_in, client, clinic, quinn, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, django_capture_on_commit_callbacks, quinn.email)
    visitor = client.__class__()
    visitor.force_login(quinn)

    assert [m.organization_id for m in memberships_for(quinn)] != [] and all(
        m.organization_id != clinic.pk for m in memberships_for(quinn)
    )
    switch = visitor.post(reverse("accounts:clinic_switch", args=[clinic.slug]))
    assert switch.status_code == 404
    assert not Membership.objects.filter(user=quinn, organization=clinic).exists()


def test_the_staff_list_shows_the_invitation_as_pending_under_the_typed_name(
    admin_signed_in, quinn, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 2, 15, tzinfo=UTC)):
        invite(admin_signed_in, django_capture_on_commit_callbacks, quinn.email)
    with time_machine.travel(datetime(2026, 3, 3, 15, tzinfo=UTC)):
        html = admin_signed_in.get(reverse("clinic_admin:staff")).content.decode()

    row = re.search(r'<tr id="invitation-\d+".*?</tr>', html, re.S).group(0)
    text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
    assert "Made Up Name" in text and "Invited, pending (sent Mar 2, 2026)" in text
    assert "Quinn Novak" not in html


def test_the_account_of_the_address_signs_in_and_accepts(
    admin_signed_in, client, clinic, clinic_admin, quinn, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, django_capture_on_commit_callbacks, quinn.email, role=Role.ADMIN)
    link = link_in(mail.outbox[0].body)
    visitor = client.__class__()

    assert 'data-testid="sign-in-first"' in visitor.get(link).content.decode()
    visitor.force_login(quinn)
    assert visitor.get(link).status_code == 200
    response = visitor.post(link)

    assert response.status_code == 302
    membership = Membership.objects.get(user=quinn, organization=clinic)
    assert (membership.role, membership.is_active) == (Role.ADMIN, True)
    invitation = StaffInvitation.objects.get()
    assert (invitation.accepted_by, invitation.membership) == (quinn, membership)
    assert AuditEvent.objects.filter(
        action=Action.CREATE, actor=clinic_admin, object_type="accounts.StaffInvitation"
    ).exists()
    assert AuditEvent.objects.filter(
        action=Action.CREATE,
        actor=quinn,
        clinic=clinic,
        object_id=str(membership.pk),
        details__accepted=True,
    ).exists()
    # Used once.
    assert visitor.get(link).status_code == 410


@pytest.mark.parametrize("persona", ["same_clinic", "other_clinic"])
def test_another_signed_in_account_cannot_accept(
    admin_signed_in, client, clinic, other_clinic, persona, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, django_capture_on_commit_callbacks, "robin.lee@example.org")
    link = link_in(mail.outbox[0].body)
    stranger = member(Role.CLINICIAN, clinic if persona == "same_clinic" else other_clinic)
    visitor = client.__class__()
    visitor.force_login(stranger)

    page = visitor.get(link)
    accepted = visitor.post(link)

    assert page.status_code == 403 and accepted.status_code == 403
    assert "This invitation was sent to r•••@example.org" in page.content.decode()
    assert StaffInvitation.objects.get().accepted_at is None
    if persona == "other_clinic":
        assert not Membership.objects.filter(user=stranger, organization=clinic).exists()
    assert (
        AuditEvent.objects.filter(
            actor=stranger,
            object_type="accounts.StaffInvitation",
            details__refused="signed in as another account",
        ).count()
        == 2
    )


def test_a_new_person_sets_a_password_with_the_link_and_joins(
    admin_signed_in, client, clinic, django_capture_on_commit_callbacks
):
    invite(
        admin_signed_in, django_capture_on_commit_callbacks, "robin.lee@example.org", "Robin Lee"
    )
    link = link_in(mail.outbox[0].body)
    visitor = client.__class__()
    assert "Robin Lee" in visitor.get(link).content.decode()  # the name typed, to correct

    response = visitor.post(
        link, {"full_name": "Robin A. Lee", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    user = User.objects.get(email="robin.lee@example.org")
    assert user.full_name == "Robin A. Lee" and user.check_password(PASSWORD)
    assert Membership.objects.get(user=user, organization=clinic).role == Role.CLINICIAN
    assert visitor.session["_auth_user_id"] == str(user.pk)


def test_resend_gives_a_fresh_link_and_the_earlier_one_stops_working(
    admin_signed_in, client, clinic_admin, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, django_capture_on_commit_callbacks, "robin.lee@example.org")
    invitation = StaffInvitation.objects.get()
    first = link_in(mail.outbox[0].body)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_signed_in.post(reverse("clinic_admin:staff_resend", args=[invitation.pk]))

    assert response.url == f"{reverse('clinic_admin:staff')}#invitation-{invitation.pk}"
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["robin.lee@example.org"]
    second = link_in(mail.outbox[1].body)
    assert second != first
    visitor = client.__class__()
    assert visitor.get(first).status_code == 404
    assert visitor.get(second).status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, actor=clinic_admin, details__invitation="sent again"
    ).exists()


def test_withdrawing_stops_the_link_and_empties_the_list(
    admin_signed_in, client, clinic_admin, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, django_capture_on_commit_callbacks, "robin.lee@example.org")
    invitation = StaffInvitation.objects.get()
    link = link_in(mail.outbox[0].body)

    response = admin_signed_in.post(
        reverse("clinic_admin:staff_withdraw", args=[invitation.pk]), follow=True
    )

    assert "The invitation to Made Up Name was withdrawn." in response.content.decode()
    assert 'data-testid="invitation-row"' not in response.content.decode()
    assert client.__class__().get(link).status_code == 410
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, actor=clinic_admin, details__invitation="withdrawn"
    ).exists()


def test_a_link_runs_out_after_seven_days(
    admin_signed_in, client, clinic_admin, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, django_capture_on_commit_callbacks, "robin.lee@example.org")
    link = link_in(mail.outbox[0].body)

    with time_machine.travel(datetime.now(UTC) + timedelta(days=7, minutes=1)):
        response = client.__class__().get(link)
        admin = client.__class__()
        admin.force_login(clinic_admin)
        html = admin.get(reverse("clinic_admin:staff")).content.decode()

    assert response.status_code == 410
    assert "Invitation expired" in html


def test_only_this_clinics_admins_resend_or_withdraw(
    admin_signed_in, client, clinic, other_clinic, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, django_capture_on_commit_callbacks, "robin.lee@example.org")
    invitation = StaffInvitation.objects.get()
    mail.outbox.clear()

    for outsider in (member(Role.ADMIN, other_clinic), member(Role.CLINICIAN, clinic)):
        client.force_login(outsider)
        for name in ("clinic_admin:staff_resend", "clinic_admin:staff_withdraw"):
            assert client.post(reverse(name, args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and mail.outbox == []
