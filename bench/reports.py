"""Each report's time on a year of check-ins, against a bare COUNT(*) of those rows (see README).

Prints one JSON object on stdout. The reports are built exactly as the report page builds them
(reports.registry, then every table rendered as the page renders it) over the default filters
with a 365-day range ending today; the baseline is `SELECT COUNT(*)` over the same clinic's
check-ins in the same range. Each report and the baseline are timed in turn (BENCH_REPORTS_RUNS
times each, after one untimed run), so both see the same load; `ratio` is the report's median
over the baseline's median from those same turns.

PostgreSQL is what counts (BENCH_REPORTS_DATABASE_URL=postgres://...): several reports use
PostgreSQL's date and time-zone functions, and on the default SQLite file they answer with an
error, which the JSON records for that report.
"""

import contextlib
import json
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from environment import setup_django  # bench/environment.py (this folder)

ROOT = Path(__file__).resolve().parent.parent
# BENCH_SCALE multiplies the clinic: `make bench BENCH_SCALE=10` is 50,000 patients (13 M
# check-ins), in a database of its own (bench/run.py).
SCALE = int(os.environ.get("BENCH_SCALE") or "1")
PATIENTS = int(os.environ.get("BENCH_PATIENTS", "5000")) * SCALE
DAYS = 365
RUNS = int(os.environ.get("BENCH_REPORTS_RUNS", "5"))
DEFAULT_DB = ROOT / "var/bench-reports.sqlite3"
DATABASE_URL = os.environ.get("BENCH_REPORTS_DATABASE_URL", f"sqlite:///{DEFAULT_DB}")
TARGETS = {"ratio": 2}
ZONE = "America/New_York"
CLINICIANS = max(2, PATIENTS // 200)
PROGRAMS = ("Intensive outpatient", "Medication for opioid use", "Outpatient", "Young adults")
BATCH = 5000


def configure() -> None:
    setup_django(DATABASE_URL)


# --- seeding -------------------------------------------------------------------------------------


@contextlib.contextmanager
def dates_as_given() -> Iterator[None]:
    """Let bulk_create keep a created_at/updated_at we set (a year of history, not now); a
    date left unset is now, as usual."""
    from django.apps import apps
    from django.utils import timezone

    def keep_given(field: object) -> Callable:
        def pre_save(instance: object, add: bool) -> object:
            value = getattr(instance, field.attname)
            if value is None:
                value = timezone.now()
                setattr(instance, field.attname, value)
            return value

        return pre_save

    patched = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            if automatic and "pre_save" not in vars(field):
                field.pre_save = keep_given(field)
                patched.append(field)
    try:
        yield
    finally:
        for field in patched:
            del field.pre_save


def at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), zone) + timedelta(hours=hour)


def bulk(model: type, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def slug() -> str:
    return f"bench-reports-{PATIENTS}"


# The seed's version, in the clinic's name: a database seeded by an older seed is not reused
# silently (seed 1 drew the check-in rate once per patient instead of once per day).
CLINIC_NAME = "Bench clinic (seed 2)"


def seeded_clinic() -> object | None:
    """The clinic an earlier run seeded here, or None; stops if an older seed made it."""
    from accounts.models import Organization

    clinic = Organization.objects.filter(slug=slug()).first()
    if clinic is not None and clinic.name != CLINIC_NAME:
        raise SystemExit(
            f"The clinic {slug()!r} in this database was made by an older seed"
            f" ({clinic.name!r}, not {CLINIC_NAME!r}): drop the database and run again."
        )
    return clinic


def seed(today: date) -> float:
    """One clinic of PATIENTS patients and a year of their check-ins; returns the seconds."""
    from django.db import transaction

    start = time.perf_counter()
    with transaction.atomic(), dates_as_given():
        rng = random.Random(1)
        with step("staff"):
            clinic, admin, clinicians, programs = seed_staff()
        with step("patients"):
            patients = seed_patients(clinic, programs, clinicians, rng, today)
        with step("check-ins"):
            seed_checkins(clinic, patients, rng, today)
        with step("assessments"):
            seed_assessments(patients, rng, today)
        with step("history"):
            seed_history(clinic, admin, patients, rng, today)
        with step("network"):
            seed_network(clinic, admin, patients, rng, today)
        with step("messages"):
            seed_messages(clinic, patients, rng, today)
    with step("VACUUM ANALYZE"):
        analyze()
    return time.perf_counter() - start


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    """Each part of the seed's time on stderr (stdout is the JSON)."""
    start = time.perf_counter()
    yield
    print(f"seed {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)


def seed_staff() -> tuple:
    from accounts.models import Membership, Organization, Role, User
    from patients.models import Program

    clinic = Organization.objects.create(name=CLINIC_NAME, slug=slug(), time_zone=ZONE)
    users = [
        User(email=f"admin@{slug()}.example", full_name="Bench admin"),
        *(
            User(email=f"clinician-{n:03}@{slug()}.example", full_name=f"Clinician {n:03}")
            for n in range(CLINICIANS)
        ),
    ]
    for user in users:
        user.set_unusable_password()
    admin, *clinicians = bulk(User, users)
    bulk(
        Membership,
        [Membership(user=admin, organization=clinic, role=Role.ADMIN)]
        + [Membership(user=u, organization=clinic, role=Role.CLINICIAN) for u in clinicians],
    )
    programs = bulk(Program, [Program(clinic=clinic, name=name) for name in PROGRAMS])
    return clinic, admin, clinicians, programs


def seed_patients(clinic, programs: list, clinicians: list, rng: random.Random, today: date):
    from patients.models import CareTeamMember, Patient, PatientStatus, TeamRole

    zone = ZoneInfo(ZONE)
    statuses = [PatientStatus.ACTIVE] * 14 + [PatientStatus.INTAKE] * 2
    statuses += [PatientStatus.DISCHARGED] * 3 + [PatientStatus.ALUMNI]
    rows = []
    for number in range(PATIENTS):
        # Most joined before the year began; some during it.
        joined = today - timedelta(
            days=rng.randint(DAYS, 3 * DAYS) if rng.random() < 0.85 else rng.randint(10, DAYS)
        )
        created = at(joined, 10, zone)
        status = rng.choice(statuses)
        rows.append(
            Patient(
                clinic=clinic,
                mrn=f"B{number:06}",
                legal_name=f"Person {number:05}",
                # Nine in ten give an email address (the reminder planner writes to them).
                email=f"person-{number:06}@{slug()}.example" if number % 10 else "",
                date_of_birth=date(1960 + number % 40, 1 + number % 12, 1 + number % 28),
                time_zone=ZONE,
                program=None if number % 20 == 0 else programs[number % 4],
                status=status,
                recovery_start=joined + timedelta(days=rng.randint(0, 60)),
                created_at=created,
                updated_at=created,
            )
        )
    patients = bulk(Patient, rows)
    seats = []
    for number, patient in enumerate(patients):
        primary = clinicians[number % len(clinicians)]
        seats.append(
            CareTeamMember(
                patient=patient,
                clinician=primary,
                team_role=TeamRole.choices[0][0],
                is_primary=True,
                started_on=patient.created_at.date(),
            )
        )
        if number % 3 == 0:
            other = clinicians[(number + 7) % len(clinicians)]
            if other != primary:
                seats.append(
                    CareTeamMember(
                        patient=patient,
                        clinician=other,
                        team_role=TeamRole.choices[-1][0],
                        started_on=patient.created_at.date(),
                    )
                )
    bulk(CareTeamMember, seats)
    return patients


def adherence_of(patient_id: int) -> float:
    """Each patient's share of days with a check-in: 60% to 99%."""
    return 0.6 + (patient_id % 40) / 100


def seed_checkins(clinic, patients: list, rng: random.Random, today: date) -> None:
    """Up to DAYS days per patient from their intake, on a share of days that varies per
    patient (adherence_of: each day is kept or not on its own), written day by day as a
    clinic's table fills. One INSERT ... SELECT on PostgreSQL, where a hash of (patient, day)
    decides each day (random() in that WHERE would be evaluated once per patient, the planner
    pushing it down to the patients' scan: all days or none); batched rows elsewhere."""
    from django.db import connection

    from coping.models import CheckIn

    first = today - timedelta(days=DAYS - 1)
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(CheckIn._meta.db_table)
        patient_table = connection.ops.quote_name(patients[0]._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.5)")
            cursor.execute(
                f"""
                INSERT INTO {table} (patient_id, local_date, mood, craving, stress, sleep_hours,
                    used_since_last, use_details, note, strategies_used, on_behalf,
                    created_at, updated_at)
                SELECT p.id, d::date, floor(random() * 11)::int, floor(random() * 11)::int,
                    floor(random() * 11)::int, round((4 + random() * 6)::numeric, 1),
                    random() < 0.03, '', '', '[]'::jsonb, false,
                    d + interval '20 hours', d + interval '20 hours'
                FROM {patient_table} p
                CROSS JOIN generate_series(%s::date, %s::date, interval '1 day') AS d
                WHERE p.clinic_id = %s AND d::date >= (p.created_at AT TIME ZONE p.time_zone)::date
                    AND (hashint8(p.id::bigint * 100000 + (d::date - DATE '2000-01-01'))::bigint
                        + 2147483648) / 4294967296.0 < 0.6 + (p.id %% 40) / 100.0
                ORDER BY d, p.id
                """,  # noqa: S608  (table names from the models, values as parameters)
                [first, today, clinic.pk],
            )
        return
    zone = ZoneInfo(ZONE)
    joined = {patient.pk: patient.created_at.astimezone(zone).date() for patient in patients}
    rows = []
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        for patient in patients:
            if day < joined[patient.pk] or rng.random() >= adherence_of(patient.pk):
                continue
            rows.append(
                CheckIn(
                    patient=patient,
                    local_date=day,
                    mood=rng.randint(0, 10),
                    craving=rng.randint(0, 10),
                    stress=rng.randint(0, 10),
                    sleep_hours=Decimal(rng.randint(40, 100)) / 10,
                    used_since_last=rng.random() < 0.03,
                    created_at=at(day, 20, zone),
                    updated_at=at(day, 20, zone),
                )
            )
        if len(rows) >= 50_000:
            bulk(CheckIn, rows)
            rows = []
    bulk(CheckIn, rows)


def seed_assessments(patients: list, rng: random.Random, today: date) -> None:
    """Every instrument two to eight times a year per patient (a few take none)."""
    from coping.instruments import INSTRUMENTS
    from coping.models import Assessment, AssessmentSchedule

    zone = ZoneInfo(ZONE)
    rows, schedules = [], []
    for patient in patients:
        for slug_, instrument in INSTRUMENTS.items():
            if rng.random() < 0.1:
                continue
            items = len(instrument.items)
            for day in sorted(rng.sample(range(DAYS), rng.randint(2, 8))):
                taken = today - timedelta(days=day)
                if instrument.mean:
                    total = Decimal(rng.randint(100, 500)) / 100
                else:
                    total = Decimal(
                        rng.randint(instrument.minimum * items, instrument.maximum * items)
                    )
                rows.append(
                    Assessment(
                        patient=patient,
                        instrument=slug_,
                        answers=[],
                        total=total,
                        band=instrument.band_for(float(total)).slug,
                        local_date=taken,
                        created_at=at(taken, 18, zone),
                    )
                )
            if rng.random() < 0.1:
                schedules.append(
                    AssessmentSchedule(
                        patient=patient,
                        instrument=slug_,
                        interval_days=60,
                        is_active=rng.random() < 0.7,
                    )
                )
    bulk(Assessment, rows)
    bulk(AssessmentSchedule, schedules)


def seed_history(clinic, admin, patients: list, rng: random.Random, today: date) -> None:
    """Status changes in the audit trail, setbacks and open alerts."""
    from audit.models import Action, AuditEvent
    from patients.models import Alert, AlertKind, AlertSeverity, Patient, Setback, SetbackKind

    zone = ZoneInfo(ZONE)
    events, setbacks, alerts = [], [], []
    for patient in patients:
        moved = at(today - timedelta(days=rng.randint(0, DAYS - 1)), 11, zone)
        events.append(
            AuditEvent(
                occurred_at=moved,
                clinic=clinic,
                actor=admin,
                action=Action.UPDATE,
                patient=patient,
                object_type=Patient._meta.label,
                object_id=str(patient.pk),
                details={"status": ["intake", patient.status]},
            )
        )
        if rng.random() < 0.3:
            setbacks.append(
                Setback(
                    patient=patient,
                    occurred_on=today - timedelta(days=rng.randint(0, DAYS - 1)),
                    kind=SetbackKind.choices[0][0],
                    what_happened="A hard week.",
                    recorded_at=moved,
                )
            )
        if rng.random() < 0.2:
            alerts.append(
                Alert(
                    clinic=clinic,
                    patient=patient,
                    kind=AlertKind.MISSED_CHECKINS,
                    severity=AlertSeverity.MEDIUM,
                    message="No check-in for two days.",
                    created_at=moved,
                )
            )
    bulk(AuditEvent, events)
    bulk(Setback, setbacks)
    bulk(Alert, alerts)


def seed_network(clinic, admin, patients: list, rng: random.Random, today: date) -> None:
    """Zero to four supporters per patient with invitations, consents, help tasks, supporter
    check-ins and encouragement over the year."""
    from networks.models import (
        Consent,
        ContactStatus,
        Encouragement,
        HelpKind,
        HelpTask,
        Invitation,
        ReachOut,
        ReachOutChannel,
        Relationship,
        Scope,
        SignatureMethod,
        SupportContact,
    )

    zone = ZoneInfo(ZONE)
    contacts = []
    for patient in patients:
        for number in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            added = at(today - timedelta(days=rng.randint(0, DAYS + 100)), 12, zone)
            contacts.append(
                SupportContact(
                    patient=patient,
                    name=f"Supporter {patient.pk}-{number}",
                    relationship=Relationship.FRIEND,
                    email=f"s{patient.pk}-{number}@example.org",
                    status=ContactStatus.ACTIVE if rng.random() < 0.8 else ContactStatus.INVITED,
                    created_at=added,
                )
            )
    contacts = bulk(SupportContact, contacts)
    invitations, consents, reach_outs, encouragements = [], [], [], []
    for contact in contacts:
        sent = contact.created_at
        accepted = sent + timedelta(days=2) if contact.status == ContactStatus.ACTIVE else None
        invitations.append(
            Invitation(
                contact=contact,
                email=contact.email,
                nonce=secrets.token_hex(16),
                sent_by=admin,
                created_at=sent,
                expires_at=sent + timedelta(days=14),
                accepted_at=accepted,
            )
        )
        if accepted is None:
            continue
        consents.append(
            Consent(
                patient_id=contact.patient_id,
                clinic=clinic,
                contact=contact,
                scopes=[Scope.MILESTONES],
                purpose="Support in recovery",
                expires_on=today + timedelta(days=rng.randint(-30, 365)),
                signature_method=SignatureMethod.IN_APP,
                signed_name="Person",
                signed_at=accepted,
                recorded_by=admin,
                created_at=accepted,
            )
        )
        for _number in range(rng.randint(0, 12)):
            reach_outs.append(
                ReachOut(
                    contact=contact,
                    patient_id=contact.patient_id,
                    channel=ReachOutChannel.CALL,
                    happened_on=today - timedelta(days=rng.randint(0, DAYS - 1)),
                    created_at=accepted,
                )
            )
        for _number in range(rng.randint(0, 4)):
            encouragements.append(
                Encouragement(
                    patient_id=contact.patient_id,
                    contact=contact,
                    message="Proud of you.",
                    created_at=at(today - timedelta(days=rng.randint(0, DAYS - 1)), 9, zone),
                )
            )
    bulk(Invitation, invitations)
    bulk(Consent, consents)
    bulk(ReachOut, reach_outs)
    bulk(Encouragement, encouragements)
    tasks = []
    for patient in patients:
        for _number in range(rng.randint(0, 3)):
            created = at(today - timedelta(days=rng.randint(0, DAYS - 1)), 15, zone)
            tasks.append(
                HelpTask(
                    patient=patient,
                    kind=HelpKind.RIDE,
                    title="A ride to group",
                    claimed_at=created + timedelta(hours=3),
                    done_at=created + timedelta(days=1),
                    created_at=created,
                )
            )
    bulk(HelpTask, tasks)


def seed_messages(clinic, patients: list, rng: random.Random, today: date) -> None:
    """About twenty messages per patient over the year, in every status."""
    from notifications.models import Channel, Kind, Notification, Status

    zone = ZoneInfo(ZONE)
    kinds = [Kind.CHECKIN_REMINDER] * 6 + [Kind.ASSESSMENT_DUE, Kind.MILESTONE_DAY]
    statuses = [Status.SENT] * 8 + [Status.SKIPPED, Status.FAILED, Status.PENDING]
    rows = []
    for patient in patients:
        for number in range(20):
            due = at(today - timedelta(days=rng.randint(0, DAYS - 1)), 19, zone)
            status = rng.choice(statuses)
            rows.append(
                Notification(
                    kind=rng.choice(kinds),
                    occurrence=f"bench:{patient.pk}:{number}",
                    channel=rng.choice((Channel.EMAIL, Channel.SMS, Channel.IN_APP)),
                    clinic=clinic,
                    patient=patient,
                    recipient_key=f"patient:{patient.pk}",
                    body="Time for your check-in.",
                    due_at=due,
                    status=status,
                    reason="Quiet hours" if status == Status.SKIPPED else "",
                    last_error="Mailbox unavailable" if status == Status.FAILED else "",
                    created_at=due,
                )
            )
    bulk(Notification, rows)


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- the benchmark -------------------------------------------------------------------------------


def clocked(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def paired(work: Callable[[], object], baseline: Callable[[], object]) -> tuple[list, list]:
    """RUNS timings of `work` and of `baseline`, taken in turn after one untimed run of each,
    so both see the same load on the machine."""
    work()
    baseline()
    samples, baselines = [], []
    for _run in range(RUNS):
        baselines.append(clocked(baseline))
        samples.append(clocked(work))
    return samples, baselines


def page_work(report, clinic, filters) -> Callable[[], object]:
    """What the report page computes: the Result, every table's cells and the chart."""
    from reports.export import rendered
    from reports.views import _chart

    def work() -> object:
        result = report.build(clinic, filters)
        return [rendered(table, None) for table in result.tables], _chart(result)

    return work


def main() -> None:
    configure()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Organization
    from coping.models import CheckIn
    from reports.filters import Filters, clinic_today
    from reports.registry import available

    call_command("migrate", "--noinput", verbosity=0)
    clinic = seeded_clinic()
    seed_seconds = 0.0
    if clinic is None:
        seed_seconds = seed(clinic_today(Organization(time_zone=ZONE)))
        clinic = Organization.objects.get(slug=slug())
    end = clinic_today(clinic)
    filters = Filters(start=end - timedelta(days=DAYS - 1), end=end)
    rows = CheckIn.objects.filter(
        patient__clinic=clinic, local_date__gte=filters.start, local_date__lte=filters.end
    )
    all_counts: list[float] = []
    reports = {}
    for report in available():
        work = page_work(report, clinic, filters)
        try:
            with CaptureQueriesContext(connection) as queries:
                work()
            samples, counts = paired(work, rows.count)
        except Exception as error:  # SQLite lacks functions some reports use
            connection.close()
            reports[report.slug] = {"error": f"{type(error).__name__}: {error}"[:200]}
            continue
        all_counts += counts
        seconds, count_seconds = statistics.median(samples), statistics.median(counts)
        reports[report.slug] = {
            "seconds": round(seconds, 4),
            "ratio": round(seconds / count_seconds, 2),
            "queries": len(queries),
        }
    count_seconds = statistics.median(all_counts) if all_counts else clocked(rows.count)
    result = {
        "database": connection.vendor,
        "patients": clinic.patients.count(),
        "checkins": rows.count(),
        "days": DAYS,
        "seed_seconds": round(seed_seconds, 2),
        "runs": RUNS,
        "count_seconds": round(count_seconds, 4),
        "reports": reports,
        "targets": TARGETS,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
