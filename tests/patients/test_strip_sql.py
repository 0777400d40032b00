"""The "needs attention" strip is ruled in SQL (patients.selectors.strip_sql): each heading's
count and its first few people come from the database. Its answers must be the Python rules'
(missed_since, schedule_for, milestones_between, each in the person's own zone), person by
person, on PostgreSQL and on SQLite: zones on either side of midnight, intake and discharged
people, people who never checked in or whose check-ins predate their record, schedules turned
off or changed, 29 February starts, day-count milestones at the edges of the week."""

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from coping.models import Assessment, AssessmentSchedule, CheckIn
from coping.selectors import schedule_for
from patients import selectors
from patients.milestones import milestones_between
from patients.models import CareTeamMember, Patient, PatientStatus, TeamRole
from tests.factories import ProgramFactory, member
from tests.patients.test_caseload_scale import caseload

ROOT = Path(__file__).resolve().parents[2]

# Zones from UTC-11 to UTC+14, so that at most instants some people are on another local day.
ZONES = (
    "Pacific/Pago_Pago",
    "America/Los_Angeles",
    "America/New_York",
    "UTC",
    "Europe/London",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Pacific/Kiritimati",
)
STATUSES = (PatientStatus.ACTIVE,) * 4 + (PatientStatus.INTAKE, PatientStatus.DISCHARGED)
# Instants: around midnight in New York and in Tokyo, the day a leap-day start celebrates on
# 28 February, the night the US clocks go forward, and the new year.
INSTANTS = (
    datetime(2026, 6, 10, 3, 30, tzinfo=UTC),
    datetime(2026, 6, 10, 15, 0, tzinfo=UTC),
    datetime(2026, 2, 27, 23, 45, tzinfo=UTC),
    datetime(2026, 3, 8, 6, 59, tzinfo=UTC),
    datetime(2026, 12, 31, 12, 0, tzinfo=UTC),
)
SIZE = 96


def build(clinic, clinician, now: datetime) -> list[Patient]:
    """SIZE people on the clinician's caseload, each different in zone, status, when the record
    was made (hours either side of a local midnight), the last check-in, the questionnaires,
    the schedule and the recovery start."""
    program = ProgramFactory(clinic=clinic)
    people = []
    for n in range(SIZE):
        zone = ZONES[n % len(ZONES)]
        today = now.astimezone(ZoneInfo(zone)).date()
        offset = (n * 7) % 200  # day-count milestones at and around the week's edges
        start = today - timedelta(days=offset)
        if n % 5 == 0:  # anniversaries: some in the week, some just outside, a 29 February
            start = date(2024, 2, 29) if n % 10 == 0 else today - timedelta(days=365 * 2 - n % 9)
        people.append(
            Patient(
                clinic=clinic,
                mrn=f"Z-{n:03d}",
                legal_name=f"Person {n % 7} {n:03d}",  # names not in pk order
                preferred_name="Sam" if n % 11 == 0 else "",
                date_of_birth=date(1990, 1, 1),
                program=program,
                time_zone=zone,
                status=STATUSES[n % len(STATUSES)],
                recovery_start=None if n % 13 == 0 else start,
            )
        )
    people = Patient.objects.bulk_create(people)
    for n, person in enumerate(people):
        # Made between 4 days and 2 hours ago, an hour's steps: across each local midnight.
        made = now - timedelta(hours=2 + (n * 5) % 94)
        Patient.objects.filter(pk=person.pk).update(created_at=made)
        person.created_at = made
    CareTeamMember.objects.bulk_create(
        CareTeamMember(patient=p, clinician=clinician, team_role=TeamRole.PRIMARY_COUNSELOR)
        for p in people
    )
    checkins, assessments, schedules = [], [], []
    for n, person in enumerate(people):
        today = now.astimezone(ZoneInfo(person.time_zone)).date()
        kind = n % 6
        # 0: never; 1: today; 2: yesterday; 3: two days ago; 4: three days ago; 5: long ago,
        # before the record was made, and one dated tomorrow for every twelfth.
        days = {1: [0], 2: [1, 5], 3: [2], 4: [3, 9], 5: [40]}.get(kind, [])
        if n % 12 == 5:
            days.append(-1)
        checkins += [
            CheckIn(
                patient=person, local_date=today - timedelta(days=d), mood=5, craving=3, stress=4
            )
            for d in days
        ]
        for i, slug in enumerate(("phq9", "gad7", "brs", "barc10")):
            if (n + i) % 9 == 0:
                continue  # never taken
            ago = (n * 3 + i * 5) % 18  # around a 14-day interval (and a 7-day one)
            assessments.append(
                Assessment(
                    patient=person,
                    instrument=slug,
                    answers=[],
                    total=1,
                    band="minimal",
                    local_date=today - timedelta(days=ago),
                )
            )
            if (n + i) % 5 == 0:
                schedules.append(
                    AssessmentSchedule(
                        patient=person,
                        instrument=slug,
                        interval_days=7 + (n % 3) * 10,
                        is_active=(n + i) % 3 != 0,
                    )
                )
    CheckIn.objects.bulk_create(checkins)
    Assessment.objects.bulk_create(assessments)
    AssessmentSchedule.objects.bulk_create(schedules)
    return people


def expected(people: list[Patient]) -> dict:
    """The headings by the Python rules: each person read on their own."""
    strip = {"missed_checkins": [], "overdue_assessments": [], "milestones": []}
    ordered = sorted(
        (p for p in people if p.status in (PatientStatus.ACTIVE, PatientStatus.INTAKE)),
        key=lambda p: (p.legal_name, p.pk),
    )
    for person in ordered:
        stored = Patient.objects.get(pk=person.pk)
        today = stored.local_today()
        last = stored.checkins.order_by("-local_date").values_list("local_date", flat=True)
        stored.last_checkin = last.first()
        for m in milestones_between(stored.recovery_start, today, today + timedelta(6)):
            strip["milestones"].append([stored.pk, m.label, m.date.isoformat()])
        if stored.status != PatientStatus.ACTIVE:
            continue
        if selectors.missed_checkins(stored, today):
            since = stored.last_checkin.isoformat() if stored.last_checkin else None
            strip["missed_checkins"].append([stored.pk, since])
        late = [d.instrument.short_name for d in schedule_for(stored, today) if d.overdue]
        if late:
            strip["overdue_assessments"].append([stored.pk, f"{', '.join(late)} overdue"])
    strip["milestones"].sort(key=lambda item: item[2])
    return strip


def answered(clinician, clinic, full: str = "") -> dict:
    """The strip's answer: each heading's count and the people it names."""
    strip = selectors.needs_attention(clinician=clinician, clinic=clinic, full=full)
    return {
        "counts": {k: strip.counts[k] for k in ("missed_checkins", "overdue_assessments")},
        "milestones": [[i.patient_id, i.text, i.on.isoformat()] for i in strip.milestones],
        "missed_checkins": [
            [i.patient_id, i.on.isoformat() if i.on else None] for i in strip.missed_checkins
        ],
        "overdue_assessments": [[i.patient_id, i.text] for i in strip.overdue_assessments],
    }


def compare(clinic, clinician, people) -> list[str]:
    """What differs between the SQL strip and the Python rules (empty: nothing)."""
    want = expected(people)
    problems = []
    for heading in ("missed_checkins", "overdue_assessments"):
        everyone = answered(clinician, clinic, full=heading)
        if everyone[heading] != want[heading]:
            problems.append(f"{heading} in full: {everyone[heading]} != {want[heading]}")
        if everyone["counts"][heading] != len(want[heading]):
            problems.append(f"{heading} count: {everyone['counts'][heading]}")
    few = answered(clinician, clinic)
    for heading in ("missed_checkins", "overdue_assessments"):
        if few[heading] != want[heading][: selectors.STRIP_SHOWN]:
            problems.append(f"{heading} first few: {few[heading]}")
    if few["milestones"] != want["milestones"]:
        problems.append(f"milestones: {few['milestones']} != {want['milestones']}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("now", INSTANTS, ids=lambda now: now.isoformat())
def test_the_strip_in_sql_says_what_the_python_rules_say(clinic, now):
    with time_machine.travel(now, tick=False):
        clinician = member(Role.CLINICIAN, clinic)
        people = build(clinic, clinician, now)
        want = expected(people)
        # The data set reaches every heading and both sides of each rule.
        assert 5 < len(want["missed_checkins"]) < SIZE / 2
        active = sum(p.status == PatientStatus.ACTIVE for p in people)
        assert 5 < len(want["overdue_assessments"]) < active
        assert want["milestones"]
        assert len({timezone.localdate(timezone=ZoneInfo(z)) for z in ZONES}) > 1
        assert compare(clinic, clinician, people) == []


@pytest.mark.django_db
def test_python_reads_only_the_rows_the_strip_names(clinic):
    now = INSTANTS[1]
    with time_machine.travel(now, tick=False):
        clinician = member(Role.CLINICIAN, clinic)
        build(clinic, clinician, now)
        strip = selectors.needs_attention(clinician=clinician, clinic=clinic)
        # Five under each of two headings at most, and the few who may have a milestone.
        assert len(strip.people) <= 2 * selectors.STRIP_SHOWN + len(strip.milestones) + 8
        assert strip.counts["missed_checkins"] > selectors.STRIP_SHOWN


CHILD = r"""
import json, sys
from datetime import datetime
import django
django.setup()
from django.core.management import call_command
import time_machine
from django.db import connection
assert connection.vendor == "sqlite", connection.vendor
call_command("migrate", "--noinput", verbosity=0)
from accounts.models import Role
from tests.factories import OrganizationFactory, member
from tests.patients.test_strip_sql import INSTANTS, build, compare
from patients.models import Patient
answers = {}
for now in INSTANTS:
    with time_machine.travel(now, tick=False):
        clinic = OrganizationFactory()
        clinician = member(Role.CLINICIAN, clinic)
        people = build(clinic, clinician, now)
        answers[now.isoformat()] = compare(clinic, clinician, people)
print(json.dumps(answers))
"""


def test_the_same_answers_on_sqlite(tmp_path):
    """The demo without PostgreSQL: the same SQL (two small functions differ) on SQLite, run in
    a child process on its own file (the suite's database is PostgreSQL)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'strip.sqlite3'}",
        "READ_DOT_ENV": "false",
        "REDIS_URL": "",
    }
    run = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    answers = json.loads(run.stdout.strip().splitlines()[-1])
    assert answers == {now.isoformat(): [] for now in INSTANTS}


@pytest.mark.django_db
def test_open_ladders_name_five_with_show_all_and_list_everyone_on_asking(client, clinic):
    with time_machine.travel(INSTANTS[1], tick=False):
        clinician = member(Role.CLINICIAN, clinic)
        caseload(8, clinic, clinician)  # an open ladder each
        client.force_login(clinician)

        response = client.get(reverse("patients:caseload"))
        attention, shown = response.context["attention"], response.context["strip"]
        assert attention.counts["open_ladders"] == 8
        assert len(attention.open_ladders) == len(shown["ladders"]) == selectors.STRIP_SHOWN
        page = response.content.decode()
        ladders = page.split('data-testid="ladders-open"', 1)[1].split("</div>", 1)[0]
        assert "Show all 8" in ladders and "more=ladders" in ladders
        first = shown["ladders"][0]
        alerts = reverse("patients:alerts", args=[first.patient_id])
        assert f'href="{alerts}#ladder"' in ladders

        everyone = client.get(reverse("patients:caseload"), {"more": "ladders"})
        assert len(everyone.context["strip"]["ladders"]) == 8
        assert "Show fewer" in everyone.content.decode().split('data-testid="ladders-open"')[1]
