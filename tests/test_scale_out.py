"""Scale out on one PostgreSQL and one Redis: two web processes (gunicorn), two Celery workers
and two independent beat schedulers (django-celery-beat's DatabaseScheduler, each with its own
schedule file) run a simulated day of reminders, and every message goes out exactly once.

The day is simulated: each process runs under time-machine, following a clock the test moves
through Redis (tests/sim_clock.py), in steps of STEP from START to START + 24 hours. At each step:

1. the web processes and the workers move to the step's instant; people act through the web
   API, alternately on each web process (patients check in, which holds back that day's
   reminder; a clinician cancels one visit and books another, which takes and adds reminders);
2. the test runs the reminder planner itself, single-process, for that instant on the same data
   (in a transaction it rolls back, writing nothing): what it would plan is the expectation;
3. the beats move; both fire the planner and the outbox sweep; the workers drain the queues.

At the end: the outbox holds exactly the messages the single-process planner planned (by the
idempotency key), each in a final state; every email reached the SMTP server (aiosmtpd) once,
no two deliveries share a Message-ID; every check-in reminder went out once per person and
local day, except to those who had checked in that day.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from email import message_from_bytes
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from django.conf import settings
from django.db import transaction

from accounts.models import Role
from accounts.tokens import token_issue
from coping.models import CheckIn
from engagement.digests import digests_plan
from networks.models import ContactStatus, Relationship
from networks.services import consent_grant, contact_add
from notifications.models import Channel, Kind, Notification, Status
from notifications.planner import Planner
from patients.models import Appointment, Patient, TeamRole
from patients.services import care_team_add
from recovery_hub.queues import ALL_QUEUES
from tests import redis_db
from tests.factories import AppointmentFactory, OrganizationFactory, PatientFactory, member
from tests.notifications.test_smtp_worker import smtp_sink as smtp_sink  # the fixture
from tests.sim_clock import SharedClock
from tests.worker import ROOT, database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

START = datetime(2026, 3, 18, 0, 0, tzinfo=UTC)  # a Wednesday; no daylight-saving change near
STEP = timedelta(minutes=30)  # the planner looks back an hour: each instant is seen twice
STEPS = 48
END = START + STEPS * STEP
# Where the people live and when their check-in reminder is (local); the first of each pair of
# rows checks in through the web at 10:00 local on their reminder's day, so theirs is skipped.
PEOPLE = [
    ("America/New_York", clock_time(19, 0)),
    ("America/New_York", clock_time(20, 30)),
    ("America/Los_Angeles", clock_time(18, 0)),
    ("America/Los_Angeles", clock_time(21, 15)),
    ("Europe/London", clock_time(19, 0)),
    ("Europe/London", clock_time(22, 0)),
    ("Asia/Kolkata", clock_time(20, 0)),
    ("Asia/Kolkata", clock_time(18, 45)),
    ("Australia/Sydney", clock_time(19, 30)),
    ("Australia/Sydney", clock_time(20, 0)),
    ("Pacific/Honolulu", clock_time(19, 0)),
    ("Pacific/Honolulu", clock_time(18, 30)),
] * 2
WEB_CHECKERS = set(range(0, len(PEOPLE), 2))
QUIET = timedelta(seconds=0.25)  # idle this long (queues empty, nothing claimed) = drained
WAIT_SECONDS = 30  # the bound of any one wait
MOOD = {"mood": 6, "craving": 2, "stress": 3}
# What the clinician does through the web during the day.
CANCEL_AT = START + timedelta(hours=6)
CANCEL = {"status": "cancelled"}
BOOK_AT = START + timedelta(hours=8)
BOOKING = {
    "kind": "individual",
    "starts_at": (START + timedelta(hours=15)).isoformat(),
    "ends_at": (START + timedelta(hours=16)).isoformat(),
    "location": "Room 3",
}


# --- processes -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    """Poll until `condition()` holds (bounded; never a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@dataclass
class Cluster:
    tmp: Path
    clock: SharedClock  # the web processes and the workers
    beat_clock: SharedClock  # the beats: they move last, once the rest is at the instant
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited:\n{self.log(name)[-3000:]}")

    def start(self, name: str, clock: SharedClock, argv: list[str], env: dict) -> None:
        full_env = {
            **env,
            "SIM_CLOCK_REDIS": settings.REDIS_URL,
            "SIM_CLOCK_KEY": clock.key,
            "SIM_CLOCK_NAME": name,
        }
        with (self.tmp / f"{name}.log").open("w") as log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "tests.sim_clock", *argv],
                cwd=ROOT,
                env=full_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


WEBS = ("web-a", "web-b")
WORKERS = ("worker-1", "worker-2")
BEATS = ("beat-1", "beat-2")


@contextmanager
def cluster(tmp_path: Path, smtp_port: int) -> Iterator[Cluster]:
    """Two gunicorns, two workers and two beats on the test database and the run's Redis, their
    clocks at START less ten minutes (nothing is due yet)."""
    redis_db.empty(settings.REDIS_URL)
    clock = SharedClock(settings.REDIS_URL, "scale-out:clock")
    beat_clock = SharedClock(settings.REDIS_URL, "scale-out:beat-clock")
    before = START - timedelta(minutes=10)
    clock.move(before)
    beat_clock.move(before)
    env = {
        **os.environ,
        "REDIS_URL": settings.REDIS_URL,
        "DATABASE_URL": database_url(),
        "READ_DOT_ENV": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "NOTIFICATIONS_INLINE_DISPATCH": "false",
        "HEARTBEAT_SECONDS": "3600",
        "DEBUG": "false",
        "SECURE_COOKIES": "false",
    }
    env.pop("CELERY_BROKER_URL", None)
    running = Cluster(tmp_path, clock, beat_clock)
    try:
        for name in WEBS:
            port = running.ports[name] = _free_port()
            gunicorn = ["gunicorn", "recovery_hub.wsgi", "--bind", f"127.0.0.1:{port}"]
            gunicorn += ["--workers", "1", "--threads", "2", "--log-level", "warning"]
            running.start(name, clock, gunicorn, env)
        for name in WORKERS:
            running.start(
                name,
                clock,
                [
                    *("celery", "-A", "recovery_hub", "worker", "--loglevel", "info"),
                    *("--pool", "solo", "--concurrency", "1", "--hostname", f"{name}@%h"),
                    *("-Q", ",".join(ALL_QUEUES)),
                    *("--without-mingle", "--without-gossip", "--without-heartbeat"),
                ],
                env,
            )
        for name in WORKERS:
            _wait(lambda name=name: " ready." in running.log(name) or running.alive(), name, 60)
        for name in WEBS:
            _wait(lambda name=name: _answers(running.ports[name]) or running.alive(), name, 60)
        for number, name in enumerate(BEATS):
            running.start(
                name,
                beat_clock,
                [
                    *("celery", "-A", "recovery_hub", "beat", "--loglevel", "info"),
                    *("-S", "django_celery_beat.schedulers:DatabaseScheduler"),
                    *("--max-interval", "1"),
                    *("--schedule", str(tmp_path / f"{name}-schedule")),
                    *("--pidfile", str(tmp_path / f"{name}.pid")),
                ],
                env,
            )
            if number == 0:  # the second starts once the first has installed the timetable
                _wait(lambda: "beat: Starting" in running.log(BEATS[0]) and _timetable(), "beat")
        _wait(lambda: "beat: Starting" in running.log(BEATS[1]) or running.alive(), "beat-2")
        running.alive()
        yield running
    finally:
        running.stop()
        clock.forget()
        beat_clock.forget()


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
            return True
    except urllib.error.HTTPError:
        return True  # it answers (a stale heartbeat is a 503): the process is up
    except OSError:
        return False


def _timetable() -> bool:
    from django_celery_beat.models import PeriodicTask

    return (
        PeriodicTask.objects.filter(name__in=["reminders-plan", "notifications-sweep"]).count() == 2
    )


def _idle(client: redis.Redis, now: datetime) -> bool:
    """Nothing waits on any queue or runs on a worker (acks are late: a running task is
    unacked), and the outbox has nothing due that is not final."""
    for key in client.scan_iter(count=1000):
        if client.type(key) == b"list" and client.llen(key):
            return False
    if client.hlen("unacked"):
        return False
    return not (
        Notification.objects.filter(status=Status.SENDING).exists()
        or Notification.objects.filter(status=Status.PENDING, due_at__lte=now).exists()
    )


def _drained(client: redis.Redis, now: datetime, running: Cluster) -> bool:
    running.alive()
    if not _idle(client, now):
        return False
    quiet_until = time.monotonic() + QUIET.total_seconds()
    while time.monotonic() < quiet_until:
        if not _idle(client, now):
            return False
        time.sleep(0.05)
    return True


def _fired(running: Cluster, entry: str) -> dict[str, int]:
    """How often each beat has sent `entry` so far (its log says so as it sends)."""
    return {name: running.log(name).count(f"Sending due task {entry} ") for name in BEATS}


def _beats_fire(running: Cluster, at: datetime) -> int:
    """Move the beats to `at` and wait until one of them, and if it comes within a few
    seconds the other too, has sent the planner and the sweep. 1 if both sent the planner."""
    plans, sweeps = _fired(running, "reminders-plan"), _fired(running, "notifications-sweep")
    running.beat_clock.move(at)
    _wait(lambda: running.beat_clock.caught_up(BEATS), "beats")

    def fired(before: dict[str, int], entry: str) -> set[str]:
        now = _fired(running, entry)
        return {name for name in BEATS if now[name] > before[name]}

    _wait(
        lambda: fired(plans, "reminders-plan") and fired(sweeps, "notifications-sweep"),
        f"a beat at {at}",
    )
    try:
        _wait(lambda: len(fired(plans, "reminders-plan")) == 2, "both beats", 3)
    except AssertionError:
        return 0  # the other beat found the entry run already (it reloaded the timetable)
    return 1


# --- the people ----------------------------------------------------------------------------


@dataclass
class Person:
    patient: object
    token: str
    zone: ZoneInfo
    reminder: clock_time


def _seed() -> tuple[list[Person], tuple[object, str]]:
    """A clinic with PEOPLE, each with a sign-in and an API token and check-ins on the three
    days before (the last two of each dozen: none for a week, so the missed check-ins rule and
    the ladder act), supporters with consent for some, a milestone day, a heads-up, visits
    today and tomorrow; and the clinician, with a token."""
    clinic = OrganizationFactory(name="Scale-out Recovery Center", slug="scale-out")
    clinician = member(Role.CLINICIAN, clinic, full_name="Casey Morgan", time_zone="UTC")
    people = []
    for index, (zone_name, reminder) in enumerate(PEOPLE):
        user = member(
            Role.PATIENT,
            clinic,
            full_name=f"Person {index}",
            email=f"scale-person{index}@example.org",
            time_zone=zone_name,
        )
        slot = index % 12  # the second dozen lives as the first
        zone = ZoneInfo(zone_name)
        day = _reminder_day(zone, reminder)
        midday = (START + timedelta(hours=12)).astimezone(zone).date()
        starts = {
            0: midday - timedelta(days=30),  # the 30-day milestone today
            1: midday + timedelta(days=clinic.milestone_heads_up_days - 60),  # a heads-up
            2: midday - timedelta(days=7),
        }
        patient = PatientFactory(
            clinic=clinic,
            user=user,
            legal_name=f"Person {index}",
            time_zone=zone_name,
            checkin_reminder_time=reminder,
            recovery_start=starts.get(slot, midday - timedelta(days=45)),
        )
        care_team_add(
            patient=patient,
            clinician=clinician,
            team_role=TeamRole.PRIMARY_COUNSELOR,
            is_primary=True,
            actor=clinician,
        )
        # The two last have not checked in for a week: the missed check-ins rule acts.
        history = range(7, 11) if slot >= 10 else range(1, 4)
        CheckIn.objects.bulk_create(
            CheckIn(patient=patient, local_date=day - timedelta(days=d), **MOOD) for d in history
        )
        if slot < 4:
            contact = contact_add(
                patient=patient,
                actor=user,
                name=f"Supporter {index}",
                email=f"scale-supporter{index}@example.org",
                relationship=Relationship.FRIEND,
            )
            contact.status = ContactStatus.ACTIVE
            contact.save()
            consent_grant(
                contact=contact,
                actor=user,
                scopes=["milestones", "appointments"],
                purpose="To support my recovery",
                signed_name=patient.legal_name,
                signature_method="in_app",
                expires_on_event="discharge",
            )
        if slot in (2, 3):  # an appointment today, and one tomorrow (its 24-hour reminder)
            appointment = AppointmentFactory(
                patient=patient, starts_at=START + timedelta(hours=10 + 6 * slot)
            )
            appointment.staff_attendees.add(clinician)
            appointment.network_attendees.set(patient.contacts.all())
            tomorrow = AppointmentFactory(patient=patient, starts_at=END + timedelta(hours=slot))
            tomorrow.staff_attendees.add(clinician)
        people.append(Person(patient, token_issue(user, "scale-out"), zone, reminder))
    # Records made a month ago (the missed check-ins rule ignores people who joined this week).
    Patient.objects.filter(clinic=clinic).update(created_at=START - timedelta(days=30))
    return people, (clinician, token_issue(clinician, "scale-out"))


def _reminder_day(zone: ZoneInfo, reminder: clock_time) -> date:
    """The local day of the one check-in reminder the simulated day holds for this zone."""
    for offset in (-1, 0, 1):
        day = (START + timedelta(hours=12)).astimezone(zone).date() + timedelta(days=offset)
        due = datetime.combine(day, reminder, tzinfo=zone).astimezone(UTC)
        if START - timedelta(hours=1) < due <= END:
            return day
    raise AssertionError("every zone has one reminder in the day")


def _web_checkin_at(person: Person) -> datetime | None:
    """When this person checks in through the web: the first step at 10:00 local or later on
    the local day of their reminder, if that comes before the reminder (None: they do not)."""
    [(day, due)] = _reminders(person)
    for n in range(STEPS + 1):
        at = START + n * STEP
        local = at.astimezone(person.zone)
        if local.date() == day and local.time() >= clock_time(10, 0):
            return at if at < due else None
    return None


def _reminders(person: Person) -> list[tuple[date, datetime]]:
    """The person's reminder instants the day's planner runs cover: (START - 1 hour, END]."""
    out = []
    first = (START - timedelta(hours=1)).astimezone(person.zone).date()
    for offset in range(3):
        day = first + timedelta(days=offset)
        due = datetime.combine(day, person.reminder, tzinfo=person.zone).astimezone(UTC)
        if START - timedelta(hours=1) < due <= END:
            out.append((day, due))
    return out


def _api(port: int, token: str, method: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=15) as answer:  # noqa: S310
        return answer.status, json.loads(answer.read() or b"{}")


def _check_in(port: int, person: Person) -> int:
    return _api(port, person.token, "POST", f"patients/{person.patient.pk}/checkins/", MOOD)[0]


# --- the reference: the planner alone ------------------------------------------------------


class Rollback(Exception):
    pass


class ReferencePlanner(Planner):
    """The planner as it is, but what it would write is only noted (and the transaction around
    its run, with the rules' own writes, is rolled back)."""

    def __init__(self, at: datetime) -> None:
        super().__init__(at)
        self.keys: set[tuple[str, str, str, str]] = set()

    def flush(self) -> None:
        batch, self._batch = self._batch, []
        self.keys.update((m.kind, m.occurrence, m.recipient_key, m.channel) for m, *_r in batch)


def _reference(at: datetime) -> set[tuple[str, str, str, str]]:
    """What one planner (and the digests, the other beat task that plans) would plan at `at`,
    alone, on the data as it is: nothing it does is kept."""
    planner = ReferencePlanner(at)
    try:
        with transaction.atomic():
            planner.run()
            digests_plan(at)
            digests = set(
                Notification.objects.filter(kind=Kind.DIGEST).values_list(
                    "kind", "occurrence", "recipient_key", "channel"
                )
            )
            raise Rollback
    except Rollback:
        pass
    return planner.keys | digests


def _same(keys: set[tuple[str, str, str, str]]) -> Counter:
    """The keys, with the id of a ladder the run creates left out of its occurrence: the
    reference's ladder (rolled back) and the real one have different ids for the same rung."""
    return Counter(
        (kind, re.sub(r"^ladder:\d+:", "ladder:*:", occurrence), recipient, channel)
        for kind, occurrence, recipient, channel in keys
    )


# --- the day -------------------------------------------------------------------------------


def test_two_webs_two_workers_two_beats_send_every_message_once(tmp_path, smtp_sink):
    controller, inbox = smtp_sink
    with time_machine.travel(START - timedelta(hours=2), tick=False) as traveller:
        people, (clinician, staff_token) = _seed()
        cancelled = Appointment.objects.get(patient=people[2].patient, starts_at__lt=END)
        booked: list[int] = []
        checkins = {n: _web_checkin_at(p) for n, p in enumerate(people) if n in WEB_CHECKERS}
        client = redis.Redis.from_url(settings.REDIS_URL)
        expected: set[tuple[str, str, str, str]] = set()
        both_beats = 0
        web_statuses: Counter = Counter()
        began = time.monotonic()
        with ExitStack() as stack:
            running = stack.enter_context(cluster(tmp_path, controller.port))
            started = time.monotonic() - began
            for n in range(STEPS + 1):
                at = START + n * STEP
                traveller.move_to(at)
                running.clock.move(at)
                _wait(lambda: running.clock.caught_up((*WEBS, *WORKERS)), "web and workers")
                for index, when in checkins.items():
                    if when == at:
                        web = WEBS[index % 4 // 2]  # alternately on each web process
                        web_statuses[web, _check_in(running.ports[web], people[index])] += 1
                if at == CANCEL_AT:  # the clinician cancels today's visit of person 2 on web B
                    path = f"appointments/{cancelled.pk}/"
                    answer = _api(running.ports[WEBS[1]], staff_token, "PATCH", path, CANCEL)
                    web_statuses[WEBS[1], answer[0]] += 1
                if at == BOOK_AT:  # and books person 4 for this afternoon on web A
                    body = {**BOOKING, "patient": people[4].patient.pk}
                    body["staff_attendees"] = [clinician.pk]
                    answer = _api(
                        running.ports[WEBS[0]], staff_token, "POST", "appointments/", body
                    )
                    web_statuses[WEBS[0], answer[0]] += 1
                    booked.append(answer[1]["id"])
                _wait(lambda at=at: _drained(client, at, running), f"web actions at {at}")
                expected |= _reference(at)
                both_beats += _beats_fire(running, at)
                _wait(lambda at=at: _drained(client, at, running), f"the queues at {at}")
            day_seconds = time.monotonic() - began - started
            logs = {name: running.log(name) for name in (*WEBS, *WORKERS, *BEATS)}

    rows = list(Notification.objects.all())
    keys = Counter((r.kind, r.occurrence, r.recipient_key, r.channel) for r in rows)
    planned = set(keys)  # nothing the web does in this day writes to the outbox by itself
    report = (
        f"{len(rows)} outbox rows; {len(inbox.messages)} emails at the SMTP server; "
        f"start-up {started:.1f} s, day {day_seconds:.1f} s; both beats fired at "
        f"{both_beats}/{STEPS + 1} steps; by kind {Counter(r.kind for r in rows)}; "
        f"by status {Counter(r.status for r in rows)}; web {dict(web_statuses)}"
    )
    print(report)

    # The outbox is exactly what the planner alone plans, once per key.
    assert max(keys.values()) == 1, report
    assert _same(planned) == _same(expected), (planned - expected, expected - planned, report)
    assert len(rows) >= 50, report
    sent = [r for r in rows if r.status == Status.SENT]
    # Every email reached the SMTP server once: no Message-ID twice, none missing, none extra.
    ids = Counter(message_from_bytes(content)["Message-ID"] for _f, _t, content in inbox.messages)
    assert max(ids.values()) == 1, [i for i, c in ids.items() if c > 1]
    assert set(ids) == {r.message_id for r in sent if r.channel == Channel.EMAIL}, report
    # Everything due is final and went out (none failed, none tried twice).
    assert {r.status for r in rows if r.due_at <= END} <= {Status.SENT, Status.SKIPPED}, report
    assert [r.pk for r in sent if r.attempts != 1] == [], report
    # Each person's check-in reminder: once per local day, unless they had checked in that day.
    reminders = Counter(
        (r.patient_id, r.occurrence.rsplit(":", 1)[1])
        for r in sent
        if r.kind == Kind.CHECKIN_REMINDER
    )
    for index, person in enumerate(people):
        for day, due in _reminders(person):
            checked_in = CheckIn.objects.filter(
                patient=person.patient, local_date=day, created_at__lt=due
            ).exists()
            assert reminders[person.patient.pk, day.isoformat()] == (0 if checked_in else 1), (
                index,
                day,
                report,
            )
    assert sum(reminders.values()) >= len(PEOPLE) // 2, report
    # The web part of the day went through both web processes.
    assert {web for web, status in web_statuses if status in (200, 201)} == set(WEBS), report
    assert all(status < 300 for _web, status in web_statuses), report
    assert CheckIn.objects.filter(created_at__gte=START).count() == len(
        [w for w in checkins.values() if w is not None]
    )
    # Two schedulers and two workers really worked: each beat sent the planner, each worker
    # ran tasks, and the appointments' reminders went out.
    for name in BEATS:
        assert logs[name].count("Sending due task reminders-plan ") >= STEPS // 2, name
    for name in WORKERS:
        assert logs[name].count("notifications.tasks.dispatch_notification[") > 0, name
    assert Appointment.objects.count() == 9
    # The clinician's changes through the web: the cancelled visit has no reminder an hour
    # before, the one booked during the day has it, for the person and the clinician.
    assert not [
        r for r in rows if r.kind == Kind.APPOINTMENT_1H and f":{cancelled.pk}:" in r.occurrence
    ]
    assert {
        r.recipient_key
        for r in sent
        if r.kind == Kind.APPOINTMENT_1H and r.occurrence.startswith(f"appointment:{booked[0]}:")
    } == {f"user:{people[4].patient.user_id}", f"user:{clinician.pk}"}, report
    assert {Kind.APPOINTMENT_1H, Kind.APPOINTMENT_24H, Kind.MILESTONE_DAY} <= {r.kind for r in sent}
