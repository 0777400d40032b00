"""The weekly supporter digest: one email a week per supporter, on the day and at the time they
chose, in their own zone and language, built from what the patient shares with them.

- `digests_plan(at)` plans, for each active supporter with a consent in force at `at`, the
  latest digest due at or before `at` ("digest:<contact>:<local date>"). The latest due instant
  is always within the last seven days, so a missed run catches up with one digest, never a
  backlog; the outbox's idempotency key makes a second run for the same instant plan nothing.
- The row written at plan time holds a short placeholder (it says nothing shared). The text
  actually sent is built by `digest_render(row)` at send time, from the consents in force then:
  a consent revoked in between removes its part, and with nothing in force the row is skipped.
- `digest_subscription_save()` and `digest_mode_set()` (engagement.services) save the settings.

Supporters only ever read the patient's first name, never a diagnosis, substance, treatment,
program or clinic name, a clinical or check-in note, or a number from a check-in or an
assessment: the check-in part is the plain-words band of `networks.selectors.checkin_summary`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from audit.models import Action
from audit.services import audit_record
from engagement.links import make_link
from engagement.models import (
    DigestMode,
    DigestSubscription,
    LinkAction,
    PatientEngagement,
)
from networks.consent import consented_scopes, consented_scopes_of
from networks.help_calendar import CoveredOccasion, coverage
from networks.models import (
    ContactStatus,
    HelpStatus,
    HelpTask,
    Repeat,
    Scope,
    SupportContact,
)
from networks.sections import register_digest_part, sections_for
from networks.selectors import CheckinSummary, checkin_summary
from notifications.hooks import Rendered, SkipMessage, register_renderer
from notifications.models import (
    Channel,
    ContactOptOut,
    Kind,
    Notification,
    NotificationPreference,
)
from notifications.outbox import Message, enqueue
from notifications.preferences import channels_for, unsubscribe_url
from patients.milestones import MilestoneDate, milestones_between
from patients.models import Appointment, AppointmentStatus, Patient, PatientStatus
from patients.pronouns import ByPronoun
from updates.selectors import unseen_updates

DIGEST = Kind.DIGEST.value
ONGOING = (PatientStatus.ACTIVE, PatientStatus.INTAKE)
MILESTONE_DAYS = 14  # milestones coming in the next two weeks
WEEK = timedelta(days=7)
LINK_VALID_FOR = timedelta(days=8)  # a week's links, and a day's grace
MAX_OPEN_TASKS = 5  # an email, not the whole list: the rest is a sign-in away

# Sentences about the person, whole for each pronoun set they may have recorded
# (patients/pronouns.py); "%(name)s" is their first name.
PLAN_SHARED_LINE = ByPronoun(
    she=pgettext_lazy("pronoun: she/her", "Parts of her coping plan are shared with you"),
    he=pgettext_lazy("pronoun: he/him", "Parts of his coping plan are shared with you"),
    they=pgettext_lazy("pronoun: they/them", "Parts of their coping plan are shared with you"),
)
PLAN_SHARED = ByPronoun(
    she=pgettext_lazy(
        "pronoun: she/her",
        "%(name)s shares parts of her coping plan with you, including how you can help on a "
        "hard day. Sign in to read them.",
    ),
    he=pgettext_lazy(
        "pronoun: he/him",
        "%(name)s shares parts of his coping plan with you, including how you can help on a "
        "hard day. Sign in to read them.",
    ),
    they=pgettext_lazy(
        "pronoun: they/them",
        "%(name)s shares parts of their coping plan with you, including how you can help on a "
        "hard day. Sign in to read them.",
    ),
)


# --- settings: subscription and the patient's choice --------------------------------------------


def subscription_of(contact: SupportContact) -> DigestSubscription:
    """The supporter's digest settings; an unsaved row with the defaults (on, Sunday 18:00) if
    they never chose."""
    try:
        return contact.digest_subscription
    except ObjectDoesNotExist:
        return DigestSubscription(contact=contact)


def engagement_of(patient: Patient) -> PatientEngagement:
    """The patient's engagement settings; an unsaved row with the defaults if never chosen."""
    try:
        return patient.engagement
    except ObjectDoesNotExist:
        return PatientEngagement(patient=patient)


# --- time ----------------------------------------------------------------------------------------


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `at` o'clock on the local `day` in `zone`: daylight saving moves the
    UTC instant, never the local time. (A time the clocks skip lands an hour later.)"""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def latest_due(
    weekday: int, send_time: time, zone: ZoneInfo, at: datetime
) -> tuple[date, datetime]:
    """The local date and UTC instant of the latest weekly digest due at or before `at`."""
    local = at.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    due_at = wall_clock(day, send_time, zone)
    if due_at > at:
        day -= WEEK
        due_at = wall_clock(day, send_time, zone)
    return day, due_at


# --- planning ------------------------------------------------------------------------------------


@dataclass
class DigestTally:
    planned: int = 0
    already: int = 0  # planned by an earlier run: neither planned nor skipped
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reasons[reason] += 1


def _candidates() -> list[SupportContact]:
    """Active supporters of people in care, with what planning reads, in one query."""
    return list(
        SupportContact.objects.filter(status=ContactStatus.ACTIVE, patient__status__in=ONGOING)
        .select_related(
            "patient", "patient__clinic", "patient__engagement", "user", "digest_subscription"
        )
        .order_by("pk")
    )


def _opted_out(contacts: list[SupportContact]) -> set[int]:
    """Contacts who said "no more digests": from an email's unsubscribe link, or, with an
    account, by pausing everything, unsubscribing from digests or turning email off for them."""
    out = set(
        ContactOptOut.objects.filter(kind=DIGEST, contact__status=ContactStatus.ACTIVE).values_list(
            "contact_id", flat=True
        )
    )
    users = {contact.user_id for contact in contacts if contact.user_id}
    if users:
        refusing = set()
        for preference in NotificationPreference.objects.filter(user_id__in=users):
            if preference.refuses(DIGEST) or Channel.EMAIL not in channels_for(preference, DIGEST):
                refusing.add(preference.user_id)
        out.update(contact.pk for contact in contacts if contact.user_id in refusing)
    return out


def portal_url(patient_id: int) -> str:
    return f"{settings.SITE_URL}{reverse('networks:supporter_patient', args=[patient_id])}"


def settings_url(patient_id: int) -> str:
    return f"{settings.SITE_URL}{reverse('engagement:supporter_digest', args=[patient_id])}"


def _placeholder(contact: SupportContact) -> tuple[str, str, str]:
    """What the row holds until it is sent (the delivery log shows it): nothing shared, just
    what the email is and where to sign in. The real text is built at send time."""
    name = contact.patient.first_name
    link = portal_url(contact.patient_id)
    subject = _("Your week with %(name)s") % {"name": name}
    body = _(
        "Your weekly note about %(name)s: how you can help and what is coming up. "
        "Sign in to see it: %(link)s"
    ) % {"name": name, "link": link}
    return subject, body, link


def digests_plan(at: datetime) -> DigestTally:
    """Plan the latest digest due at or before `at` for every supporter who should get one.
    Reads a fixed number of queries whatever the number of supporters; writes one outbox row
    per new digest (dispatched when the transaction commits)."""
    if at.tzinfo is None:
        raise ValueError("Digests are planned for an aware instant.")
    at = at.astimezone(UTC)
    tally = DigestTally()
    contacts = _candidates()
    in_force = consented_scopes_of(contacts, at)
    opted_out = _opted_out(contacts)
    due: list[tuple[SupportContact, str, datetime]] = []
    for contact in contacts:
        subscription = subscription_of(contact)
        if engagement_of(contact.patient).digest_mode == DigestMode.PAUSED:
            tally.skip("paused by the person")
        elif not subscription.enabled:
            tally.skip("digest turned off")
        elif not in_force.get(contact.pk):
            tally.skip("no consent")
        elif not contact.email:
            tally.skip("no email address")
        elif contact.pk in opted_out:
            tally.skip("opted out")
        else:
            day, due_at = latest_due(subscription.weekday, subscription.send_time, contact.zone, at)
            due.append((contact, f"digest:{contact.pk}:{day.isoformat()}", due_at))
    if not due:
        return tally
    planned_before = set(
        Notification.objects.filter(
            kind=DIGEST, occurrence__in=[occurrence for _c, occurrence, _d in due]
        ).values_list("occurrence", "recipient_key", "channel")
    )
    new = []
    for contact, occurrence, due_at in due:
        if (occurrence, f"contact:{contact.pk}", Channel.EMAIL) in planned_before:
            tally.already += 1
        else:
            new.append((contact, occurrence, due_at))
    if not new:
        return tally
    with transaction.atomic():  # dispatched when the whole run commits
        for contact, occurrence, due_at in new:
            language = contact.message_language
            with translation.override(language):
                subject, body, link = _placeholder(contact)
            message = Message(
                kind=DIGEST,
                occurrence=occurrence,
                channel=Channel.EMAIL,
                recipient_key=f"contact:{contact.pk}",
                address=contact.email,
                subject=subject,
                body=body,
                link=link,
                language=language,
            )
            row = enqueue(
                message,
                due_at=due_at,
                clinic=contact.patient.clinic,
                patient=contact.patient,
                recipient_contact=contact,
            )
            if row is None:  # a concurrent run planned it first
                tally.already += 1
            else:
                tally.planned += 1
    return tally


# --- what the digest says ------------------------------------------------------------------------


@dataclass
class TaskLine:
    title: str
    due_on: date | None
    claim_url: str = ""


@dataclass
class Digest:
    """One supporter's week, section by consented section (a section without its scope is
    never computed)."""

    contact: SupportContact
    scopes: frozenset[str]
    mode: str
    first_name: str
    open_tasks: list[TaskLine] = field(default_factory=list)
    more_open_tasks: int = 0
    my_tasks: list[TaskLine] = field(default_factory=list)
    milestones: list[MilestoneDate] = field(default_factory=list)
    summary: CheckinSummary | None = None
    sessions: list[datetime] = field(default_factory=list)
    encourage_url: str = ""
    # Updates shared with the supporter that they have not seen: when each was posted (the
    # email never holds an update's text; it links to the feed).
    unseen_updates: list[datetime] = field(default_factory=list)
    updates_url: str = ""

    @property
    def is_summary(self) -> bool:
        return self.mode == DigestMode.SUMMARY

    @property
    def open_count(self) -> int:
        return len(self.open_tasks) + self.more_open_tasks

    @property
    def shows(self) -> dict[str, bool]:
        """Which sections the digest holds, by the scope's name (`digest.shows.HELP_TASKS`)."""
        return Scope.flags(self.scopes)


def _tasks_this_week(contact: SupportContact, today: date) -> list[HelpTask]:
    """One-time tasks (a series is read day by day from the help calendar: `_series_days`)."""
    this_week = Q(due_on__isnull=True) | Q(weekly=True) | Q(due_on__range=(today, today + WEEK))
    mine_or_open = Q(status=HelpStatus.OPEN) | Q(status=HelpStatus.CLAIMED, claimed_by=contact)
    return list(
        HelpTask.objects.filter(this_week, mine_or_open, patient=contact.patient).filter(
            repeat=Repeat.ONCE
        )
    )


def _series_days(contact: SupportContact, today: date) -> list[CoveredOccasion]:
    """The coming week's days of the person's series (the help calendar): the ones this
    supporter took and the ones that still need someone."""
    week = coverage(contact.patient, today, today + WEEK)
    return [
        occasion
        for occasion in week
        if occasion.task.repeat != Repeat.ONCE
        and (occasion.gap or any(c.contact_id == contact.pk for c in occasion.claims))
    ]


# --- the parts, one per scope (registered on the scope's section, see register_digest_parts) --


@dataclass(frozen=True)
class Week:
    """What every part of one digest reads: the patient's today, the supporter's zone and
    whether one-action links are made (the full form, not a preview)."""

    today: date
    zone: ZoneInfo
    links: bool


@dataclass(frozen=True)
class DigestPart:
    """A section's part of the weekly digest: `build` fills the digest (None: nothing to
    compute), `summary_line` is its one line in the summary-only form, and `order` places it
    in the email (lower first), which is not the portal's order."""

    order: int
    summary_line: Callable[[Digest], str]
    build: Callable[[Digest, Week], None] | None = None


def build_help_tasks(digest: Digest, week: Week) -> None:
    contact = digest.contact
    for task in _tasks_this_week(contact, week.today):
        if task.claimed_by_id == contact.pk:
            digest.my_tasks.append(TaskLine(task.title, task.due_on))
        elif len(digest.open_tasks) < MAX_OPEN_TASKS:
            url = (
                make_link(
                    LinkAction.CLAIM_TASK,
                    contact=contact,
                    patient=contact.patient,
                    target={"task": task.pk},
                    valid_for=LINK_VALID_FOR,
                )
                if week.links
                else ""
            )
            digest.open_tasks.append(TaskLine(task.title, task.due_on, url))
        else:
            digest.more_open_tasks += 1
    for occasion in _series_days(contact, week.today):
        if any(claim.contact_id == contact.pk for claim in occasion.claims):
            digest.my_tasks.append(TaskLine(occasion.task.title, occasion.day))
        elif len(digest.open_tasks) < MAX_OPEN_TASKS:
            # A time of a series is taken on the help calendar (no one-action link).
            digest.open_tasks.append(TaskLine(occasion.task.title, occasion.day))
        else:
            digest.more_open_tasks += 1


def line_help_tasks(digest: Digest) -> str:
    count = digest.open_count
    if not count:
        return _("No new ways to help this week")
    return ngettext(
        "%(count)d way to help this week", "%(count)d ways to help this week", count
    ) % {"count": count}


def build_milestones(digest: Digest, week: Week) -> None:
    digest.milestones = milestones_between(
        digest.contact.patient.recovery_start,
        week.today,
        week.today + timedelta(days=MILESTONE_DAYS),
    )


def line_milestones(digest: Digest) -> str:
    if digest.milestones:
        return _("A milestone is coming up")
    return _("No milestones in the next two weeks")


def build_checkin_summary(digest: Digest, week: Week) -> None:
    digest.summary = checkin_summary(digest.contact.patient, week.today)


def line_checkin_summary(digest: Digest) -> str:
    return _("A short update on how the week is going")


def build_appointments(digest: Digest, week: Week) -> None:
    now = timezone.now()
    starts = (
        Appointment.objects.filter(
            patient=digest.contact.patient,
            network_attendees=digest.contact,
            status=AppointmentStatus.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=now + WEEK,
        )
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    )
    digest.sessions = [moment.astimezone(week.zone) for moment in starts]


def line_appointments(digest: Digest) -> str:
    count = len(digest.sessions)
    if not count:
        return _("No sessions with you in the next week")
    return ngettext(
        "%(count)d session you are invited to", "%(count)d sessions you are invited to", count
    ) % {"count": count}


def line_coping_plan(digest: Digest) -> str:
    return PLAN_SHARED_LINE.say(digest.contact.patient)


def build_updates(digest: Digest, week: Week) -> None:
    posted = unseen_updates(digest.contact).values_list("created_at", flat=True)
    digest.unseen_updates = [moment.astimezone(week.zone) for moment in posted]
    digest.updates_url = f"{settings.SITE_URL}{reverse('updates:feed')}"


def line_updates(digest: Digest) -> str:
    count = len(digest.unseen_updates)
    if not count:
        return _("No new updates")
    return ngettext(
        "%(count)d update you have not read yet", "%(count)d updates you have not read yet", count
    ) % {"count": count}


# The email's order: how to help first, the coping plan (nothing computed) last.
DIGEST_PARTS = {
    Scope.HELP_TASKS: DigestPart(10, line_help_tasks, build_help_tasks),
    Scope.MILESTONES: DigestPart(20, line_milestones, build_milestones),
    Scope.CHECKIN_SUMMARY: DigestPart(30, line_checkin_summary, build_checkin_summary),
    Scope.APPOINTMENTS: DigestPart(40, line_appointments, build_appointments),
    Scope.COPING_PLAN: DigestPart(50, line_coping_plan),
    Scope.UPDATES: DigestPart(15, line_updates, build_updates),
}


def register_digest_parts() -> None:
    """Give each declared section its part of the digest (EngagementConfig.ready())."""
    for scope, part in DIGEST_PARTS.items():
        register_digest_part(scope, part)


def parts_for(scopes: frozenset[str]) -> list[DigestPart]:
    """The digest parts of the sections these scopes open, in the email's order."""
    parts = [section.digest for section in sections_for(scopes) if section.digest is not None]
    return sorted(parts, key=lambda part: part.order)


def build_digest(
    contact: SupportContact,
    scopes: frozenset[str],
    mode: str,
    zone: ZoneInfo,
    *,
    links: bool = True,
) -> Digest:
    """The week of one supporter, part by consented part (a part whose scope is not granted is
    never computed); one-action links only in the full form (`links=False` for a preview that
    must not create any)."""
    patient = contact.patient
    week = Week(today=patient.local_today(), zone=zone, links=mode != DigestMode.SUMMARY and links)
    digest = Digest(contact=contact, scopes=scopes, mode=mode, first_name=patient.first_name)
    for part in parts_for(scopes):
        if part.build is not None:
            part.build(digest, week)
    if links:
        digest.encourage_url = make_link(
            LinkAction.ENCOURAGE, contact=contact, patient=patient, valid_for=LINK_VALID_FOR
        )
    return digest


def summary_lines(digest: Digest) -> list[str]:
    """The summary-only form: one short line per consented part, no details."""
    return [part.summary_line(digest) for part in parts_for(digest.scopes)]


def _context(digest: Digest, row: Notification | None) -> dict:
    patient_id = digest.contact.patient_id
    return {
        "digest": digest,
        "name": digest.first_name,
        "contact_name": digest.contact.first_name,
        "summary_lines": summary_lines(digest) if digest.is_summary else [],
        "portal_url": portal_url(patient_id),
        "settings_url": settings_url(patient_id),
        "unsubscribe_url": unsubscribe_url(row) if row is not None and row.pk else "",
        "plan_shared": PLAN_SHARED.say(digest.contact.patient, name=digest.first_name),
    }


def render_digest(digest: Digest, row: Notification | None = None) -> Rendered:
    """Subject, text and HTML in the active language."""
    context = _context(digest, row)
    subject = _("Your week with %(name)s") % {"name": digest.first_name}
    context["subject"] = subject
    return Rendered(
        subject=subject,
        body=render_to_string("engagement/email/digest.txt", context),
        html_body=render_to_string("engagement/email/digest.html", context),
    )


def why_not_now(contact: SupportContact) -> str:
    """Why a planned digest must not go out now (empty when it should)."""
    if contact.status != ContactStatus.ACTIVE:
        return "The supporter is not active in the network any more."
    if contact.patient.status not in ONGOING:
        return "The person is no longer in care."
    if engagement_of(contact.patient).digest_mode == DigestMode.PAUSED:
        return "The person paused digests."
    if not subscription_of(contact).enabled:
        return "The supporter turned digests off."
    return ""


def digest_render(row: Notification) -> Rendered:
    """The outbox's renderer for DIGEST rows, called when the row is sent: the week built from
    the consents in force now, in the row's language; SkipMessage when nothing may be sent."""
    contact = (
        SupportContact.objects.select_related(
            "patient", "patient__clinic", "patient__engagement", "user", "digest_subscription"
        )
        .filter(pk=row.recipient_contact_id)
        .first()
    )
    if contact is None:
        raise SkipMessage("The supporter is no longer in the network.")
    reason = why_not_now(contact)
    if reason:
        raise SkipMessage(reason)
    scopes = consented_scopes(contact)  # the one gate, asked at the moment of sending
    if not scopes:
        raise SkipMessage("No consent in force for this any more.")
    mode = engagement_of(contact.patient).digest_mode
    zone = contact.zone
    # Dates and times in the supporter's own language and zone.
    with translation.override(row.language or contact.message_language), timezone.override(zone):
        digest = build_digest(contact, scopes, mode, zone)
        rendered = render_digest(digest, row)
    # A disclosure to someone outside the care team: recorded, with what it drew on.
    audit_record(
        action=Action.EXPORT,
        clinic=contact.patient.clinic,
        target=contact,
        patient=contact.patient,
        details={"digest": row.pk, "scopes": sorted(scopes), "mode": mode},
    )
    return rendered


def register_digest_renderer() -> None:
    register_renderer(DIGEST, digest_render)
