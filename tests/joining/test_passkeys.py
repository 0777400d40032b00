"""After joining, a person may add a passkey and sign in with it (allauth's WebAuthn)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_offers_a_passkey(client):
    page = client.get(reverse("account_login")).content.decode()

    assert "Sign in with a passkey" in page
    assert 'id="mfa_login"' in page and "mfa/js/webauthn" in page


def test_a_person_in_recovery_finds_where_to_add_a_passkey(client, clinic):
    person = member(Role.PATIENT, clinic)
    client.force_login(person)

    security = client.get(reverse("mfa_index"))
    adding = client.get(reverse("mfa_add_webauthn"))

    assert security.status_code == 200
    assert reverse("mfa_add_webauthn") in security.content.decode()
    assert adding.status_code in (200, 302)  # 302: confirm the password first (reauthenticate)
