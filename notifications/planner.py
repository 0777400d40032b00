"""The reminder planner's engine: time windows, recipients, opt-outs, the batch it writes to
the outbox, and the registry of rules.

`plan(at)` looks at the window (at - 1 hour, at]: every message whose exact due time falls in it
is enqueued with that due time. The minute tick (`reminders_tick`) calls it every minute, so a
missed run is caught up within the hour; the outbox's idempotency key (kind, occurrence,
recipient, channel) makes asking twice plan once.

The rules live with their data, one module each, and register here at start-up (their app's
AppConfig.ready()) with an explicit `order`; a run calls them in that order, flushing the batch
after each:

    10 milestones            networks/reminders.py
    20 check-in reminders    coping/reminders.py
    30 missed check-ins      engagement/reminders.py   (the ladder's first rung)
    40 appointments          networks/reminders.py
    50 help tasks            networks/reminders.py
    55 help calendar slots   networks/slot_reminders.py
    60 reach-outs            networks/reminders.py
    70 assessments           coping/reminders.py
    80 the ladder's rungs    engagement/ladder.py
    90 celebration cards     engagement/celebrations.py

This module imports no app above it: the apps that know people register what it needs
(`register_zone_source`: the time zones in use; `register_supporter_rules`: the consent rule
and who is active; `register_link_makers`: links for people who have not joined yet).

Local times are computed per recipient with zoneinfo, `datetime.combine(day, time, zone)`, then
compared in UTC, so the daylight-saving changes move the UTC instant and never the local time.

Counting (the `planned=N skipped=N` line):
- planned: rows written to the outbox by this run.
- skipped: messages whose time had come but that a rule held back: a supporter who is not
  active or has no consent in force for the scope, an opt-out (paused, unsubscribed from the
  kind, channel turned off, a contact's opt-out), a discharged or alumni patient, an already
  done check-in, or a recipient with no address for the channel.
- A message planned by an earlier run (enqueue() returns None) counts as neither; it is in
  `Tally.already`. So a second run for the same instant prints planned=0 and the same skipped.

Supporters only ever get a minimal text: no clinic name, diagnosis, substance or treatment in a
subject or SMS; every message is rendered in its recipient's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import translation

from accounts.languages import language_for
from accounts.models import User
from notifications.models import Channel, ContactOptOut, Notification, NotificationPreference
from notifications.outbox import Message, enqueue_many, planned_before_is_skipped

if TYPE_CHECKING:
    from networks.models import SupportContact
    from patients.models import Patient

WINDOW = timedelta(hours=1)
# The SQL prefilters look at local times this much either side of the window (a superset that
# holds across a daylight-saving change); in_window() then decides exactly.
MARGIN = timedelta(hours=2)

Render = Callable[["Recipient"], tuple[str, str, str]]


# --- the registries (filled at start-up by the apps above) ------------------------------------


@dataclass(frozen=True)
class Rule:
    order: int
    run: Callable[[Planner], None]


RULES: list[Rule] = []


def register_rule(rule: Callable[[Planner], None], *, order: int) -> None:
    """Add a rule; a run calls the rules by ascending `order` (two rules never share one)."""
    if any(known.run is rule for known in RULES):
        return
    if any(known.order == order for known in RULES):
        raise ValueError(f"Another planner rule already has the order {order}.")
    RULES.append(Rule(order=order, run=rule))
    RULES.sort(key=lambda known: known.order)


# Where the time zones in use are (the users' are the engine's own): each source returns the
# zone names of its rows, in one query.
ZONE_SOURCES: list[Callable[[], Iterable[str]]] = []


def register_zone_source(source: Callable[[], Iterable[str]]) -> None:
    if source not in ZONE_SOURCES:
        ZONE_SOURCES.append(source)


@dataclass(frozen=True)
class SupporterRules:
    """The consent rule (one contact, and many in one query) and whether a contact is active."""

    scopes: Callable[[SupportContact, datetime], frozenset[str]]
    scopes_of: Callable[[list[SupportContact], datetime], dict[int, frozenset[str]]]
    is_active: Callable[[SupportContact], bool]


SUPPORTERS: dict[str, SupporterRules] = {}


def register_supporter_rules(
    *,
    scopes: Callable[[SupportContact, datetime], frozenset[str]],
    scopes_of: Callable[[list[SupportContact], datetime], dict[int, frozenset[str]]],
    is_active: Callable[[SupportContact], bool],
) -> None:
    """networks/ registers its consent rule; without it no supporter is ever written to."""
    SUPPORTERS["rules"] = SupporterRules(scopes=scopes, scopes_of=scopes_of, is_active=is_active)


@dataclass
class Tally:
    planned: int = 0
    skipped: int = 0
    already: int = 0  # planned by an earlier run: neither planned nor skipped
    alerts: int = 0  # care-team alerts raised (missed check-ins)
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reasons[reason] += 1


@dataclass(frozen=True)
class Recipient:
    key: str
    channel: str
    address: str
    language: str
    zone: ZoneInfo
    user: User | None = None
    contact: SupportContact | None = None


# --- links ------------------------------------------------------------------------------------


def site_link(path: str) -> str:
    """An absolute link to `path` (built with reverse())."""
    return f"{settings.SITE_URL}{path}"


# People who have not joined yet (no sign-in) get links that work without one. joining/
# registers how at start-up (a one-action check-in, their invitation); without it, a link
# opens the page itself. Other apps register named links the same way (engagement: the
# milestone heads-up's "write a message" link, `celebrate`).
PatientLinkMaker = Callable[["Patient", str, date | None], str]
SupporterLinkMaker = Callable[["SupportContact", str], str]
LINK_MAKERS: dict[str, Callable] = {}


def register_link_makers(**makers: Callable) -> None:
    LINK_MAKERS.update(makers)


def link_maker(name: str) -> Callable | None:
    """The link maker registered under `name`, or None."""
    return LINK_MAKERS.get(name)


def patient_link(patient: Patient, path: str, *, checkin_day: date | None = None) -> str:
    """A link for the person in recovery to `path`; with `checkin_day`, a check-in for that
    local day that works before they have a sign-in."""
    if patient.user_id is None and "patient" in LINK_MAKERS:
        return LINK_MAKERS["patient"](patient, path, checkin_day)
    return site_link(path)


def supporter_link(contact: SupportContact | None, path: str) -> str:
    """A link for a supporter to `path`; one who has not joined gets their invitation."""
    if contact is not None and contact.user_id is None and "supporter" in LINK_MAKERS:
        return LINK_MAKERS["supporter"](contact, path)
    return site_link(path)


def _zone(name: str | None, fallback: ZoneInfo | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else fallback
    except (KeyError, ValueError):
        return fallback


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


class Planner:
    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("The planner needs an aware datetime.")
        self.at = at.astimezone(UTC)
        self.start = self.at - WINDOW
        self.tally = Tally()
        self._preferences: dict[int, NotificationPreference | None] = {}
        self._opt_outs: dict[int, set[str]] = {}
        self._batch: list[tuple[Message, datetime, Patient, Recipient]] = []
        self._scopes: dict[int, frozenset[str]] = {}
        self._zones: set[str] | None = None

    # --- time -----------------------------------------------------------------------------

    def due(self, day: date, at: time, zone: ZoneInfo) -> datetime:
        """The UTC instant of `at` o'clock on the local `day` in `zone` (DST-correct)."""
        return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)

    def in_window(self, due_at: datetime) -> bool:
        return self.start < due_at <= self.at

    def local_days(self, zone: ZoneInfo) -> list[date]:
        """The local days the window touches in `zone` (one or two)."""
        return sorted({local(self.start, zone).date(), local(self.at, zone).date()})

    def due_in_window(self, days: Iterable[date], at: time, zone: ZoneInfo) -> Iterable[tuple]:
        for day in days:
            due_at = self.due(day, at, zone)
            if self.in_window(due_at):
                yield day, due_at

    def utc_days(self) -> tuple[date, date]:
        """Every local day the window touches, in any zone (UTC-12 to UTC+14), lies here."""
        return self.start.date() - timedelta(days=1), self.at.date() + timedelta(days=1)

    def zones_in_use(self) -> set[str]:
        """Every time zone a patient or a user has (a handful), asked once per run."""
        if self._zones is None:
            names: list[str] = []
            for source in ZONE_SOURCES:
                names.extend(source())
            names.extend(User.objects.order_by().values_list("time_zone", flat=True).distinct())
            self._zones = {name for name in names if name}
        return self._zones

    def local_ranges(self, zone: ZoneInfo) -> list[tuple[date, time, time]]:
        """The local (day, from, to) wall-clock ranges of the window widened by MARGIN: every
        local time that can fall due in the window lies in one of them."""
        low, high = local(self.start - MARGIN, zone), local(self.at + MARGIN, zone)
        ranges, day = [], low.date()
        while day <= high.date():
            ranges.append(
                (
                    day,
                    low.time() if day == low.date() else time.min,
                    high.time() if day == high.date() else time.max,
                )
            )
            day += timedelta(days=1)
        return ranges

    def local_time_filter(
        self, field: str, zone_q: Callable[[str], Q], weekday: str | None = None
    ) -> Q:
        """A Q matching the rows whose local `field` time (in the zone `zone_q` names, on the
        `weekday` field's day if given) may fall due in this window: a superset, in SQL."""
        which = Q(pk__in=[])
        for name in sorted(self.zones_in_use()):
            zone = _zone(name, None)
            if zone is None:
                continue
            for day, start, end in self.local_ranges(zone):
                clause = zone_q(name) & Q(**{f"{field}__range": (start, end)})
                if weekday:
                    clause &= Q(**{weekday: day.weekday()})
                which |= clause
        return which

    def local_day_filter(
        self, at: time, field: str, zone_q: Callable[[str], Q], days_before: int = 0
    ) -> Q:
        """A Q matching the rows whose date `field`, less `days_before` days, is a local day on
        which `at` o'clock (in the zone `zone_q` names) may fall due in this window."""
        which = Q(pk__in=[])
        for name in sorted(self.zones_in_use()):
            zone = _zone(name, None)
            if zone is None:
                continue
            days = [day for day, start, end in self.local_ranges(zone) if start <= at <= end]
            if days:
                which |= zone_q(name) & Q(
                    **{f"{field}__in": [day + timedelta(days=days_before) for day in days]}
                )
        return which

    def zones_where(self, at: time) -> set[str]:
        """The zones in use where `at` o'clock may fall due in this window (a superset)."""
        found = set()
        for name in self.zones_in_use():
            zone = _zone(name, None)
            if zone is not None and any(
                start <= at <= end for _day, start, end in self.local_ranges(zone)
            ):
                found.add(name)
        return found

    # --- consents ---------------------------------------------------------------------------

    def load_scopes(self, contacts: Iterable[SupportContact]) -> None:
        """The scopes in force at the planning instant of these contacts, in one query."""
        missing = [c for c in contacts if c.pk not in self._scopes]
        if not missing:
            return
        rules = SUPPORTERS.get("rules")
        if rules is None:
            self._scopes.update((c.pk, frozenset()) for c in missing)
        else:
            self._scopes.update(rules.scopes_of(missing, self.at))

    def scopes_of(self, contact: SupportContact) -> frozenset[str]:
        if contact.pk not in self._scopes:
            rules = SUPPORTERS.get("rules")
            found = rules.scopes(contact, self.at) if rules is not None else frozenset()
            self._scopes[contact.pk] = found
        return self._scopes[contact.pk]

    # --- opt-outs ---------------------------------------------------------------------------

    def load_opt_outs(self, users: Iterable[int], contacts: Iterable[int]) -> None:
        """Preferences and contact opt-outs of these people, in two queries."""
        missing_users = {pk for pk in users if pk and pk not in self._preferences}
        if missing_users:
            for pk in missing_users:
                self._preferences[pk] = None
            for pref in NotificationPreference.objects.filter(user_id__in=missing_users):
                self._preferences[pref.user_id] = pref
        missing_contacts = {pk for pk in contacts if pk and pk not in self._opt_outs}
        if missing_contacts:
            self._opt_outs.update(ContactOptOut.objects.kinds_by_contact(missing_contacts))

    def preload(
        self,
        patients: Iterable[Patient] = (),
        contacts: Iterable[SupportContact] = (),
        users: Iterable[User] = (),
    ) -> None:
        """Read the choices of a rule's recipients at once (two queries), before its loop."""
        contacts = list(contacts)
        self.load_opt_outs(
            [
                *(p.user_id for p in patients),
                *(c.user_id for c in contacts),
                *(u.pk for u in users),
            ],
            [c.pk for c in contacts],
        )

    def opted_out(self, kind: str, recipient: Recipient) -> bool:
        """The recipient turned this kind off: an email's opt-out link (a contact), or their
        notification settings (paused, unsubscribed from the kind, or, for a message to their
        own account, the channel turned off). A supporter's settings hold for messages to their
        contact too, except the channel choice (the clinic records how to reach them)."""
        contact = recipient.contact
        owner = contact.user_id if contact is not None and recipient.user is None else None
        users = [recipient.user.pk] if recipient.user else [owner] if owner else []
        self.load_opt_outs(users, [contact.pk] if contact is not None else [])
        if contact is not None and kind in self._opt_outs.get(contact.pk, ()):
            return True
        if owner:
            pref = self._preferences.get(owner)
            return pref is not None and pref.refuses(kind)
        pref = self._preferences.get(recipient.user.pk) if recipient.user else None
        if pref is None:
            return False
        if pref.refuses(kind):
            return True
        channels = (pref.channels or {}).get(kind)
        return channels is not None and recipient.channel not in channels

    # --- recipients -------------------------------------------------------------------------

    def patient_recipient(self, patient: Patient, channel: str = Channel.EMAIL) -> Recipient | None:
        user = patient.user
        key = f"user:{user.pk}" if user else f"patient:{patient.pk}"
        if channel == Channel.IN_APP and user is None:
            channel = Channel.EMAIL  # no account: the note goes by email
        if channel == Channel.IN_APP:
            address = ""
        else:
            address = (user.email if user else "") or patient.email
            if not address:
                return None
        return Recipient(
            key=key,
            channel=channel,
            address=address,
            language=patient.message_language,
            zone=patient.zone,
            user=user,
        )

    def staff_recipient(self, user: User, patient: Patient) -> Recipient:
        return Recipient(
            key=f"user:{user.pk}",
            channel=Channel.IN_APP,
            address="",
            language=language_for(user, patient.clinic),
            zone=user.zone_or(patient.zone),
            user=user,
        )

    def supporter_recipient(self, contact: SupportContact) -> Recipient | None:
        """Their preferred channel when it can reach them, else email, else SMS. (Push: see
        below; without an account it falls back to email like the rest.)"""
        preferred = contact.preferred_channel
        if preferred == Channel.SMS and contact.phone:
            channel, address = Channel.SMS, contact.phone
        elif preferred in (Channel.IN_APP, Channel.PUSH) and contact.user_id:
            # Push rides with the in-app note (the outbox adds it for a device that takes it):
            # never push alone, so a supporter without a device still hears.
            channel, address = Channel.IN_APP, ""
        elif contact.email:
            channel, address = Channel.EMAIL, contact.email
        elif contact.phone:
            channel, address = Channel.SMS, contact.phone
        elif contact.user_id:
            channel, address = Channel.IN_APP, ""
        else:
            return None
        return Recipient(
            key=f"contact:{contact.pk}",
            channel=channel,
            address=address,
            language=contact.message_language,
            zone=contact.zone,
            contact=contact,
        )

    def supporter_allowed(self, contact: SupportContact, scope: str) -> bool:
        """Active, with a consent in force at the planning instant that covers the scope."""
        rules = SUPPORTERS.get("rules")
        if rules is not None and not rules.is_active(contact):
            self.tally.skip(f"contact {contact.status}")
            return False
        if scope not in self.scopes_of(contact):
            self.tally.skip("no consent")
            return False
        return True

    # --- writing ----------------------------------------------------------------------------

    def send(
        self,
        kind: str,
        occurrence: str,
        recipient: Recipient | None,
        due_at: datetime,
        patient: Patient,
        render: Render,
    ) -> None:
        """Render in the recipient's language and enqueue; `render` returns subject, body and
        link."""
        if recipient is None:
            self.tally.skip("no address")
            return
        if self.opted_out(kind, recipient):
            self.tally.skip("opted out")
            return
        with translation.override(recipient.language):
            subject, body, link = render(recipient)
        message = Message(
            kind=kind,
            occurrence=occurrence,
            channel=recipient.channel,
            recipient_key=recipient.key,
            address=recipient.address,
            body=body,
            subject=subject if recipient.channel != Channel.SMS else "",
            link=link,
            language=recipient.language,
        )
        self._batch.append((message, due_at, patient, recipient))

    def discard(self) -> None:
        """Forget what was sent but not flushed (its transaction was rolled back)."""
        self._batch = []

    def flush(self) -> None:
        """Write the batch: one query finds what earlier runs planned (on PostgreSQL the insert
        skips them itself), then one insert for the new messages (enqueue_many() still guards
        against a concurrent run)."""
        batch, self._batch = self._batch, []
        if not batch:
            return
        existing = (
            set()  # the insert skips them (PostgreSQL): no 50,000-item IN list first
            if planned_before_is_skipped()
            else set(
                Notification.objects.filter(
                    kind__in={m.kind for m, *_rest in batch},
                    occurrence__in={m.occurrence for m, *_rest in batch},
                ).values_list("kind", "occurrence", "recipient_key", "channel")
            )
        )
        new = []
        for message, due_at, patient, recipient in batch:
            key = (message.kind, message.occurrence, message.recipient_key, message.channel)
            if key in existing:
                self.tally.already += 1
                continue
            existing.add(key)
            new.append(
                (
                    message,
                    {
                        "due_at": due_at,
                        "clinic": patient.clinic,
                        "patient": patient,
                        "recipient_user": recipient.user,
                        "recipient_contact": recipient.contact,
                    },
                )
            )
        for pk in enqueue_many(new):
            if pk is None:
                self.tally.already += 1
            else:
                self.tally.planned += 1

    # --- the rules --------------------------------------------------------------------------

    def run(self) -> Tally:
        for rule in list(RULES):
            rule.run(self)
            self.flush()
        return self.tally


def plan(at: datetime) -> Tally:
    """Plan everything due in (at - 1 hour, at]."""
    return Planner(at).run()
