"""Finding 1: the Django admin is no second door. Its sign-in page checks no password (it sends
people to allauth's), and it admits only staff users who signed in through allauth, with their
second factor."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.second_factor import totp_enrol
from tests.factories import PASSWORD, TOTP_SECRET, sign_in_as_allauth_does, totp_code

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/django-admin/login/"
ADMIN_INDEX = "/django-admin/"


@pytest.fixture
def root():
    return get_user_model().objects.create_superuser("root@example.org", PASSWORD)


def admitted(client: Client) -> bool:
    return client.get(ADMIN_INDEX).status_code == 200


def test_the_admin_sign_in_page_sends_people_to_allauth():
    response = Client().get(ADMIN_LOGIN + "?next=/django-admin/audit/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=/django-admin/audit/" in response.url


def test_the_admin_form_cannot_be_used_to_guess_a_password(root):
    client = Client()
    for attempt in range(30):
        response = client.post(
            ADMIN_LOGIN, {"username": root.email, "password": f"guess-{attempt}"}
        )
        assert response.status_code == 302 and "_auth_user_id" not in client.session

    response = client.post(ADMIN_LOGIN, {"username": root.email, "password": PASSWORD})

    assert "_auth_user_id" not in client.session  # the right password does not sign in either
    assert response.url.startswith(reverse("account_login"))
    assert not admitted(client)


def test_a_superuser_with_totp_needs_the_second_step_before_the_admin(root):
    totp_enrol(root, secret=TOTP_SECRET)
    client = Client()

    after_password = client.post(
        reverse("account_login"), {"login": root.email, "password": PASSWORD}
    )

    assert after_password.url.startswith(reverse("mfa_authenticate"))
    assert not admitted(client)
    client.post(after_password.url, {"code": totp_code(root)})
    assert admitted(client)


def test_a_session_not_signed_in_through_allauth_is_not_admitted(root):
    client = Client()
    client.force_login(root)  # no record of allauth's sign-in (another backend, a script)

    assert client.get(ADMIN_INDEX, follow=True).status_code == 404


def test_people_without_django_admin_access_get_404(clinic_admin):
    client = sign_in_as_allauth_does(Client(), clinic_admin)  # staff of a clinic, not is_staff

    assert client.get(ADMIN_INDEX, follow=True).status_code == 404


def test_admin_client_fixture_is_admitted(admin_client):
    assert admin_client.get(ADMIN_INDEX).status_code == 200
