"""Reads of engagement's features for the pages: a person's help request and its status, the
open asks a supporter sees, the celebration messages waiting, reviewed and on cards, the
ladder on the chart and the supporters who may be asked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Prefetch
from django.utils import timezone

from coping.services import current_version
from engagement.celebrations import card_url, label_of
from engagement.help import HELP_SCOPE, OPEN_FOR, REPEAT_WITHIN, STOP_POLLING_AFTER
from engagement.ladder import LADDER_SCOPE, rung_days
from engagement.models import (
    CelebrationMessage,
    CelebrationStatus,
    HelpAcknowledgement,
    HelpRequest,
    Ladder,
    LadderStep,
)
from engagement.models import HelpRequestRecipient as Asked
from networks.consent import consented_scopes
from networks.models import ContactStatus, SupportContact
from patients.milestones import MilestoneDate
from patients.models import Patient


@dataclass
class LadderView:
    ladder: Ladder | None
    steps: list[LadderStep]
    days: dict[str, int]

    @property
    def is_open(self) -> bool:
        return self.ladder is not None and self.ladder.closed_at is None


def ladder_for_chart(patient: Patient) -> LadderView:
    """The person's latest ladder (open, or the last one closed) with its steps and who
    acted: two queries."""
    steps = LadderStep.objects.select_related(
        "contact", "assigned_to", "acted_by_user", "acted_by_contact"
    ).order_by("taken_at", "pk")
    ladder = (
        Ladder.objects.filter(patient=patient)
        .prefetch_related(Prefetch("steps", queryset=steps))
        # The open one (closed_at NULL) first, else the newest; PostgreSQL sorts NULLs last in
        # ascending order unless told.
        .order_by(F("closed_at").asc(nulls_first=True), "-opened_at", "-pk")
        .first()
    )
    taken = list(ladder.steps.all()) if ladder else []
    return LadderView(ladder=ladder, steps=taken, days=rung_days(patient.clinic))


def ladder_candidates(patient: Patient) -> list[SupportContact]:
    """The people who may be asked: active contacts with check-in summaries shared now (the
    consent gate, per contact: a network is a handful of people)."""
    contacts = SupportContact.objects.filter(patient=patient, status=ContactStatus.ACTIVE).order_by(
        "name", "pk"
    )
    return [c for c in contacts if LADDER_SCOPE in consented_scopes(c)]


def pending_for(patient: Patient) -> list[CelebrationMessage]:
    return list(
        CelebrationMessage.objects.filter(patient=patient, status=CelebrationStatus.PENDING)
        .exclude(contact__status=ContactStatus.REMOVED)
        .select_related("contact")
        .order_by("milestone_date", "created_at", "id")
    )


def pending_count(patient: Patient) -> int:
    """How many messages wait for the person's review (one query)."""
    return (
        CelebrationMessage.objects.filter(patient=patient, status=CelebrationStatus.PENDING)
        .exclude(contact__status=ContactStatus.REMOVED)
        .count()
    )


def own_messages(
    contact: SupportContact, milestones: Iterable[MilestoneDate]
) -> dict[tuple[str, date], CelebrationMessage]:
    """The supporter's own messages for these milestones, by (key, date): one query."""
    return {
        (note.milestone_key, note.milestone_date): note
        for note in CelebrationMessage.objects.filter(
            contact=contact, milestone_date__in=[m.date for m in milestones]
        )
    }


def own_message(contact: SupportContact, key: str, day: date) -> CelebrationMessage | None:
    """The supporter's own message for one milestone, if they wrote one."""
    return CelebrationMessage.objects.filter(
        contact=contact, milestone_key=key, milestone_date=day
    ).first()


def reviewed_for(patient: Patient, today: date, limit: int = 50) -> list[CelebrationMessage]:
    """Decisions on milestones of the last 30 days and the coming ones."""
    return list(
        CelebrationMessage.objects.filter(
            patient=patient,
            milestone_date__gte=today - timedelta(days=30),
            status__in=(CelebrationStatus.APPROVED, CelebrationStatus.DECLINED),
        )
        .exclude(contact__status=ContactStatus.REMOVED)
        .select_related("contact", "reviewed_by")
        .order_by("milestone_date", "created_at", "id")[:limit]
    )


def cards_for(patient: Patient, today: date, limit: int = 12) -> list[dict[str, Any]]:
    """Milestone days up to today that have approved messages: key, date, count, label."""
    rows = list(
        CelebrationMessage.objects.filter(
            patient=patient, status=CelebrationStatus.APPROVED, milestone_date__lte=today
        )
        .exclude(contact__status=ContactStatus.REMOVED)
        .values("milestone_key", "milestone_date")
        .annotate(count=Count("id"))
        .order_by("-milestone_date", "milestone_key")[:limit]
    )
    for row in rows:
        row["label"] = label_of(row["milestone_key"])
        row["url"] = card_url(patient, row["milestone_key"], row["milestone_date"])
    return rows


def recent_request(patient: Patient) -> HelpRequest | None:
    """The request a press now would reuse."""
    return patient.help_requests.filter(created_at__gt=timezone.now() - REPEAT_WITHIN).first()


def open_request(patient: Patient) -> HelpRequest | None:
    return patient.help_requests.filter(created_at__gt=timezone.now() - OPEN_FOR).first()


@dataclass(frozen=True)
class AskedLine:
    name: str
    on_it_at: datetime | None


@dataclass(frozen=True)
class RequestStatus:
    request: HelpRequest
    asked: list[AskedLine]
    team_on_it: list[HelpAcknowledgement]

    @property
    def on_it_count(self) -> int:
        return sum(1 for line in self.asked if line.on_it_at) + len(self.team_on_it)

    @property
    def everyone_answered(self) -> bool:
        return all(line.on_it_at for line in self.asked) and bool(self.asked)

    @property
    def keep_polling(self) -> bool:
        fresh = timezone.now() - self.request.created_at < STOP_POLLING_AFTER
        return fresh and not self.everyone_answered


def help_status(help_request: HelpRequest) -> RequestStatus:
    """Who was asked and who is on it (two queries)."""
    asked = [
        AskedLine(name=row.contact.name, on_it_at=row.acknowledged_at)
        for row in help_request.recipients.select_related("contact").order_by("contact__name")
    ]
    team = list(help_request.acknowledgements.filter(user__isnull=False).select_related("user"))
    return RequestStatus(request=help_request, asked=asked, team_on_it=team)


def open_asks_for(contact: SupportContact, scopes: Iterable[str] | None = None) -> list[Asked]:
    """The open requests asking this supporter, while the coping plan is shared with them
    (`scopes`: the page's own `consented_scopes()` of this request, to ask only once)."""
    if HELP_SCOPE not in (consented_scopes(contact) if scopes is None else scopes):
        return []
    return list(
        Asked.objects.filter(contact=contact, request__created_at__gt=timezone.now() - OPEN_FOR)
        .select_related("request")
        .order_by("-request__created_at")
    )


def requests_by_alert(patient: Patient) -> dict[int, HelpRequest]:
    """Every help request of the patient that raised an alert, with who was asked and who is on
    it, keyed by alert id (three queries for the whole alerts page)."""
    rows = patient.help_requests.filter(alert__isnull=False).prefetch_related(
        Prefetch(
            "recipients", queryset=Asked.objects.select_related("contact").order_by("contact__name")
        ),
        Prefetch(
            "acknowledgements",
            queryset=HelpAcknowledgement.objects.select_related("contact", "user"),
        ),
    )
    return {row.alert_id: row for row in rows}


def crisis_plan_for(patient: Patient) -> dict[str, Any]:
    """The crisis part of the current coping plan, with the emergency number always filled."""
    version = current_version(patient)
    crisis = dict((version.content or {}).get("crisis_plan") or {}) if version else {}
    return {
        "steps": [step for step in crisis.get("steps", []) if step],
        "people": [p for p in crisis.get("people", []) if isinstance(p, dict) and p.get("name")],
        "local_emergency_number": crisis.get("local_emergency_number")
        or patient.clinic.local_emergency_number
        or "911",
    }
