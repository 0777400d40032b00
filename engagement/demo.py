"""The demo's engagement: digests on for supporters, a past help request, ladders and
celebration messages. One seeding step for recovery_hub.demo.SEED_STEPS; nothing here runs
outside the demo (the features' own modules hold no demo data)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from coping.models import CheckIn
from engagement.celebrations import ONGOING, WRITE_AHEAD_DAYS, flag_terms
from engagement.help import askable_supporters
from engagement.ladder import CLOSED_CHECKED_IN
from engagement.models import (
    CelebrationMessage,
    CelebrationStatus,
    DigestMode,
    DigestSubscription,
    HelpAcknowledgement,
    HelpRequest,
    Ladder,
    LadderStep,
    PatientEngagement,
    Rung,
    Weekday,
)
from engagement.models import HelpRequestRecipient as Asked
from engagement.selectors import ladder_candidates
from networks.consent import consented_scopes
from networks.models import ContactStatus, Scope, SupportContact
from patients.milestones import MilestoneDate, milestones_between
from patients.models import Alert, AlertKind, AlertSeverity, AlertStatus, Patient, PatientStatus
from patients.services import alert_raise

if TYPE_CHECKING:
    from recovery_hub.demo import DemoClinic


def seed_engagement(demos: list, rng: random.Random, today: date) -> None:
    for step in (seed_digests, seed_help, seed_ladder, seed_celebrations):
        step(demos, rng, today)


DEMO_TIMES = [
    (Weekday.SUNDAY, time(18, 0)),
    (Weekday.MONDAY, time(8, 0)),
    (Weekday.THURSDAY, time(19, 30)),
    (Weekday.SATURDAY, time(10, 0)),
    (Weekday.WEDNESDAY, time(20, 0)),
]


def seed_digests(demos: list[DemoClinic], rng: random.Random | None, today: date) -> None:
    """Digests on for every active demo supporter, on varied days and times (by position, so
    the shared random stream of the later steps is untouched); the second person of each
    clinic chose the summary-only form."""
    for demo in demos:
        contacts = SupportContact.objects.filter(
            patient__in=demo.patients, status=ContactStatus.ACTIVE
        ).order_by("patient__mrn", "name", "pk")
        for position, contact in enumerate(contacts):
            weekday, send_time = DEMO_TIMES[position % len(DEMO_TIMES)]
            DigestSubscription.objects.get_or_create(
                contact=contact,
                defaults={"enabled": True, "weekday": weekday, "send_time": send_time},
            )
        if len(demo.patients) > 1:
            PatientEngagement.objects.get_or_create(
                patient=demo.patients[1], defaults={"digest_mode": DigestMode.SUMMARY}
            )


DEMO_STEP = "Call me, and if I do not answer, come by."
DEMO_RESOLUTION = "Called back within the hour; safe at home with family, session moved up."


def seed_help(demos: list, rng: random.Random, today: date) -> None:
    """Every demo supporter who sees the coping plan has a playbook step, and the first person
    of each demo clinic has one past help request, answered by one supporter and resolved by
    the clinician. Past, so nothing is sent. Safe to run twice."""
    for demo in demos:
        for patient in demo.patients:
            for contact in askable_supporters(patient):
                if not contact.playbook_step.strip():
                    contact.playbook_step = DEMO_STEP
                    contact.save(update_fields=["playbook_step"])
        if not demo.patients:
            continue
        patient = demo.patients[0]
        if patient.user_id is None or patient.help_requests.exists():
            continue
        asked = askable_supporters(patient)[:2]
        if not asked:
            continue
        _seed_past_request(patient, asked, demo.clinicians[0], today)


def _seed_past_request(
    patient: Patient, asked: list[SupportContact], clinician: User, today: date
) -> None:
    at = datetime.combine(today - timedelta(days=3), time(21, 40), tzinfo=patient.zone)
    with transaction.atomic():
        help_request = HelpRequest.objects.create(patient=patient, created_by=patient.user)
        alert = alert_raise(
            patient=patient,
            kind=AlertKind.HELP_REQUESTED,
            severity=AlertSeverity.HIGH,
            message=f"{patient.display_name} pressed the help button and asked "
            f"{len(asked)} supporters for help.",
            source=f"help:{help_request.pk}",
        )
        HelpRequest.objects.filter(pk=help_request.pk).update(alert=alert, created_at=at)
        for contact in asked:
            Asked.objects.create(request=help_request, contact=contact)
        first = asked[0]
        ack = HelpAcknowledgement.objects.create(request=help_request, contact=first)
        on_it = at + timedelta(minutes=4)
        HelpAcknowledgement.objects.filter(pk=ack.pk).update(created_at=on_it)
        Asked.objects.filter(request=help_request, contact=first).update(acknowledged_at=on_it)
        if alert is not None:
            Alert.objects.filter(pk=alert.pk).update(
                created_at=at,
                status=AlertStatus.RESOLVED,
                acknowledged_at=on_it,
                acknowledged_by=clinician,
                resolved_at=at + timedelta(minutes=50),
                resolved_by=clinician,
                resolution_comment=DEMO_RESOLUTION,
            )


def seed_ladder(demos: list[Any], rng: random.Random, today: date) -> None:
    """In the first demo clinic: the quietest active person has an open ladder at rung 2 (their
    chosen supporter asked, not yet acted); another has a ladder a check-in closed. Safe to run
    twice; deterministic (no randomness needed)."""
    if not demos:
        return
    demo = demos[0]
    people = (
        Patient.objects.filter(pk__in=[p.pk for p in demo.patients], status=PatientStatus.ACTIVE)
        .annotate(last_checkin=_last_checkin_of_patient())
        .order_by("last_checkin", "pk")
    )
    people = [p for p in people if p.last_checkin is not None]
    if len(people) < 2 or Ladder.objects.filter(patient__in=people).exists():
        return
    now = timezone.now()
    quiet = next((p for p in people if ladder_candidates(p)), None)
    if quiet is not None:
        contact = ladder_candidates(quiet)[0]
        PatientEngagement.objects.update_or_create(
            patient=quiet, defaults={"ladder_contact": contact}
        )
        ladder = Ladder.objects.create(
            patient=quiet, streak=quiet.last_checkin.isoformat(), opened_at=now - timedelta(days=2)
        )
        LadderStep.objects.create(ladder=ladder, rung=Rung.NUDGE, taken_at=ladder.opened_at)
        LadderStep.objects.create(ladder=ladder, rung=Rung.SUPPORTER, taken_at=now, contact=contact)
    back = people[-1]
    if back != quiet:
        opened = now - timedelta(days=6)
        ladder = Ladder.objects.create(
            patient=back,
            streak=(back.last_checkin - timedelta(days=5)).isoformat(),
            opened_at=opened,
            closed_at=opened + timedelta(days=1),
            closed_reason=CLOSED_CHECKED_IN,
        )
        LadderStep.objects.create(ladder=ladder, rung=Rung.NUDGE, taken_at=opened)


def _last_checkin_of_patient() -> Subquery:
    return Subquery(
        CheckIn.objects.filter(patient=OuterRef("pk"))
        .order_by("-local_date")
        .values("local_date")[:1]
    )


DEMO_MESSAGES = [
    "So proud of you. You keep showing up for yourself. Dinner on me this weekend!",
    "You make every Sunday brighter. Here's to you and to many more days like this one.",
    "Let's go out for drinks to celebrate!",  # flagged for review
]
DEMO_PAST = [
    "What a milestone! I saw how hard you worked for it. Love you.",
    "You kept every promise to yourself. Proud to know you.",
]


def _demo_write(
    patient: Patient,
    contact: SupportContact,
    milestone: MilestoneDate,
    text: str,
    status: str,
    reviewer: User | None,
) -> None:
    reviewed = status != CelebrationStatus.PENDING
    CelebrationMessage.objects.get_or_create(
        contact=contact,
        milestone_key=milestone.key,
        milestone_date=milestone.date,
        defaults={
            "patient": patient,
            "message": text,
            "flags": flag_terms(text),
            "status": status,
            "reviewed_by": reviewer if reviewed else None,
            "reviewed_at": timezone.now() if reviewed else None,
        },
    )


def _demo_writers(patient: Patient) -> list[SupportContact]:
    contacts = patient.contacts.filter(status=ContactStatus.ACTIVE).order_by("pk")
    return [c for c in contacts if Scope.MILESTONES in consented_scopes(c)]


def seed_celebrations(demos: list[Any], rng: random.Random, today: date) -> None:
    """In each demo clinic, the person with the soonest milestone (preferring one with three
    supporters who share milestones; the fifth demo person reaches 30 days in three days) gets
    one approved message and two waiting for review, one of them flagged; their last milestone
    before today has a card of two approved messages. Safe to run twice."""
    for demo in demos:
        upcoming = []
        for patient in demo.patients:
            if patient.status not in ONGOING or patient.recovery_start is None:
                continue
            coming = milestones_between(
                patient.recovery_start,
                today + timedelta(days=1),
                today + timedelta(days=WRITE_AHEAD_DAYS),
            )
            if coming:
                writers = _demo_writers(patient)
                rank = (len(writers) < 3, coming[0].date, patient.pk)
                upcoming.append((rank, patient, coming[0], writers))
        if not upcoming:
            continue
        _rank, patient, milestone, writers = min(upcoming, key=lambda item: item[0])
        reviewer = patient.care_team.filter(is_primary=True).select_related("clinician").first()
        reviewer_user = reviewer.clinician if reviewer else None
        plan = [
            (DEMO_MESSAGES[1], CelebrationStatus.APPROVED),
            (DEMO_MESSAGES[0], CelebrationStatus.PENDING),
            (DEMO_MESSAGES[2], CelebrationStatus.PENDING),
        ]
        for contact, (text, status) in zip(writers, plan, strict=False):
            _demo_write(patient, contact, milestone, text, status, reviewer_user)
        past = milestones_between(
            patient.recovery_start, patient.recovery_start, today - timedelta(days=1)
        )
        if past:
            for contact, text in zip(writers, DEMO_PAST, strict=False):
                _demo_write(
                    patient, contact, past[-1], text, CelebrationStatus.APPROVED, reviewer_user
                )
