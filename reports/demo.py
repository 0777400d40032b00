"""The reports' seeding step for recovery_hub.demo.SEED_STEPS: it decorates the demo's own
people so that every report has something to show for its default filters, and adds no one
(`seed_demo --patients N` still gives N people per clinic).

- the day each person joined the clinic (their intake: the care team's first day, or the
  recovery start recorded at intake if earlier), which check-in adherence and retention count
  from; the people are otherwise written "today" by the seed;
- the admissions and discharges of the census, as the audit events a status change writes;
- reports.demo_activity (a lapse and re-engagement; a month of messages) and
  reports.demo_network (invitations, a help task done, a consent ending soon, second monthly
  scores, networks that stepped back after treatment).

Safe to run twice. It draws once from the shared random stream, as the last step, and uses its
own stream from there, so the steps before it see exactly what they saw without it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Min

from audit.models import Action, AuditEvent
from audit.services import audit_record
from patients.models import Patient, PatientStatus
from reports.demo_activity import decorated_first, seed_activity
from reports.demo_network import seed_network_reports

if TYPE_CHECKING:
    from recovery_hub.demo import DemoClinic

DEMO_MARK = "demo_reports"
# Admissions in the census count the people who became active within this many days.
RECENT_DAYS = 30


def intake_day(patient: Patient) -> date | None:
    """The earlier of the care team's first day and the first recovery start on record."""
    days = [
        patient.care_team.aggregate(first=Min("started_on"))["first"],
        patient.recovery_dates.aggregate(first=Min("start_date"))["first"],
    ]
    days = [day for day in days if day is not None]
    return min(days) if days else None


def seed_intake_days(people: list[Patient]) -> None:
    """Each person joined on their intake day, at ten in the morning of their own zone."""
    for patient in people:
        day = intake_day(patient)
        if day is None:
            continue
        joined = datetime.combine(day, time(10), patient.zone)
        if patient.created_at != joined:
            Patient.objects.filter(pk=patient.pk).update(created_at=joined)
            patient.created_at = joined


def seed_status_changes(people: list[Patient], clinician: object, today: date) -> None:
    """The audit events of the admissions (intake to active) of the people whose recovery
    started in the last month, at least one, and of the discharges and moves to alumni. Audit
    events are stamped when written: these carry the seed's time, like the demo's others."""
    if AuditEvent.objects.filter(patient__in=people, details__demo=DEMO_MARK).exists():
        return
    since = today - timedelta(days=RECENT_DAYS - 1)
    active = [p for p in people if p.status == PatientStatus.ACTIVE and p.recovery_start]
    admitted = [p for p in active if p.recovery_start >= since]
    if not admitted and active:
        admitted = [max(decorated_first(active), key=lambda p: p.recovery_start)]
    changes = [(p, PatientStatus.INTAKE, PatientStatus.ACTIVE) for p in admitted]
    changes += [
        (p, PatientStatus.ACTIVE, p.status)
        for p in people
        if p.status in (PatientStatus.DISCHARGED, PatientStatus.ALUMNI)
    ]
    for patient, before, after in changes:
        audit_record(
            action=Action.UPDATE,
            actor=clinician,
            clinic=patient.clinic,
            target=patient,
            patient=patient,
            details={"status": [before, after], "demo": DEMO_MARK},
        )


def seed_reports(demos: list[DemoClinic], rng: random.Random, today: date) -> None:
    """Something for every report to show in every demo clinic."""
    own = random.Random(rng.random())  # noqa: S311 (demo data, not secrets)
    for demo in demos:
        people = list(Patient.objects.filter(pk__in=[p.pk for p in demo.patients]).order_by("mrn"))
        seed_intake_days(people)
        seed_status_changes(people, demo.clinicians[0], today)
    seed_activity(demos, own, today)
    seed_network_reports(demos, own, today)
