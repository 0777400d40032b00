"""Rows made once for a whole module or class of tests, when every test there only reads them
(or writes and is rolled back): a fixture of that scope builds them inside one transaction,
each test runs in a savepoint of it (pytest-django's `django_db`, as usual) and is rolled back
to it, and the whole transaction is rolled back when the scope ends.

    @pytest.fixture(scope="module")
    def demo(django_db_setup, django_db_blocker):
        with shared_rows(django_db_blocker):
            seed_demo(clinics=2, patients=4, seed=9)
            yield

Only for modules and classes whose every test uses the fixture (a test beside them would see
the rows) and none of which is `transaction=True`.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.test import override_settings

# What tests/conftest.py's autouse fixtures set for each test, in force while the rows are made
# (a fixture of a wider scope runs before them).
TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "NOTIFICATIONS_INLINE_DISPATCH": True,
}


@contextmanager
def shared_rows(django_db_blocker: object) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(**TEST_SETTINGS):
            yield
        transaction.set_rollback(True)
