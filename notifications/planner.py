"""The reminder planner: decides which messages are due and writes them to the outbox.

`plan(at)` looks at the window (at - 1 hour, at]: every message whose exact due time falls in it
is enqueued with that due time. The minute tick (`reminders_tick`) calls it every minute, so a
missed run is caught up within the hour; the outbox's idempotency key (kind, occurrence,
recipient, channel) makes asking twice plan once.

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

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, Min, OuterRef, Prefetch, Q
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organization, User
from coping.models import CheckIn
from coping.selectors import schedule_for
from core.dates import weekday
from networks.consent import consented_scopes, consented_scopes_of
from networks.models import ContactStatus, HelpStatus, HelpTask, SupportContact
from notifications.models import Channel, ContactOptOut, Notification, NotificationPreference
from notifications.outbox import Message, enqueue_many
from patients.milestones import DAY_MILESTONES, MAX_YEARS, MilestoneDate, milestones_between
from patients.models import (
    Alert,
    AlertKind,
    AlertSeverity,
    Appointment,
    AppointmentStatus,
    CareTeamMember,
    Patient,
    PatientStatus,
)

WINDOW = timedelta(hours=1)
# The SQL prefilters look at local times this much either side of the window (a superset that
# holds across a daylight-saving change); in_window() then decides exactly.
MARGIN = timedelta(hours=2)
MILESTONE_TIME = time(9, 0)
HELP_TASK_TIME = time(9, 0)
ASSESSMENT_TIME = time(10, 0)
CHECKIN_TIME = time(19, 0)
MISSED_CHECKINS_FROM = time(9, 0)  # the missed-check-in rule acts from 9:00 patient-local on

ONGOING = (PatientStatus.ACTIVE, PatientStatus.INTAKE)
ENDED = (PatientStatus.DISCHARGED, PatientStatus.ALUMNI)

# Kind strings (notifications.models.Kind values).
CHECKIN_REMINDER = "checkin_reminder"
MILESTONE_HEADS_UP = "milestone_heads_up"
MILESTONE_DAY = "milestone_day"
APPOINTMENT_24H = "appointment_24h"
APPOINTMENT_1H = "appointment_1h"
HELP_TASK_DUE = "help_task_due"
REACH_OUT = "reach_out_reminder"
ASSESSMENT_DUE = "assessment_due"
MISSED_CHECKINS = "missed_checkins"


# Rules other apps add (engagement: the escalation ladder, ...): each is called with the
# planner after the built-in ones, and uses its send()/due()/in_window() helpers.
EXTRA_RULES: list[Callable[[Planner], None]] = []


def register_rule(rule: Callable[[Planner], None]) -> None:
    if rule not in EXTRA_RULES:
        EXTRA_RULES.append(rule)


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


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# People who have not joined yet (no sign-in) get links that work without one. joining/
# registers how at start-up (a one-action check-in, their invitation); without it, a link
# opens the page itself.
PatientLinkMaker = Callable[[Patient, str, date | None], str]
SupporterLinkMaker = Callable[[SupportContact, str], str]
LINK_MAKERS: dict[str, Callable] = {}


def register_link_makers(*, patient: PatientLinkMaker, supporter: SupporterLinkMaker) -> None:
    LINK_MAKERS.update(patient=patient, supporter=supporter)


def patient_link(patient: Patient, path: str, *, checkin_day: date | None = None) -> str:
    """A link for the person in recovery to `path`; with `checkin_day`, a check-in for that
    local day that works before they have a sign-in."""
    if patient.user_id is None and "patient" in LINK_MAKERS:
        return LINK_MAKERS["patient"](patient, path, checkin_day)
    return _link(path)


def supporter_link(contact: SupportContact | None, path: str) -> str:
    """A link for a supporter to `path`; one who has not joined gets their invitation."""
    if contact is not None and contact.user_id is None and "supporter" in LINK_MAKERS:
        return LINK_MAKERS["supporter"](contact, path)
    return _link(path)


def _first_name(patient: Patient) -> str:
    return patient.display_name.split(" ")[0]


def _zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else fallback
    except (KeyError, ValueError):
        return fallback


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
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
        return sorted({_local(self.start, zone).date(), _local(self.at, zone).date()})

    def due_in_window(self, days: Iterable[date], at: time, zone: ZoneInfo) -> Iterable[tuple]:
        for day in days:
            due_at = self.due(day, at, zone)
            if self.in_window(due_at):
                yield day, due_at

    def zones_in_use(self) -> set[str]:
        """Every time zone a patient or a user has (a handful), asked once per run."""
        if self._zones is None:
            patients = Patient.objects.order_by().values_list("time_zone", flat=True).distinct()
            users = User.objects.order_by().values_list("time_zone", flat=True).distinct()
            self._zones = {name for name in (*patients, *users) if name}
        return self._zones

    def local_ranges(self, zone: ZoneInfo) -> list[tuple[date, time, time]]:
        """The local (day, from, to) wall-clock ranges of the window widened by MARGIN: every
        local time that can fall due in the window lies in one of them."""
        low, high = _local(self.start - MARGIN, zone), _local(self.at + MARGIN, zone)
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
        if missing:
            self._scopes.update(consented_scopes_of(missing, self.at))

    def scopes_of(self, contact: SupportContact) -> frozenset[str]:
        if contact.pk not in self._scopes:
            self._scopes[contact.pk] = consented_scopes(contact, self.at)
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
            for pk in missing_contacts:
                self._opt_outs[pk] = set()
            rows = ContactOptOut.objects.filter(contact_id__in=missing_contacts)
            for contact_id, kind in rows.values_list("contact_id", "kind"):
                self._opt_outs[contact_id].add(kind)

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
            return pref is not None and (pref.paused or kind in (pref.unsubscribed_kinds or []))
        pref = self._preferences.get(recipient.user.pk) if recipient.user else None
        if pref is None:
            return False
        if pref.paused or kind in (pref.unsubscribed_kinds or []):
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
            language=patient.preferred_language or "en",
            zone=patient.zone,
            user=user,
        )

    def staff_recipient(self, user: User, patient: Patient) -> Recipient:
        return Recipient(
            key=f"user:{user.pk}",
            channel=Channel.IN_APP,
            address="",
            language=user.language or "en",
            zone=_zone(user.time_zone, patient.zone),
            user=user,
        )

    def supporter_recipient(self, contact: SupportContact) -> Recipient | None:
        """Their preferred channel when it can reach them, else email, else SMS."""
        preferred = contact.preferred_channel
        if preferred == Channel.SMS and contact.phone:
            channel, address = Channel.SMS, contact.phone
        elif preferred == Channel.IN_APP and contact.user_id:
            channel, address = Channel.IN_APP, ""
        elif contact.email:
            channel, address = Channel.EMAIL, contact.email
        elif contact.phone:
            channel, address = Channel.SMS, contact.phone
        elif contact.user_id:
            channel, address = Channel.IN_APP, ""
        else:
            return None
        zone = _zone(contact.user.time_zone if contact.user_id else None, contact.patient.zone)
        return Recipient(
            key=f"contact:{contact.pk}",
            channel=channel,
            address=address,
            language=contact.language or "en",
            zone=zone,
            contact=contact,
        )

    def supporter_allowed(self, contact: SupportContact, scope: str) -> bool:
        """Active, with a consent in force at the planning instant that covers the scope."""
        if contact.status != ContactStatus.ACTIVE:
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
        render: Callable[[Recipient], tuple[str, str, str]],
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

    def flush(self) -> None:
        """Write the batch: one query finds what earlier runs planned, then one insert for the
        new messages (enqueue_many() still guards against a concurrent run)."""
        batch, self._batch = self._batch, []
        if not batch:
            return
        existing = set(
            Notification.objects.filter(
                kind__in={m.kind for m, *_rest in batch},
                occurrence__in={m.occurrence for m, *_rest in batch},
            ).values_list("kind", "occurrence", "recipient_key", "channel")
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
        for row in enqueue_many(new):
            if row is None:
                self.tally.already += 1
            else:
                self.tally.planned += 1

    # --- the rules --------------------------------------------------------------------------

    def run(self) -> Tally:
        for rule in (
            self.milestones,
            self.checkin_reminders,
            self.missed_checkins,
            self.appointments,
            self.help_tasks,
            self.reach_outs,
            self.assessments,
        ):
            rule()
            self.flush()
        for extra in EXTRA_RULES:
            extra(self)
            self.flush()
        return self.tally

    def _utc_days(self) -> tuple[date, date]:
        """Every local day the window touches, in any zone (UTC-12 to UTC+14), lies here."""
        return self.start.date() - timedelta(days=1), self.at.date() + timedelta(days=1)

    def milestones(self) -> None:
        """Heads-up N days before (supporters with "milestones"), and the day itself (patient,
        care team, those supporters), at 9:00 in each recipient's zone."""
        first, last = self._utc_days()
        patients = Patient.objects.filter(
            recovery_start__in=self._milestone_starts(first, last)
        ).select_related("clinic", "user")
        candidates: list[tuple[Patient, MilestoneDate, str]] = []
        for patient in patients:
            ahead = patient.clinic.milestone_heads_up_days
            horizon = last + timedelta(days=ahead)
            for milestone in milestones_between(patient.recovery_start, first, horizon):
                if first <= milestone.date - timedelta(days=ahead) <= last:
                    candidates.append((patient, milestone, MILESTONE_HEADS_UP))
                if first <= milestone.date <= last:
                    candidates.append((patient, milestone, MILESTONE_DAY))
        if not candidates:
            return
        ids = {patient.pk for patient, _m, _k in candidates}
        contacts = self._contacts_of(ids)
        self.load_scopes(c for found in contacts.values() for c in found)
        team = self._care_team_of(ids)
        self.preload(
            patients=[p for p, _m, _k in candidates],
            contacts=[c for found in contacts.values() for c in found],
            users=[m.clinician for found in team.values() for m in found],
        )
        # A heads-up carries a fresh one-action link: look up what earlier runs planned first,
        # so a re-run neither plans nor makes a link again.
        heads_up_planned = set(
            Notification.objects.filter(
                kind=MILESTONE_HEADS_UP,
                occurrence__in={f"milestone:{p.pk}:{m.key}:{m.date}" for p, m, _k in candidates},
            ).values_list("occurrence", "recipient_key", "channel")
        )
        for patient, milestone, kind in candidates:
            ahead = patient.clinic.milestone_heads_up_days
            day = (
                milestone.date if kind == MILESTONE_DAY else milestone.date - timedelta(days=ahead)
            )
            occurrence = f"milestone:{patient.pk}:{milestone.key}:{milestone.date}"
            ended = patient.status in ENDED
            recipients: list[Recipient | None] = []
            if kind == MILESTONE_DAY:
                if self.in_window(self.due(day, MILESTONE_TIME, patient.zone)):
                    recipients.append(self.patient_recipient(patient))
                for member in team.get(patient.pk, []):
                    zone = _zone(member.clinician.time_zone, patient.zone)
                    if self.in_window(self.due(day, MILESTONE_TIME, zone)):
                        recipients.append(self.staff_recipient(member.clinician, patient))
            for contact in contacts.get(patient.pk, []):
                zone = _zone(contact.user.time_zone if contact.user_id else None, patient.zone)
                if not self.in_window(self.due(day, MILESTONE_TIME, zone)):
                    continue
                if ended:
                    self.tally.skip("discharged")
                elif self.supporter_allowed(contact, "milestones"):
                    recipients.append(self.supporter_recipient(contact))
            for recipient in recipients:
                if ended:
                    self.tally.skip("discharged")
                    continue
                if (
                    recipient is not None
                    and kind == MILESTONE_HEADS_UP
                    and ((occurrence, recipient.key, recipient.channel) in heads_up_planned)
                ):
                    self.tally.already += 1
                    continue
                due_at = self.due(
                    day, MILESTONE_TIME, recipient.zone if recipient else patient.zone
                )
                self.send(
                    kind,
                    occurrence,
                    recipient,
                    due_at,
                    patient,
                    self._milestone_text(kind, patient, milestone),
                )

    def _milestone_starts(self, first: date, last: date) -> set[date]:
        """The recovery start dates that have a milestone (or a heads-up for one) between
        `first` and `last`: the SQL prefilter of milestones(); milestones_between() decides."""
        ahead = Organization.objects.aggregate(most=Max("milestone_heads_up_days"))["most"] or 0
        starts: set[date] = set()
        day = first
        while day <= last + timedelta(days=ahead):
            starts.update(day - timedelta(days=days) for days in DAY_MILESTONES)
            for years in range(1, MAX_YEARS + 1):
                if day.year - years < 1:
                    break
                if day.month == 2 and day.day == 29:
                    continue  # no anniversary falls on 29 February (it moves to the 28th)
                starts.add(day.replace(year=day.year - years))
                if (day.month, day.day) == (2, 28) and calendar.isleap(day.year - years):
                    starts.add(date(day.year - years, 2, 29))  # celebrated on the 28th
            day += timedelta(days=1)
        return starts

    def _milestone_text(self, kind: str, patient: Patient, milestone: MilestoneDate) -> Callable:
        def render(recipient: Recipient) -> tuple[str, str, str]:
            name = _first_name(patient)
            if recipient.contact is not None:
                link = supporter_link(recipient.contact, f"/support/{patient.pk}/")
                if kind == MILESTONE_HEADS_UP:
                    from engagement.celebrations import celebrate_link

                    weekday = formats.date_format(milestone.date, "l")
                    write = celebrate_link(recipient.contact, milestone)
                    return (
                        _("A milestone to celebrate soon"),
                        _(
                            "%(name)s has a milestone coming up on %(day)s. Write a few words "
                            "for the day: %(write)s Sign in to see how you can celebrate: "
                            "%(link)s"
                        )
                        % {"name": name, "day": weekday, "write": write, "link": link},
                        link,
                    )
                return (
                    _("A day to celebrate"),
                    _(
                        "Today is a special day for %(name)s. Sign in to see how you can "
                        "celebrate: %(link)s"
                    )
                    % {"name": name, "link": link},
                    link,
                )
            if recipient.user is not None and recipient.channel == Channel.IN_APP:
                link = _link(f"/patients/{patient.pk}/journey/")
                return (
                    _("%(name)s reaches %(label)s today")
                    % {"name": patient.display_name, "label": milestone.label},
                    _("%(name)s reaches %(label)s today. A word from the team means a lot.")
                    % {"name": patient.display_name, "label": milestone.label},
                    link,
                )
            link = patient_link(patient, "/my-recovery/progress/")
            return (
                _("Congratulations on %(label)s!") % {"label": milestone.label},
                _(
                    "Hi %(name)s, today marks %(label)s. Every day counts, and this one is "
                    "worth celebrating. See your journey: %(link)s"
                )
                % {"name": name, "label": milestone.label, "link": link},
                link,
            )

        return render

    def _contacts_of(self, patient_ids: set[int]) -> dict[int, list[SupportContact]]:
        """Every non-removed contact of these patients (removed ones are never considered)."""
        by_patient: dict[int, list[SupportContact]] = defaultdict(list)
        rows = (
            SupportContact.objects.filter(patient_id__in=patient_ids)
            .exclude(status=ContactStatus.REMOVED)
            .select_related("user", "patient")
            .order_by("pk")
        )
        for contact in rows:
            by_patient[contact.patient_id].append(contact)
        return by_patient

    def _care_team_of(self, patient_ids: set[int]) -> dict[int, list[CareTeamMember]]:
        by_patient: dict[int, list[CareTeamMember]] = defaultdict(list)
        rows = (
            CareTeamMember.objects.current()
            .filter(patient_id__in=patient_ids, clinician__is_active=True)
            .select_related("clinician")
            .order_by("pk")
        )
        for member in rows:
            by_patient[member.patient_id].append(member)
        return by_patient

    def checkin_reminders(self) -> None:
        """At the patient's reminder time (19:00 local by default), unless already checked in."""
        due: list[tuple[Patient, date, datetime]] = []
        near = self.local_time_filter("checkin_reminder_time", lambda name: Q(time_zone=name))
        for patient in (
            Patient.objects.filter(near)
            .exclude(status__in=(PatientStatus.ALUMNI,))
            .select_related("clinic", "user")
        ):
            at = patient.checkin_reminder_time or CHECKIN_TIME
            for day, due_at in self.due_in_window(self.local_days(patient.zone), at, patient.zone):
                due.append((patient, day, due_at))
        if not due:
            return
        self.preload(patients=[p for p, _d, _a in due])
        done = set(
            CheckIn.objects.filter(
                patient_id__in={p.pk for p, _d, _a in due}, local_date__in={d for _p, d, _a in due}
            ).values_list("patient_id", "local_date")
        )
        for patient, day, due_at in due:
            if patient.status in ENDED:
                self.tally.skip("discharged")
                continue
            if (patient.pk, day) in done:
                self.tally.skip("checked in")
                continue

            def render(
                recipient: Recipient, patient: Patient = patient, day: date = day
            ) -> tuple[str, str, str]:
                link = patient_link(patient, "/my-recovery/check-in/", checkin_day=day)
                return (
                    _("Time for your daily check-in"),
                    _("Hi %(name)s, how was today? Your check-in takes a minute: %(link)s")
                    % {"name": _first_name(patient), "link": link},
                    link,
                )

            self.send(
                CHECKIN_REMINDER,
                f"checkin:{patient.pk}:{day}",
                self.patient_recipient(patient),
                due_at,
                patient,
                render,
            )

    def missed_checkins(self) -> None:
        """No check-in on each of the last N local days (N = clinic.missed_checkin_days) of an
        active patient who existed before them: one care-team alert and one gentle note per
        streak (the streak is named by the last check-in date). Acts from 9:00 patient-local.

        This is the first rung of the escalation ladder: unless the clinic turned the ladder
        off, the same transaction opens the streak's Ladder with its nudge step; the later rungs
        are engagement.ladder's rule (it never takes one without this one recorded)."""
        from engagement.ladder import ladder_enabled, ladders_opened

        # Only people with no check-in since the latest day any streak can start (today in the
        # most eastern zone less the shortest streak of any clinic): a superset, in SQL.
        shortest = Organization.objects.aggregate(days=Min("missed_checkin_days"))["days"] or 0
        latest_first_missed = (self.at + timedelta(hours=14)).date() - timedelta(days=shortest)
        recent = CheckIn.objects.filter(patient=OuterRef("pk"), local_date__gte=latest_first_missed)
        patients = (
            Patient.objects.filter(status=PatientStatus.ACTIVE)
            .filter(~Exists(recent))
            .select_related("clinic", "clinic__ladder_policy", "user")
            .annotate(last_checkin=Max("checkins__local_date"))
        )
        streaks: list[tuple[Patient, str, int]] = []
        for patient in patients:
            local_now = _local(self.at, patient.zone)
            if local_now.time() < MISSED_CHECKINS_FROM:
                continue
            today = local_now.date()
            days = patient.clinic.missed_checkin_days
            first_missed = today - timedelta(days=days)
            if patient.created_at.astimezone(patient.zone).date() >= first_missed:
                continue
            last = patient.last_checkin
            if last is not None and last >= first_missed:
                continue  # checked in on one of those days (or later)
            streaks.append((patient, last.isoformat() if last else "never", days))
        if not streaks:
            return
        raised = set(
            Alert.objects.filter(
                patient_id__in={p.pk for p, _s, _d in streaks},
                kind=AlertKind.MISSED_CHECKINS,
                source__in={f"missed:{s}" for _p, s, _d in streaks},
            ).values_list("patient_id", "source")
        )
        opened = ladders_opened([(p.pk, s) for p, s, _d in streaks])
        to_do = []
        for patient, streak, days in streaks:
            alerted = (patient.pk, f"missed:{streak}") in raised
            climbing = ladder_enabled(patient.clinic) and (patient.pk, streak) not in opened
            if alerted and not climbing:
                continue  # this streak was handled by an earlier run
            to_do.append((patient, streak, days, alerted, climbing))
        if not to_do:
            return
        try:
            # Every new streak at once (many fall due together at 9:00 in a zone): the ladders,
            # their first steps, the alerts and the notes, in one transaction.
            with transaction.atomic():
                self._missed_together(to_do)
        except IntegrityError:  # a concurrent run took some: one streak at a time, as it can
            self._batch = []
            for item in to_do:
                self._missed_one(*item)

    @staticmethod
    def _missed_alert(patient: Patient, streak: str, days: int) -> dict:
        return {
            "patient": patient,
            "kind": AlertKind.MISSED_CHECKINS,
            "source": f"missed:{streak}",
            "message": ngettext(
                "No check-in for %(count)d day.", "No check-ins for %(count)d days.", days
            )
            % {"count": days},
        }

    def _missed_note(self, patient: Patient, streak: str) -> None:
        def render(recipient: Recipient, patient: Patient = patient) -> tuple:
            today = _local(self.at, patient.zone).date()
            link = patient_link(patient, "/my-recovery/check-in/", checkin_day=today)
            return (
                _("We have missed you"),
                _(
                    "Hi %(name)s, we have not seen a check-in for a few days. Whenever "
                    "you are ready, it takes a minute: %(link)s. If things are hard "
                    "right now, your care team is here for you."
                )
                % {"name": _first_name(patient), "link": link},
                link,
            )

        self.send(
            MISSED_CHECKINS,
            f"missed:{patient.pk}:{streak}",
            self.patient_recipient(patient, Channel.IN_APP),
            self.at,
            patient,
            render,
        )

    def _missed_together(self, to_do: list[tuple]) -> None:
        from engagement.ladder import NOTE_ALERTED_EARLIER
        from engagement.models import Ladder, LadderStep, Rung

        ladders = Ladder.objects.bulk_create(
            Ladder(patient=patient, streak=streak, opened_at=self.at)
            for patient, streak, _days, _alerted, climbing in to_do
            if climbing
        )
        alerted_earlier = {(p.pk, s) for p, s, _d, alerted, _c in to_do if alerted}
        LadderStep.objects.bulk_create(
            LadderStep(
                ladder=ladder,
                rung=Rung.NUDGE,
                taken_at=self.at,
                note=NOTE_ALERTED_EARLIER
                if (ladder.patient_id, ladder.streak) in alerted_earlier
                else "",
            )
            for ladder in ladders
        )
        new = [(p, s, d) for p, s, d, alerted, _c in to_do if not alerted]
        primary: dict[int, int] = {}
        for patient_id, clinician_id in (
            CareTeamMember.objects.current()
            .filter(patient_id__in=[p.pk for p, _s, _d in new], is_primary=True)
            .order_by("-started_on", "-pk")
            .values_list("patient_id", "clinician_id")
        ):
            primary[patient_id] = clinician_id  # the first seat wins, as alert_raise() does
        Alert.objects.bulk_create(
            Alert(
                **self._missed_alert(patient, streak, days),
                clinic_id=patient.clinic_id,
                severity=AlertSeverity.MEDIUM,
                owner_id=primary.get(patient.pk),
            )
            for patient, streak, days in new
        )
        self.tally.alerts += len(new)
        for patient, streak, _days in new:
            self._missed_note(patient, streak)
        self.flush()

    def _missed_one(
        self, patient: Patient, streak: str, days: int, alerted: bool, climbing: bool
    ) -> None:
        from engagement.ladder import ladder_open
        from patients.services import alert_raise

        with transaction.atomic():
            if climbing:
                # An alert raised before the ladder existed still gets its ladder.
                ladder_open(patient=patient, streak=streak, at=self.at, alerted=alerted)
            if alerted:
                return
            alert = alert_raise(**self._missed_alert(patient, streak, days))
            if alert is None:
                return  # a concurrent run raised it
            self.tally.alerts += 1
            self._missed_note(patient, streak)
            self.flush()

    def appointments(self) -> None:
        """24 hours and 1 hour before, to the staff attending (in the app), the patient (email)
        and the invited supporters with "appointments" (their channel)."""
        marks = ((APPOINTMENT_24H, timedelta(hours=24)), (APPOINTMENT_1H, timedelta(hours=1)))
        window = Q()
        for _kind, before in marks:
            window |= Q(starts_at__gt=self.start + before, starts_at__lte=self.at + before)
        rows = (
            Appointment.objects.filter(window, status=AppointmentStatus.SCHEDULED)
            .select_related("clinic", "patient", "patient__clinic", "patient__user")
            .prefetch_related(
                Prefetch("staff_attendees", queryset=User.objects.filter(is_active=True)),
                Prefetch(
                    "network_attendees",
                    queryset=SupportContact.objects.select_related("user", "patient"),
                ),
            )
        )
        for appointment in rows:
            patient = appointment.patient
            for kind, before in marks:
                due_at = appointment.starts_at - before
                if not self.in_window(due_at):
                    continue
                occurrence = f"appointment:{appointment.pk}:{appointment.starts_at:%Y%m%dT%H%M}"
                render = self._appointment_text(kind, appointment)
                if patient.status in ENDED:
                    self.tally.skip("discharged")
                    continue
                recipients = [self.patient_recipient(patient)]
                recipients += [
                    self.staff_recipient(u, patient) for u in appointment.staff_attendees.all()
                ]
                for contact in appointment.network_attendees.all():
                    if contact.status == ContactStatus.REMOVED:
                        self.tally.skip("contact removed")
                    elif self.supporter_allowed(contact, "appointments"):
                        recipients.append(self.supporter_recipient(contact))
                for recipient in recipients:
                    self.send(kind, occurrence, recipient, due_at, patient, render)

    def _appointment_text(self, kind: str, appointment: Appointment) -> Callable:
        def render(recipient: Recipient) -> tuple[str, str, str]:
            patient = appointment.patient
            when = formats.date_format(
                _local(appointment.starts_at, recipient.zone), "DATETIME_FORMAT"
            )
            soon = _("tomorrow") if kind == APPOINTMENT_24H else _("in an hour")
            if recipient.contact is not None:
                link = supporter_link(recipient.contact, f"/support/{patient.pk}/")
                return (
                    _("A reminder: you are invited, %(soon)s") % {"soon": soon},
                    _(
                        "%(name)s invited you to join them %(soon)s (%(when)s). Sign in for the "
                        "details: %(link)s"
                    )
                    % {"name": _first_name(patient), "soon": soon, "when": when, "link": link},
                    link,
                )
            if recipient.channel == Channel.IN_APP:
                link = _link(f"/patients/{patient.pk}/appointments/")
                text = _("%(label)s with %(name)s, %(when)s") % {
                    "label": appointment.label,
                    "name": patient.display_name,
                    "when": when,
                }
                return text, text, link
            link = patient_link(patient, "/my-recovery/")
            return (
                _("Reminder: %(label)s %(soon)s") % {"label": appointment.label, "soon": soon},
                _(
                    "Hi %(name)s, a reminder of your %(label)s %(soon)s, %(when)s. See you "
                    "there! %(link)s"
                )
                % {
                    "name": _first_name(patient),
                    "label": appointment.label,
                    "soon": soon,
                    "when": when,
                    "link": link,
                },
                link,
            )

        return render

    def help_tasks(self) -> None:
        """A week before and the day before a claimed task's date, at 9:00 in the supporter's
        zone, to the supporter who claimed it (with "help_tasks"). A task claimed after its
        week-before moment gets no week reminder: the claim itself was that moment."""
        week_kind = "help_task_week"  # notifications.models.Kind.HELP_TASK_WEEK
        marks = ((HELP_TASK_DUE, 1, "help_task"), (week_kind, 7, "help_task_week"))
        dates = Q(pk__in=[])
        for _kind, before, _name in marks:
            dates |= self.local_day_filter(
                HELP_TASK_TIME,
                "due_on",
                lambda name: Q(claimed_by__user__time_zone=name) | Q(patient__time_zone=name),
                days_before=before,
            )
        tasks = HelpTask.objects.filter(
            dates, status=HelpStatus.CLAIMED, claimed_by__isnull=False
        ).select_related(
            "patient",
            "patient__clinic",
            "claimed_by",
            "claimed_by__user",
            "claimed_by__patient",
        )
        for task in tasks:
            contact, patient = task.claimed_by, task.patient
            zone = _zone(contact.user.time_zone if contact.user_id else None, patient.zone)
            for kind, before, name in marks:
                due_at = self.due(task.due_on - timedelta(days=before), HELP_TASK_TIME, zone)
                if not self.in_window(due_at):
                    continue
                if kind == week_kind and task.claimed_at and task.claimed_at >= due_at:
                    continue
                if patient.status in ENDED:
                    self.tally.skip("discharged")
                    continue
                if contact.status == ContactStatus.REMOVED:
                    self.tally.skip("contact removed")
                    continue
                if not self.supporter_allowed(contact, "help_tasks"):
                    continue
                self.send(
                    kind,
                    f"{name}:{task.pk}:{task.due_on}",
                    self.supporter_recipient(contact),
                    due_at,
                    patient,
                    self._help_task_text(kind, task),
                )

    def _help_task_text(self, kind: str, task: HelpTask) -> Callable:
        """What a supporter reads: the kind of help and the day, never the task's own title
        (it may name a treatment or a place)."""

        def render(recipient: Recipient) -> tuple[str, str, str]:
            link = supporter_link(recipient.contact, f"/support/{task.patient_id}/")
            values = {
                "name": _first_name(task.patient),
                "kind": task.get_kind_display(),
                "day": weekday(task.due_on),
                "link": link,
            }
            if kind == HELP_TASK_DUE:
                return (
                    _("A reminder for tomorrow"),
                    _(
                        "Thank you for offering to help %(name)s (%(kind)s). It is planned for "
                        "tomorrow. Details: %(link)s"
                    )
                    % values,
                    link,
                )
            return (
                _("A reminder for next week"),
                _(
                    "Thank you for offering to help %(name)s (%(kind)s). It is planned for "
                    "%(day)s, a week from today. Details: %(link)s"
                )
                % values,
                link,
            )

        return render

    def reach_outs(self) -> None:
        """Each supporter's own cadence ("every Sunday at 19:00"), in their zone: a nudge to
        reach out, while something is shared with them. It says nothing about how the person
        is doing."""
        near = self.local_time_filter(
            "reach_out_time",
            lambda name: Q(user__time_zone=name) | Q(patient__time_zone=name),
            weekday="reach_out_weekday",
        )
        contacts = list(
            SupportContact.objects.filter(
                near,
                status=ContactStatus.ACTIVE,
                reach_out_weekday__isnull=False,
                reach_out_time__isnull=False,
                patient__status__in=[PatientStatus.ACTIVE, PatientStatus.INTAKE],
            ).select_related("patient", "patient__clinic", "user")
        )
        self.load_scopes(contacts)
        self.preload(contacts=contacts)
        for contact in contacts:
            patient = contact.patient
            zone = _zone(contact.user.time_zone if contact.user_id else None, patient.zone)
            for day, due_at in self.due_in_window(
                self.local_days(zone), contact.reach_out_time, zone
            ):
                if day.weekday() != contact.reach_out_weekday:
                    continue
                if not self.scopes_of(contact):
                    self.tally.skip("no consent")
                    continue

                def render(
                    recipient: Recipient, patient: Patient = patient
                ) -> tuple[str, str, str]:
                    link = supporter_link(recipient.contact, f"/support/{patient.pk}/")
                    return (
                        _("A moment to reach out"),
                        _(
                            "You planned to reach out to %(name)s around now. A call, a visit "
                            "or a message all count. Log it when you have: %(link)s"
                        )
                        % {"name": _first_name(patient), "link": link},
                        link,
                    )

                self.send(
                    REACH_OUT,
                    f"reach_out:{contact.pk}:{day}",
                    self.supporter_recipient(contact),
                    due_at,
                    patient,
                    render,
                )

    def assessments(self) -> None:
        """When a questionnaire becomes due today, at 10:00 patient-local: the patient and the
        primary clinician (in the app). One message per patient per day, listing them."""
        due: list[tuple[Patient, date, datetime]] = []
        near = Q(status__in=ONGOING, time_zone__in=self.zones_where(ASSESSMENT_TIME))
        for patient in Patient.objects.filter(near).select_related("clinic", "user"):
            for day, due_at in self.due_in_window(
                self.local_days(patient.zone), ASSESSMENT_TIME, patient.zone
            ):
                due.append((patient, day, due_at))
        if not due:
            return
        team = self._care_team_of({patient.pk for patient, _d, _a in due})
        self.preload(
            patients=[p for p, _d, _a in due],
            users=[m.clinician for found in team.values() for m in found],
        )
        for patient, day, due_at in due:
            names = [
                d.instrument.short_name for d in schedule_for(patient, day) if d.next_due == day
            ]
            if not names:
                continue
            occurrence = f"assessment:{patient.pk}:{day}"
            recipients = [self.patient_recipient(patient, Channel.IN_APP)]
            recipients += [
                self.staff_recipient(m.clinician, patient)
                for m in team.get(patient.pk, [])
                if m.is_primary
            ]

            def render(
                recipient: Recipient, patient: Patient = patient, names: list[str] = names
            ) -> tuple[str, str, str]:
                if recipient.user is not None and recipient.user.pk != patient.user_id:
                    link = _link(f"/patients/{patient.pk}/")
                    text = _("%(list)s due today for %(name)s") % {
                        "list": ", ".join(names),
                        "name": patient.display_name,
                    }
                    return text, text, link
                link = patient_link(patient, "/my-recovery/")
                count = len(names)
                return (
                    ngettext(
                        "A short questionnaire is ready for you",
                        "%(count)d short questionnaires are ready for you",
                        count,
                    )
                    % {"count": count},
                    _(
                        "Hi %(name)s, it is time for a few quick questions about how you have "
                        "been. It helps you and your team see your progress: %(link)s"
                    )
                    % {"name": _first_name(patient), "link": link},
                    link,
                )

            for recipient in recipients:
                self.send(ASSESSMENT_DUE, occurrence, recipient, due_at, patient, render)


def plan(at: datetime) -> Tally:
    """Plan everything due in (at - 1 hour, at]."""
    return Planner(at).run()
