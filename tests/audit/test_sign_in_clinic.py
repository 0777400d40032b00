"""Sign-in events carry the clinic when the person belongs to exactly one, so a clinic's trail
finds them through its own index; a person in several clinics (and every event written before
this) has sign-ins without a clinic, which each of their clinics' trails still shows."""

import pytest
from django.test import Client

from accounts.models import Membership, Role
from audit.models import Action, AuditEvent
from tests.factories import PASSWORD, member, sign_in_through_form
from trail.selectors import events_of_clinic

pytestmark = pytest.mark.django_db


def sign_in(email: str, password: str = PASSWORD) -> None:
    sign_in_through_form(Client(), email, password)  # staff type their authenticator code too


def test_a_member_of_one_clinic_signs_in_and_fails_with_the_clinic_recorded(clinic, other_clinic):
    nurse = member(Role.CLINICIAN, clinic, email="nora@harbor.example")

    sign_in("nora@harbor.example")
    sign_in("Nora@Harbor.example", "wrong")

    login = AuditEvent.objects.get(action=Action.LOGIN)
    failed = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert (login.actor, login.clinic) == (nurse, clinic)
    assert (failed.actor, failed.clinic) == (None, clinic)
    assert failed.details == {"email": "nora@harbor.example"}  # as the sign-in form has it
    assert set(events_of_clinic(clinic)) >= {login, failed}
    assert not events_of_clinic(other_clinic).filter(pk__in=[login.pk, failed.pk]).exists()


def test_a_member_of_two_clinics_has_sign_ins_without_a_clinic_in_both_trails(clinic, other_clinic):
    family = member(Role.SUPPORTER, clinic, email="pat@example.org")
    Membership.objects.create(user=family, organization=other_clinic, role=Role.SUPPORTER)

    sign_in("pat@example.org")
    sign_in("pat@example.org", "wrong")

    events = list(AuditEvent.objects.filter(action__in=[Action.LOGIN, Action.LOGIN_FAILED]))
    assert len(events) == 2 and all(event.clinic is None for event in events)
    for either in (clinic, other_clinic):
        assert set(events_of_clinic(either)) >= set(events)


def test_a_failed_sign_in_with_an_unknown_address_is_in_no_clinics_trail(clinic):
    member(Role.ADMIN, clinic)

    sign_in("nobody@example.org", "wrong")

    failed = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert failed.clinic is None
    assert failed not in events_of_clinic(clinic)
