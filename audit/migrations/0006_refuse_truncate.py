"""On PostgreSQL the audit tables refuse TRUNCATE too, whoever asks (the table's owner
included): 0003 and 0004 refuse UPDATE and DELETE row by row, and TRUNCATE, which fires no row
trigger, was the way left to empty them.

Only a superuser can step past it, by switching triggers off for their session
(`SET session_replication_role = replica`); `manage.py flush` does that for the test runner
(audit/management/commands/flush.py). In production the app's database role is neither the
owner nor a superuser (README, "Database roles"), so it cannot switch triggers off either.
"""

from django.db import migrations

FUNCTION = "audit_refuse_truncate"
TABLES = ("audit_auditevent", "audit_listedpatient")

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Audit events are append-only: TRUNCATE on % is refused.', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
CREATE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
"""
    for table in TABLES
)

REMOVE = (
    "".join(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n" for table in TABLES)
    + f"DROP FUNCTION IF EXISTS {FUNCTION}();\n"
)


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_account_lock_actions"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
