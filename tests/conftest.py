import os

import pytest
from django.conf import settings

from accounts.models import Role
from tests.factories import OrganizationFactory, member

CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config: pytest.Config) -> None:
    """On CI the suite runs against the real PostgreSQL and Redis, or not at all."""
    if not CI:
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(f"CI=true requires PostgreSQL; DATABASE_URL gives {engine}.")
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        raise pytest.UsageError("CI=true requires Redis; REDIS_URL is not set.")


def pytest_report_header(config: pytest.Config) -> list[str]:
    database = settings.DATABASES["default"]
    return [
        f"database: {database['ENGINE']} {database['NAME']}",
        f"broker: {settings.CELERY_BROKER_URL.split('@')[-1]}",
    ]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Real hashing costs ~0.3 s per password; the suite tests behaviour, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _outbox_sends_in_process(settings) -> None:
    # Unit tests send outbox rows in-process; the worker tests turn this off and deliver
    # through a real Celery worker and broker.
    settings.NOTIFICATIONS_INLINE_DISPATCH = True


@pytest.fixture
def clinic():
    return OrganizationFactory(name="Harbor Recovery Center", slug="harbor")


@pytest.fixture
def other_clinic():
    return OrganizationFactory(name="Lakeside Treatment Services", slug="lakeside")


@pytest.fixture
def clinician(clinic):
    return member(Role.CLINICIAN, clinic)


@pytest.fixture
def clinic_admin(clinic):
    return member(Role.ADMIN, clinic)
