"""Idle timeout: staff sessions end after STAFF_IDLE_MINUTES without activity, people in
recovery and supporters after MEMBER_IDLE_MINUTES; background requests are not activity."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.sessions import IdleClock
from accounts.tokens import token_issue
from tests.factories import member

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
PAGE = "accounts:clinic_list"


def signed_in(client: Client, **headers: str) -> bool:
    return client.get(reverse(PAGE), headers=headers).status_code == 200


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def supporter(clinic):
    return member(Role.SUPPORTER, clinic)


def test_the_limits_are_settings_and_the_session_lifetime_follows_them(settings):
    assert settings.STAFF_IDLE_MINUTES == 15
    assert settings.MEMBER_IDLE_MINUTES > settings.STAFF_IDLE_MINUTES
    # The session outlives the longest idle limit a little, so the middleware ends it and
    # explains why; it never lives on much longer.
    assert 0 < settings.SESSION_COOKIE_AGE - settings.MEMBER_IDLE_MINUTES * 60 <= 3600


def test_staff_idle_for_14_minutes_are_still_signed_in(client, clinician, clock):
    client.force_login(clinician)

    clock.shift(timedelta(minutes=14))

    assert signed_in(client)


def test_staff_idle_for_16_minutes_are_signed_out_with_an_explanation(client, clinician, clock):
    client.force_login(clinician)

    clock.shift(timedelta(minutes=16))
    response = client.get(reverse(PAGE), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "You were signed out after 15 minutes without activity." in response.content.decode()
    assert not signed_in(client)


def test_activity_restarts_the_clock(client, clinician, clock):
    client.force_login(clinician)
    clock.shift(timedelta(minutes=10))
    assert signed_in(client)

    clock.shift(timedelta(minutes=14))
    assert signed_in(client)
    clock.shift(timedelta(minutes=16))
    assert not signed_in(client)


def test_a_supporter_stays_signed_in_longer(client, supporter, clock, settings):
    client.force_login(supporter)

    clock.shift(timedelta(minutes=16))
    assert signed_in(client)
    clock.shift(timedelta(minutes=settings.MEMBER_IDLE_MINUTES - 1))
    assert signed_in(client)
    clock.shift(timedelta(minutes=settings.MEMBER_IDLE_MINUTES + 1))
    response = client.get(reverse(PAGE), follow=True)
    assert "You were signed out after 8 hours without activity." in response.content.decode()


def test_staff_in_one_clinic_and_supporter_in_another_have_the_staff_limit(
    client, clinician, other_clinic, clock
):
    from tests.factories import MembershipFactory

    MembershipFactory(user=clinician, organization=other_clinic, role=Role.SUPPORTER)
    client.force_login(clinician)

    clock.shift(timedelta(minutes=16))

    assert not signed_in(client)


def test_the_keep_alive_endpoint_extends_the_session(client, clinician, clock):
    client.force_login(clinician)
    clock.shift(timedelta(minutes=14))

    response = client.post(reverse("accounts:session_keep_alive"))

    assert response.status_code == 200
    assert response.json() == {"seconds_left": 15 * 60}
    clock.shift(timedelta(minutes=14))
    assert signed_in(client)


def test_the_keep_alive_endpoint_needs_the_csrf_token(clinician):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)

    assert client.post(reverse("accounts:session_keep_alive")).status_code == 403


def test_the_keep_alive_endpoint_cannot_revive_an_ended_session(client, clinician, clock):
    client.force_login(clinician)
    clock.shift(timedelta(minutes=16))

    response = client.post(reverse("accounts:session_keep_alive"))

    assert response.status_code == 401
    assert not signed_in(client)


def test_asking_how_long_is_left_is_not_activity(client, clinician, clock):
    client.force_login(clinician)
    clock.shift(timedelta(minutes=10))

    status = client.get(reverse("accounts:session_status"))

    assert status.json() == {"seconds_left": 5 * 60}
    clock.shift(timedelta(minutes=6))
    assert client.get(reverse("accounts:session_status")).json() == {"seconds_left": 0}
    assert not signed_in(client)


def test_background_polling_does_not_keep_a_session_alive(client, clinician, clock):
    client.force_login(clinician)
    for _ in range(8):  # an htmx poll every two minutes, for sixteen minutes
        clock.shift(timedelta(minutes=2))
        client.get(reverse(PAGE), headers={"HX-Request": "true", "X-Background": "true"})

    assert not signed_in(client)


def test_an_htmx_request_after_the_end_sends_the_whole_page_to_sign_in(client, clinician, clock):
    client.force_login(clinician)
    clock.shift(timedelta(minutes=16))

    response = client.get(reverse(PAGE), headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == reverse("account_login")


def test_the_page_is_told_its_remaining_time_by_the_server(client, clinician, supporter, clock):
    client.force_login(clinician)
    clock.shift(timedelta(minutes=5))

    polled = client.get(reverse(PAGE), headers={"X-Background": "true"}).content.decode()
    active = client.get(reverse(PAGE)).content.decode()

    assert re.search(r'data-idle-seconds="600"', polled)
    assert re.search(r'data-idle-seconds="900"', active)
    assert 'data-idle-warning="60"' in active
    assert 'role="alertdialog"' in active
    supporter_client = Client()
    supporter_client.force_login(supporter)
    page = supporter_client.get(reverse(PAGE)).content.decode()
    assert 'data-idle-seconds="28800"' in page


def test_a_signed_out_page_has_no_idle_clock(client):
    page = client.get(reverse("account_login")).content.decode()

    assert "data-idle-seconds" not in page
    assert "idle-warning" not in page


def test_one_idle_device_does_not_sign_out_the_others(clinician, clock):
    laptop, phone = Client(), Client()
    laptop.force_login(clinician)
    phone.force_login(clinician)

    clock.shift(timedelta(minutes=10))
    assert signed_in(phone)
    clock.shift(timedelta(minutes=6))

    assert not signed_in(laptop)
    assert signed_in(phone)


def test_api_tokens_have_no_idle_limit(clinician, clock):
    key = token_issue(clinician, "test")
    api = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").status_code == 200

    clock.shift(timedelta(hours=3))

    assert api.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize(
    ("idle_for", "told"), [(0.0, 8), (6.9, 2), (7.5, 1), (7.99, 1), (8.0, 0), (30.0, 0)]
)
def test_the_time_left_is_rounded_up_so_zero_means_the_session_has_ended(idle_for, told):
    """The warning's status and timers read `seconds_left`: rounded down, a page would hear "0"
    while the server still holds the session, go to sign-in and bounce back signed in."""
    with time_machine.travel(datetime(2026, 3, 18, 12, 0, tzinfo=UTC), tick=False):
        now = datetime.now(UTC).timestamp()
        assert IdleClock(limit=8, last_activity=now - idle_for).seconds_left == told
