"""The escalation ladder for missed check-ins.

When a person in recovery stops checking in, the people around them are asked, one rung at a
time, to reach out:

1. nudge (day N = the clinic's `missed_checkin_days`, default 2): a gentle note to the person
   and an alert for the care team. The `missed_checkins` planner rule (engagement.reminders)
   takes it and opens the streak's Ladder in the same transaction (`ladder_open`).
2. supporter (LadderPolicy.supporter_after_days, default 4): the one supporter the person chose
   (PatientEngagement.ladder_contact), if they are active, a consent granting
   `checkin_summary` is in force and they have not opted out, gets a suggested light message
   to send and an "I reached out" one-action link. It never says why. Nobody chosen: no one is
   asked (we do not pick someone in the person's place), and the step says so.
3. clinician (LadderPolicy.clinician_after_days, default 6): a task for the primary clinician,
   in the app, shown on the caseload.

"Day N" counts whole local days without a check-in after the last one (or after the day the
person joined): with the last check-in on Monday, day 2 is Wednesday's end, so the nudge goes on
Thursday from 9:00 patient-local. Every rung acts from 9:00 patient-local.

Catching up: the rule is about state, not a time window. On a tick after 9:00 it takes every
rung that is due and not yet recorded, in order, in one go; a rung is never taken unless the one
before it is recorded. So a planner that did not run for days catches up on its first tick, and
a person quiet for 7 days gets the supporter asked and the clinician's task at once (waiting a
day per rung would delay the clinician when it matters most).

Someone acting ("I reached out") is recorded on the step; the ladder still climbs, because only
a check-in says the person is back. A check-in closes the open ladder (coping's `checkin_saved`
signal, connected in engagement.hooks), and the rule also closes the ladders of people who are
no longer active, whose check-in came in through another path, or whose clinic turned the
ladder off.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from accounts.models import Organization
from coping.models import CheckIn
from engagement.links import make_link
from engagement.models import (
    Ladder,
    LadderPolicy,
    LadderStep,
    LinkAction,
    PatientEngagement,
    Rung,
)
from networks.models import Scope, SupportContact
from notifications.models import Kind
from notifications.planner import Planner, register_rule, site_link
from patients.models import CareTeamMember, Patient, PatientStatus
from patients.selectors import ATTENTION_SOURCES, STRIP_SHOWN, AttentionItem

LADDER_FROM = time(9, 0)  # every rung acts from 9:00 patient-local, like the planner's rule
LADDER_SCOPE = Scope.CHECKIN_SUMMARY  # what a supporter must have been granted to be asked
LINK_VALID_FOR = timedelta(days=7)
RUNG_ORDER = (Rung.NUDGE, Rung.SUPPORTER, Rung.CLINICIAN)
LADDER_ORDER = 80  # the planner runs this rule after the built-in reminders (its first rung is 30)

# Stored in English (notes and reasons are records); shown translated with {% translate %}.
CLOSED_CHECKED_IN = gettext_noop("checked in")
CLOSED_NOT_ACTIVE = gettext_noop("no longer active in the program")
CLOSED_TURNED_OFF = gettext_noop("the clinic turned the ladder off")
NOTE_ALERTED_EARLIER = gettext_noop("The care team was alerted before the ladder opened.")
NOTE_NOBODY_CHOSEN = gettext_noop(
    "Nobody asked: the person has not chosen a supporter for this step."
)
NOTE_NOT_SHARED = gettext_noop(
    "Not asked: the chosen supporter is not active or has no consent to check-in summaries."
)
NOTE_NO_ADDRESS = gettext_noop("Not asked: there is no way to reach the chosen supporter.")
NOTE_OPTED_OUT = gettext_noop("Not asked: the chosen supporter opted out of these messages.")
NOTE_NO_PRIMARY = gettext_noop("No primary clinician on the care team: nobody was assigned.")


# --- policy ---------------------------------------------------------------------------------


def policy_of(clinic: Organization) -> LadderPolicy:
    """The clinic's policy; the defaults (unsaved) when it never set one. Uses the row loaded
    with select_related("ladder_policy") when there is one."""
    try:
        return clinic.ladder_policy
    except LadderPolicy.DoesNotExist:
        return LadderPolicy(clinic=clinic)


def ladder_enabled(clinic: Organization) -> bool:
    return policy_of(clinic).enabled


def rung_days(clinic: Organization) -> dict[str, int]:
    """After how many missed local days each rung is taken. Kept in order even if the clinic's
    first-rung setting was raised past the policy after it was saved."""
    policy = policy_of(clinic)
    nudge = clinic.missed_checkin_days
    supporter = max(policy.supporter_after_days, nudge)
    clinician = max(policy.clinician_after_days, supporter)
    return {Rung.NUDGE: nudge, Rung.SUPPORTER: supporter, Rung.CLINICIAN: clinician}


# --- opening and closing --------------------------------------------------------------------


def ladders_opened(streaks: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which of these (patient id, streak) already have a ladder, in one query."""
    if not streaks:
        return set()
    return set(
        Ladder.objects.filter(
            patient_id__in={pk for pk, _s in streaks}, streak__in={s for _pk, s in streaks}
        ).values_list("patient_id", "streak")
    )


def ladder_open(*, patient: Patient, streak: str, at: datetime, alerted: bool = False) -> bool:
    """Open the streak's ladder with its first rung (the nudge and the alert, sent by the
    planner in this same transaction). False if it was open already (a concurrent run)."""
    try:
        with transaction.atomic():
            ladder = Ladder.objects.create(patient=patient, streak=streak, opened_at=at)
            LadderStep.objects.create(
                ladder=ladder,
                rung=Rung.NUDGE,
                taken_at=at,
                note=NOTE_ALERTED_EARLIER if alerted else "",
            )
    except IntegrityError:
        return False
    return True


def ladder_close(*, patient: Patient, reason: str, at: datetime | None = None) -> int:
    """Close the person's open ladder (there is at most one); returns how many were closed."""
    return Ladder.objects.filter(patient=patient, closed_at__isnull=True).update(
        closed_at=at or timezone.now(), closed_reason=reason
    )


def ladder_close_on_checkin(*, patient: Patient, checkin: CheckIn) -> None:
    """Called in the transaction that saves a check-in (by the person or on their behalf)."""
    ladder_close(patient=patient, reason=CLOSED_CHECKED_IN)


# --- the later rungs (a planner rule) -------------------------------------------------------


def _last_checkin() -> Subquery:
    return Subquery(
        CheckIn.objects.filter(patient=OuterRef("patient_id"))
        .order_by("-local_date")
        .values("local_date")[:1]
    )


def _base_day(ladder: Ladder) -> date:
    """The last day the person was "here": the streak's check-in date, or the day they
    joined."""
    if ladder.streak != "never":
        return date.fromisoformat(ladder.streak)
    return timezone.localtime(ladder.patient.created_at, ladder.patient.zone).date()


def _checked_in_since(ladder: Ladder) -> bool:
    last = ladder.last_checkin
    if last is None:
        return False
    return ladder.streak == "never" or last > date.fromisoformat(ladder.streak)


def ladder_rule(planner: Planner) -> None:
    """Every tick: close what should be closed, and take the rungs that are due, in order."""
    ladders = (
        Ladder.objects.filter(closed_at__isnull=True)
        .select_related(
            "patient",
            "patient__clinic",
            "patient__clinic__ladder_policy",
            "patient__user",
            "patient__engagement__ladder_contact__user",
            "patient__engagement__ladder_contact__patient",
        )
        .annotate(last_checkin=_last_checkin())
        .prefetch_related("steps")
        .order_by("pk")
    )
    for ladder in ladders:
        patient = ladder.patient
        if patient.status != PatientStatus.ACTIVE:
            ladder_close(patient=patient, reason=CLOSED_NOT_ACTIVE, at=planner.at)
        elif _checked_in_since(ladder):
            ladder_close(patient=patient, reason=CLOSED_CHECKED_IN, at=planner.at)
        elif not ladder_enabled(patient.clinic):
            ladder_close(patient=patient, reason=CLOSED_TURNED_OFF, at=planner.at)
        else:
            _climb(planner, ladder)


def _climb(planner: Planner, ladder: Ladder) -> None:
    patient = ladder.patient
    local_now = timezone.localtime(planner.at, patient.zone)
    if local_now.time() < LADDER_FROM:
        return
    missed = (local_now.date() - _base_day(ladder)).days - 1
    days = rung_days(patient.clinic)
    taken = {step.rung for step in ladder.steps.all()}
    for previous, rung in pairwise(RUNG_ORDER):
        if previous not in taken:
            return  # never skip ahead: the rung before is not recorded
        if rung in taken:
            continue
        if missed < days[rung] or not _take(planner, ladder, rung):
            return
        taken.add(rung)


def _take(planner: Planner, ladder: Ladder, rung: str) -> bool:
    """Record the rung and write its message in one transaction. False if a concurrent run took
    it first."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                step = LadderStep.objects.create(ladder=ladder, rung=rung, taken_at=planner.at)
        except IntegrityError:
            return False
        if rung == Rung.SUPPORTER:
            _ask_supporter(planner, ladder, step)
        else:
            _task_for_clinician(planner, ladder, step)
        planner.flush()
    return True


def chosen_contact(patient: Patient) -> SupportContact | None:
    try:
        return patient.engagement.ladder_contact
    except PatientEngagement.DoesNotExist:
        return None


def _ask_supporter(planner: Planner, ladder: Ladder, step: LadderStep) -> None:
    patient = ladder.patient
    contact = chosen_contact(patient)
    if contact is None or contact.patient_id != patient.pk:
        step.note = NOTE_NOBODY_CHOSEN
    elif not planner.supporter_allowed(contact, LADDER_SCOPE):
        step.contact, step.note = contact, NOTE_NOT_SHARED
    else:
        step.contact = contact
        recipient = planner.supporter_recipient(contact)
        if recipient is None:
            planner.tally.skip("no address")
            step.note = NOTE_NO_ADDRESS
        elif planner.opted_out(Kind.LADDER_SUPPORTER, recipient):
            planner.tally.skip("opted out")
            step.note = NOTE_OPTED_OUT
        else:
            link = make_link(
                LinkAction.REACHED_OUT,
                contact=contact,
                patient=patient,
                target={"step": step.pk},
                valid_for=LINK_VALID_FOR,
            )
            planner.send(
                Kind.LADDER_SUPPORTER,
                f"ladder:{ladder.pk}:supporter",
                recipient,
                planner.at,
                patient,
                supporter_text(contact, patient, link),
            )
    step.save(update_fields=["contact", "note"])


def supporter_text(contact: SupportContact, patient: Patient, link: str) -> Any:
    """What the chosen supporter reads: an idea for a light message, never why. First names
    only; no health, treatment or clinic words (the tests hold it to that)."""

    def render(recipient: object) -> tuple[str, str, str]:
        names = {
            "name": patient.first_name,
            "contact": contact.first_name,
            "link": link,
        }
        return (
            _("An idea for this week: say hello to %(name)s") % names,
            _(
                "Hi %(contact)s, this could be a nice week to get in touch with %(name)s. No "
                "reason needed: something light is perfect, like “Thinking of you. Fancy a walk "
                "or a coffee this weekend?” Once you have, one tap lets us know: %(link)s"
            )
            % names,
            link,
        )

    return render


def _task_for_clinician(planner: Planner, ladder: Ladder, step: LadderStep) -> None:
    patient = ladder.patient
    member = (
        CareTeamMember.objects.current()
        .filter(patient=patient, is_primary=True, clinician__is_active=True)
        .select_related("clinician")
        .first()
    )
    if member is None:
        step.note = NOTE_NO_PRIMARY
        step.save(update_fields=["note"])
        return
    step.assigned_to = member.clinician
    step.save(update_fields=["assigned_to"])
    missed = (timezone.localtime(planner.at, patient.zone).date() - _base_day(ladder)).days - 1

    def render(recipient: object) -> tuple[str, str, str]:
        link = site_link(reverse("patients:alerts", args=[patient.pk])) + "#ladder"
        text = ngettext(
            "Please reach out to %(name)s: no check-in for %(count)d day.",
            "Please reach out to %(name)s: no check-ins for %(count)d days.",
            missed,
        ) % {"name": patient.display_name, "count": missed}
        return text, text + " " + link, link

    planner.send(
        Kind.LADDER_TASK,
        f"ladder:{ladder.pk}:clinician",
        planner.staff_recipient(member.clinician, patient),
        planner.at,
        patient,
        render,
    )


# --- the caseload strip (the chart panel, the choice and "I reached out": engagement.selectors,
# engagement.services, engagement.actions) -----------------------------------------------------


def open_ladders(patients: QuerySet[Patient]) -> QuerySet[Ladder]:
    """The open ladders of these patients, with how far they went and whether anyone acted:
    one query."""
    return (
        Ladder.objects.filter(patient__in=patients, closed_at__isnull=True)
        .select_related("patient")
        .annotate(
            rungs=Count("steps"),
            acted=Count("steps", filter=Q(steps__acted_at__isnull=False)),
        )
        .order_by("opened_at", "pk")
    )


RUNG_STATE = {
    1: gettext_lazy("nudged, care team alerted"),
    2: gettext_lazy("a supporter was asked"),
    3: gettext_lazy("a task for the primary clinician"),
}


def ladder_attention(mine: QuerySet[Patient], strip: Any) -> None:
    """The caseload strip's "Ladders still open" (patients.selectors.ATTENTION_SOURCES): how
    many, and the first STRIP_SHOWN (all when the strip lists this heading in full), in one
    query."""
    full = strip.full == "open_ladders"
    ladders = strip.rows("open_ladders", lambda mine, _now: _strip_ladders(mine, full))
    strip.counts["open_ladders"] = ladders[0]["everyone"] if ladders else 0
    reached, nobody = _("someone reached out"), _("nobody has reached out yet")
    for ladder in ladders:
        state = str(RUNG_STATE.get(ladder["rungs"], RUNG_STATE[1]))
        strip.open_ladders.append(
            AttentionItem(
                ladder["patient_id"],
                ladder["patient__preferred_name"] or ladder["patient__legal_name"],
                f"{state} · {reached if ladder['acted'] else nobody}",
                "warning",
                timezone.localtime(ladder["opened_at"]).date(),
            )
        )


def _strip_ladders(mine: QuerySet[Patient], full: bool) -> QuerySet:
    """The strip's open ladders as values (the first STRIP_SHOWN, or all when `full`)."""
    ladders = (
        open_ladders(mine)
        .annotate(everyone=Window(Count("pk")))
        .values(
            "patient_id",
            "patient__legal_name",
            "patient__preferred_name",
            "rungs",
            "acted",
            "opened_at",
            "everyone",
        )
    )
    return ladders if full else ladders[:STRIP_SHOWN]


# --- wiring ---------------------------------------------------------------------------------


def register_ladder() -> None:
    """The planner rule for rungs 2 and 3, the caseload strip. (The "I reached out" link is
    engagement.actions'.)"""
    register_rule(ladder_rule, order=LADDER_ORDER)
    if ladder_attention not in ATTENTION_SOURCES:
        ATTENTION_SOURCES.append(ladder_attention)
