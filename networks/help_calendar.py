"""The help calendar: who takes which occasion of a help task, and where the gaps are.

One source of truth for dated occasions: `HelpSlotClaim` (one row per occasion and person; a
give-back keeps the row with `given_back_at`). A dated one-time task keeps `status` and
`claimed_by` as a summary (claimed when its one day is full) so the pages and reminders that
read them go on working; an undated task keeps the old single-claimer flow of
networks.services. Every write checks the consent (an active contact with `help_tasks` in
force), runs in one transaction, writes its audit event and, for a give-back or a swap, plans
the note to the patient in the outbox in the same transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action
from audit.services import audit_about
from core.dates import day as day_label
from networks.consent import consented_scopes, consented_scopes_of
from networks.models import (
    ContactStatus,
    HelpSlotClaim,
    HelpStatus,
    HelpTask,
    Repeat,
    Scope,
    SupportContact,
)
from networks.recurrence import Occasion, occasions
from notifications.models import Channel, Kind
from notifications.outbox import Message, enqueue
from notifications.preferences import channels_for, preference_for
from patients.models import Patient

UPCOMING_DAYS = 14
# Tasks that no longer take claims.
CLOSED = (HelpStatus.DONE, HelpStatus.CANCELLED)

__all__ = [
    "UPCOMING_DAYS",
    "CoveredOccasion",
    "claim_slot",
    "coverage",
    "give_back_slot",
    "schedule_text",
    "supporter_occasions",
    "swap_slot",
    "upcoming_gaps",
]


@dataclass
class CoveredOccasion:
    """One occasion of a task with its active claims. `gap`: how many people are still
    needed. For a supporter's view, `mine` (their own active claim, if any) and
    `open_places` (the same number as `gap`, by its supporter-facing name)."""

    task: HelpTask
    day: date
    claims: list[HelpSlotClaim] = field(default_factory=list)
    mine: HelpSlotClaim | None = None

    @property
    def key(self) -> str:
        return f"{self.task.pk}:{self.day.isoformat()}"

    @property
    def people_needed(self) -> int:
        return self.task.people_needed

    @property
    def gap(self) -> int:
        return max(self.task.people_needed - len(self.claims), 0)

    @property
    def open_places(self) -> int:
        return self.gap

    @property
    def covered(self) -> bool:
        return self.gap == 0

    @property
    def names(self) -> list[str]:
        """The first names of the people who took it (all a page needs to say who)."""
        return [claim.contact.first_name for claim in self.claims]

    def starts(self) -> datetime | None:
        """The start, aware, in the patient's zone (None: any time that day)."""
        return Occasion(self.task, self.day).starts(self.task.patient.zone)

    def ends(self) -> datetime | None:
        return Occasion(self.task, self.day).ends(self.task.patient.zone)


# --- Rules shared by the writes ----------------------------------------------------------------


def _require_help_scope(contact: SupportContact) -> None:
    if contact.status != ContactStatus.ACTIVE:
        raise ValidationError({"contact": _("This person is not an active member of the network.")})
    if Scope.HELP_TASKS not in consented_scopes(contact):
        raise ValidationError(
            {"contact": _("Help tasks are not shared with this person, so they cannot take one.")}
        )


_audit = audit_about  # an event about the patient, in their clinic


def _locked_task(task: HelpTask) -> HelpTask:
    """The task row, locked until the transaction ends: claims on it are counted one writer at
    a time, so two people cannot overfill an occasion."""
    return (
        HelpTask.objects.select_for_update(of=("self",))
        .select_related("patient", "patient__clinic")
        .get(pk=task.pk)
    )


def _active_claims(task: HelpTask, day: date) -> list[HelpSlotClaim]:
    return list(
        HelpSlotClaim.objects.filter(task=task, occurs_on=day, given_back_at__isnull=True)
        .select_related("contact")
        .order_by("claimed_at", "id")
    )


def _sync_summary(task: HelpTask) -> None:
    """A dated one-time task's `status`/`claimed_by` follow its claims (claimed when full)."""
    if task.repeat != Repeat.ONCE or task.due_on is None or task.status in CLOSED:
        return
    active = _active_claims(task, task.due_on)
    full = len(active) >= task.people_needed
    status = HelpStatus.CLAIMED if full else HelpStatus.OPEN
    first = active[0] if full else None
    HelpTask.objects.filter(pk=task.pk).update(
        status=status,
        claimed_by=first.contact if first else None,
        claimed_at=first.claimed_at if first else None,
    )
    task.status = status
    task.claimed_by = first.contact if first else None
    task.claimed_at = first.claimed_at if first else None


def _take(task: HelpTask, day: date, contact: SupportContact) -> HelpSlotClaim:
    """The checks and the insert of one claim, on a task already locked."""
    if contact.patient_id != task.patient_id:
        raise ValidationError({"contact": _("This person is not in this patient's network.")})
    if task.status in CLOSED:
        raise ValidationError({"task": _("This task is closed.")})
    if not occasions(task, day, day):
        raise ValidationError({"day": _("This task does not happen on that day.")})
    if day < task.patient.local_today():
        raise ValidationError({"day": _("That day has passed.")})
    active = _active_claims(task, day)
    if any(claim.contact_id == contact.pk for claim in active):
        raise ValidationError({"day": _("You have already taken this one. Thank you!")})
    if len(active) >= task.people_needed:
        raise ValidationError(
            {"day": _("Enough people have already taken this one. Thank you for offering!")}
        )
    try:
        with transaction.atomic():
            return HelpSlotClaim.objects.create(task=task, occurs_on=day, contact=contact)
    except IntegrityError:  # the same person, twice at once: the constraint keeps one
        raise ValidationError({"day": _("You have already taken this one. Thank you!")}) from None


# --- Writes -------------------------------------------------------------------------------------


@transaction.atomic
def claim_slot(
    *,
    task: HelpTask,
    day: date,
    contact: SupportContact,
    actor: User | None,
    request: HttpRequest | None = None,
) -> HelpSlotClaim:
    """The contact takes one occasion of the task. Refused (ValidationError) without the
    help-tasks consent, for a day that is not an occasion or has passed (the patient's local
    day), for a full occasion, or a second time by the same person."""
    _require_help_scope(contact)
    task = _locked_task(task)
    claim = _take(task, day, contact)
    _sync_summary(task)
    _audit(Action.CREATE, request, actor, task.patient, claim, task=task.pk, day=day.isoformat())
    return claim


def _open_claim(claim: HelpSlotClaim) -> HelpSlotClaim:
    """The claim locked, with its task and patient; refused when already given back."""
    claim = (
        HelpSlotClaim.objects.select_for_update(of=("self",))
        .select_related("task", "task__patient", "task__patient__clinic", "contact")
        .get(pk=claim.pk)
    )
    if claim.given_back_at is not None:
        raise ValidationError({"claim": _("This was already given back.")})
    if claim.occurs_on < claim.task.patient.local_today():
        raise ValidationError({"claim": _("That day has passed.")})
    return claim


@transaction.atomic
def give_back_slot(
    *, claim: HelpSlotClaim, actor: User | None, request: HttpRequest | None = None
) -> HelpSlotClaim:
    """The person can no longer make it: the claim is given back (the row stays) and the
    patient is told."""
    _locked_task(claim.task)
    claim = _open_claim(claim)
    claim.given_back_at = timezone.now()
    claim.save(update_fields=["given_back_at"])
    task = claim.task
    _sync_summary(task)
    _audit(Action.UPDATE, request, actor, task.patient, claim, given_back=True)
    _tell_patient(claim, to=None)
    return claim


@transaction.atomic
def swap_slot(
    *,
    claim: HelpSlotClaim,
    to_contact: SupportContact,
    actor: User | None,
    request: HttpRequest | None = None,
) -> HelpSlotClaim:
    """Hand an occasion to another supporter who shares help tasks: the old claim is given back
    (pointing to the new one), the new claim is made, and the patient is told. Returns the new
    claim."""
    task = _locked_task(claim.task)
    claim = _open_claim(claim)
    if to_contact.pk == claim.contact_id:
        raise ValidationError({"to_contact_id": _("Choose someone else to hand this to.")})
    try:
        _require_help_scope(to_contact)
    except ValidationError as error:
        raise ValidationError({"to_contact_id": error.messages}) from None
    if to_contact.patient_id != task.patient_id:
        raise ValidationError({"to_contact_id": _("This person is not in this network.")})
    claim.given_back_at = timezone.now()
    claim.save(update_fields=["given_back_at"])
    try:
        new = _take(task, claim.occurs_on, to_contact)
    except ValidationError as error:
        raise ValidationError({"to_contact_id": error.messages}) from None
    claim.swapped_to = new
    claim.save(update_fields=["swapped_to"])
    _sync_summary(task)
    _audit(Action.UPDATE, request, actor, task.patient, claim, swapped_to=new.pk)
    _audit(Action.CREATE, request, actor, task.patient, new, task=task.pk, swapped_from=claim.pk)
    _tell_patient(claim, to=to_contact)
    return new


def _tell_patient(claim: HelpSlotClaim, *, to: SupportContact | None) -> None:
    """Plan the note to the patient (their own account's channels): who gave back or swapped
    which occasion of which task. Names, the task and the day only; nothing clinical."""
    patient = claim.task.patient
    user = patient.user
    if user is None:
        return
    language = patient.message_language
    with translation.override(language):
        when = day_label(claim.occurs_on)
        values = {"name": claim.contact.first_name, "title": claim.task.title, "day": when}
        if to is None:
            subject = _("%(name)s can no longer make “%(title)s”") % values
            body = (
                _(
                    "%(name)s gave back “%(title)s” on %(day)s. The help calendar shows who else "
                    "could take it."
                )
                % values
            )
        else:
            values["other"] = to.first_name
            subject = _("%(name)s handed “%(title)s” to %(other)s") % values
            body = _("%(other)s will now take “%(title)s” on %(day)s instead of %(name)s.") % values
        link = reverse("networks:my_help")
    preference = preference_for(user)
    if preference.refuses(Kind.HELP_SLOT_CHANGED):
        return
    for channel in channels_for(preference, Kind.HELP_SLOT_CHANGED):
        if channel == Channel.IN_APP:
            address = ""
        elif channel == Channel.EMAIL:
            address = user.email or patient.email
        else:
            continue  # no SMS or push address on file for this kind of note
        if channel == Channel.EMAIL and not address:
            continue
        enqueue(
            Message(
                kind=Kind.HELP_SLOT_CHANGED,
                occurrence=f"slot:{claim.pk}",
                channel=channel,
                recipient_key=f"user:{user.pk}",
                address=address,
                subject=subject if channel == Channel.EMAIL else "",
                body=body,
                link=link,
                language=language,
            ),
            clinic=patient.clinic,
            patient=patient,
            recipient_user=user,
        )


# --- Reads --------------------------------------------------------------------------------------


def _claims_prefetch(first: date, last: date) -> Prefetch:
    return Prefetch(
        "slot_claims",
        queryset=HelpSlotClaim.objects.filter(
            occurs_on__gte=first, occurs_on__lte=last, given_back_at__isnull=True
        )
        .select_related("contact")
        .order_by("claimed_at", "id"),
        to_attr="claims_in_range",
    )


def _tasks_in_range(first: date, last: date) -> Q:
    """Tasks that may have an occasion between the days (a series from before, a day inside)."""
    return (
        ~Q(status__in=CLOSED)
        & Q(due_on__isnull=False, due_on__lte=last)
        & (
            Q(repeat=Repeat.ONCE, due_on__gte=first)
            | (~Q(repeat=Repeat.ONCE) & (Q(repeat_until__isnull=True) | Q(repeat_until__gte=first)))
        )
    )


def _expand(
    tasks: Iterable[HelpTask], first: date, last: date, mine: frozenset[int] = frozenset()
) -> list[CoveredOccasion]:
    found = []
    for task in tasks:
        by_day: dict[date, list[HelpSlotClaim]] = {}
        for claim in task.claims_in_range:
            by_day.setdefault(claim.occurs_on, []).append(claim)
        for occasion in occasions(task, first, last):
            claims = by_day.get(occasion.day, [])
            own = next((c for c in claims if c.contact_id in mine), None)
            found.append(CoveredOccasion(task=task, day=occasion.day, claims=claims, mine=own))
    found.sort(key=lambda o: (o.day, o.task.starts_at is not None, o.task.starts_at, o.task.pk))
    return found


def coverage(patient: Patient, first: date, last: date) -> list[CoveredOccasion]:
    """Every occasion of the patient's open tasks between the days (both included), in order,
    with its active claims and its gap. Two queries whatever the number of tasks and claims."""
    tasks = (
        HelpTask.objects.filter(patient=patient)
        .filter(_tasks_in_range(first, last))
        .select_related("patient")
        .prefetch_related(_claims_prefetch(first, last))
    )
    return _expand(tasks, first, last)


def upcoming_gaps(
    patient: Patient, today: date, days: int = UPCOMING_DAYS
) -> list[CoveredOccasion]:
    """The occasions of the coming `days` days (today included) that still need someone."""
    return [o for o in coverage(patient, today, today + timedelta(days=days - 1)) if o.gap]


def supporter_occasions(
    contact_or_contacts: SupportContact | Iterable[SupportContact], first: date, last: date
) -> list[CoveredOccasion]:
    """The occasions these contacts (one supporter's rows, one per patient) may see: only the
    patients who share `help_tasks` with them now. Each occasion says whether it is `mine`
    and how many `open_places` are left; `claims` carry first names only."""
    if isinstance(contact_or_contacts, SupportContact):
        contacts = [contact_or_contacts]
    else:
        contacts = list(contact_or_contacts)
    scopes = consented_scopes_of(contacts)
    sharing = [c for c in contacts if Scope.HELP_TASKS in scopes.get(c.pk, ())]
    if not sharing:
        return []
    tasks = (
        HelpTask.objects.filter(patient_id__in={c.patient_id for c in sharing})
        .filter(_tasks_in_range(first, last))
        .select_related("patient")
        .prefetch_related(_claims_prefetch(first, last))
    )
    return _expand(tasks, first, last, mine=frozenset(c.pk for c in sharing))


def schedule_text(task: HelpTask) -> str:
    """The task's days and hours in a few words: "Every week on Tuesday, Thursday · 17:00 to
    18:00 · 2 people each time"."""
    parts = []
    if task.repeat == Repeat.DAILY:
        parts.append(_("Every day from %(day)s") % {"day": day_label(task.due_on)})
    elif task.repeat == Repeat.WEEKLY:
        names = ", ".join(str(WEEKDAYS[d]) for d in sorted(task.weekdays or []) if d in WEEKDAYS)
        parts.append(
            _("Every week on %(days)s from %(day)s")
            % {"days": names, "day": day_label(task.due_on)}
        )
    if task.is_series:
        if task.repeat_until:
            parts.append(_("until %(day)s") % {"day": day_label(task.repeat_until)})
        elif task.repeat_count:
            parts.append(_("%(n)s times") % {"n": task.repeat_count})
    if task.starts_at:
        window = {"start": task.starts_at.strftime("%H:%M")}
        if task.ends_at:
            window["end"] = task.ends_at.strftime("%H:%M")
            parts.append(_("%(start)s to %(end)s") % window)
        else:
            parts.append(_("from %(start)s") % window)
    if task.people_needed > 1:
        parts.append(_("%(n)s people each time") % {"n": task.people_needed})
    return " · ".join(str(part) for part in parts)
