"""Milestones people can see coming: the countdown to the next recovery milestone, the badges a
person has earned, and the money and hours they have back.

Badges are computed from the record, never stored. Each follows from rows that are never
erased (the recovery start history, setbacks, check-ins, custom milestones), and so does the
day it was earned: a milestone on its date, a streak on the day it reached its length, a "came
back" on the first check-in after a setback. Computing them means nothing to keep in step
(a check-in entered late, a start date corrected) and no backfill; it costs four queries
whatever the length of the history (`achievements_for`).

The set of badges is BadgeKind and nothing else. There is never a badge for days without use
alone: the day-count badges are the clinic's recovery milestones (patients.milestones), and the
set always has the engagement ones beside them (check-in streaks, coming back after a setback,
first check-in, first use of the coping plan). A setback never erases a badge: every stretch
of recovery keeps the milestones it reached.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Organization
from coping.models import CheckIn, Currency, UseCost
from patients.milestones import (
    MilestoneDate,
    milestones_between,
    next_milestone,
    recovery_milestones,
)
from patients.models import Milestone, Patient, RecoveryDate, Setback


class BadgeKind:
    """Every kind of badge there is (documented above; tests hold every badge to this set)."""

    MILESTONE = "milestone"  # one of the clinic's recovery milestones, in any stretch
    CUSTOM = "custom"  # a milestone the care team or the person added (patients.Milestone)
    STREAK = "streak"  # check-ins on so many local days in a row
    BEST_STREAK = "best_streak"
    CAME_BACK = "came_back"  # a check-in after a recorded setback
    FIRST_CHECKIN = "first_checkin"
    FIRST_PLAN_USE = "first_plan_use"  # a check-in naming a strategy of the coping plan


BADGE_KINDS = frozenset(
    value for name, value in vars(BadgeKind).items() if name.isupper() and isinstance(value, str)
)
STREAK_BADGES = (3, 7, 14, 30, 60, 100)
AHEAD_MILESTONES = 3  # how many of the coming milestones the page lists

# Unicode icons, always beside words (aria-hidden in the templates): no meaning in the icon alone.
ICONS = {
    BadgeKind.MILESTONE: "★",
    BadgeKind.CUSTOM: "✦",
    BadgeKind.STREAK: "✔",
    BadgeKind.BEST_STREAK: "▲",
    BadgeKind.CAME_BACK: "♥",
    BadgeKind.FIRST_CHECKIN: "●",
    BadgeKind.FIRST_PLAN_USE: "✚",
}

CAME_BACK_TEXT = gettext_lazy("You came back after a setback. That takes courage.")


@dataclass(frozen=True)
class Badge:
    kind: str
    key: str  # stable: "milestone-30d", "streak-7", "came-back-2026-03-04"
    title: str
    text: str
    earned_on: date | None = None  # None: still ahead
    due_on: date | None = None  # for a milestone still ahead: its date
    times: int = 1  # a milestone reached in more than one stretch of recovery

    @property
    def icon(self) -> str:
        return ICONS[self.kind]

    @property
    def earned(self) -> bool:
        return self.earned_on is not None


# --- The countdown ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    milestone: MilestoneDate
    today: date
    since: date  # the recovery start it counts from
    previous_on: date  # the previous milestone's date, or the start
    previous_label: str
    after_setback: bool  # the start was moved by a setback: the wording says every day counts

    @property
    def days_left(self) -> int:
        return (self.milestone.date - self.today).days

    @property
    def total_days(self) -> int:
        return max((self.milestone.date - self.previous_on).days, 1)

    @property
    def done_days(self) -> int:
        return min(max((self.today - self.previous_on).days, 0), self.total_days)

    @property
    def when(self) -> str:
        """ "today", "tomorrow" or "in 5 days": said kindly, never as a deadline."""
        if self.days_left <= 0:
            return _("today")
        if self.days_left == 1:
            return _("tomorrow")
        return ngettext("in %(count)d day", "in %(count)d days", self.days_left) % {
            "count": self.days_left
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.milestone.key,
            "label": self.milestone.label,
            "date": self.milestone.date,
            "days_left": self.days_left,
            "when": self.when,
            "since": self.since,
            "previous_date": self.previous_on,
            "previous_label": self.previous_label,
            "done_days": self.done_days,
            "total_days": self.total_days,
            "after_setback": self.after_setback,
        }


def countdown(start: date | None, today: date, *, after_setback: bool = False) -> Countdown | None:
    """The next milestone from the recovery start (today's counts: it is the day), and how far
    along the way from the previous one (or from the start) the person is."""
    coming = next_milestone(start, today)
    if start is None or coming is None:
        return None
    previous_on, previous_label = start, _("your start")
    for milestone in recovery_milestones(start):
        if milestone.date >= coming.date:
            break
        previous_on, previous_label = milestone.date, milestone.label
    return Countdown(coming, today, start, previous_on, previous_label, after_setback)


def started_after_setback(patient: Patient) -> bool:
    """Whether the current recovery start was set by a setback (one query)."""
    if patient.recovery_start is None:
        return False
    return RecoveryDate.objects.filter(
        patient=patient, start_date=patient.recovery_start, setback__isnull=False
    ).exists()


def countdown_for(patient: Patient, today: date) -> Countdown | None:
    if patient.recovery_start is None:
        return None
    return countdown(patient.recovery_start, today, after_setback=started_after_setback(patient))


# --- Stretches of recovery and the milestone badges -------------------------------------------


@dataclass(frozen=True)
class Stretch:
    start: date
    last_day: date  # the last day it counted (today, for the current one)
    after_setback: bool


def stretches(
    starts: Iterable[tuple[date, date | None]], current: date | None, today: date
) -> list[Stretch]:
    """The stretches of recovery from the start history, oldest first. `starts` is each
    recorded start and the day of the setback that moved it (None for a start set without one),
    in the order recorded. A start moved without a setback corrects the one before (no stretch
    ended); one moved by a setback ends the stretch before on the eve of the setback."""
    kept: list[tuple[date, date | None]] = []
    for start, setback_on in starts:
        if kept and setback_on is None:
            kept[-1] = (start, kept[-1][1])
        else:
            kept.append((start, setback_on))
    if current is not None and (not kept or kept[-1][0] != current):
        if kept:
            kept[-1] = (current, kept[-1][1])
        else:
            kept.append((current, None))
    found = []
    for index, (start, setback_on) in enumerate(kept):
        if index + 1 < len(kept):
            following_start, following_setback = kept[index + 1]
            ended = following_setback or following_start
            last_day = min(ended - timedelta(days=1), today)
        else:
            last_day = today
        found.append(Stretch(start, last_day, setback_on is not None))
    return found


def milestone_badges(all_stretches: list[Stretch]) -> list[Badge]:
    """Each recovery milestone reached in any stretch, once, dated the first time; a milestone
    reached again after a setback says so."""
    reached: dict[str, tuple[MilestoneDate, date, int]] = {}
    for stretch in all_stretches:
        for milestone in milestones_between(stretch.start, stretch.start, stretch.last_day):
            first = reached.get(milestone.key)
            if first is None:
                reached[milestone.key] = (milestone, milestone.date, 1)
            else:
                reached[milestone.key] = (first[0], first[1], first[2] + 1)
    badges = []
    for key, (milestone, first_on, times) in reached.items():
        text = _("One of your clinic's recovery milestones.")
        if times > 1:
            text = ngettext(
                "You reached it %(count)d time. Every time counts.",
                "You reached it %(count)d times. Every time counts.",
                times,
            ) % {"count": times}
        badges.append(
            Badge(
                BadgeKind.MILESTONE,
                f"milestone-{key}",
                milestone.label,
                text,
                first_on,
                None,
                times,
            )
        )
    return badges


def milestones_ahead(start: date | None, today: date) -> list[Badge]:
    """The next few milestones of the current stretch, after today."""
    if start is None:
        return []
    ahead = []
    for milestone in recovery_milestones(start):
        if milestone.date <= today:
            continue
        ahead.append(
            Badge(
                BadgeKind.MILESTONE,
                f"milestone-{milestone.key}",
                milestone.label,
                _("One of your clinic's recovery milestones."),
                due_on=milestone.date,
            )
        )
        if len(ahead) == AHEAD_MILESTONES:
            break
    return ahead


# --- Check-in streaks, coming back, firsts ------------------------------------------------------


def runs(days: list[date]) -> list[tuple[date, int]]:
    """(first day, length) of each run of consecutive local days, oldest first."""
    found: list[tuple[date, int]] = []
    for day in sorted(set(days)):
        if found and found[-1][0] + timedelta(days=found[-1][1]) == day:
            found[-1] = (found[-1][0], found[-1][1] + 1)
        else:
            found.append((day, 1))
    return found


def streak_title(length: int) -> str:
    return ngettext("%(count)d check-in in a row", "%(count)d check-ins in a row", length) % {
        "count": length
    }


def streak_badges(days: list[date]) -> tuple[list[Badge], Badge | None, int]:
    """The streak badges earned (each dated the day it was first reached), the next one still
    ahead, and the best streak."""
    all_runs = runs(days)
    best = max((length for _start, length in all_runs), default=0)
    earned = []
    for length in STREAK_BADGES:
        first = next((start for start, run in all_runs if run >= length), None)
        if first is not None:
            earned.append(
                Badge(
                    BadgeKind.STREAK,
                    f"streak-{length}",
                    streak_title(length),
                    _("Checking in, day after day."),
                    first + timedelta(days=length - 1),
                )
            )
    if best >= 2:
        best_start = next(start for start, run in all_runs if run == best)
        earned.append(
            Badge(
                BadgeKind.BEST_STREAK,
                "best-streak",
                _("Best streak: %(title)s") % {"title": streak_title(best)},
                _("Your longest run of check-ins so far."),
                best_start + timedelta(days=best - 1),
            )
        )
    coming = next((length for length in STREAK_BADGES if length > best), None)
    ahead = (
        Badge(
            BadgeKind.STREAK,
            f"streak-{coming}",
            streak_title(coming),
            _("Whenever you are ready: one day at a time."),
        )
        if coming
        else None
    )
    return earned, ahead, best


@dataclass(frozen=True)
class CheckInDay:
    day: date
    updated_at: datetime
    used_plan: bool


def came_back_badges(
    setbacks: list[tuple[date, datetime]], checkins: list[CheckInDay]
) -> list[Badge]:
    """A badge for each day the person checked in again after a setback: the first check-in
    after the setback's day, or on that day once the setback was told."""
    days: set[date] = set()
    for occurred_on, recorded_at in setbacks:
        back = next(
            (
                c.day
                for c in checkins
                if c.day > occurred_on or (c.day == occurred_on and c.updated_at >= recorded_at)
            ),
            None,
        )
        if back is not None:
            days.add(back)
    return [
        Badge(
            BadgeKind.CAME_BACK,
            f"came-back-{day.isoformat()}",
            _("You came back"),
            str(CAME_BACK_TEXT),
            day,
        )
        for day in sorted(days)
    ]


def first_badges(checkins: list[CheckInDay]) -> tuple[list[Badge], list[Badge]]:
    first_checkin = Badge(
        BadgeKind.FIRST_CHECKIN,
        "first-checkin",
        _("First check-in"),
        _("The first of many small steps."),
    )
    first_plan = Badge(
        BadgeKind.FIRST_PLAN_USE,
        "first-plan-use",
        _("Used my coping plan"),
        _("A check-in that named a strategy from your coping plan."),
    )
    earned, ahead = [], []
    first_day = checkins[0].day if checkins else None
    plan_day = next((c.day for c in checkins if c.used_plan), None)
    for badge, day in ((first_checkin, first_day), (first_plan, plan_day)):
        if day is None:
            ahead.append(badge)
        else:
            earned.append(Badge(badge.kind, badge.key, badge.title, badge.text, day))
    return earned, ahead


# --- Everything for the page -----------------------------------------------------------------


@dataclass
class Achievements:
    today: date
    countdown: Countdown | None
    earned: list[Badge] = field(default_factory=list)  # newest first
    ahead: list[Badge] = field(default_factory=list)
    best_streak: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "today": self.today,
            "countdown": self.countdown.as_dict() if self.countdown else None,
            "best_streak": self.best_streak,
            "earned": self.earned,
            "ahead": self.ahead,
        }


def achievements_for(patient: Patient, today: date) -> Achievements:
    """The countdown, the badges earned and those still ahead (four queries)."""
    starts = list(
        RecoveryDate.objects.filter(patient=patient)
        .order_by("recorded_at", "id")
        .values_list("start_date", "setback__occurred_on")
    )
    setbacks = list(
        Setback.objects.filter(patient=patient, occurred_on__lte=today)
        .order_by("occurred_on", "id")
        .values_list("occurred_on", "recorded_at")
    )
    checkins = [
        CheckInDay(day, updated_at, not no_plan)
        for day, updated_at, no_plan in CheckIn.objects.filter(
            patient=patient, local_date__lte=today
        )
        .annotate(no_plan=ExpressionWrapper(Q(strategies_used=[]), output_field=BooleanField()))
        .order_by("local_date")
        .values_list("local_date", "updated_at", "no_plan")
    ]
    customs = list(Milestone.objects.filter(patient=patient).order_by("date", "id"))

    all_stretches = stretches(starts, patient.recovery_start, today)
    current = all_stretches[-1] if all_stretches else None
    after_setback = bool(current and current.after_setback)
    earned = milestone_badges(all_stretches)
    streaks, next_streak, best = streak_badges([c.day for c in checkins])
    earned += streaks + came_back_badges(setbacks, checkins)
    firsts, firsts_ahead = first_badges(checkins)
    earned += firsts
    ahead = milestones_ahead(patient.recovery_start, today)
    for custom in customs:
        badge = Badge(
            BadgeKind.CUSTOM, f"custom-{custom.pk}", custom.title, custom.get_kind_display()
        )
        if custom.date <= today:
            earned.append(Badge(badge.kind, badge.key, badge.title, badge.text, custom.date))
        else:
            ahead.append(Badge(badge.kind, badge.key, badge.title, badge.text, due_on=custom.date))
    if next_streak:
        ahead.append(next_streak)
    ahead += firsts_ahead
    earned.sort(key=lambda badge: (badge.earned_on, badge.key), reverse=True)
    return Achievements(
        today=today,
        countdown=countdown(patient.recovery_start, today, after_setback=after_setback),
        earned=earned,
        ahead=ahead,
        best_streak=best,
    )


# --- Money and hours regained (the person's eyes only) ----------------------------------------

SYMBOLS = {
    Currency.USD: "$",
    Currency.CAD: "CA$",
    Currency.MXN: "MX$",
    Currency.EUR: "€",
    Currency.GBP: "£",
    Currency.AUD: "A$",
}
# A clinic's time zone says where it is: its currency is the default of the form.
ZONE_CURRENCIES = (
    ("Europe/London", Currency.GBP),
    ("Europe/", Currency.EUR),
    ("America/Mexico_City", Currency.MXN),
    ("America/Toronto", Currency.CAD),
    ("America/Vancouver", Currency.CAD),
    ("America/Edmonton", Currency.CAD),
    ("America/Winnipeg", Currency.CAD),
    ("America/Halifax", Currency.CAD),
    ("Australia/", Currency.AUD),
)


def clinic_currency(clinic: Organization) -> str:
    zone = clinic.time_zone or ""
    return next(
        (money for prefix, money in ZONE_CURRENCIES if zone.startswith(prefix)), Currency.USD
    )


def money_text(amount: Decimal, currency: str) -> str:
    """$1,234 in the reader's number style (grouped, no cents)."""
    number = number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True)
    return f"{SYMBOLS.get(currency, currency + ' ')}{number}"


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Regained:
    since: date
    days: int
    money: Decimal | None  # whole units, rounded half up
    currency: str
    hours: int | None

    @property
    def money_text(self) -> str:
        return money_text(self.money, self.currency) if self.money is not None else ""

    @property
    def sentence(self) -> str:
        """ "about $1,234 and 310 hours back for you" (the page says since when)."""
        hours = (
            ngettext("%(count)s hour", "%(count)s hours", self.hours)
            % {"count": number_format(self.hours, use_l10n=True, force_grouping=True)}
            if self.hours is not None
            else ""
        )
        if self.money is not None and self.hours is not None:
            return _("about %(money)s and %(hours)s back for you") % {
                "money": self.money_text,
                "hours": hours,
            }
        if self.money is not None:
            return _("about %(money)s back for you") % {"money": self.money_text}
        return _("about %(hours)s back for you") % {"hours": hours}


def regained(use_cost: UseCost | None, start: date | None, today: date) -> Regained | None:
    """Money and hours back since the current recovery start: the weekly figures times the
    days since, over seven, rounded to whole units (half up). After a setback it counts from the
    new start; before the start (or without one) there is nothing to show."""
    if use_cost is None or start is None:
        return None
    days = max((today - start).days, 0)
    money = (
        _whole(use_cost.amount_per_week * days / 7)
        if use_cost.amount_per_week is not None
        else None
    )
    hours = (
        int(_whole(use_cost.hours_per_week * days / 7))
        if use_cost.hours_per_week is not None
        else None
    )
    return Regained(start, days, money, use_cost.currency, hours)


def use_cost_of(patient: Patient) -> UseCost | None:
    return UseCost.objects.filter(patient=patient).first()


def countdown_on_home(patient: Patient, today: date) -> dict[str, object]:
    """The person's home page: the countdown card (one query: was the start set by a setback)."""
    return {"countdown": countdown_for(patient, today)}
