"""The monthly summary: on the first of each month, in the clinic's own time zone, every active
admin of the clinic gets one email with the dashboard's figures for the last 30 days.

- `monthly_plan(at)` plans, for each active clinic whose local date at `at` is the 1st, one row
  per active admin ("monthly_summary:<clinic>:<YYYY-MM>", to "user:<id>", by email). On any
  other local day it does nothing, so the periodic task may run at any time (hourly in
  recovery_hub/schedule.py: the first run after local midnight plans, the other 23 find the rows
  there). The outbox's idempotency key makes a second run plan nothing.
- The figures are read once per clinic, when the rows are planned, from the dashboard's own
  selectors and the reports its tiles link to; the text is rendered per admin in their language.
- Only counts and rates: never a patient's name or anything else that identifies a person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from accounts.languages import language_for
from accounts.models import Membership, Organization, Role, User
from core.dates import day
from notifications.models import Channel, Kind, Notification, NotificationPreference
from notifications.outbox import Message, enqueue
from notifications.preferences import wants
from reports.filters import default_filters
from reports.registry import database_ready
from reports.selectors import clinic_overview, dashboard_tiles

logger = logging.getLogger(__name__)

MONTHLY = Kind.MONTHLY_SUMMARY.value
# Planned any time on the 1st; not sent before this local time (the sweep sends it then).
SEND_TIME = time(8, 0)


def clinic_zone(clinic: Organization) -> ZoneInfo:
    try:
        return ZoneInfo(clinic.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def first_of_month(clinic: Organization, at: datetime) -> date | None:
    """The clinic's local date at `at` when it is the first of a month; None on other days."""
    local = at.astimezone(clinic_zone(clinic)).date()
    return local if local.day == 1 else None


def occurrence_of(clinic: Organization, first: date) -> str:
    return f"{MONTHLY}:{clinic.pk}:{first:%Y-%m}"


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyFigures:
    """The clinic at a glance, counts and rates only (what the dashboard shows)."""

    clinic_name: str
    start: date
    end: date
    active_patients: int
    intake_patients: int
    adherence30: float | None
    adherence_patients: int
    alerts_day: int
    alerts_week: int
    alerts_older: int
    milestones: dict[str, int]  # d30, d90, d180, y1, total
    network: dict[str, int]  # invited, accepted, active, patients_networked, tasks_done, ...
    delivery_sent: int
    delivery_failed: int
    delivery_total: int

    @property
    def alerts_open(self) -> int:
        return self.alerts_day + self.alerts_week + self.alerts_older


NETWORK_KEYS = (
    "invited",
    "accepted",
    "active",
    "patients_networked",
    "tasks_created",
    "tasks_done",
    "reach_outs",
    "encouragements",
)
MILESTONE_KEYS = ("d30", "d90", "d180", "y1", "total")


def monthly_figures(clinic: Organization) -> MonthlyFigures:
    """The dashboard's figures for the last 30 days (to today in the clinic's zone): its
    overview and tiles, and the totals of the milestone and network reports its tiles link to,
    over the same 30 days. A fixed number of queries whatever the clinic's size."""
    overview = clinic_overview(clinic=clinic)
    tiles = dashboard_tiles(clinic=clinic)
    filters = default_filters(clinic)
    milestones, network = tiles["milestones"], tiles["network"]
    patients, alerts, delivery = overview["patients"], tiles["alerts"], tiles["delivery"]
    return MonthlyFigures(
        clinic_name=clinic.name,
        start=tiles.get("since", filters.start),
        end=filters.end,
        active_patients=patients["active"],
        intake_patients=patients["intake"],
        adherence30=tiles["adherence30"],
        adherence_patients=tiles["adherence_patients"],
        alerts_day=alerts["day"],
        alerts_week=alerts["week"],
        alerts_older=alerts["older"],
        milestones={key: int(milestones.get(key) or 0) for key in MILESTONE_KEYS},
        network={key: int(network.get(key) or 0) for key in NETWORK_KEYS},
        delivery_sent=delivery["sent"],
        delivery_failed=delivery["failed"],
        delivery_total=delivery["total"],
    )


# --- the text ------------------------------------------------------------------------------------


def dashboard_url() -> str:
    return f"{settings.SITE_URL}{reverse('reports:dashboard')}"


def monthly_render(figures: MonthlyFigures) -> tuple[str, str, str]:
    """Subject, text and HTML in the active language."""
    start = day(figures.start)
    end = day(figures.end)
    subject = _("Monthly summary for %(clinic)s: the 30 days to %(end)s") % {
        "clinic": figures.clinic_name,
        "end": end,
    }
    context = {
        "subject": subject,
        "figures": figures,
        "start": start,
        "end": end,
        "adherence": (
            None
            if figures.adherence30 is None
            else formats.number_format(figures.adherence30, decimal_pos=1)
        ),
        "dashboard_url": dashboard_url(),
    }
    return (
        subject,
        render_to_string("reports/email/monthly_summary.txt", context),
        render_to_string("reports/email/monthly_summary.html", context),
    )


# --- planning ------------------------------------------------------------------------------------


@dataclass
class MonthlyTally:
    planned: int = 0
    already: int = 0  # planned by an earlier run: neither planned nor skipped
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1


def admins_of(clinic: Organization) -> list[User]:
    """The clinic's active admins with active accounts."""
    memberships = (
        Membership.objects.active()
        .filter(organization=clinic, role=Role.ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    return [membership.user for membership in memberships]


def _refusing(users: list[User]) -> set[int]:
    """Admins who turned these emails off: paused everything, unsubscribed or email off."""
    preferences = NotificationPreference.objects.filter(user__in=users)
    by_user = {preference.user_id: preference for preference in preferences}
    return {
        user.pk
        for user in users
        if user.pk in by_user
        and not wants(user, MONTHLY, Channel.EMAIL, preference=by_user[user.pk])
    }


def monthly_plan(at: datetime) -> MonthlyTally:
    """Plan this month's summary for every clinic where it is the 1st at `at` (local), once
    per admin. Figures are read only for a clinic with an admin still to be sent one."""
    if at.tzinfo is None:
        raise ValueError("Monthly summaries are planned for an aware instant.")
    at = at.astimezone(UTC)
    tally = MonthlyTally()
    if not database_ready():  # the figures are counted with PostgreSQL's SQL
        logger.warning("Monthly summaries need PostgreSQL; none planned on %s.", connection.vendor)
        return tally
    for clinic in Organization.objects.filter(is_active=True).order_by("pk"):
        first = first_of_month(clinic, at)
        if first is not None:
            _plan_clinic(clinic, first, at, tally)
    return tally


def _plan_clinic(clinic: Organization, first: date, at: datetime, tally: MonthlyTally) -> None:
    occurrence = occurrence_of(clinic, first)
    planned_before = set(
        Notification.objects.filter(kind=MONTHLY, occurrence=occurrence).values_list(
            "recipient_key", flat=True
        )
    )
    admins = admins_of(clinic)
    waiting = [user for user in admins if f"user:{user.pk}" not in planned_before]
    tally.already += len(admins) - len(waiting)
    if not waiting:
        return
    refusing = _refusing(waiting)
    due: list[User] = []
    for user in waiting:
        if not user.email:
            tally.skip("no email address")
        elif user.pk in refusing:
            tally.skip("opted out")
        else:
            due.append(user)
    if not due:
        return
    figures = monthly_figures(clinic)
    send_at = datetime.combine(first, SEND_TIME, tzinfo=clinic_zone(clinic)).astimezone(UTC)
    due_at = max(at, send_at)
    with transaction.atomic():  # dispatched when the whole clinic's rows commit
        for user in due:
            language = language_for(user, clinic)  # the admin's own, else the clinic's default
            with translation.override(language):
                subject, body, html_body = monthly_render(figures)
            message = Message(
                kind=MONTHLY,
                occurrence=occurrence,
                channel=Channel.EMAIL,
                recipient_key=f"user:{user.pk}",
                address=user.email,
                subject=subject,
                body=body,
                html_body=html_body,
                link=dashboard_url(),
                language=language,
            )
            row = enqueue(message, due_at=due_at, clinic=clinic, recipient_user=user)
            if row is None:  # a concurrent run planned it first
                tally.already += 1
            else:
                tally.planned += 1
