"""Demo data for the milestones and delivery reports, on the demo's own people (it adds no one):
a lapse in the last weeks after which the person came back to their check-ins, and a month of
messages that were sent, skipped or failed, with the reasons. The milestones themselves come
from the people's recovery start dates, which this leaves as they are.

Safe to run twice; deterministic for the random stream it is given.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from coping.models import CheckIn
from networks.models import SupportContact
from notifications.models import Channel, Kind, Notification, Status
from patients.models import Patient, PatientStatus, Setback, SetbackKind

if TYPE_CHECKING:
    from recovery_hub.demo import DemoClinic

# Other demo steps, tours and tests lean on the first people (the logins, the ended consents,
# the stories, the person reaching 30 days this week): decorate the others first.
LEANED_ON = 5
LAPSE_DAYS_AGO = 12
LAPSE_STORY = "A drink at a family visit that went badly; called a friend the next morning."
LAPSE_HELPED = "Talking it through with the counselor and going back to the daily check-ins."
OCCURRENCE = "demo-report"
OPTED_OUT = "The person opted out of these messages."

# (kind, channel, status, why it was skipped or failed, how many in the last 30 days).
# Supporter kinds go to supporters without an account (nothing lands in anyone's in-app list).
MESSAGES = [
    (Kind.CHECKIN_REMINDER, Channel.EMAIL, Status.SENT, "", 14),
    (Kind.CHECKIN_REMINDER, Channel.SMS, Status.SENT, "", 6),
    (Kind.CHECKIN_REMINDER, Channel.SMS, Status.FAILED, "No phone number.", 2),
    (
        Kind.CHECKIN_REMINDER,
        Channel.EMAIL,
        Status.FAILED,
        "Recipient refused: 550 mailbox unavailable",
        1,
    ),
    (Kind.ASSESSMENT_DUE, Channel.EMAIL, Status.SENT, "", 5),
    (Kind.APPOINTMENT_24H, Channel.EMAIL, Status.SENT, "", 6),
    (Kind.MILESTONE_DAY, Channel.EMAIL, Status.SENT, "", 2),
    (Kind.MISSED_CHECKINS, Channel.EMAIL, Status.SKIPPED, OPTED_OUT, 1),
    (Kind.REACH_OUT, Channel.EMAIL, Status.SENT, "", 4),
    (Kind.REACH_OUT, Channel.EMAIL, Status.SKIPPED, "No consent in force for this any more.", 1),
]
SUPPORTER_KINDS = {Kind.REACH_OUT}
SEND_TIME = timedelta(seconds=4)
BODIES = {
    Kind.CHECKIN_REMINDER: "Time for today's check-in. Sign in to Recovery Hub.",
    Kind.ASSESSMENT_DUE: "A short questionnaire is ready for you. Sign in to Recovery Hub.",
    Kind.APPOINTMENT_24H: "A reminder: you have a session tomorrow. Sign in to see the details.",
    Kind.MILESTONE_DAY: "A milestone today. Sign in to see it.",
    Kind.MISSED_CHECKINS: "We have not heard from you for a few days. Sign in when you can.",
    Kind.REACH_OUT: "It's a good day to say hello. Sign in to Recovery Hub.",
}


def decorated_first(people: list[Patient]) -> list[Patient]:
    """The people in the order to decorate: past the ones others lean on, then from the last."""
    return people[LEANED_ON:] + people[:LEANED_ON][::-1]


def seed_lapse(people: list[Patient], clinician: object, today: date) -> Setback | None:
    """A lapse 12 days ago for an active person who had started recovery before it and checked
    in on a later day (re-engagement). The recovery start stays: the person and the care team
    agreed that this lapse does not reset it."""
    if Setback.objects.filter(patient__in=people, what_happened=LAPSE_STORY).exists():
        return None
    day = today - timedelta(days=LAPSE_DAYS_AGO)
    for patient in decorated_first(people):
        if patient.status != PatientStatus.ACTIVE or not patient.recovery_start:
            continue
        if patient.recovery_start >= day or patient.setbacks.filter(occurred_on=day).exists():
            continue
        if not CheckIn.objects.filter(patient=patient, local_date__gt=day).exists():
            continue
        return Setback.objects.create(
            patient=patient,
            occurred_on=day,
            kind=SetbackKind.LAPSE,
            what_happened=LAPSE_STORY,
            what_helped=LAPSE_HELPED,
            recorded_by=clinician,
        )
    return None


def _recipients(people: list[Patient]) -> tuple[list[Patient], list[SupportContact]]:
    patients = [p for p in people if p.status in (PatientStatus.ACTIVE, PatientStatus.INTAKE)]
    contacts = list(
        SupportContact.objects.filter(patient__in=people, user__isnull=True)
        .exclude(email="")
        .select_related("patient")
        .order_by("patient__mrn", "pk")
    )
    return patients, contacts


def seed_messages(demo: DemoClinic, people: list[Patient], rng: random.Random, today: date) -> None:
    """About 40 messages due over the last 30 days, one row each in the outbox's shape. Their
    occurrence names the demo and a number (no date), so a run on a later day adds nothing."""
    patients, contacts = _recipients(people)
    if not patients:
        return
    rows = []
    number = 0
    for kind, channel, status, why, how_many in MESSAGES:
        for _ in range(how_many):
            number += 1
            day = today - timedelta(days=rng.randint(1, 29))
            contact = contacts[number % len(contacts)] if contacts else None
            if kind in SUPPORTER_KINDS and contact is None:
                continue
            patient = (
                contact.patient if kind in SUPPORTER_KINDS else patients[number % len(patients)]
            )
            due = datetime.combine(day, time(9), patient.zone)
            if kind in SUPPORTER_KINDS:
                key, address = f"contact:{contact.pk}", contact.email
            else:
                key = f"user:{patient.user_id}" if patient.user_id else f"patient:{patient.pk}"
                address = patient.email
            if channel == Channel.SMS:
                address = "" if status == Status.FAILED else f"555-01{number:02d}"
            rows.append(
                Notification(
                    kind=kind,
                    occurrence=f"{OCCURRENCE}:{patient.pk}:{number}",
                    channel=channel,
                    clinic=demo.clinic,
                    patient=patient,
                    recipient_user_id=patient.user_id if kind not in SUPPORTER_KINDS else None,
                    recipient_contact=contact if kind in SUPPORTER_KINDS else None,
                    recipient_key=key,
                    address=address,
                    body=BODIES[kind],
                    due_at=due,
                    status=status,
                    attempts=1 if status != Status.SKIPPED else 0,
                    reason=why if status == Status.SKIPPED else "",
                    last_error=why if status == Status.FAILED else "",
                    claimed_at=due,
                    sent_at=due + SEND_TIME if status == Status.SENT else None,
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)  # the idempotency key


def seed_activity(demos: list[DemoClinic], rng: random.Random, today: date) -> None:
    """Something for the milestones and delivery reports to show in every demo clinic."""
    for demo in demos:
        people = list(Patient.objects.filter(pk__in=[p.pk for p in demo.patients]).order_by("mrn"))
        seed_lapse(people, demo.clinicians[0], today)
        seed_messages(demo, people, rng, today)
