"""Inviting staff: one email with a link to accept; nothing is granted and no account is made
until the person accepts; someone already in the clinic is refused."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Role, StaffInvitation, User
from audit.models import Action, AuditEvent
from tests.factories import PASSWORD, PatientFactory, member

pytestmark = pytest.mark.django_db

INVITE = {"email": "Robin.Lee@Harbor.org", "full_name": "Robin Lee", "role": Role.CLINICIAN}


def invite(client, data, callbacks):
    with callbacks(execute=True):
        return client.post(reverse("clinic_admin:staff_invite"), data)


def link_in(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


def test_invite_form_renders(admin_signed_in):
    response = admin_signed_in.get(reverse("clinic_admin:staff_invite"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="email"' in page and 'name="full_name"' in page and 'name="role"' in page


def test_inviting_a_new_person_sends_one_email_and_grants_nothing_yet(
    admin_signed_in, clinic, clinic_admin, django_capture_on_commit_callbacks
):
    patient = PatientFactory(clinic=clinic, legal_name="Jordan Example", mrn="MRN-77777")

    response = invite(admin_signed_in, INVITE, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    invitation = StaffInvitation.objects.get()
    assert (invitation.email, invitation.full_name, invitation.role) == (
        "robin.lee@harbor.org",
        "Robin Lee",
        Role.CLINICIAN,
    )
    assert not User.objects.filter(email="robin.lee@harbor.org").exists()
    assert Membership.objects.filter(organization=clinic).count() == 1  # the admin only
    # Back on the staff list, at the invitation's row, where the confirmation is.
    assert response.url == f"{reverse('clinic_admin:staff')}#invitation-{invitation.pk}"
    assert AuditEvent.objects.filter(
        action=Action.CREATE,
        actor=clinic_admin,
        clinic=clinic,
        object_id=str(invitation.pk),
        object_type="accounts.StaffInvitation",
    ).exists()

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["robin.lee@harbor.org"]
    assert clinic.name in email.subject
    assert clinic.name in email.body
    assert "/join/staff/" in email.body
    # No patient information in an email.
    assert patient.legal_name not in email.body and patient.mrn not in email.body


def test_the_invitation_link_lets_the_invitee_choose_a_password_and_join(
    admin_signed_in, client, clinic, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, INVITE, django_capture_on_commit_callbacks)
    path = urlsplit(link_in(mail.outbox[0].body)).path
    client.logout()

    form = client.get(path)
    assert form.status_code == 200
    assert 'value="robin.lee@harbor.org" readonly' in form.content.decode()
    done = client.post(
        path, {"full_name": "Robin Lee", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert done.status_code == 302

    user = User.objects.get(email="robin.lee@harbor.org")
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user, organization=clinic)
    assert (membership.role, membership.is_active) == (Role.CLINICIAN, True)


def test_the_invitation_link_works_only_once(
    admin_signed_in, client, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, INVITE, django_capture_on_commit_callbacks)
    path = urlsplit(link_in(mail.outbox[0].body)).path
    client.logout()
    client.post(path, {"full_name": "Robin Lee", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()

    second = client.get(path)

    assert second.status_code == 410
    assert "This link was already used." in second.content.decode()


def test_no_email_leaves_before_the_invitation_is_committed(
    admin_signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_signed_in.post(reverse("clinic_admin:staff_invite"), INVITE)

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_inviting_someone_with_an_account_elsewhere_touches_nothing_of_it(
    admin_signed_in, clinic, other_clinic, django_capture_on_commit_callbacks
):
    existing = member(Role.CLINICIAN, other_clinic, email="sam@lakeside.org", full_name="Sam")
    data = {"email": "SAM@lakeside.org", "full_name": "Samuel Other", "role": Role.ADMIN}

    response = invite(admin_signed_in, data, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert User.objects.filter(email__iexact="sam@lakeside.org").count() == 1
    existing.refresh_from_db()
    assert existing.full_name == "Sam"  # their own name is kept
    assert existing.check_password(PASSWORD)  # and their password
    assert not Membership.objects.filter(user=existing, organization=clinic).exists()
    assert StaffInvitation.objects.get().full_name == "Samuel Other"
    assert len(mail.outbox) == 1 and "/join/staff/" in mail.outbox[0].body


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.PATIENT, Role.SUPPORTER])
def test_someone_already_in_this_clinic_is_refused(
    admin_signed_in, clinic, role, django_capture_on_commit_callbacks
):
    existing = member(role, clinic, email="robin.lee@harbor.org", full_name="")

    response = invite(admin_signed_in, INVITE, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "This person is already a member of this clinic."
    ]
    assert Membership.objects.filter(user=existing).count() == 1
    existing.refresh_from_db()
    assert existing.full_name == ""  # nothing saved
    assert not StaffInvitation.objects.exists()
    assert mail.outbox == []


def test_a_deactivated_member_is_refused_too(
    admin_signed_in, clinic, django_capture_on_commit_callbacks
):
    existing = member(Role.CLINICIAN, clinic, email="robin.lee@harbor.org")
    Membership.objects.filter(user=existing).update(is_active=False)

    response = invite(admin_signed_in, INVITE, django_capture_on_commit_callbacks)

    assert "already a member" in response.context["form"].errors["email"][0]
    assert mail.outbox == []


def test_inviting_the_same_address_again_replaces_the_waiting_invitation(
    admin_signed_in, django_capture_on_commit_callbacks
):
    invite(admin_signed_in, INVITE, django_capture_on_commit_callbacks)
    invite(admin_signed_in, {**INVITE, "role": Role.ADMIN}, django_capture_on_commit_callbacks)

    waiting = StaffInvitation.objects.waiting()
    assert waiting.count() == 1 and waiting.get().role == Role.ADMIN
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "data",
    [
        {**INVITE, "email": "not-an-email"},
        {**INVITE, "email": ""},
        {**INVITE, "full_name": ""},
        {**INVITE, "role": Role.PATIENT},
        {**INVITE, "role": Role.SUPPORTER},
        {**INVITE, "role": "superuser"},
        {**INVITE, "full_name": "x" * 201},
    ],
    ids=["bad-email", "no-email", "no-name", "patient", "supporter", "unknown-role", "long-name"],
)
def test_bad_invitation_input_gives_field_errors_and_saves_nothing(
    admin_signed_in, clinic, data, django_capture_on_commit_callbacks
):
    users_before = User.objects.count()

    response = invite(admin_signed_in, data, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert User.objects.count() == users_before
    assert Membership.objects.filter(organization=clinic).count() == 1  # the admin only
    assert not StaffInvitation.objects.exists()
    assert mail.outbox == []


def test_the_invitee_of_another_clinics_admin_never_joins_this_clinic(
    client, clinic, other_clinic, django_capture_on_commit_callbacks
):
    client.force_login(member(Role.ADMIN, other_clinic))

    invite(client, INVITE, django_capture_on_commit_callbacks)

    assert StaffInvitation.objects.get().clinic == other_clinic


def test_an_empty_invitation_gives_field_errors(
    admin_signed_in, django_capture_on_commit_callbacks
):
    response = invite(admin_signed_in, {}, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "full_name", "role"}
    assert mail.outbox == []
