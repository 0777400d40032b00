"""Finding 8 and "Lockout that holds across processes": axes locks an account after
AXES_FAILURE_LIMIT failures (a page says so, the lock is audited, the clinic admin can unlock);
allauth stops guessing from one address; successful sign-ins are never limited per address."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role
from audit.models import Action, AuditEvent
from tests.factories import PASSWORD, member, totp_code

pytestmark = pytest.mark.django_db

SHIFT_START = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)


def attempt(email: str, password: str, address: str = "203.0.113.7") -> object:
    return Client(REMOTE_ADDR=address).post(
        reverse("account_login"), {"login": email, "password": password}
    )


@time_machine.travel(SHIFT_START, tick=False)
def test_a_hundred_staff_behind_one_address_all_pass_the_password_step(clinic):
    staff = [member(Role.CLINICIAN, clinic, email=f"nurse{n}@harbor.example") for n in range(100)]

    answers = [attempt(person.email, PASSWORD) for person in staff]

    assert [a.status_code for a in answers] == [302] * 100
    assert all(a.url.startswith(reverse("mfa_authenticate")) for a in answers)


@time_machine.travel(SHIFT_START, tick=False)
def test_guessing_from_one_address_is_stopped(settings, clinic):
    person = member(Role.PATIENT, clinic, email="sam@example.org")
    for n in range(20):  # LOGIN_FAILED_RATE_LIMIT: 20 failures a minute per address
        attempt(f"someone{n}@example.org", "guess")

    refused = attempt(person.email, PASSWORD)

    assert refused.status_code in (200, 429)
    assert b"Too many failed login attempts" in refused.content
    assert not AuditEvent.objects.filter(action=Action.LOGIN, actor=person).exists()
    assert attempt(person.email, PASSWORD, address="198.51.100.9").status_code == 302


@time_machine.travel(SHIFT_START, tick=False)
def test_an_account_locks_after_the_limit_from_any_address_and_says_so(settings, clinic):
    person = member(Role.PATIENT, clinic, email="sam@example.org")
    for n in range(settings.AXES_FAILURE_LIMIT):
        last = attempt("Sam@Example.org", "guess", address=f"198.51.100.{n}")

    assert last.status_code == 429
    assert "Sign-in is paused for this account" in last.content.decode()
    locked = attempt(person.email, PASSWORD, address="192.0.2.44")  # right password, new address
    assert locked.status_code == 429 and "_auth_user_id" not in Client().session
    event = AuditEvent.objects.get(action=Action.ACCOUNT_LOCKED)
    assert (event.object_id, event.clinic_id) == (str(person.pk), clinic.pk)


def test_the_lock_ends_after_the_cool_off(settings, clinic):
    person = member(Role.PATIENT, clinic, email="sam@example.org")
    with time_machine.travel(SHIFT_START, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(person.email, "guess")
    with time_machine.travel(SHIFT_START + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert attempt(person.email, PASSWORD).status_code == 302


@time_machine.travel(SHIFT_START, tick=False)
def test_the_clinic_admin_unlocks_a_person_of_their_clinic_and_it_is_audited(
    settings, client, clinic, clinic_admin
):
    person = member(Role.PATIENT, clinic, email="sam@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(person.email, "guess")
    client.force_login(clinic_admin)

    page = client.get(reverse("clinic_admin:locked_accounts")).content.decode()
    assert "sam@example.org" in page
    response = client.post(reverse("clinic_admin:person_unlock", args=[person.pk]))

    assert response.status_code == 302
    assert attempt(person.email, PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(
        action=Action.ACCOUNT_UNLOCKED, actor=clinic_admin, object_id=str(person.pk)
    ).exists()


def test_unlocking_someone_outside_the_clinic_is_404(client, clinic, other_clinic, clinic_admin):
    outsider = member(Role.PATIENT, other_clinic)
    client.force_login(clinic_admin)

    assert client.post(reverse("clinic_admin:person_unlock", args=[outsider.pk])).status_code == 404
    assert client.post(reverse("clinic_admin:person_unlock", args=[999999])).status_code == 404
    client.force_login(member(Role.CLINICIAN, clinic))
    assert client.post(reverse("clinic_admin:person_unlock", args=[outsider.pk])).status_code == 404


def test_a_person_whose_membership_ended_is_no_longer_the_clinics_to_unlock(
    client, clinic, clinic_admin
):
    former = member(Role.PATIENT, clinic)
    Membership.objects.filter(user=former, organization=clinic).update(is_active=False)
    client.force_login(clinic_admin)

    assert client.post(reverse("clinic_admin:person_unlock", args=[former.pk])).status_code == 404


@time_machine.travel(SHIFT_START, tick=False)
def test_guessing_the_second_factor_code_is_stopped_per_account(settings, clinic):
    person = member(Role.CLINICIAN, clinic, email="nora@harbor.example")
    client = Client()
    step = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert step.url.startswith(reverse("mfa_authenticate"))
    for n in range(settings.AXES_FAILURE_LIMIT * 3):
        client.post(step.url, {"code": f"{n:06d}"})

    refused = client.post(step.url, {"code": totp_code(person)})

    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action=Action.LOGIN, actor=person).exists()
