"""`make backup` / `make restore` for real: migrate and seed a throwaway PostgreSQL database, back
it up with scripts/backup.py (what the Makefile runs), restore it into a fresh database and over
the original (whose audit tables refuse TRUNCATE), and find the same row counts in every table
and a person who can still sign in. Only databases this test creates are touched."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
CI = os.environ.get("CI", "").lower() == "true"
PASSWORD_IN_URL = "not-a-real-secret-4711"  # the server trusts 127.0.0.1; it must never be echoed

pytestmark = pytest.mark.pg_tools

# Row counts of every table, then a real sign-in through the sign-in page (which writes rows of
# its own: the counts are taken first).
CHECK = r"""
import json
import django
django.setup()
from django.db import connection
from django.test import Client
from accounts.models import User

counts = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
user = User.objects.get(email="patient@demo.clinic")
client = Client()
answer = client.post("/accounts/login/", {"login": user.email, "password": "recovery-demo"})
print(json.dumps({
    "counts": counts,
    "password_ok": user.check_password("recovery-demo"),
    "signed_in": client.session.get("_auth_user_id") == str(user.pk),
    "status": answer.status_code,
}))
"""


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        if CI:
            pytest.fail("CI=true requires PostgreSQL for the backup test.")
        pytest.skip("Backups are tested on PostgreSQL; DATABASE_URL is not PostgreSQL.")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            if CI:
                pytest.fail(f"{tool} is required on CI (apt-get install postgresql-client).")
            pytest.skip(f"{tool} is not installed (apt-get install postgresql-client).")
    return url


def _url_for(base: str, name: str, password: str | None = None) -> str:
    parts = urlsplit(base)
    netloc = parts.netloc
    if password is not None:
        host = parts.netloc.rsplit("@", 1)[-1]
        netloc = f"{parts.username or 'postgres'}:{password}@{host}"
    return urlunsplit(parts._replace(netloc=netloc, path="/" + name))


def _run(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs
    )


def _check(env: dict[str, str], database_url: str) -> dict:
    run = _run([sys.executable, "-c", CHECK], {**env, "DATABASE_URL": database_url})
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_make_restore_passes_its_arguments_to_the_backup_script():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    run = _run(
        ["make", "-n", "restore", "FILE=var/backups/x.dump", "TARGET=check_db", "YES=1"],
        dict(os.environ),
    )
    assert run.returncode == 0, run.stderr
    assert 'scripts/backup.py restore "var/backups/x.dump" --target "check_db" --yes' in run.stdout
    backup = _run(["make", "-n", "backup"], dict(os.environ))
    assert "scripts/backup.py backup" in backup.stdout


def test_a_backup_restores_into_a_fresh_database_and_over_the_original(tmp_path):
    base = _postgres_url()
    source_name = f"rh_backup_src_{os.getpid()}"
    fresh_name = f"rh_backup_dst_{os.getpid()}"
    admin = psycopg.connect(_url_for(base, "postgres"), autocommit=True)
    for name in (source_name, fresh_name):
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(source_name)))
    source_url = _url_for(base, source_name, password=PASSWORD_IN_URL)
    env = {
        **os.environ,
        "DATABASE_URL": source_url,
        "READ_DOT_ENV": "false",
        "BACKUP_DIR": str(tmp_path / "backups"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "testserver",
        "REDIS_URL": "",
        "NOTIFICATIONS_INLINE_DISPATCH": "true",
        "EMAIL_URL": f"filemail://{tmp_path / 'mail'}",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("BACKUP_KEEP_DAYS", None)
    try:
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["seed_demo", "--clinics", "1", "--patients", "3", "-v0"],
        ):
            run = _run([sys.executable, "manage.py", *command], env)
            assert run.returncode == 0, run.stderr[-3000:]

        backup = _run([sys.executable, "scripts/backup.py", "backup"], env)
        assert backup.returncode == 0, backup.stderr
        dump = Path(backup.stdout.strip().splitlines()[-1])
        assert dump.parent == tmp_path / "backups"
        assert dump.name.startswith(f"{source_name}-") and dump.suffix == ".dump"
        assert dump.stat().st_mode & 0o777 == 0o600  # health records: the owner only
        assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
        assert PASSWORD_IN_URL not in backup.stdout + backup.stderr
        assert "postgres:***@" in backup.stderr

        # The state the backup holds; signing in afterwards adds rows (a session, audit events)
        # that the restores must not bring back.
        before = _check(env, source_url)
        assert before["password_ok"] and before["signed_in"], before["status"]
        counts = before["counts"]
        assert counts["audit_auditevent"] > 0 and counts["accounts_user"] >= 4
        assert counts["patients_patient"] == 3
        after_sign_in = _check(env, source_url)["counts"]
        assert after_sign_in != counts

        # Without YES=1 (and no terminal to ask on) nothing happens.
        refused = _run(
            [sys.executable, "scripts/backup.py", "restore", str(dump), "--target", fresh_name],
            env,
            stdin=subprocess.DEVNULL,
        )
        assert refused.returncode == 1 and "YES=1" in refused.stderr
        exists = "SELECT 1 FROM pg_database WHERE datname = %s"
        assert admin.execute(exists, [fresh_name]).fetchone() is None

        # Into a fresh database on the same server (created by the restore).
        restored = _run(
            [sys.executable, "scripts/backup.py", "restore", str(dump),
             "--target", fresh_name, "--yes"],
            env,
        )  # fmt: skip
        assert restored.returncode == 0, restored.stderr[-3000:]
        assert PASSWORD_IN_URL not in restored.stdout + restored.stderr
        fresh = _check(env, _url_for(base, fresh_name))
        assert fresh["counts"] == counts
        assert fresh["password_ok"] and fresh["signed_in"], fresh["status"]

        # Over the original, in use since the backup: its audit tables refuse TRUNCATE, and the
        # restore drops and recreates them instead.
        over = _run([sys.executable, "scripts/backup.py", "restore", str(dump), "--yes"], env)
        assert over.returncode == 0, over.stderr[-3000:]
        again = _check(env, source_url)
        assert again["counts"] == counts
        assert again["password_ok"] and again["signed_in"], again["status"]

        # The restored audit trail is still append-only.
        with psycopg.connect(_url_for(base, fresh_name)) as restored_db:
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                restored_db.execute("TRUNCATE audit_auditevent CASCADE")
            restored_db.rollback()
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                restored_db.execute("DELETE FROM audit_auditevent")
    finally:
        for name in (source_name, fresh_name):
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        admin.close()
