import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tokens import token_issue
from tests.factories import MembershipFactory, member

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture
def api():
    return APIClient()


def test_me_with_a_token_returns_the_user_clinics_and_roles(api, clinic, other_clinic):
    user = member(Role.CLINICIAN, clinic, email="robin@harbor.example")
    MembershipFactory(user=user, organization=other_clinic, role=Role.SUPPORTER)
    key = token_issue(user, "test")

    response = api.get(ME, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "robin@harbor.example"
    roles = {c["slug"]: c["role"] for c in body["clinics"]}
    assert roles == {"harbor": "clinician", "lakeside": "supporter"}
    assert body["current_clinic"]["slug"] in roles


def test_me_without_credentials_is_401(api):
    response = api.get(ME)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_old_path_without_the_slash_moved_for_good(api, method):
    response = getattr(api, method)("/api/v1/me?clinic=harbor")

    assert response.status_code == 308  # permanent, and keeps the method and the body
    assert response["Location"] == "/api/v1/me/?clinic=harbor"


def test_me_with_a_bad_token_is_401(api, clinician):
    token_issue(clinician, "test")

    response = api.get(ME, HTTP_AUTHORIZATION="Token not-a-real-token-0000000000000000000000")

    assert response.status_code == 401


def test_me_with_a_deactivated_users_token_is_401(api, clinician):
    key = token_issue(clinician, "test")
    clinician.is_active = False
    clinician.save()

    assert api.get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_me_scopes_to_a_named_clinic_and_404s_for_another(api, clinic, other_clinic, clinician):
    auth = {"HTTP_AUTHORIZATION": f"Token {token_issue(clinician, 'test')}"}

    own = api.get(ME, HTTP_X_CLINIC="harbor", **auth)
    foreign = api.get(ME, HTTP_X_CLINIC="lakeside", **auth)

    assert own.status_code == 200
    assert own.json()["current_clinic"]["slug"] == "harbor"
    assert foreign.status_code == 404


def test_me_works_with_a_browser_session(api, clinician):
    api.force_login(clinician)

    assert api.get(ME).json()["email"] == clinician.email


def test_create_api_token_prints_a_working_token(api, clinician, capsys):
    call_command("create_api_token", clinician.email.upper())
    key = capsys.readouterr().out.strip()

    assert api.get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    # Only a digest is stored: a second call cannot show the first key again, it issues another.
    call_command("create_api_token", clinician.email)
    second = capsys.readouterr().out.strip()
    assert second != key
    assert api.get(ME, HTTP_AUTHORIZATION=f"Token {second}").status_code == 200
    assert api.get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_create_api_token_for_an_unknown_email_fails_clearly():
    with pytest.raises(CommandError, match="No active user"):
        call_command("create_api_token", "nobody@example.org")


def test_schema_and_swagger_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
