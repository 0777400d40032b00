"""Findings 10 and 11: every answer carries a strict Content-Security-Policy, a
Permissions-Policy, a Referrer-Policy and a Cross-Origin-Opener-Policy; HTTPS answers carry
HSTS; pages and API answers, which may hold health information, are never stored
(`Cache-Control: no-store`); static files keep their cache."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(clinic):
    """A person in recovery signed in to their own page (no second factor needed)."""
    user = member(Role.PATIENT, clinic, full_name="Jordan Rivera")
    PatientFactory(clinic=clinic, legal_name="Jordan Rivera", user=user)
    return user


def _directives(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def test_pages_have_a_strict_content_security_policy(client):
    response = client.get(reverse("account_login"))

    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert policy[directive] == ["'self'"], directive
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert set(policy["img-src"]) <= {"'self'", "data:"}


def test_permissions_policy_denies_devices_and_allows_passkeys_on_our_origin(client):
    response = client.get(reverse("account_login"))

    features = dict(re.findall(r"([a-z-]+)=\(([^)]*)\)", response["Permissions-Policy"]))
    for denied in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[denied] == "", denied
    assert features["publickey-credentials-get"] == "self"
    assert features["publickey-credentials-create"] == "self"


def test_referrer_and_opener_policies(client):
    response = client.get(reverse("account_login"))

    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_https_answers_carry_hsts_for_a_year_with_subdomains(client):
    secure = client.get(reverse("account_login"), secure=True)
    plain = client.get(reverse("account_login"))

    hsts = secure["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 60 * 60 * 24 * 365
    assert "includeSubDomains" in hsts
    # Over plain HTTP the header means nothing and is not sent (RFC 6797).
    assert "Strict-Transport-Security" not in plain


def test_plain_http_is_redirected_except_the_health_probe(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    page = client.get(reverse("account_login"))
    probe = client.get(reverse("healthz"))

    assert page.status_code == 301
    assert page["Location"].startswith("https://")
    assert probe.status_code in (200, 503)


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_signed_in_pages_are_never_stored(client, person):
    client.force_login(person)

    home = client.get(reverse("patients:patient_home"))
    missing = client.get("/no-such-page/")

    assert home.status_code == 200
    assert _no_store(home)
    assert "private" in home["Cache-Control"]
    assert _no_store(missing)


def test_api_answers_are_never_stored_signed_in_or_not(person):
    api = APIClient()
    anonymous = api.get("/api/v1/me/")
    api.force_login(person)
    me = api.get("/api/v1/me/")

    assert anonymous.status_code == 401
    assert _no_store(anonymous)
    assert me.status_code == 200
    assert _no_store(me)


def test_no_store_wins_over_a_cache_a_view_asked_for(rf, settings):
    from django.http import HttpResponse

    from recovery_hub.security import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("health information")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    response = SecurityHeadersMiddleware(view)(rf.get("/"))

    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_static_files_keep_their_cache(client):
    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert not _no_store(response)
