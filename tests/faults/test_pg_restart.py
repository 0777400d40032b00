"""PostgreSQL restarted while the web and the worker run: both reconnect without a restart of
their own, and no row is lost or written twice.

A throwaway PostgreSQL server (tests/faults/pg_server.py) holds a copy of the suite's migrated
test database and a person in recovery with a sign-in; gunicorn and a Celery worker run against
it, with the run's Redis as broker and a real SMTP server (aiosmtpd) as the mail relay. The
person signs in and checks in, outbox rows go out through the worker; then:

1. `pg_ctl restart -m fast` while requests keep coming: every request asked after the restart
   answers 200 (CONN_HEALTH_CHECKS replaces the web threads' dead connections), the session
   survives, and the worker's next tasks succeed at once;
2. the server is stopped while a batch is queued (the worker cannot claim the rows: they stay
   pending, nothing is sent) and started again on the same port: the sweeper hands them out;
3. the same processes (same PIDs) answer pages, save the check-in and send new messages.

Every message reached the SMTP server exactly once (by Message-ID), every row is sent, and the
day's check-in is one row holding the last answer given.
"""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from email import message_from_bytes
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql import InsertQuery
from django.db.utils import load_backend
from django.utils import timezone

from notifications.models import Notification, Status
from notifications.outbox import Message, _new_row, queue_dispatch
from notifications.tasks import sweep_outbox
from tests.factories import PASSWORD
from tests.faults.pg_server import PgServer, copy_database, free_port, pg_server
from tests.worker import celery_worker

# django_db: the suite's test database is set up (it is copied); the test's own rows are all
# on the throwaway server (nothing is written to the suite's: no flush needed afterwards).
pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
ALIAS = "faultpg"  # this process's connection to the throwaway server
EMAIL = "jordan@example.org"
# A person in recovery with a sign-in, made by the suite's factories in the throwaway database.
PERSON = f"""
import django
django.setup()
from accounts.models import Role
from tests.factories import OrganizationFactory, PatientFactory, member
clinic = OrganizationFactory()
PatientFactory(clinic=clinic, user=member(Role.PATIENT, clinic, email="{EMAIL}"))
"""
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Inbox:
    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.message_ids.append(message_from_bytes(envelope.content)["Message-ID"])
        return "250 Message accepted for delivery"


def _poll(condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll until the condition holds or time runs out (bounded, never a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture(scope="module")
def throwaway_db(
    django_db_setup, django_db_blocker
) -> Iterator[tuple[PgServer, str, subprocess.Popen]]:
    """A throwaway server with a copy of the migrated test database and a person in recovery."""
    with pg_server() as server:
        with django_db_blocker.unblock():
            url = copy_database(connections["default"].settings_dict, server, "app")
        env = {**os.environ, "DATABASE_URL": url, "READ_DOT_ENV": "false", "REDIS_URL": ""}
        # Made while gunicorn starts (the test waits for it before signing in).
        person = subprocess.Popen(
            [sys.executable, "-c", PERSON],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            yield server, url, person
        finally:
            if person.poll() is None:
                person.kill()
            person.communicate(timeout=30)


@pytest.fixture
def throwaway(db, throwaway_db) -> Iterator[BaseDatabaseWrapper]:
    """This process's Django connection to the throwaway database. Not registered among the
    connections: the test case would refuse queries to a database it was not given."""
    server, _url, _person = throwaway_db
    settings_dict = {
        **connections["default"].settings_dict,
        "NAME": "app",
        "HOST": "127.0.0.1",
        "PORT": str(server.port),
        "USER": "postgres",
        "PASSWORD": "",
        "CONN_MAX_AGE": 0,
    }
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, ALIAS)
    try:
        yield wrapper
    finally:
        wrapper.close()


@pytest.fixture
def smtp_sink() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (gunicorn's workers)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


class Browser:
    """One person's cookies against the web server; answers as (status, text, final URL)."""

    def __init__(self, base: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Referer": self.base + path}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.url
        except OSError:  # reset or refused: no answer at all
            return 0, "", ""

    def sign_in(self, email: str) -> None:
        _status, page, _url = self.request("/accounts/login/")
        token = CSRF.search(page).group(1)
        status, _page, landed = self.request(
            "/accounts/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert status == 200 and "/accounts/login/" not in landed, (status, landed)

    def check_in(self, note: str) -> int:
        status, page, _url = self.request("/my-recovery/check-in/")
        if status != 200:
            return status
        data = {
            "mood": "7",
            "craving": "2",
            "stress": "3",
            "sleep_hours": "7",
            "used_since_last": "no",
            "note": note,
            "csrfmiddlewaretoken": CSRF.search(page).group(1),
        }
        status, _page, landed = self.request("/my-recovery/check-in/", data)
        # Saved: redirected to the check-in list (the form again would mean it was refused).
        return status if status != 200 or "/checkins/" in landed else 400


def _queue_messages(db: BaseDatabaseWrapper, prefix: str, count: int) -> dict[int, str]:
    """Outbox rows written to the throwaway database (by the ORM's own INSERT); returns their
    Message-IDs by id."""
    db.close()  # a connection from before a restart is gone: this opens a new one
    now = timezone.now()
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    written = {}
    for number in range(count):
        row = _new_row(
            Message(
                kind="heartbeat",
                occurrence=f"{prefix}-{number}",
                channel="email",
                recipient_key=f"user:{prefix}-{number}",
                address=f"person-{number}@example.org",
                subject="Sign in to see more",
                body="Sign in to see more.",
            ),
            now,
        )
        query = InsertQuery(Notification)
        query.insert_values(fields, [row])
        [(row.pk,)] = query.get_compiler(connection=db).execute_sql([Notification._meta.pk])
        written[row.pk] = row.message_id
    return written


def _dispatch(rows: dict[int, str]) -> None:
    for pk in rows:
        assert queue_dispatch(pk, "email")


def _query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=5) as db:
        return db.execute(sql, params).fetchall()


def _statuses(url: str) -> dict[str, int]:
    rows = _query(url, "SELECT status, count(*) FROM notifications_notification GROUP BY 1")
    return dict(rows)


@pytest.fixture
def web(throwaway_db, smtp_sink, tmp_path, settings) -> Iterator[tuple[str, subprocess.Popen]]:
    _server, url, _person = throwaway_db
    smtp_port, _inbox = smtp_sink
    settings.NOTIFICATIONS_INLINE_DISPATCH = False  # this process queues to the real broker
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "READ_DOT_ENV": "false",
        **({"REDIS_URL": settings.REDIS_URL} if settings.REDIS_URL else {}),
        "NOTIFICATIONS_INLINE_DISPATCH": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
    }
    with (tmp_path / "web.log").open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "recovery_hub.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--log-level",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            up = _poll(lambda: Browser(base).request("/healthz")[0] == 200 or process.poll())
            assert up and process.poll() is None, (tmp_path / "web.log").read_text()[-3000:]
            yield base, process
        finally:
            os.killpg(process.pid, signal.SIGINT)  # gunicorn's quick shutdown
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_web_and_worker_come_back_after_postgresql_restarts(
    throwaway_db, throwaway, smtp_sink, web, tmp_path
):
    server, url, person_made = throwaway_db
    smtp_port, inbox = smtp_sink
    base, gunicorn = web
    env = {
        "DATABASE_URL": url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "NOTIFICATIONS_INLINE_DISPATCH": "false",
    }
    with celery_worker(tmp_path, env=env) as worker:
        log = tmp_path / "worker.log"
        _out, errors = person_made.communicate(timeout=120)
        assert person_made.returncode == 0, errors[-3000:]
        person = Browser(base)
        person.sign_in(EMAIL)
        assert person.check_in("before") == 200
        before = _queue_messages(throwaway, "before", 5)
        _dispatch(before)
        assert _poll(lambda: len(inbox.message_ids) >= 5, 60), log.read_text()[-3000:]
        web_pids = _children(gunicorn.pid)
        assert web_pids, "gunicorn has a worker process"

        # 1. `pg_ctl restart -m fast` while the person keeps using the app: every connection
        # the web and the worker hold is cut.
        answers: list[tuple[float, str, int]] = []  # (asked at, page, status)
        stop = threading.Event()

        def traffic() -> None:
            visitor = Browser(base)
            while not stop.is_set():
                for page, browser, path in (
                    ("healthz", visitor, "/healthz"),
                    ("home", person, "/my-recovery/"),
                ):
                    asked_at = time.monotonic()
                    status, _text, landed = browser.request(path)
                    if status == 200 and "/accounts/login/" in landed:
                        status = 401  # signed out: the session was lost
                    answers.append((asked_at, page, status))

        thread = threading.Thread(target=traffic)
        thread.start()
        try:
            assert _poll(lambda: len(answers) >= 4, 30)
            server.restart("fast")
            back_at = time.monotonic()
            asked_after = lambda: [a for a in answers if a[0] > back_at]  # noqa: E731
            assert _poll(lambda: len(asked_after()) >= 6, 30)
        finally:
            stop.set()
            thread.join(timeout=30)
        # The first request asked after the restart already works: each web thread's stale
        # connection fails its health check (CONN_HEALTH_CHECKS) and is replaced.
        assert all(status == 200 for _at, _page, status in asked_after()), answers
        assert {status for _at, _page, status in answers} <= {200, 500, 503, 0}, answers
        # The worker's connection was cut too: the next messages go out at once (a task that
        # failed would leave its row pending until a sweep).
        restarted = _queue_messages(throwaway, "restart", 5)
        _dispatch(restarted)
        assert _poll(lambda: _statuses(url).get(Status.SENT, 0) == 10, 60), log.read_text()[-3000:]
        assert _finished_tasks(log) == 10 and " raised " not in log.read_text()

        # 2. Stopped while messages are queued: the worker cannot claim them (the rows stay
        # pending, nothing is sent); back on the same port, the sweeper hands them out again.
        outage = _queue_messages(throwaway, "outage", 5)
        server.stop("fast")
        _dispatch(outage)
        # The worker took all five and failed to claim them (the server is down).
        assert _poll(lambda: _finished_tasks(log) >= 15, 30), log.read_text()[-3000:]
        assert len(inbox.message_ids) == 10
        server.start()
        sweep_outbox.delay()
        assert _poll(lambda: _statuses(url).get(Status.SENT, 0) == 15, 60), (
            _statuses(url),
            log.read_text()[-3000:],
        )

        # 3. Both carry on as before: pages, a check-in saved, new messages sent. (This first
        # request after the server came back, on connections idle since before, is the one that
        # answered 500 with CONN_HEALTH_CHECKS off.)
        status, _page, landed = person.request("/my-recovery/")
        assert status == 200 and "/accounts/login/" not in landed, landed
        assert person.check_in("after") == 200
        after = _queue_messages(throwaway, "after", 5)
        _dispatch(after)
        assert _poll(lambda: _statuses(url).get(Status.SENT, 0) == 20, 60), log.read_text()[-3000:]
        assert worker.poll() is None and gunicorn.poll() is None
        assert _children(gunicorn.pid) == web_pids, "gunicorn's worker was not replaced"

    # Every message reached the SMTP server exactly once; the check-in is one row.
    assert sorted(inbox.message_ids) == sorted(
        [*before.values(), *restarted.values(), *outage.values(), *after.values()]
    )
    assert _statuses(url) == {Status.SENT: 20}
    notes = _query(
        url,
        "SELECT c.note FROM coping_checkin c JOIN patients_patient p ON p.id = c.patient_id"
        " JOIN accounts_user u ON u.id = p.user_id WHERE u.email = %s",
        (EMAIL,),
    )
    notes = [note for (note,) in notes]
    assert notes.count("after") == 1 and "before" not in notes, notes


def _finished_tasks(log: Path) -> int:
    """dispatch_notification tasks the worker finished, sent or raised."""
    lines = log.read_text().splitlines()
    return sum(
        "tasks.dispatch_notification[" in line and (" succeeded in " in line or " raised " in line)
        for line in lines
    )
