"""Finding 12: the audit trail cannot be emptied. PostgreSQL refuses TRUNCATE on the audit
tables even to their owner, and the application's role (deploy/postgres/app-role.sql, the one
docker-compose's web, worker and beat use) can insert audit events but cannot alter, drop or
truncate the table nor switch its triggers off."""

import re
import secrets
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.models import Action, AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and triggers are PostgreSQL's"
)

ROOT = Path(__file__).resolve().parent.parent.parent
APP_ROLE_SQL = ROOT / "deploy" / "postgres" / "app-role.sql"


def _refused(sql: str, match: str) -> None:
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Django's foreign keys are checked at commit; check this test's rows now, or TRUNCATE
        # refuses for that reason ("pending trigger events") instead of the one under test.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql", ["TRUNCATE audit_auditevent CASCADE", "TRUNCATE audit_listedpatient"]
)
def test_postgresql_refuses_truncate_of_the_audit_tables_even_to_their_owner(clinic, sql):
    audit_record(action=Action.VIEW, clinic=clinic, details={"page": "test"})
    before = AuditEvent.objects.count()

    _refused(sql, "append-only")

    assert AuditEvent.objects.count() == before


def _app_role_statements(role: str, password: str) -> list[str]:
    """deploy/postgres/app-role.sql with psql's variables filled in, as psql would."""
    text = "\n".join(
        line for line in APP_ROLE_SQL.read_text().splitlines() if not line.startswith("--")
    )
    values = {
        ':"app_role"': connection.ops.quote_name(role),
        ":'app_password'": f"'{password}'",
        ':"DBNAME"': connection.ops.quote_name(connection.settings_dict["NAME"]),
    }
    text = re.sub("|".join(re.escape(name) for name in values), lambda m: values[m[0]], text)
    assert ":'" not in text and ':"' not in text, "a psql variable the test does not know"
    return [statement.strip() for statement in text.split(";") if statement.strip()]


@pytest.fixture
def app_role(db):
    """The application's role, made by the deployment's own script, in this test database.
    Roles are shared by the whole server: the name is unique to this run, and the role goes
    with the test's transaction (and is dropped explicitly all the same)."""
    role = f"rh_test_app_{secrets.token_hex(6)}"
    with connection.cursor() as cursor:
        for statement in _app_role_statements(role, secrets.token_urlsafe(24)):
            cursor.execute(statement)
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"DROP OWNED BY {connection.ops.quote_name(role)}")
        cursor.execute(f"DROP ROLE {connection.ops.quote_name(role)}")


@pytest.mark.django_db
def test_the_app_role_writes_audit_events_but_cannot_remove_or_change_the_table(clinic, app_role):
    audit_record(action=Action.VIEW, clinic=clinic, details={"page": "before"})
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {connection.ops.quote_name(app_role)}")
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role

    event = audit_record(action=Action.EXPORT, clinic=clinic, details={"page": "as the app"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()

    _refused("TRUNCATE audit_auditevent CASCADE", "permission denied")
    _refused("TRUNCATE audit_listedpatient", "permission denied")
    _refused("DROP TABLE audit_auditevent CASCADE", "must be owner")
    _refused("ALTER TABLE audit_auditevent DISABLE TRIGGER USER", "must be owner")
    _refused("ALTER TABLE audit_auditevent ADD COLUMN erased boolean", "must be owner")
    _refused("SET session_replication_role = replica", "permission denied")
    _refused("CREATE TABLE audit_shadow (id int)", "permission denied")
    _refused("DELETE FROM audit_auditevent", "append-only")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_a_test_database_for_a_superuser(clinic):
    # The test runner's transactional tests flush between tests: a superuser's flush switches
    # the audit triggers off for its own session only.
    audit_record(action=Action.VIEW, clinic=clinic, details={"page": "test"})

    call_command("flush", interactive=False, verbosity=0)

    assert AuditEvent.objects.count() == 0
    _refused("TRUNCATE audit_auditevent CASCADE", "append-only")
