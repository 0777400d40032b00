"""`Authorization: Bearer <key>` is accepted beside `Token <key>`: the same key, the same checks."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tokens import token_create, token_revoke
from tests.factories import member

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.mark.parametrize("prefix", ["Bearer", "bearer", "Token", "TOKEN"])
def test_either_prefix_signs_in_with_the_same_key(clinic, prefix):
    user = member(Role.CLINICIAN, clinic, email="robin@harbor.example")
    _token, key = token_create(user, "test")

    response = APIClient().get(ME, HTTP_AUTHORIZATION=f"{prefix} {key}")

    assert response.status_code == 200
    assert response.json()["email"] == "robin@harbor.example"


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer a b", "Bearer not-a-real-token-000000000000000000000000"]
)
def test_a_bad_bearer_header_is_401_in_the_error_shape(clinic, header):
    response = APIClient().get(ME, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_revoked_key_fails_with_bearer_too(clinic):
    user = member(Role.CLINICIAN, clinic)
    token, key = token_create(user, "test")
    token_revoke(user, token.pk)

    assert APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_another_scheme_is_not_a_token(clinic):
    """Basic auth is not ours: the request is simply not signed in (401, asking for a token)."""
    response = APIClient().get(ME, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
