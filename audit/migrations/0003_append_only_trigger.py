"""On PostgreSQL the audit table refuses UPDATE and DELETE, whoever asks: the app, the admin
site, the API, a shell or a raw SQL session. TRUNCATE is left alone on purpose: it is what
Django's `flush` (and so the test runner's transactional tests) uses, and it needs the table
owner's rights, which the application's database role should not have in production."""

from django.db import migrations

FUNCTION = "audit_auditevent_refuse_change"
TRIGGER = "audit_auditevent_append_only"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Audit events are append-only: % on audit_auditevent is refused.', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {TRIGGER} ON audit_auditevent;
CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

REMOVE = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON audit_auditevent;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_patient_and_emergency_access"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
