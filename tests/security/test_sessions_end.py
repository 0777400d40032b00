"""Finding 9 and "Idle timeout": signing out, a new password and a deactivation end every session
(every device) and every API token of the person."""

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Membership, Role, User
from accounts.services import membership_set_active
from accounts.tokens import token_issue
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-Long-passphrase-77"


def signed_in(client: Client) -> bool:
    return client.get(reverse("accounts:clinic_list")).status_code == 200


def token_works(key: str) -> bool:
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


@pytest.fixture
def two_devices(clinician):
    """The clinician signed in on two devices, with an API token."""
    laptop, phone = Client(), Client()
    laptop.force_login(clinician)
    phone.force_login(clinician)
    key = token_issue(clinician, "Reporting script")
    assert signed_in(laptop) and signed_in(phone) and token_works(key)
    return laptop, phone, key


def test_signing_out_ends_every_session_and_token(two_devices):
    laptop, phone, key = two_devices

    phone.post(reverse("account_logout"))

    assert not signed_in(phone)
    assert not signed_in(laptop)
    assert not token_works(key)


def test_signing_out_leaves_other_people_signed_in(two_devices, clinic):
    laptop, _phone, _key = two_devices
    colleague = member(Role.CLINICIAN, clinic)
    theirs = Client()
    theirs.force_login(colleague)
    their_key = token_issue(colleague, "test")

    laptop.post(reverse("account_logout"))

    assert signed_in(theirs)
    assert token_works(their_key)


def test_a_password_change_ends_every_session_and_token(two_devices):
    laptop, phone, key = two_devices

    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert not signed_in(laptop)  # this one too (ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE)
    assert not signed_in(phone)
    assert not token_works(key)


def test_a_password_reset_ends_every_session_and_token(two_devices, clinician):
    laptop, phone, key = two_devices
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(clinician),
            "key": default_token_generator.make_token(clinician),
        },
    )
    stranger = Client()  # whoever opens the emailed link: not signed in

    set_password = stranger.get(path).url
    done = stranger.post(set_password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert not token_works(key)


def test_a_password_set_in_the_django_admin_ends_the_tokens(two_devices, clinician):
    laptop, phone, key = two_devices
    user = User.objects.get(pk=clinician.pk)

    user.set_password(NEW_PASSWORD)
    user.save()

    assert not token_works(key)
    assert not signed_in(laptop) and not signed_in(phone)


def test_a_rehash_on_sign_in_is_not_a_new_password(clinician, settings):
    key = token_issue(clinician, "test")
    # A stronger hasher: Django rehashes the password when the person next signs in.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    assert User.objects.get(pk=clinician.pk).check_password(PASSWORD)

    assert User.objects.get(pk=clinician.pk).password.startswith("pbkdf2_sha1$")
    assert token_works(key)


def test_deactivating_the_account_ends_every_session_and_token_for_good(two_devices, clinician):
    laptop, phone, key = two_devices
    user = User.objects.get(pk=clinician.pk)

    user.is_active = False
    user.save()
    user.is_active = True  # reactivated later: the old sessions and token stay ended
    user.save()

    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert not token_works(key)


def test_a_clinic_admin_deactivating_the_membership_ends_every_session_and_token(
    two_devices, clinician, clinic_admin
):
    laptop, phone, key = two_devices
    membership = Membership.objects.get(user=clinician)

    membership_set_active(membership=membership, is_active=False, actor=clinic_admin)

    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert not token_works(key)


def test_the_admin_who_deactivates_stays_signed_in(clinician, clinic_admin):
    admin_client = Client()
    admin_client.force_login(clinic_admin)
    membership = Membership.objects.get(user=clinician)

    membership_set_active(membership=membership, is_active=False, actor=clinic_admin)

    assert signed_in(admin_client)
