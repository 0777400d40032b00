"""Reminder planning time and email dispatch rate on a separate database (see README).

Prints one JSON object on stdout. Every connection stays on 127.0.0.1: the SMTP sink below is a
minimal responder (standard library only) that accepts and discards whatever it is sent.

The dispatch rate is compared with plain smtplib sending the same messages (a text and an HTML
part, the same headers) over one connection: `ratio`. Both sides send a few untimed messages
first. `ratio_text_only` compares with smtplib sending a single text part, for reference.
"""

import importlib.util
import json
import os
import smtplib
import socket
import socketserver
import subprocess
import sys
import time
import types
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from zoneinfo import ZoneInfo

from environment import setup_django  # bench/environment.py (this folder)

ROOT = Path(__file__).resolve().parent.parent
SCALE = int(os.environ.get("BENCH_SCALE") or "1")
PATIENTS = int(os.environ.get("BENCH_PATIENTS", "5000")) * SCALE
EMAILS = int(os.environ.get("BENCH_EMAILS", "1000"))
DEFAULT_DB = ROOT / "var/bench-reminders.sqlite3"
# At BENCH_SCALE > 1 seed_demo would take an hour: the planner then runs on the reports
# benchmark's clinic (bench/reports.py, bulk-seeded, in BENCH_REPORTS_DATABASE_URL), inside a
# transaction that is rolled back, so that clinic is left as it was for the reports and pages.
ON_REPORTS_SEED = SCALE > 1
if ON_REPORTS_SEED:
    DATABASE_URL = os.environ.get(
        "BENCH_REPORTS_DATABASE_URL", f"sqlite:///{ROOT / 'var/bench-reports.sqlite3'}"
    )
else:
    DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{DEFAULT_DB}")
PLAN_ZONE = ZoneInfo("America/New_York")  # a quarter of the demo patients live here
TARGETS = {"plan_seconds": 5, "ratio": 0.5}
TARGETS_AT_SCALE = {"plan_seconds": 10}  # 50,000 patients (BENCH_SCALE=10)
# Sent untimed before each side is timed, as a running worker is warm (the first email imports
# the URLconf for its unsubscribe link: a one-off cost, not part of a rate).
WARMUP = 20
BODY = (
    "Hi, how was today? Your check-in takes a minute: http://127.0.0.1:8000/my-recovery/check-in/"
)


# --- the SMTP sink (runs in its own process so it does not share our GIL) -----------------------


class SinkHandler(socketserver.StreamRequestHandler):
    """HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; the message itself is discarded."""

    def reply(self, *lines: str) -> None:
        # One write per reply (a multi-line EHLO in two segments meets the client's delayed
        # ACK and costs ~40 ms per connection, which would be the sink's fault, not Django's).
        self.wfile.write(b"".join(line.encode() + b"\r\n" for line in lines))

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self) -> None:
        self.reply("220 127.0.0.1 bench sink")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-127.0.0.1", "250 8BITMIME")
            elif verb == b"DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.reply("250 OK")
            else:
                self.reply("502 not implemented")


class SinkServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def run_sink() -> None:
    with SinkServer(("127.0.0.1", 0), SinkHandler) as server:
        print(server.server_address[1], flush=True)
        server.serve_forever()


def start_sink() -> tuple[subprocess.Popen, int]:
    sink = subprocess.Popen(
        [sys.executable, __file__, "--smtp-sink"], stdout=subprocess.PIPE, text=True
    )
    return sink, int(sink.stdout.readline())


# --- the benchmark --------------------------------------------------------------------------------


def configure(port: int) -> None:
    setup_django(
        DATABASE_URL, EMAIL_URL=f"smtp://127.0.0.1:{port}", NOTIFICATIONS_INLINE_DISPATCH="false"
    )


def prepare() -> float:
    """A fresh database with one demo clinic of PATIENTS patients; returns the seeding time."""
    from django.core.management import call_command
    from django.db import transaction

    from recovery_hub.demo import seed_demo

    if ON_REPORTS_SEED:
        return prepare_reports_seed()
    if "BENCH_DATABASE_URL" not in os.environ:
        (ROOT / "var").mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{DEFAULT_DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", "--noinput", verbosity=0)
    if "BENCH_DATABASE_URL" in os.environ and reusable():
        return 0.0  # seeded by an earlier run: planning and dispatch are timed again
    start = time.perf_counter()
    with transaction.atomic():
        seed_demo(clinics=1, patients=PATIENTS, seed=1)
    return time.perf_counter() - start


def bench_reports() -> types.ModuleType:
    """bench/reports.py (its seed), loaded by path: its name is the reports app's."""
    spec = importlib.util.spec_from_file_location("bench_reports", ROOT / "bench/reports.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_reports"] = module
    spec.loader.exec_module(module)
    return module


def prepare_reports_seed() -> float:
    """The reports benchmark's clinic of PATIENTS patients, seeded in bulk when missing (an
    earlier run's is reused); returns the seeding time."""
    from django.core.management import call_command

    from accounts.models import Organization
    from reports.filters import clinic_today

    reports = bench_reports()
    call_command("migrate", "--noinput", verbosity=0)
    if reports.seeded_clinic() is not None:
        return 0.0
    return reports.seed(clinic_today(Organization(time_zone=reports.ZONE)))


def reusable() -> bool:
    """A database named by BENCH_DATABASE_URL that holds exactly one demo clinic of PATIENTS
    patients (an earlier run's) is used as it is: seeding 5,000 takes minutes."""
    from accounts.models import Organization
    from patients.models import Patient

    clinics = list(Organization.objects.values_list("pk", flat=True)[:2])
    return len(clinics) == 1 and Patient.objects.filter(clinic_id=clinics[0]).count() == PATIENTS


def backend_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL backend so far, when the server runs on this
    machine (/proc/<pid>/stat); None otherwise."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CPU: dict[str, float | None] = {}


def bench_plan() -> tuple[float, datetime, object]:
    """Plan tomorrow 19:00 New York time: the check-in reminders of everyone there fall due.
    (A future instant, so nothing is handed to the broker on commit.)"""
    from django.db import transaction

    from coping.reminders import CHECKIN_TIME
    from notifications.models import Notification
    from notifications.planner import plan

    if not ON_REPORTS_SEED:
        Notification.objects.all().delete()
    tomorrow = datetime.now(PLAN_ZONE).date() + timedelta(days=1)
    at = datetime.combine(tomorrow, CHECKIN_TIME, tzinfo=PLAN_ZONE)
    backend = backend_cpu_seconds()
    cpu = time.process_time()
    start = time.perf_counter()
    with transaction.atomic():
        tally = plan(at)
        # The reports' clinic is shared: what the planner wrote is rolled back.
        transaction.set_rollback(ON_REPORTS_SEED)
    seconds = time.perf_counter() - start
    # CPU seconds (this process, and the database's backend): on a shared machine the wall
    # time is mostly waiting for a core.
    CPU["python"] = time.process_time() - cpu
    after = backend_cpu_seconds()
    CPU["database"] = after - backend if backend is not None and after is not None else None
    return seconds, at, tally


def enqueue_emails(count: int) -> None:
    """`count` due email rows for real patients, as the planner writes them."""
    from django.utils import timezone

    from notifications.models import Channel, Kind, Notification, Status
    from patients.models import Patient, PatientStatus

    Notification.objects.all().delete()
    active = Patient.objects.filter(status=PatientStatus.ACTIVE).order_by("pk")
    patients = list(active.select_related("clinic")[:count])
    due = timezone.now() - timedelta(minutes=1)
    rows = []
    for number in range(count):
        patient = patients[number % len(patients)]
        rows.append(
            Notification(
                kind=Kind.CHECKIN_REMINDER,
                occurrence=f"bench:{number}",
                channel=Channel.EMAIL,
                clinic=patient.clinic,
                patient=patient,
                recipient_key=f"patient:{patient.pk}",
                address=patient.email or f"bench-{number}@example.org",
                subject="Time for your daily check-in",
                body=BODY,
                due_at=due,
                status=Status.PENDING,
            )
        )
    Notification.objects.bulk_create(rows, batch_size=500)


def bench_dispatch(count: int) -> tuple[float, dict, dict[str, str]]:
    """Times dispatch_due() over `count` due emails; also returns the parts of one email it
    sent (its HTML and unsubscribe link), for smtplib to send the same."""
    from notifications.models import Notification
    from notifications.outbox import dispatch_due, html_version
    from notifications.preferences import unsubscribe_url

    enqueue_emails(WARMUP)
    dispatch_due(limit=WARMUP)
    row = Notification.objects.first()
    parts = {"html": html_version(row), "unsubscribe": unsubscribe_url(row)}
    enqueue_emails(count)
    start = time.perf_counter()
    counts = dispatch_due(limit=count)
    return time.perf_counter() - start, counts, parts


def bench_smtplib(port: int, count: int, parts: dict[str, str] | None = None) -> float:
    """The same number of messages over one connection, straight through smtplib. With
    `parts`, the same message the outbox sends (a text and an HTML part, Date and the
    List-Unsubscribe headers); without, a single text part (the earlier baseline)."""
    send_messages(port, WARMUP, parts)
    start = time.perf_counter()
    send_messages(port, count, parts)
    return time.perf_counter() - start


def send_messages(port: int, count: int, parts: dict[str, str] | None) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        for number in range(count):
            message = EmailMessage()
            message["From"] = "Recovery Hub <no-reply@localhost>"
            message["To"] = f"bench-{number}@example.org"
            message["Subject"] = "Time for your daily check-in"
            message["Message-ID"] = f"<bench-{number}@recovery-hub>"
            if parts:
                message["Date"] = formatdate()
                message["List-Unsubscribe"] = f"<{parts['unsubscribe']}>"
                message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            message.set_content(BODY)
            if parts:
                message.add_alternative(parts["html"], subtype="html")
            smtp.send_message(message)


def main() -> None:
    sink, port = start_sink()
    try:
        configure(port)
        seed_seconds = prepare()
        plan_seconds, at, tally = bench_plan()
        if ON_REPORTS_SEED:
            # Dispatch costs per message, whatever the clinic's size (BENCH_SCALE=1 times it);
            # here it would send the reports' seeded outbox rows.
            print(json.dumps(plan_result(seed_seconds, plan_seconds, at, tally)))
            return
        dispatch_seconds, counts, parts = bench_dispatch(EMAILS)
        smtplib_seconds = bench_smtplib(port, EMAILS, parts)
        text_only_seconds = bench_smtplib(port, EMAILS)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    sent = counts["sent"]
    dispatch_rate = sent / dispatch_seconds if dispatch_seconds else 0.0
    smtplib_rate = EMAILS / smtplib_seconds if smtplib_seconds else 0.0
    text_only_rate = EMAILS / text_only_seconds if text_only_seconds else 0.0
    result = {
        **plan_result(seed_seconds, plan_seconds, at, tally),
        "emails": EMAILS,
        "dispatch": counts,
        "dispatch_per_second": round(dispatch_rate, 1),
        "smtplib_per_second": round(smtplib_rate, 1),
        "ratio": round(dispatch_rate / smtplib_rate, 3) if smtplib_rate else None,
        # smtplib sending a single text part, not what the outbox sends: for comparison only.
        "smtplib_text_only_per_second": round(text_only_rate, 1),
        "ratio_text_only": round(dispatch_rate / text_only_rate, 3) if text_only_rate else None,
    }
    print(json.dumps(result))


def plan_result(seed_seconds: float, plan_seconds: float, at: datetime, tally: object) -> dict:
    return {
        "patients": PATIENTS,
        "scale": SCALE,
        "seed": "reports" if ON_REPORTS_SEED else "demo",
        "seed_seconds": round(seed_seconds, 2),
        "plan_at": at.isoformat(),
        "plan_seconds": round(plan_seconds, 3),
        "plan_cpu_seconds": {k: round(v, 2) if v is not None else None for k, v in CPU.items()},
        "planned": tally.planned,
        "skipped": tally.skipped,
        "skipped_because": dict(tally.reasons),
        "alerts": tally.alerts,
        "targets": TARGETS_AT_SCALE if ON_REPORTS_SEED else TARGETS,
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--smtp-sink"]:
        run_sink()
    else:
        main()
