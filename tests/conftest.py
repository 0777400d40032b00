import os
import shutil
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from accounts.models import Role
from accounts.second_factor import totp_enrol
from tests.factories import TOTP_SECRET, OrganizationFactory, member, sign_in_as_allauth_does

CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


def _clear_shared_cache() -> None:
    """Forget sign-in throttles and used second-factor codes, so no test inherits another's.
    Redis: only the cache's own keys (the Celery broker may share the database); the database
    cache's rows roll back with each test."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{settings.CACHE_KEY_PREFIX}:*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture(autouse=True)
def _fresh_shared_cache() -> Iterator[None]:
    _clear_shared_cache()
    yield
    _clear_shared_cache()


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


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, signed in the way the Django admin admits: through
    allauth, with the second factor (recovery_hub/admin_door.py)."""
    totp_enrol(admin_user, secret=TOTP_SECRET)
    return sign_in_as_allauth_does(client, admin_user)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run (a second Playwright in the same thread cannot
    start while the first runs, so there is exactly one, here)."""
    if not os.path.exists(CHROMIUM):
        if CI:
            pytest.fail(f"Chromium is required on CI and was not found at {CHROMIUM}.")
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
