"""A person in recovery is invited to their own sign-in: at intake or from the chart, by email
or text; the signed, single-use, expiring link sets a password and lands on "My recovery"."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, Role, User
from audit.models import AuditEvent
from joining import services
from joining.models import PatientInvitation
from notifications.models import Notification
from patients.models import Patient
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

PASSWORD = "a long walk by the river"


def _intake(clinician, **overrides):
    data = {
        "legal_name": "Samira Haddad",
        "preferred_name": "Sam",
        "pronouns": "she/her",
        "mrn": "HRB-0100",
        "date_of_birth": "1991-04-02",
        "time_zone": "America/Chicago",
        "preferred_language": "en",
        "phone": "555-0101",
        "email": "sam@example.org",
        "primary_clinician": clinician.pk,
        "invite_by": "email",
    }
    data.update(overrides)
    return data


def _link_from(body: str) -> str:
    return _path(next(word for word in body.split() if "/join/" in word))


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[1]


def test_intake_invites_the_person_by_email_and_the_chart_says_invited(
    client, clinic, team_clinician, django_capture_on_commit_callbacks
):
    client.force_login(team_clinician)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("patients:new"), _intake(team_clinician))

    patient = Patient.objects.get(mrn="HRB-0100")
    invitation = patient.invitations.get()
    assert invitation.channel == "email" and invitation.address == "sam@example.org"
    (row,) = Notification.objects.filter(kind="patient_invitation")
    assert row.patient == patient and row.address == "sam@example.org" and row.status == "sent"
    (email,) = mail.outbox
    assert email.to == ["sam@example.org"]
    assert "/join/" in email.body and "Sam" in email.body
    chart = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()
    assert "Invited" in chart and "Not invited yet" not in chart
    assert AuditEvent.objects.filter(
        object_type="joining.PatientInvitation", action="create"
    ).exists()


def test_intake_by_email_without_an_address_says_so_and_saves_nothing(
    client, clinic, team_clinician
):
    client.force_login(team_clinician)

    response = client.post(reverse("patients:new"), _intake(team_clinician, email=""))

    assert response.status_code == 200
    assert "Add an email address above to invite them by email" in response.content.decode()
    assert not Patient.objects.exists() and not PatientInvitation.objects.exists()


def test_intake_can_leave_the_invitation_for_later(client, clinic, team_clinician):
    client.force_login(team_clinician)

    client.post(reverse("patients:new"), _intake(team_clinician, invite_by=""))

    patient = Patient.objects.get(mrn="HRB-0100")
    assert not patient.invitations.exists() and not mail.outbox
    chart = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()
    assert "Not invited yet" in chart


@pytest.fixture
def invited(clinic, team_clinician, django_capture_on_commit_callbacks):
    patient = PatientFactory(
        clinic=clinic,
        legal_name="Samira Haddad",
        preferred_name="Sam",
        email="sam@example.org",
        phone="555-0101",
    )
    from patients.services import care_team_add

    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role="primary_counselor",
        is_primary=True,
        actor=team_clinician,
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.patient_invitation_send(patient=patient, actor=team_clinician)
    return patient, invitation


@pytest.fixture
def team_clinician(clinic):
    return member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")


def test_the_link_sets_a_password_and_lands_on_my_recovery(client, invited):
    patient, _invitation = invited
    link = _link_from(mail.outbox[-1].body)

    page = client.get(link)
    assert page.status_code == 200 and "Choose your password" in page.content.decode()
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 302 and response.url == reverse("patients:patient_home")
    patient.refresh_from_db()
    user = patient.user
    assert user.email == "sam@example.org" and user.check_password(PASSWORD)
    assert Membership.objects.get(user=user, organization=patient.clinic).role == Role.PATIENT
    home = client.get(response.url)
    assert home.status_code == 200 and "Welcome, Sam" in home.content.decode()
    assert client.get(link).status_code == 410  # single use


def test_bad_passwords_say_why_and_create_nothing(client, invited):
    link = _link_from(mail.outbox[-1].body)

    mismatch = client.post(link, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    short = client.post(link, {"password1": "abc", "password2": "abc"})

    assert "The two passwords do not match." in mismatch.content.decode()
    assert "too short" in short.content.decode()
    assert not User.objects.filter(email="sam@example.org").exists()


def test_a_link_runs_out_after_seven_days(client, invited):
    link = _link_from(mail.outbox[-1].body)
    later = datetime.now(UTC) + timedelta(days=PatientInvitation.VALID_DAYS, minutes=1)

    with time_machine.travel(later, tick=False):
        response = client.get(link)

    assert response.status_code == 410 and "run out" in response.content.decode()


def test_a_new_invitation_retires_the_earlier_link(
    client, invited, team_clinician, django_capture_on_commit_callbacks
):
    patient, _first = invited
    old_link = _link_from(mail.outbox[-1].body)

    with django_capture_on_commit_callbacks(execute=True):
        services.patient_invitation_send(patient=patient, actor=team_clinician)

    assert client.get(old_link).status_code == 410
    assert client.get(_link_from(mail.outbox[-1].body)).status_code == 200


def test_a_tampered_link_is_refused(client, invited):
    link = _link_from(mail.outbox[-1].body)

    assert client.get(link[:-3] + "abc/").status_code == 404


def test_an_invitation_by_text_asks_for_an_email_to_sign_in_with(client, invited, team_clinician):
    patient, _first = invited
    services.patient_invitation_send(patient=patient, actor=team_clinician, channel="sms")
    row = Notification.objects.filter(kind="patient_invitation", channel="sms").get()
    link = _path(row.link)

    missing = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert "This field is required" in missing.content.decode()
    response = client.post(
        link, {"email": "sam.h@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.user.email == "sam.h@example.org"


def test_someone_with_an_account_signs_in_first_then_joins(client, invited, clinic):
    patient, _invitation = invited
    existing = User.objects.create_user(email="sam@example.org", password=PASSWORD)
    link = _link_from(mail.outbox[-1].body)

    assert "Sign in, and you will come back here" in client.get(link).content.decode()
    client.force_login(existing)
    response = client.post(link)

    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.user == existing


def test_staff_of_the_clinic_cannot_join_as_the_patient(client, invited, clinic):
    _patient, _invitation = invited
    staff = member(Role.CLINICIAN, clinic, email="sam@example.org")  # the same address
    client.force_login(staff)

    response = client.post(_link_from(mail.outbox[-1].body))

    assert "another role at this clinic" in response.content.decode()
    assert Patient.objects.get(pk=_patient.pk).user_id is None


# --- The chart's sign-in page ------------------------------------------------------------------


def test_the_care_team_sends_resends_and_withdraws_from_the_chart(client, invited, team_clinician):
    patient, first = invited
    client.force_login(team_clinician)
    url = reverse("joining:sign_in", args=[patient.pk])

    page = client.get(url).content.decode()
    assert "Invited" in page and "sam@example.org" in page
    resent = client.post(url, {"channel": "sms"})
    assert resent.status_code == 302 and resent.url.endswith("#invitation")
    first.refresh_from_db()
    newest = patient.invitations.first()
    assert first.revoked_at is not None and newest.channel == "sms"
    assert "Invitation sent to 555-0101" in client.get(resent.url).content.decode()

    client.post(url, {"revoke": newest.pk})

    newest.refresh_from_db()
    assert newest.revoked_at is not None
    assert "Not invited yet" in client.get(url).content.decode()
    assert (
        client.get(_path(Notification.objects.filter(channel="sms").get().link)).status_code == 410
    )


def test_sending_by_email_without_an_address_says_what_to_do(client, clinic, team_clinician):
    patient = PatientFactory(clinic=clinic, email="", phone="")
    from patients.services import care_team_add

    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role="primary_counselor",
        is_primary=True,
        actor=team_clinician,
    )
    client.force_login(team_clinician)

    response = client.post(reverse("joining:sign_in", args=[patient.pk]), {"channel": "email"})

    assert response.status_code == 200
    assert "Add the person&#x27;s email address" in response.content.decode()
    assert not patient.invitations.exists()


def test_the_sign_in_page_is_404_outside_the_care_team_and_other_clinics(
    client, invited, clinic, other_clinic
):
    patient, _invitation = invited
    url = reverse("joining:sign_in", args=[patient.pk])
    for outsider in (
        member(Role.CLINICIAN, clinic),
        member(Role.CLINICIAN, other_clinic),
        member(Role.ADMIN, other_clinic),
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"channel": "email"}).status_code == 404
    admin = member(Role.ADMIN, clinic)
    client.force_login(admin)
    assert client.get(url).status_code == 200  # admins read
    assert client.post(url, {"channel": "email"}).status_code == 404  # the care team acts


def test_a_signed_in_account_with_another_address_cannot_take_the_invitation(
    client, invited, other_clinic
):
    patient, _invitation = invited
    stranger = member(Role.SUPPORTER, other_clinic, email="someone.else@example.org")
    client.force_login(stranger)

    response = client.post(_link_from(mail.outbox[-1].body))

    assert response.status_code == 403
    assert "This invitation is for someone else" in response.content.decode()
    assert Patient.objects.get(pk=patient.pk).user_id is None


def test_an_invitation_stops_working_when_care_ends(client, invited):
    patient, _invitation = invited
    Patient.objects.filter(pk=patient.pk).update(status="discharged")

    assert client.get(_link_from(mail.outbox[-1].body)).status_code == 410


def test_a_bad_withdraw_value_is_a_404_not_an_error(client, invited, team_clinician):
    patient, _invitation = invited
    client.force_login(team_clinician)

    response = client.post(reverse("joining:sign_in", args=[patient.pk]), {"revoke": "abc"})

    assert response.status_code == 404
