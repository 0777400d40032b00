"""The API tokens page: each person lists, creates and revokes their own tokens."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from accounts.tokens import token_issue
from audit.models import Action, AuditEvent
from tests.factories import member

pytestmark = pytest.mark.django_db

TOKENS = "/accounts/tokens/"


def token_works(key: str) -> bool:
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_the_page_is_at_its_address_and_in_the_account_menu(client, clinician):
    client.force_login(clinician)

    assert reverse("accounts:tokens") == TOKENS
    home = client.get(reverse("accounts:clinic_list")).content.decode()
    assert f'href="{TOKENS}"' in home


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(TOKENS)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_page_lists_only_the_persons_own_tokens(client, clinic, clinician):
    colleague = member(Role.CLINICIAN, clinic)
    token_issue(clinician, "Reporting script")
    token_issue(colleague, "Colleague's export")
    client.force_login(clinician)

    page = client.get(TOKENS).content.decode()

    assert "Reporting script" in page
    assert "Colleague" not in page
    assert "Expires" in page and "Last used" in page and "Created" in page


def test_creating_shows_the_key_once_and_it_works(client, clinician):
    client.force_login(clinician)

    response = client.post(TOKENS, {"name": "Nightly export"})

    page = response.content.decode()
    key = re.search(r'id="new-token-key"[^>]*value="([0-9a-f]+)"', page).group(1)
    assert token_works(key)
    assert "no-store" in response["Cache-Control"]
    assert key not in client.get(TOKENS).content.decode()  # never shown again
    token = ApiToken.objects.get(user=clinician)
    assert token.name == "Nightly export"
    assert AuditEvent.objects.filter(
        actor=clinician, action=Action.CREATE, object_type="accounts.ApiToken"
    ).exists()


def test_a_token_needs_a_name(client, clinician):
    client.force_login(clinician)

    response = client.post(TOKENS, {"name": ""})

    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "new-token-key" not in response.content.decode()


def test_revoking_ends_the_token(client, clinician):
    key = token_issue(clinician, "Old script")
    token = ApiToken.objects.get(user=clinician)
    client.force_login(clinician)

    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    assert response.url.endswith("#tokens")
    assert not token_works(key)
    assert AuditEvent.objects.filter(
        actor=clinician, action=Action.DELETE, object_id=str(token.pk)
    ).exists()


@pytest.mark.parametrize("whose", ["colleague", "other_clinic", "nobody"])
def test_someone_elses_token_is_a_404_and_keeps_working(
    client, clinic, other_clinic, clinician, whose
):
    owner = {
        "colleague": lambda: member(Role.CLINICIAN, clinic),
        "other_clinic": lambda: member(Role.CLINICIAN, other_clinic),
        "nobody": lambda: None,
    }[whose]()
    key = token_issue(owner, "theirs") if owner else ""
    token_id = ApiToken.objects.get(user=owner).pk if owner else 999_999
    client.force_login(clinician)

    response = client.post(reverse("accounts:token_revoke", args=[token_id]))

    assert response.status_code == 404
    if owner:
        assert token_works(key)


def test_revoking_needs_a_post(client, clinician):
    token_issue(clinician, "test")
    token = ApiToken.objects.get(user=clinician)
    client.force_login(clinician)

    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()
