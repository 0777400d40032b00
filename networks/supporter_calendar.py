"""The supporter's help calendar, read side: the occasions of every person they support who
shares help tasks with them now (networks.help_calendar.supporter_occasions asks the consent),
laid out as a list, a week or a month, with each time window in the supporter's own zone.

A supporter sees an occasion that still has a place open or that they took; one that others
have filled is not theirs to see. Who else is on it: first names only. The page (networks.
calendar_views) and the API (networks.api_calendar) read the same `CalendarEntry` rows.
"""

from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from core.dates import clock
from networks.consent import consented_scopes_of
from networks.help_calendar import CoveredOccasion, coverage, supporter_occasions
from networks.models import ContactStatus, HelpSlotClaim, HelpTask, Scope, SupportContact
from networks.selectors import contacts_of_supporter

VIEWS = ("list", "week", "month")
LIST_DAYS = 14
# The widest span the API answers in one call (a month view is at most 31 days).
MAX_SPAN_DAYS = 62


@dataclass
class CalendarEntry:
    """One occasion as the supporter sees it."""

    occasion: CoveredOccasion
    contact: SupportContact  # the supporter's own row for this person
    zone: ZoneInfo  # the supporter's zone
    swap_to: list[SupportContact] = field(default_factory=list)

    @property
    def task(self) -> HelpTask:
        return self.occasion.task

    @property
    def patient_first_name(self) -> str:
        return self.contact.patient.first_name

    @property
    def key(self) -> str:
        return self.occasion.key

    @property
    def anchor(self) -> str:
        return f"occasion-{self.task.pk}-{self.occasion.day.isoformat()}"

    @property
    def starts(self) -> datetime | None:
        starts = self.occasion.starts()
        return starts.astimezone(self.zone) if starts else None

    @property
    def ends(self) -> datetime | None:
        ends = self.occasion.ends()
        return ends.astimezone(self.zone) if ends else None

    @property
    def window(self) -> str:
        """The time window in the supporter's zone and language ("" for any time that day)."""
        starts, ends = self.starts, self.ends
        if starts is None:
            return ""
        if ends is None or ends <= starts:
            return clock(starts.time())
        return f"{clock(starts.time())}–{clock(ends.time())}"

    @property
    def day(self) -> date:
        """The day in the supporter's zone (a timed occasion may fall on another day there)."""
        starts = self.starts
        return starts.date() if starts else self.occasion.day

    @property
    def mine(self) -> HelpSlotClaim | None:
        return self.occasion.mine

    @property
    def open_places(self) -> int:
        return self.occasion.open_places

    @property
    def others(self) -> list[str]:
        """The first names of the others who took it."""
        return [
            claim.contact.first_name
            for claim in self.occasion.claims
            if claim.contact_id != self.contact.pk
        ]


@dataclass
class CalendarDay:
    day: date
    entries: list[CalendarEntry]


@dataclass
class CalendarWeek:
    first: date
    days: list[CalendarDay]

    @property
    def has_entries(self) -> bool:
        return any(day.entries for day in self.days)


@dataclass
class CalendarPage:
    view: str
    first: date
    last: date
    previous: date
    next: date
    today: date
    entries: list[CalendarEntry]
    patient_ids: list[int]

    @property
    def days(self) -> list[CalendarDay]:
        """Every day of the span (the week view), each with its entries."""
        by_day: dict[date, list[CalendarEntry]] = defaultdict(list)
        for entry in self.entries:
            by_day[entry.day].append(entry)
        span = (self.last - self.first).days + 1
        days = (self.first + timedelta(days=n) for n in range(span))
        return [CalendarDay(day, by_day.get(day, [])) for day in days]

    @property
    def busy_days(self) -> list[CalendarDay]:
        """Only the days that have something (the list view)."""
        return [day for day in self.days if day.entries]

    @property
    def weeks(self) -> list[CalendarWeek]:
        """The month as a list of weeks (Monday first), each with its days in the month."""
        weeks: list[CalendarWeek] = []
        for day in self.days:
            if not weeks or day.day.weekday() == 0:
                weeks.append(CalendarWeek(day.day, []))
            weeks[-1].days.append(day)
        return weeks


VIEW_LABELS = {"list": _("List"), "week": _("Week"), "month": _("Month")}


def span(view: str, start: date) -> tuple[date, date, date, date]:
    """The first and last day shown, and where "earlier" and "later" go."""
    if view == "week":
        first = start - timedelta(days=start.weekday())
        return first, first + timedelta(days=6), first - timedelta(days=7), first + timedelta(7)
    if view == "month":
        first = start.replace(day=1)
        days = month_calendar.monthrange(first.year, first.month)[1]
        last = first.replace(day=days)
        previous = (first - timedelta(days=1)).replace(day=1)
        return first, last, previous, last + timedelta(days=1)
    return (
        start,
        start + timedelta(days=LIST_DAYS - 1),
        start - timedelta(LIST_DAYS),
        start + timedelta(LIST_DAYS),
    )


def sharing_contacts(user: User, clinic: Organization) -> list[SupportContact]:
    """This supporter's rows for the people who share help tasks with them now (one query for
    the rows, one for the consents)."""
    contacts = list(contacts_of_supporter(user, clinic).select_related("user", "patient__clinic"))
    scopes = consented_scopes_of(contacts)
    return [c for c in contacts if Scope.HELP_TASKS in scopes.get(c.pk, ())]


def swap_candidates(contacts: list[SupportContact]) -> dict[int, list[SupportContact]]:
    """For each person supported, the others in their network who share help tasks now and
    could take an occasion over (two queries)."""
    if not contacts:
        return {}
    mine = {c.pk for c in contacts}
    others = list(
        SupportContact.objects.filter(
            patient_id__in={c.patient_id for c in contacts}, status=ContactStatus.ACTIVE
        )
        .exclude(pk__in=mine)
        .select_related("patient")
        .order_by("name", "pk")
    )
    scopes = consented_scopes_of(others)
    found: dict[int, list[SupportContact]] = defaultdict(list)
    for other in others:
        if Scope.HELP_TASKS in scopes.get(other.pk, ()):
            found[other.patient_id].append(other)
    return found


def entries_for(
    contacts: list[SupportContact], first: date, last: date, *, with_swaps: bool = False
) -> list[CalendarEntry]:
    """The occasions between the days these contacts may see, open or theirs, in time order.
    A fixed number of queries whatever the number of tasks, occasions and claims."""
    if not contacts:
        return []
    by_patient = {c.patient_id: c for c in contacts}
    # A day either side: an occasion near midnight may fall on another day in the supporter's
    # zone; the span is cut again below by that day.
    found = supporter_occasions(contacts, first - timedelta(days=1), last + timedelta(days=1))
    swaps = swap_candidates(contacts) if with_swaps else {}
    entries = []
    for occasion in found:
        contact = by_patient[occasion.task.patient_id]
        occasion.task.patient = contact.patient  # the same row, with its clinic
        entry = CalendarEntry(
            occasion=occasion,
            contact=contact,
            zone=contact.zone,
            swap_to=swaps.get(contact.patient_id, []),
        )
        if not first <= entry.day <= last:
            continue
        if entry.mine is None and entry.open_places == 0:
            continue  # filled by others: not the supporter's to see
        entries.append(entry)
    entries.sort(key=lambda e: (e.day, e.starts is not None, e.starts or e.day, e.task.pk))
    return entries


def entries_of_view(contact: SupportContact, first: date, last: date) -> list[CalendarEntry]:
    """The same entries for one contact whose help-tasks consent the caller has already read
    (the supporter's view of a person, built only for the scopes in force): two queries."""
    found = coverage(contact.patient, first - timedelta(days=1), last + timedelta(days=1))
    entries = []
    for occasion in found:
        occasion.mine = next((c for c in occasion.claims if c.contact_id == contact.pk), None)
        entry = CalendarEntry(occasion=occasion, contact=contact, zone=contact.zone)
        if first <= entry.day <= last and (entry.mine is not None or entry.open_places):
            entries.append(entry)
    entries.sort(key=lambda e: (e.day, e.starts is not None, e.starts or e.day, e.task.pk))
    return entries


def calendar_page(
    user: User, clinic: Organization, *, view: str, start: date | None, today: date
) -> CalendarPage:
    view = view if view in VIEWS else "list"
    first, last, previous, following = span(view, start or today)
    contacts = sharing_contacts(user, clinic)
    return CalendarPage(
        view=view,
        first=first,
        last=last,
        previous=previous,
        next=following,
        today=today,
        entries=entries_for(contacts, first, last, with_swaps=True),
        patient_ids=[c.patient_id for c in contacts],
    )


def contact_for_task(
    user: User, clinic: Organization, task_id: object
) -> tuple[SupportContact, HelpTask]:
    """The supporter's row and the task, if the task's person shares help tasks with them
    now; 404 otherwise (no existence leak)."""
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        raise Http404 from None
    contacts = {c.patient_id: c for c in sharing_contacts(user, clinic)}
    task = HelpTask.objects.filter(pk=pk, patient_id__in=contacts).first()
    if task is None:
        raise Http404
    contact = contacts[task.patient_id]
    task.patient = contact.patient
    return contact, task


def claim_of_supporter(user: User, clinic: Organization, claim_id: object) -> HelpSlotClaim:
    """One of this supporter's own claims still held, on a person who shares help tasks with
    them now; 404 otherwise."""
    try:
        pk = int(claim_id)
    except (TypeError, ValueError):
        raise Http404 from None
    contacts = {c.pk: c for c in sharing_contacts(user, clinic)}
    claim = (
        HelpSlotClaim.objects.filter(pk=pk, contact_id__in=contacts, given_back_at__isnull=True)
        .select_related("task")
        .first()
    )
    if claim is None:
        raise Http404
    claim.contact = contacts[claim.contact_id]
    claim.task.patient = claim.contact.patient
    return claim
