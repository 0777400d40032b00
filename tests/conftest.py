import os
import shutil
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client, override_settings
from django.utils import translation

from accounts.models import Organization, Role, User
from accounts.second_factor import totp_enrol
from networks.models import ContactStatus, Relationship, SupportContact
from networks.services import contact_add
from patients.models import Patient, TeamRole
from patients.services import care_team_add
from tests import redis_db
from tests.factories import (
    TOTP_SECRET,
    OrganizationFactory,
    PatientFactory,
    member,
    sign_in_as_allauth_does,
)
from tests.shared_rows import TEST_SETTINGS

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
    """On CI the suite runs against the real PostgreSQL and Redis, or not at all. With Redis,
    the run takes a database of its own (tests/redis_db.py)."""
    if CI:
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"CI=true requires PostgreSQL; DATABASE_URL gives {engine}.")
        if not settings.CELERY_BROKER_URL.startswith("redis"):
            raise pytest.UsageError("CI=true requires Redis; REDIS_URL is not set.")
    _use_a_redis_database_of_this_run()


def pytest_unconfigure(config: pytest.Config) -> None:
    for url in _RUN_REDIS:
        redis_db.release(url)


_RUN_REDIS: list[str] = []


def _use_a_redis_database_of_this_run() -> None:
    """Point the cache, the Celery app of this process and the workers the tests start (they
    inherit REDIS_URL) at a Redis database no other run uses."""
    url = settings.REDIS_URL
    if not url.startswith(("redis://", "rediss://")):
        return
    try:
        own = redis_db.claim(url)
    except redis.RedisError:
        return  # the tests that need Redis say so themselves
    if own is None:
        return
    _RUN_REDIS.append(own)
    os.environ["REDIS_URL"] = own
    changed: dict[str, object] = {"REDIS_URL": own}
    if url == settings.CELERY_BROKER_URL:
        changed["CELERY_BROKER_URL"] = own
        os.environ.pop("CELERY_BROKER_URL", None)
    cache = settings.CACHES["default"]
    if cache.get("LOCATION") == url:
        changed["CACHES"] = {**settings.CACHES, "default": {**cache, "LOCATION": own}}
    override_settings(**changed).enable()  # for the whole run; caches are rebuilt on change
    from recovery_hub.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL


def pytest_report_header(config: pytest.Config) -> list[str]:
    database = settings.DATABASES["default"]
    return [
        f"database: {database['ENGINE']} {database['NAME']}",
        f"broker: {settings.CELERY_BROKER_URL.split('@')[-1]}",
    ]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Real hashing costs ~0.3 s per password; the suite tests behaviour, not the hasher.
    settings.PASSWORD_HASHERS = TEST_SETTINGS["PASSWORD_HASHERS"]


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
def _site_language() -> Iterator[None]:
    """Each test starts in the site's language: a request in Spanish (LocaleMiddleware, or a
    Spanish reader's own language) leaves its thread in Spanish, which would otherwise carry over
    into the next test's direct calls."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _outbox_sends_in_process(settings) -> None:
    # Unit tests send outbox rows in-process; the worker tests turn this off and deliver
    # through a real Celery worker and broker.
    settings.NOTIFICATIONS_INLINE_DISPATCH = TEST_SETTINGS["NOTIFICATIONS_INLINE_DISPATCH"]


# --- People, written once for every folder -----------------------------------------------------
# Clinic A ("Harbor") and B ("Lakeside"); in A a clinician and an admin, and a person in
# recovery (Jordan Rivera, with a sign-in) whose primary counselor is Chris Alvarez, and a
# supporter (Pat Rivera) with an active contact row and no consent yet. A folder's conftest
# changes what it needs through `patient_fields` / `contact_name`, or overrides a fixture whose
# behaviour differs there (tests/engagement's `contact`).


@pytest.fixture
def clinic() -> Organization:
    return OrganizationFactory(name="Harbor Recovery Center", slug="harbor")


@pytest.fixture
def other_clinic() -> Organization:
    return OrganizationFactory(name="Lakeside Treatment Services", slug="lakeside")


@pytest.fixture
def clinician(clinic) -> User:
    return member(Role.CLINICIAN, clinic)


@pytest.fixture
def clinic_admin(clinic) -> User:
    return member(Role.ADMIN, clinic)


@pytest.fixture
def admin_signed_in(client: Client, clinic_admin) -> Client:
    """The test client, signed in as the clinic admin of `clinic`."""
    client.force_login(clinic_admin)
    return client


@pytest.fixture
def team_clinician(clinic) -> User:
    """The patient's primary counselor."""
    return member(Role.CLINICIAN, clinic, full_name="Chris Alvarez")


@pytest.fixture
def person(clinic) -> User:
    """The person in recovery's own sign-in."""
    return member(Role.PATIENT, clinic, full_name="Jordan Rivera", email="jordan@example.org")


@pytest.fixture
def patient_fields(person) -> dict[str, object]:
    """The fields of `patient` beyond the shared ones; a folder overrides it (a record
    without a sign-in, a record number its tests look for)."""
    return {"user": person}


@pytest.fixture
def patient(clinic, team_clinician, patient_fields) -> Patient:
    """Jordan Rivera's record in `clinic`, with `team_clinician` as primary counselor."""
    fields = {"legal_name": "Jordan Rivera", "time_zone": "America/New_York", **patient_fields}
    patient = PatientFactory(clinic=clinic, **fields)
    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True,
        actor=team_clinician,
    )
    return patient


@pytest.fixture
def supporter(clinic) -> User:
    return member(Role.SUPPORTER, clinic, full_name="Pat Rivera", email="pat@example.org")


@pytest.fixture
def contact_name() -> str:
    """The name the patient's network gives `contact`."""
    return "Pat Rivera"


@pytest.fixture
def contact(patient, supporter, team_clinician, contact_name) -> SupportContact:
    """An active contact linked to the supporter's account, with no consent yet."""
    contact = contact_add(
        patient=patient,
        actor=team_clinician,
        name=contact_name,
        relationship=Relationship.PARENT,
        email="pat@example.org",
    )
    contact.user = supporter
    contact.status = ContactStatus.ACTIVE
    contact.save()
    return contact


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
