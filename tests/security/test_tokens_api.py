"""Finding 9: API tokens are hashed at rest, named, expire, and older clear-text keys migrate."""

from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from accounts.tokens import token_issue, tokens_revoke_all
from tests.factories import member

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def answer(key: str) -> int:
    return APIClient().get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code


def test_the_key_is_never_stored_only_its_digest(clinician):
    key = token_issue(clinician, "Reporting script")

    token = ApiToken.objects.get(user=clinician)
    stored = [str(getattr(token, field.attname)) for field in ApiToken._meta.concrete_fields]
    assert not any(key in value for value in stored)
    assert token.name == "Reporting script"
    assert answer(key) == 200


def test_a_token_expires_after_the_setting_and_then_answers_401(clinician, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = token_issue(clinician, "test")
    token = ApiToken.objects.get(user=clinician)
    assert token.expiry == start + timedelta(days=settings.API_TOKEN_DAYS)

    with time_machine.travel(start + timedelta(days=settings.API_TOKEN_DAYS, minutes=-1)):
        assert answer(key) == 200
    with time_machine.travel(start + timedelta(days=settings.API_TOKEN_DAYS, minutes=1)):
        assert answer(key) == 401


def test_a_shorter_expiry_can_be_asked_for(clinician):
    key = token_issue(clinician, "one hour", expiry=timedelta(hours=1))

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert answer(key) == 401


def test_last_use_is_noted(clinician):
    key = token_issue(clinician, "test")
    assert ApiToken.objects.get(user=clinician).last_used_at is None

    answer(key)

    assert ApiToken.objects.get(user=clinician).last_used_at is not None


def test_a_revoked_token_answers_401_and_others_keep_working(clinic, clinician):
    other = member(Role.CLINICIAN, clinic)
    mine, theirs = token_issue(clinician, "test"), token_issue(other, "test")

    assert tokens_revoke_all(clinician) == 1

    assert answer(mine) == 401
    assert answer(theirs) == 200


@pytest.mark.parametrize(
    "header",
    [b"Token \xff\xfe", b"Token", b"Token a b", b"Token " + b"0" * 64],
    ids=["not-utf8", "no-key", "spaces", "unknown"],
)
def test_a_malformed_or_unknown_token_is_401_not_500(clinician, header):
    token_issue(clinician, "test")

    response = APIClient().get(ME, HTTP_AUTHORIZATION=header.decode("latin-1"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_schema_documents_the_token_header(client):
    body = client.get("/api/schema/").content.decode()

    assert "tokenAuth:" in body
    assert "name: Authorization" in body


# --- The command ------------------------------------------------------------------------------


def test_the_command_prints_a_named_token_once(clinician, capsys):
    call_command("create_api_token", clinician.email, "--name", "Nightly export")
    key = capsys.readouterr().out.strip()

    assert answer(key) == 200
    assert ApiToken.objects.get(user=clinician).name == "Nightly export"


def test_the_command_rotates_by_revoking_the_old_tokens(clinician, capsys):
    old = token_issue(clinician, "old")

    call_command("create_api_token", clinician.email, "--rotate")
    new = capsys.readouterr().out.strip()

    assert answer(old) == 401
    assert answer(new) == 200
    assert ApiToken.objects.filter(user=clinician).count() == 1


def test_the_command_refuses_an_empty_name(clinician):
    with pytest.raises(CommandError, match="name"):
        call_command("create_api_token", clinician.email, "--name", " ")


# --- Migrating the clear-text tokens of rest_framework.authtoken ------------------------------


def test_existing_clear_text_tokens_are_hashed_and_keep_working(clinician, settings):
    migration = import_module("accounts.migrations.0006_authtoken_keys_to_api_tokens")
    old_key = "0123456789abcdef0123456789abcdef01234567"  # the shape DRF made: 40 hex digits
    with connection.cursor() as cursor:
        # The table rest_framework.authtoken left behind (the app is no longer installed).
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [old_key, timezone.now() - timedelta(days=400), clinician.pk],
        )

    with connection.schema_editor() as editor:
        migration.hash_clear_text_tokens(apps, editor)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)  # no clear-text key left
    token = ApiToken.objects.get(user=clinician)
    assert token.name == "Migrated token"
    assert old_key not in token.digest
    assert token.expiry > timezone.now() + timedelta(days=settings.API_TOKEN_DAYS - 1)
    assert token.created < timezone.now() - timedelta(days=399)
    assert answer(old_key) == 200


def test_a_new_database_has_no_clear_text_table_to_migrate():
    migration = import_module("accounts.migrations.0006_authtoken_keys_to_api_tokens")

    with connection.schema_editor() as editor:
        migration.hash_clear_text_tokens(apps, editor)  # nothing to read: no error

    assert not ApiToken.objects.exists()
