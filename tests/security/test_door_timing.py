"""Finding 1: a sign-in costs the same whether the address exists and whether the password is
right: exactly one password hash each time (before, a wrong password was hashed by two backends
and a right one by one)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast), counting every hash it computes."""

    algorithm = "counting_md5"
    computed = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.computed += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def counting_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]


def hashes_for(login: str, password: str) -> int:
    client = Client()
    CountingHasher.computed = 0
    client.post(reverse("account_login"), {"login": login, "password": password})
    return CountingHasher.computed


def test_unknown_address_wrong_password_and_right_password_each_cost_one_hash(clinic):
    person = member(Role.PATIENT, clinic, email="sam@example.org")
    assert person.password.startswith("counting_md5$")

    counts = {
        "unknown address": hashes_for("nobody@example.org", PASSWORD),
        "wrong password": hashes_for("sam@example.org", "not-the-password"),
        "right password": hashes_for("sam@example.org", PASSWORD),
    }

    assert counts == {"unknown address": 1, "wrong password": 1, "right password": 1}
