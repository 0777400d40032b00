"""Demo data for the milestones and delivery reports: in every demo clinic, people reaching
30, 90, 180 days and a year in the last 30 days, two setbacks with a return to check-ins, and
a month of delivered, skipped and failed messages. Idempotent and deterministic (no use of
`rng`, so it never shifts the data of the steps after it)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from coping.models import CheckIn
from notifications.models import Channel, Kind, Notification, Status
from patients.models import (
    CareTeamMember,
    Patient,
    PatientStatus,
    RecoveryDate,
    Setback,
    SetbackKind,
    TeamRole,
)

if TYPE_CHECKING:
    from recovery_hub.demo import DemoClinic

# (record number suffix, first name, last name, days in recovery today, setback days ago).
# Each one reaches a milestone within the last 30 days: 30, 90, 180 days, then a year.
PEOPLE = [
    ("M01", "Avery", "Lindqvist", 41, 12),
    ("M02", "Rowan", "Okafor", 97, None),
    ("M03", "Sage", "Delacroix", 188, 20),
    ("M04", "Emerson", "Takahashi", 371, None),
]
# (kind, channel, status, why it was skipped or failed, how many in the last 30 days)
MESSAGES = [
    (Kind.CHECKIN_REMINDER, Channel.EMAIL, Status.SENT, "", 18),
    (Kind.CHECKIN_REMINDER, Channel.SMS, Status.SENT, "", 9),
    (Kind.CHECKIN_REMINDER, Channel.SMS, Status.FAILED, "Provider: the number is unreachable.", 2),
    (Kind.CHECKIN_REMINDER, Channel.EMAIL, Status.SKIPPED, "The patient was discharged.", 3),
    (Kind.MILESTONE_DAY, Channel.EMAIL, Status.SENT, "", 4),
    (Kind.DIGEST, Channel.EMAIL, Status.SENT, "", 8),
    (Kind.DIGEST, Channel.EMAIL, Status.SKIPPED, "No consent in force for this any more.", 2),
    (Kind.ASSESSMENT_DUE, Channel.IN_APP, Status.SENT, "", 5),
    (
        Kind.MISSED_CHECKINS,
        Channel.EMAIL,
        Status.SKIPPED,
        "The person opted out of these messages.",
        1,
    ),
]
BODIES = {
    Kind.CHECKIN_REMINDER: "Time for today's check-in. Sign in to Recovery Hub.",
    Kind.MILESTONE_DAY: "A milestone today. Sign in to see it.",
    Kind.DIGEST: "Your weekly update is ready. Sign in to read it.",
    Kind.ASSESSMENT_DUE: "A short questionnaire is ready for you.",
    Kind.MISSED_CHECKINS: "Sign in to see who might like a hello.",
}


def _person(demo: DemoClinic, row: tuple, today: date) -> Patient:
    suffix, first, last, days, setback_days_ago = row
    patient, created = Patient.objects.get_or_create(
        clinic=demo.clinic,
        mrn=f"{demo.clinic.slug.upper()}-{suffix}",
        defaults={
            "legal_name": f"{first} {last}",
            "date_of_birth": date(1988, 6, 1),
            "time_zone": demo.clinic.time_zone,
            "program": demo.clinic.programs.order_by("name").first(),
            "status": PatientStatus.ACTIVE,
            "recovery_start": today - timedelta(days=days),
            "email": f"{first}.{last}@example.org".lower(),
        },
    )
    if not created:
        return patient
    CareTeamMember.objects.create(
        patient=patient, clinician=demo.clinicians[0], team_role=TeamRole.PRIMARY_COUNSELOR,
        is_primary=True, started_on=today - timedelta(days=days),
    )  # fmt: skip
    RecoveryDate.objects.create(
        patient=patient, start_date=patient.recovery_start, reason="Recovery start at intake"
    )
    if setback_days_ago is not None:
        occurred = today - timedelta(days=setback_days_ago)
        Setback.objects.create(
            patient=patient, occurred_on=occurred, kind=SetbackKind.LAPSE,
            what_happened="A hard evening after a family visit.",
            what_helped="Calling a friend the next morning.",
            recorded_by=demo.clinicians[0],
        )  # fmt: skip
        # Back to check-ins a few days later.
        for offset in range(3, setback_days_ago, 2):
            CheckIn.objects.get_or_create(
                patient=patient, local_date=occurred + timedelta(days=offset),
                defaults={"mood": 6, "craving": 3, "stress": 4},
            )  # fmt: skip
    demo.patients.append(patient)
    return patient


def _messages(demo: DemoClinic, people: list[Patient], today: date) -> None:
    zone = ZoneInfo(demo.clinic.time_zone)
    for kind, channel, status, reason, how_many in MESSAGES:
        for number in range(how_many):
            patient = people[number % len(people)]
            day = today - timedelta(days=1 + (number * 3) % 29)
            due = datetime.combine(day, time(9), zone)
            Notification.objects.get_or_create(
                kind=kind,
                occurrence=f"demo-delivery:{status}:{day.isoformat()}:{number}",
                recipient_key=f"patient:{patient.pk}",
                channel=channel,
                defaults={
                    "clinic": demo.clinic, "patient": patient, "body": BODIES[kind],
                    "due_at": due, "status": status, "attempts": 1,
                    "reason": reason if status == Status.SKIPPED else "",
                    "last_error": reason if status == Status.FAILED else "",
                    "sent_at": due if status == Status.SENT else None,
                },
            )  # fmt: skip


def seed_activity(demos: list[DemoClinic], rng: random.Random, today: date) -> None:
    """Something for the milestones and delivery reports to show in every demo clinic."""
    for demo in demos:
        people = [_person(demo, row, today) for row in PEOPLE]
        _messages(demo, people, today)
