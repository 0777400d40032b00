"""Import time of a 5,000-row patients file and a 5,000-row contacts file (see README, "Imports").

Prints one JSON object on stdout. Runs on `BENCH_IMPORTS_DATABASE_URL`, else the reminders'
database (`BENCH_DATABASE_URL`), else the reports' (`BENCH_REPORTS_DATABASE_URL`), else its own
SQLite file; everything it writes (a clinic, its
admin, the imported rows and their audit events) is in one transaction that is rolled back, so
a shared benchmark database is left as it was.

Each import is timed as the page and the API run it: reading the CSV upload
(`imports.tables.read_upload`), the dry run (`import_plan`: every row checked, duplicates
against the clinic's rows loaded once) and the save (`import_save`: the check again, then each
row through patients.services.patient_create / networks.services.contact_add with its audit
event, all in one transaction). Target: each import (read + save) under 60 seconds.
"""

import json
import os
import sys
import time
from pathlib import Path

from environment import setup_django  # bench/environment.py (this folder)

ROOT = Path(__file__).resolve().parent.parent
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "5000"))
DATABASE_URL = (
    os.environ.get("BENCH_IMPORTS_DATABASE_URL")
    or os.environ.get("BENCH_DATABASE_URL")
    or os.environ.get("BENCH_REPORTS_DATABASE_URL")
    or f"sqlite:///{ROOT / 'var/bench-imports.sqlite3'}"
)
TARGET_SECONDS = 60
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
PROGRAMS = ("Outpatient", "Intensive outpatient", "Residential", "Aftercare")


def patients_csv(rows: int) -> bytes:
    from imports.columns import PATIENTS, names

    lines = [",".join(names(PATIENTS))]
    for n in range(rows):
        lines.append(
            ",".join(
                [
                    f"B-{n:06d}",
                    f"Person {n} Example",
                    "",
                    "they/them" if n % 3 else "",
                    f"19{60 + n % 40}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    ZONES[n % len(ZONES)],
                    "es" if n % 5 == 0 else "en",
                    f"+1 312 555 {n % 10000:04d}",
                    f"person.{n}@example.org",
                    PROGRAMS[n % len(PROGRAMS)] if n % 7 else "",
                    "active" if n % 4 else "intake",
                    f"2026-{1 + n % 10:02d}-{1 + n % 28:02d}" if n % 2 else "",
                    "19:00" if n % 2 else "08:30",
                ]
            )
        )
    return "\n".join(lines).encode()


def contacts_csv(rows: int) -> bytes:
    from imports.columns import CONTACTS, names

    lines = [",".join(names(CONTACTS))]
    for n in range(rows):
        lines.append(
            ",".join(
                [
                    f"B-{n:06d}",
                    f"Supporter {n}",
                    ("parent", "friend", "sponsor", "sibling")[n % 4],
                    f"supporter.{n}@example.org",
                    "",
                    "email",
                    "en",
                    "meals|calls" if n % 2 else "",
                    "",
                    str(n % 7),
                    "18:00",
                ]
            )
        )
    return "\n".join(lines).encode()


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_import(kind: str, data: bytes, clinic, admin) -> dict[str, object]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from imports.columns import names, required
    from imports.services import import_plan, import_save
    from imports.tables import read_upload

    start = time.perf_counter()
    table = read_upload(SimpleUploadedFile(f"{kind}.csv", data), required(kind), names(kind))
    read_seconds = time.perf_counter() - start

    counter = QueryCounter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        plan = import_plan(kind=kind, clinic=clinic, rows=table.rows)
    check_seconds = time.perf_counter() - start
    check_queries = counter.count
    if not plan.ok:
        sys.exit(f"{kind}: the generated file has errors: {[str(e) for e in plan.errors[:5]]}")

    counter = QueryCounter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        saved = import_save(kind=kind, clinic=clinic, actor=admin, rows=table.rows)
    save_seconds = time.perf_counter() - start
    return {
        "rows": len(table.rows),
        "bytes": len(data),
        "read_seconds": round(read_seconds, 3),
        "dry_run_seconds": round(check_seconds, 3),
        "dry_run_queries": check_queries,
        "save_seconds": round(save_seconds, 3),
        "save_queries": counter.count,
        "created": len(saved.valid),
        "total_seconds": round(read_seconds + save_seconds, 3),
    }


def main() -> None:
    setup_django(DATABASE_URL)
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import Membership, Organization, Role, User
    from imports.columns import CONTACTS, PATIENTS

    call_command("migrate", "--noinput", verbosity=0)
    patients = patients_csv(ROWS)
    contacts = contacts_csv(ROWS)
    with transaction.atomic():
        clinic = Organization.objects.create(name="Imports bench", slug="bench-imports-run")
        admin = User.objects.create_user(email="bench-imports@example.org", password=None)
        Membership.objects.create(user=admin, organization=clinic, role=Role.ADMIN)
        result = {
            "database": connection.vendor,
            "patients": timed_import(PATIENTS, patients, clinic, admin),
            "contacts": timed_import(CONTACTS, contacts, clinic, admin),
            "targets": {"total_seconds": TARGET_SECONDS},
        }
        transaction.set_rollback(True)  # leave the database as it was
    print(json.dumps(result))
    over = [k for k in (PATIENTS, CONTACTS) if result[k]["total_seconds"] > TARGET_SECONDS]
    if over:
        print(f"over the {TARGET_SECONDS} s target: {', '.join(over)}", file=sys.stderr)


if __name__ == "__main__":
    main()
