"""A reviewer's probes of the sign-in perimeter (issue #16), with paths the other security tests
do not take: the emailed reset link, invitation links, real API keys, htmx and file answers, the
language switch, the clinic switch, the Django admin; lockout by address variants; tokens of
deactivated people and tokens used on pages."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.access import SESSION_KEY
from accounts.models import ApiToken, Role, User
from accounts.second_factor import totp_enrol
from accounts.tokens import token_issue
from joining.services import staff_invitation_token, staff_invite
from networks.models import Relationship
from networks.services import contact_add
from networks.services import invitation_send as supporter_invitation_send
from networks.services import invitation_token as supporter_token
from reports.registry import SLUGS
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    CareTeamMemberFactory,
    MembershipFactory,
    PatientFactory,
    member,
    sign_in_as_allauth_does,
    totp_code,
)

pytestmark = pytest.mark.django_db

ENROL = "/accounts/2fa/totp/activate/"
NEW_PASSWORD = "another-Long-passphrase-77"
SHIFT_START = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)


def reset_with_link(client: Client, user: User) -> object:
    """Open the emailed reset link and choose a new password, as the person does."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    set_password = client.get(path).url
    return client.post(set_password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.fixture
def jordan(clinic):
    return PatientFactory(clinic=clinic, legal_name="Jordan Quill")


# --- Two factors: the reset link --------------------------------------------------------------


def test_a_reset_link_does_not_sign_in_staff_with_totp_without_the_code(clinic, jordan):
    nurse = member(Role.CLINICIAN, clinic)  # with TOTP
    CareTeamMemberFactory(patient=jordan, clinician=nurse)
    client = Client()

    done = reset_with_link(client, nurse)

    assert done.status_code == 302 and done.url.startswith(reverse("mfa_authenticate"))
    assert signed_in_as(client) is None
    chart = client.get(reverse("patients:chart", args=[jordan.pk]))
    assert chart.status_code == 302 and chart.url.startswith(reverse("account_login"))
    client.post(done.url, {"code": totp_code(nurse)})
    assert signed_in_as(client) == str(nurse.pk)


def test_a_reset_link_signs_in_staff_without_totp_only_to_enrol(clinic, jordan):
    nurse = member(Role.CLINICIAN, clinic, second_factor=False)
    CareTeamMemberFactory(patient=jordan, clinician=nurse)
    client = Client()

    reset_with_link(client, nurse)

    assert signed_in_as(client) == str(nurse.pk)
    for url in [reverse("patients:chart", args=[jordan.pk]), reverse("patients:caseload")]:
        response = client.get(url)
        assert (response.status_code, response.url) == (302, ENROL)
    api = client.get(f"/api/v1/patients/{jordan.pk}/")
    assert api.status_code == 403 and "Jordan" not in api.content.decode()


# --- Two factors: other ways in ---------------------------------------------------------------


def test_a_real_api_key_of_staff_without_totp_opens_nothing(clinic, jordan):
    nurse = member(Role.CLINICIAN, clinic, second_factor=False)
    CareTeamMemberFactory(patient=jordan, clinician=nurse)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token_issue(nurse, 'script')}")

    for url in ["/api/v1/patients/", f"/api/v1/patients/{jordan.pk}/"]:
        response = api.get(url)
        assert response.status_code == 403, url
        assert "Jordan" not in response.content.decode()
    assert api.post("/api/v1/patients/", {"mrn": "X-1"}, format="json").status_code == 403


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_HX_REQUEST": "true"}, {"HTTP_SEC_FETCH_MODE": "cors"}],
    ids=["htmx", "fetch"],
)
def test_partials_and_background_requests_of_staff_without_totp_answer_403(clinic, jordan, headers):
    nurse = member(Role.CLINICIAN, clinic, second_factor=False)
    CareTeamMemberFactory(patient=jordan, clinician=nurse)
    client = sign_in_as_allauth_does(Client(), nurse)

    for url in [reverse("patients:caseload"), reverse("patients:chart", args=[jordan.pk])]:
        response = client.get(url, **headers)
        assert response.status_code == 403, url
        assert "Jordan" not in response.content.decode()


def test_file_exports_of_an_admin_without_totp_are_refused(clinic, jordan):
    admin = member(Role.ADMIN, clinic, second_factor=False)
    client = sign_in_as_allauth_does(Client(), admin)
    urls = [
        reverse("audit:trail_csv"),
        reverse("audit:access_report_csv", args=[jordan.pk]),
        *[reverse("reports:report_csv", args=[slug]) for slug in SLUGS],
    ]

    for url in urls:
        response = client.get(url)
        assert (response.status_code, response.get("Location")) == (302, ENROL), url
        assert "text/csv" not in response.get("Content-Type", "")


def test_the_language_switch_leads_to_enrolment_not_to_the_chart(clinic, jordan):
    nurse = member(Role.CLINICIAN, clinic, second_factor=False)
    CareTeamMemberFactory(patient=jordan, clinician=nurse)
    client = sign_in_as_allauth_does(Client(), nurse)
    chart = reverse("patients:chart", args=[jordan.pk])

    response = client.post("/i18n/setlang/", {"language": "es", "next": chart}, follow=True)

    assert [url for url, _status in response.redirect_chain][:2] == [chart, ENROL]
    assert "Jordan" not in response.content.decode()


def test_a_supporter_here_and_clinician_there_must_enrol_whichever_clinic_is_current(
    clinic, other_clinic
):
    person = member(Role.SUPPORTER, clinic)
    MembershipFactory(
        user=person, organization=other_clinic, role=Role.CLINICIAN, second_factor=False
    )
    client = sign_in_as_allauth_does(Client(), person)
    session = client.session
    session[SESSION_KEY] = clinic.pk  # acting as the supporter
    session.save()

    assert client.get("/").url == ENROL
    assert client.get(reverse("patients:caseload")).url == ENROL
    # A form sent from a page is answered with the enrolment page, never the other action.
    switch = client.post(reverse("accounts:clinic_switch", args=[other_clinic.slug]))
    assert switch.status_code == 302 and switch.url == ENROL
    assert client.get(reverse("patients:caseload")).url == ENROL


def test_a_new_account_from_a_staff_invitation_reaches_no_chart_before_enrolling(
    clinic, clinic_admin, jordan
):
    invitation = staff_invite(
        clinic=clinic,
        actor=clinic_admin,
        email="robin.lee@example.org",
        full_name="Robin Lee",
        role=Role.ADMIN,
    )
    link = reverse("joining:staff", args=[staff_invitation_token(invitation)])
    client = Client()

    client.post(link, {"full_name": "Robin Lee", "password1": PASSWORD, "password2": PASSWORD})

    assert signed_in_as(client) is not None
    for url in [reverse("patients:chart", args=[jordan.pk]), reverse("clinic_admin:staff")]:
        assert client.get(url).url == ENROL, url
    assert client.get("/api/v1/patients/").status_code == 403


def test_a_supporter_joining_from_the_link_enrols_first_where_the_clinic_asks(clinic, jordan):
    clinic.supporters_need_second_factor = True
    clinic.save()
    nurse = member(Role.CLINICIAN, clinic)
    CareTeamMemberFactory(patient=jordan, clinician=nurse)
    contact = contact_add(
        patient=jordan,
        actor=nurse,
        name="Alex Kim",
        relationship=Relationship.FRIEND,
        email="alex.kim@example.org",
    )
    invitation = supporter_invitation_send(contact=contact, actor=nurse)
    client = Client()

    welcome = client.post(
        reverse("networks:invitation", args=[supporter_token(invitation)]),
        {"full_name": "Alex Kim", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert signed_in_as(client) is not None
    assert client.get(welcome.url).url == ENROL


def test_a_superuser_without_totp_is_sent_to_enrol_before_the_django_admin():
    """The Django admin opens every clinic's health records: a password alone never opens it."""
    root = get_user_model().objects.create_superuser("root@example.org", PASSWORD)
    client = Client()
    client.post(reverse("account_login"), {"login": root.email, "password": PASSWORD})
    assert signed_in_as(client) == str(root.pk)  # through allauth, password only

    response = client.get("/django-admin/", follow=True)

    assert (ENROL, 302) in response.redirect_chain
    assert client.get("/django-admin/").status_code == 302
    # Enrolled after signing in: a code from the new authenticator, then the admin.
    totp_enrol(root, secret=TOTP_SECRET)
    confirm = client.get("/django-admin/", follow=True).redirect_chain[-1][0]
    assert confirm.startswith(reverse("mfa_reauthenticate"))
    client.post(confirm, {"code": totp_code(root)})
    assert client.get("/django-admin/").status_code == 200


# --- Lockout ----------------------------------------------------------------------------------


def attempt(email: str, password: str, address: str = "203.0.113.7") -> object:
    return Client(REMOTE_ADDR=address).post(
        reverse("account_login"), {"login": email, "password": password}
    )


def page_text(response) -> str:
    """The page without what changes from one answer to the next (tokens, nonces)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


@time_machine.travel(SHIFT_START, tick=False)
def test_spellings_of_one_address_share_one_counter(settings, clinic):
    person = member(Role.PATIENT, clinic, email="sam@example.org")
    spellings = ["SAM@example.org", " sam@EXAMPLE.org ", "Sam@Example.Org", "sam@example.org\t"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(spellings[n % len(spellings)], "guess", address=f"198.51.100.{n}")

    locked = attempt(person.email, PASSWORD, address="192.0.2.1")

    assert locked.status_code == 429


@time_machine.travel(SHIFT_START, tick=False)
def test_the_lock_page_is_the_same_for_an_account_and_an_address_nobody_has(settings, clinic):
    member(Role.PATIENT, clinic, email="sam@example.org")
    answers = {}
    for email in ["sam@example.org", "nobody@example.org"]:
        for n in range(settings.AXES_FAILURE_LIMIT):
            attempt(email, "guess", address=f"198.51.100.{n}")
        answers[email] = attempt(email, "guess", address="192.0.2.1")

    real, fake = answers.values()
    assert real.status_code == fake.status_code == 429
    assert real.headers.get("Retry-After") == fake.headers.get("Retry-After")
    assert page_text(real) == page_text(fake)


@time_machine.travel(SHIFT_START, tick=False)
def test_asking_for_a_reset_email_does_not_unlock_but_using_it_does(settings, clinic):
    person = member(Role.PATIENT, clinic, email="sam@example.org")
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(person.email, "guess", address=f"198.51.100.{n}")

    Client().post(reverse("account_reset_password"), {"email": person.email})
    assert attempt(person.email, PASSWORD).status_code == 429

    client = Client()
    reset_with_link(client, person)
    assert signed_in_as(client) == str(person.pk)
    assert attempt(person.email, NEW_PASSWORD).status_code == 302


# --- Sessions and tokens ----------------------------------------------------------------------


def test_a_token_of_a_person_deactivated_in_bulk_answers_401(clinician):
    key = token_issue(clinician, "script")
    User.objects.filter(pk=clinician.pk).update(is_active=False)  # no save(): the token row stays
    assert ApiToken.objects.filter(user=clinician).exists()

    assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_an_api_key_cannot_make_or_list_tokens_on_the_page(clinician):
    key = token_issue(clinician, "script")
    caller = Client(HTTP_AUTHORIZATION=f"Token {key}")

    listed = caller.get(reverse("accounts:tokens"))
    made = caller.post(reverse("accounts:tokens"), {"name": "more"})

    assert listed.status_code == made.status_code == 302
    assert listed.url.startswith(reverse("account_login"))
    assert ApiToken.objects.filter(user=clinician).count() == 1
    token = ApiToken.objects.get()
    revoke = caller.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert revoke.status_code == 302 and ApiToken.objects.filter(pk=token.pk).exists()


def test_staff_without_totp_cannot_make_a_token_on_the_page(clinic):
    nurse = member(Role.CLINICIAN, clinic, second_factor=False)
    client = sign_in_as_allauth_does(Client(), nurse)

    made = client.post(reverse("accounts:tokens"), {"name": "around the second factor"})

    assert made.status_code == 302 and made.url == ENROL
    assert not ApiToken.objects.filter(user=nurse).exists()
    assert client.get(reverse("accounts:tokens")).url == ENROL
