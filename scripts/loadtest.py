"""`make loadtest`: the four roles (bench/locustfile.py) against gunicorn, PostgreSQL, Redis and
a Celery worker, at 10, 50 and 100 simulated people; prints requests per second, p50/p95 per
request, the errors, and the most people served with no error and p95 under a second.

Everything is throwaway: a database `rh_load_<pid>` on DATABASE_URL's server (default
postgres://postgres@127.0.0.1:5432), dropped at the end; a free Redis database on REDIS_URL's
server (default redis://127.0.0.1:6379), emptied and given back; gunicorn on a free port;
static files in a temporary directory. Ctrl-C stops it all and cleans up.

Settings (environment): LOAD_USERS (default "10,50,100"), LOAD_SECONDS (per level, default
30), LOAD_WEB_WORKERS (gunicorn workers, default 3), LOAD_WEB_THREADS (default 1).
`--prepare N` (internal) creates the load test's staff accounts in the current database.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
P95_LIMIT_MS = 1000
SIGN_IN_ALLOWANCE = 300  # seconds for everyone to sign in before the measured part starts
KEPT = ROOT / "var" / "loadtest"  # the last run's CSV files and logs


def prepare(count: int) -> None:
    """`count` clinicians and `count` admins of the demo clinic, named load-clinician-<n> and
    load-admin-<n>, with the demo's password and authenticator secret; each clinician is on
    the care team of every patient of the demo clinician."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_hub.settings")
    django.setup()
    from accounts.models import Membership, Organization, Role, User
    from accounts.second_factor import totp_enrol
    from patients.models import CareTeamMember, TeamRole
    from recovery_hub.demo import DEMO_TOTP_SECRET

    clinic = Organization.objects.get(slug="demo")
    model = User.objects.get(email="clinician@demo.clinic")
    patients = [
        member.patient_id
        for member in CareTeamMember.objects.filter(clinician=model, ended_on__isnull=True)
    ]
    for role, prefix in ((Role.CLINICIAN, "clinician"), (Role.ADMIN, "admin")):
        users = User.objects.bulk_create(
            User(
                email=f"load-{prefix}-{n}@demo.clinic",
                full_name=f"Load {prefix.title()} {n}",
                password=model.password,  # the demo's password, hashed once
                time_zone="America/New_York",
            )
            for n in range(count)
        )
        Membership.objects.bulk_create(
            Membership(user=user, organization=clinic, role=role) for user in users
        )
        for user in users:
            totp_enrol(user, secret=DEMO_TOTP_SECRET)
        if role == Role.CLINICIAN:
            CareTeamMember.objects.bulk_create(
                CareTeamMember(
                    patient_id=patient_id, clinician=user, team_role=TeamRole.CASE_MANAGER
                )
                for user in users
                for patient_id in patients
            )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_url(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def admin_connect(url: str) -> psycopg.Connection:
    return psycopg.connect(server_url(url, "postgres"), autocommit=True, connect_timeout=5)


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # A session of its own: Ctrl-C reaches this script, which stops the process in order.
    with log.open("w") as out:
        return subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_healthy(base: str, web: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise SystemExit("gunicorn exited; see its log above")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{base}/healthz did not answer 200 within {seconds:.0f} s")


def read_stats(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def ms(value: str) -> str:
    return "-" if value in ("", "N/A") else f"{float(value):.0f}"


def print_level(users: int, rows: list[dict[str, str]], sign_in: dict | None) -> None:
    print(f"\n{users} simulated people")
    print(f"  {'request':<34} {'count':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}")
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        if row["Name"].startswith("sign in"):
            continue  # counted before the statistics started again (below)
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"  {name:<34} {row['Request Count']:>6} {float(row['Requests/s']):>7.1f}"
            f" {ms(row['50%']):>7} {ms(row['95%']):>7} {row['Failure Count']:>6}"
        )
    if sign_in is None:
        print(f"  (not everyone had signed in after {SIGN_IN_ALLOWANCE} s: nothing measured)")
        return
    print(
        f"  before that, everyone signed in at once: {sign_in['people']} people in"
        f" {sign_in['seconds']:.0f} s, {sign_in['errors']} errors"
    )
    for name, row in sorted(sign_in["rows"].items()):
        print(
            f"  {name:<34} {row['count']:>6} {'':>7} {row['p50']:>7.0f} {row['p95']:>7.0f}"
            f" {row['errors']:>6}"
        )


def keep(scratch: Path) -> None:
    """The last run's CSV files and logs into var/loadtest/; the rest goes."""
    shutil.rmtree(KEPT, ignore_errors=True)
    KEPT.mkdir(parents=True)
    for path in scratch.iterdir():
        if path.suffix in (".csv", ".log", ".json"):
            shutil.copy(path, KEPT / path.name)
    shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    levels = [int(n) for n in os.environ.get("LOAD_USERS", "10,50,100").split(",") if n.strip()]
    seconds = int(os.environ.get("LOAD_SECONDS", "30"))
    web_workers = os.environ.get("LOAD_WEB_WORKERS", "3")
    web_threads = os.environ.get("LOAD_WEB_THREADS", "1")
    database_url = os.environ.get("DATABASE_URL", "") or "postgres://postgres@127.0.0.1:5432"
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("make loadtest needs PostgreSQL: set DATABASE_URL to its server")
    from tests.redis_db import claim, release

    redis_url = claim(os.environ.get("REDIS_URL", "") or "redis://127.0.0.1:6379/0")
    if redis_url is None:
        raise SystemExit("no free Redis database (1-15) on REDIS_URL's server")
    database = f"rh_load_{os.getpid()}"
    scratch = Path(tempfile.mkdtemp(prefix="rh-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "READ_DOT_ENV": "false",
        "DEBUG": "false",
        "SECURE_COOKIES": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": server_url(database_url, database),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": base,
        "STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
        "EMAIL_URL": f"filemail://{scratch / 'mail'}",
        "LOG_LEVEL": "WARNING",
    }
    processes: list[subprocess.Popen] = []
    created = False
    results: dict[int, tuple[list[dict[str, str]], dict | None]] = {}
    try:
        with admin_connect(database_url) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        created = True
        print(f"Preparing {database}: migrate, seed the demo clinic, static files...", flush=True)
        py = str(BIN / "python")
        run([py, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([py, "manage.py", "seed_demo", "--clinics", "1"], env)
        run([py, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        run([py, __file__, "--prepare", str(sum(levels))], env)
        processes.append(
            start(
                [str(BIN / "celery"), "-A", "recovery_hub", "worker", "-l", "warning", "-c", "1"],
                env,
                scratch / "worker.log",
            )
        )
        web = start(
            [
                str(BIN / "gunicorn"),
                "recovery_hub.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                web_workers,
                "--threads",
                web_threads,
                "--log-level",
                "warning",
            ],
            env,
            scratch / "web.log",
        )
        processes.append(web)
        try:
            wait_healthy(base, web)
        except SystemExit:
            print((scratch / "web.log").read_text()[-3000:], file=sys.stderr)
            raise
        print(
            f"gunicorn ({web_workers} workers x {web_threads} threads) on {base}, one Celery"
            f" worker, Redis {redis_url}; {seconds} s per level",
            flush=True,
        )
        offset = 0
        for users in levels:
            prefix = scratch / f"u{users}"
            command = [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                base,
                "-u",
                str(users),
                "-r",
                str(users),
                "--run-time",
                f"{seconds + SIGN_IN_ALLOWANCE}s",  # the locustfile ends the run sooner
                "--stop-timeout",
                "10",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ]
            # Staff accounts nobody has signed in with yet (a TOTP code works once per account).
            sign_in_file = scratch / f"u{users}_sign_in.json"
            locust_env = {
                **os.environ,
                "LOAD_ACCOUNT_OFFSET": str(offset),
                "LOAD_MEASURE_SECONDS": str(seconds),
                "LOAD_SIGN_IN_FILE": str(sign_in_file),
            }
            offset += users
            print(f"Running {users} simulated people for {seconds} s...", flush=True)
            subprocess.run(  # noqa: S603
                command,
                cwd=ROOT,
                env=locust_env,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=(scratch / f"locust-{users}.log").open("w"),
            )
            rows = read_stats(Path(f"{prefix}_stats.csv"))
            sign_in = json.loads(sign_in_file.read_text()) if sign_in_file.exists() else None
            print_level(users, rows, sign_in)
            results[users] = (rows, sign_in)
        print("\nSummary: the working day after everyone signed in (errors include the sign-ins)")
        columns = ("people", 6), ("req/s", 7), ("p50 ms", 7), ("p95 ms", 7), ("errors", 6)
        print("  " + " ".join(f"{name:>{width}}" for name, width in columns))
        best = None
        for users, (rows, sign_in) in results.items():
            total = next(row for row in rows if row["Name"] == "Aggregated")
            errors = int(total["Failure Count"]) + (sign_in["errors"] if sign_in else 0)
            p95 = float(total["95%"]) if total["95%"] not in ("", "N/A") else float("inf")
            print(
                f"  {users:>6} {float(total['Requests/s']):>7.1f} {ms(total['50%']):>7}"
                f" {ms(total['95%']):>7} {errors:>6}"
            )
            measured = sign_in is not None and int(total["Request Count"]) > 0
            if measured and errors == 0 and p95 < P95_LIMIT_MS:
                best = users if best is None else max(best, users)
        if best is None:
            print("\nNo level was served with 0 errors and p95 under 1 s.")
        else:
            print(f"\nHighest level with 0 errors and p95 under 1 s: {best} simulated people.")
        print(f"Locust's CSV files and the server logs: {KEPT.relative_to(ROOT)}/")
        return 0
    finally:
        for process in reversed(processes):
            stop(process)
        if created:
            with admin_connect(database_url) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(database)
                    )
                )
        release(redis_url)
        keep(scratch)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--prepare":
        prepare(int(sys.argv[2]))
    else:
        # Ctrl-C (even when started with SIGINT ignored, as by `cmd &`) and SIGTERM clean up.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            sys.exit(main())
        except KeyboardInterrupt:
            print("\nStopped; the load test's database and Redis database are cleaned up.")
            sys.exit(130)
