"""Finding 2: staff (and a clinic's supporters, when it asks) enrol TOTP before anything else;
until then every page sends them to enrolment and the API answers 403."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.second_factor import totp_enrol
from tests.factories import PASSWORD, TOTP_SECRET, member, sign_in_as_allauth_does

pytestmark = pytest.mark.django_db

ENROL = "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.ADMIN])
def test_staff_without_a_second_factor_are_sent_to_enrol_from_every_page(client, clinic, role):
    person = member(role, clinic, second_factor=False)
    sign_in_as_allauth_does(client, person)  # just signed in with a password

    for url in ["/", reverse("patients:caseload"), reverse("clinic_admin:staff")]:
        response = client.get(url)
        assert (response.status_code, response.url) == (302, ENROL), url
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # allauth asks first
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "can open health records" in page.content.decode()  # why, in plain words
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200

    totp_enrol(person, secret=TOTP_SECRET)
    assert client.get("/").status_code == 302 and client.get("/").url != ENROL


def test_the_api_answers_403_with_a_detail_for_session_and_token(client, clinic):
    person = member(Role.CLINICIAN, clinic, second_factor=False)
    client.force_login(person)
    api = APIClient()
    api.force_authenticate(person)  # as a token does: DRF authenticates after the middleware

    for response in [client.get("/api/v1/patients/"), api.get("/api/v1/patients/")]:
        assert response.status_code == 403
        assert "two-step sign-in" in response.json()["detail"]


@pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORTER])
def test_people_in_recovery_and_supporters_keep_the_choice(client, clinic, role):
    client.force_login(member(role, clinic))

    assert client.get("/").url != ENROL


def test_a_clinic_can_ask_its_supporters_for_a_second_factor(client, clinic, clinic_admin):
    supporter = member(Role.SUPPORTER, clinic)
    admin = client.__class__()
    admin.force_login(clinic_admin)
    form = admin.get(reverse("clinic_admin:settings")).context["form"]
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    admin.post(reverse("clinic_admin:settings"), {**data, "supporters_need_second_factor": "on"})
    clinic.refresh_from_db()
    assert clinic.supporters_need_second_factor

    client.force_login(supporter)
    assert client.get("/").url == ENROL


def test_staff_cannot_remove_their_authenticator(client, clinician):
    client.force_login(clinician)

    client.post(reverse("mfa_deactivate_totp"))

    assert clinician.authenticator_set.filter(type="totp").exists()


@pytest.mark.parametrize(("steps_old", "accepted"), [(1, True), (2, False)])
def test_a_code_from_the_previous_step_is_accepted_an_older_one_is_not(clinic, steps_old, accepted):
    from datetime import UTC, datetime

    import time_machine
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.test import Client

    person = member(Role.CLINICIAN, clinic, email="nora@harbor.example")
    now = datetime(2026, 12, 4, 9, 0, 10, tzinfo=UTC)
    step = int(now.timestamp()) // 30
    old_code = format_hotp_value(hotp_value(TOTP_SECRET, step - steps_old))
    client = Client()
    with time_machine.travel(now, tick=False):
        client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
        answer = client.post(reverse("mfa_authenticate"), {"code": old_code})
        signed_in = "_auth_user_id" in client.session

    assert signed_in is accepted, answer.status_code
