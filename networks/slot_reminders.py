"""Reminders of the help calendar: a supporter who took an occasion of a help task hears of it
the day before and an hour before, through the planner (order 55, after the one-time help tasks'
rule) and the outbox (which holds a message in the recipient's quiet hours and sends it when
they end).

- `Kind.HELP_SLOT_DAY_BEFORE`: 24 hours before the occasion starts (its start is a wall time in
  the patient's zone; the instant is the same for everyone). An occasion with no time ("any
  time that day") is reminded at 9:00 the day before in the supporter's own zone, the hour of
  the other help-task reminders (networks.reminders.HELP_TASK_TIME).
- `Kind.HELP_SLOT_HOUR_BEFORE`: one hour before the start; none for an occasion with no time.

Only claims still held (`given_back_at` empty) when the planner runs get one; the occurrence
key names the claim (`help_slot:<claim id>:<day>`), so a claim given back after planning is
caught at send time by `slot_send_guard`. Both kinds belong to the help-tasks section
(networks.supporter_sections), so the consent send guard covers them too.

What a supporter reads: the day, the time window in their own zone, the kind of help and the
person's first name, in their own language; never the task's own title (it may name a
treatment or a place), as for the other help-task reminders.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.translation import gettext as _

from core.dates import clock, weekday
from networks.models import ContactStatus, HelpSlotClaim, HelpStatus, Scope
from networks.recurrence import Occasion, occasions
from notifications.hooks import register_send_guard
from notifications.models import Kind, Notification
from notifications.planner import (
    Planner,
    Recipient,
    Render,
    local,
    register_rule,
    supporter_link,
)
from patients.reminders import ENDED

HELP_SLOTS_ORDER = 55
# An occasion with no time: the day-before reminder at this hour in the supporter's zone.
UNTIMED_REMINDER_TIME = time(9, 0)
OCCURRENCE_PREFIX = "help_slot"
SLOT_KINDS = frozenset({Kind.HELP_SLOT_DAY_BEFORE, Kind.HELP_SLOT_HOUR_BEFORE})
BEFORE = {
    Kind.HELP_SLOT_DAY_BEFORE: timedelta(hours=24),
    Kind.HELP_SLOT_HOUR_BEFORE: timedelta(hours=1),
}


def occurrence_key(claim: HelpSlotClaim) -> str:
    """The outbox's occurrence: the claim and its day (a reminder per claim, per kind)."""
    return f"{OCCURRENCE_PREFIX}:{claim.pk}:{claim.occurs_on.isoformat()}"


def claim_id_of(occurrence: str) -> int | None:
    parts = occurrence.split(":")
    if len(parts) != 3 or parts[0] != OCCURRENCE_PREFIX or not parts[1].isdigit():
        return None
    return int(parts[1])


def slot_due(
    kind: str, occasion: Occasion, patient_zone: ZoneInfo, supporter_zone: ZoneInfo
) -> datetime | None:
    """When `kind` is due for this occasion (UTC), or None (no hour-before for an untimed one)."""
    starts = occasion.starts(patient_zone)
    if starts is None:
        if kind != Kind.HELP_SLOT_DAY_BEFORE:
            return None
        day_before = occasion.day - timedelta(days=1)
        return datetime.combine(day_before, UNTIMED_REMINDER_TIME, tzinfo=supporter_zone)
    return starts - BEFORE[kind]


def help_slots(planner: Planner) -> None:
    """The day-before and hour-before reminders of every occasion still held by a supporter
    who may see help tasks, whose due time falls in this window."""
    # Every due time in (start, at] belongs to an occasion within a day or two of it, in any
    # zone (UTC-12 to UTC+14): the SQL prefilter; slot_due() and in_window() decide exactly.
    first = planner.start.date() - timedelta(days=1)
    last = planner.at.date() + timedelta(days=2)
    claims = list(
        HelpSlotClaim.objects.filter(occurs_on__range=(first, last), given_back_at__isnull=True)
        .exclude(task__status=HelpStatus.CANCELLED)
        .exclude(contact__status=ContactStatus.REMOVED)
        .select_related(
            "task",
            "task__patient",
            "task__patient__clinic",
            "task__patient__user",
            "contact",
            "contact__user",
            "contact__patient",
        )
        .order_by("occurs_on", "pk")
    )
    if not claims:
        return
    contacts = list({claim.contact_id: claim.contact for claim in claims}.values())
    planner.load_scopes(contacts)
    planner.preload(contacts=contacts)
    still_in_series: dict[tuple[int, date], bool] = {}
    for claim in claims:
        task, contact = claim.task, claim.contact
        patient = task.patient
        key = (task.pk, claim.occurs_on)
        if key not in still_in_series:  # the series may have changed since the claim
            still_in_series[key] = bool(occasions(task, claim.occurs_on, claim.occurs_on))
        if not still_in_series[key]:
            planner.tally.skip("not an occasion any more")
            continue
        occasion = Occasion(task, claim.occurs_on)
        for kind in (Kind.HELP_SLOT_DAY_BEFORE, Kind.HELP_SLOT_HOUR_BEFORE):
            due_at = slot_due(kind, occasion, patient.zone, contact.zone)
            if due_at is None or not planner.in_window(due_at):
                continue
            if patient.status in ENDED:
                planner.tally.skip("discharged")
                continue
            if not planner.supporter_allowed(contact, Scope.HELP_TASKS):
                continue
            planner.send(
                kind,
                occurrence_key(claim),
                planner.supporter_recipient(contact),
                due_at,
                patient,
                slot_text(kind, occasion),
            )


def window_text(occasion: Occasion, zone: ZoneInfo) -> str:
    """The time window in `zone` (two clock times joined by a dash), in the active language;
    "" when the occasion has no time."""
    patient_zone = occasion.task.patient.zone
    starts = occasion.starts(patient_zone)
    if starts is None:
        return ""
    ends = occasion.ends(patient_zone)
    start_text = clock(local(starts, zone).time())
    if ends is None or ends <= starts:
        return start_text
    return f"{start_text}–{clock(local(ends, zone).time())}"


def slot_text(kind: str, occasion: Occasion) -> Render:
    """Rendered in the recipient's language (the planner activates it) with the times in the
    supporter's own zone."""
    task = occasion.task

    def render(recipient: Recipient) -> tuple[str, str, str]:
        link = supporter_link(recipient.contact, reverse("networks:supporter_calendar"))
        zone = recipient.zone
        when = window_text(occasion, zone)
        values = {
            "name": task.patient.first_name,
            "kind": task.get_kind_display(),
            "when": when,
            "day": weekday(occasion.day),
            "link": link,
        }
        if kind == Kind.HELP_SLOT_HOUR_BEFORE:
            subject = _("In an hour, %(when)s: helping %(name)s") % values
            body = (
                _(
                    "In an hour, %(when)s: %(kind)s for %(name)s. Thank you for being there. "
                    "If something came up, give it back here: %(link)s"
                )
                % values
            )
        elif when:
            subject = _("Tomorrow %(when)s: helping %(name)s") % values
            body = (
                _(
                    "Tomorrow %(when)s: %(kind)s for %(name)s. Thank you for being there. "
                    "If something came up, give it back here: %(link)s"
                )
                % values
            )
        else:
            subject = _("Tomorrow: helping %(name)s") % values
            body = (
                _(
                    "Tomorrow (%(day)s), any time that day: %(kind)s for %(name)s. Thank you for "
                    "being there. If something came up, give it back here: %(link)s"
                )
                % values
            )
        return subject, body, link

    return render


def slot_send_guard(row: Notification) -> str:
    """The outbox's send-time check of a slot reminder: the claim must still be held (a give
    back or a swap after planning stops it)."""
    if row.kind not in SLOT_KINDS:
        return ""
    claim_id = claim_id_of(row.occurrence)
    if claim_id is None:
        return ""
    held = HelpSlotClaim.objects.filter(pk=claim_id, given_back_at__isnull=True).exists()
    return "" if held else "The help slot was given back."


def register() -> None:
    """Wiring (NetworksConfig.ready): the planner rule and its send-time check."""
    register_rule(help_slots, order=HELP_SLOTS_ORDER)
    register_send_guard(slot_send_guard)
