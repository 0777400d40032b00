"""Recovery milestones computed from the recovery start date.

The rule: the day-count milestones (1, 7, 30, 60, 90 and 180 days) fall that many days after
the start date; the year milestones (1 year, then every year) fall on the calendar anniversary
of the start date, so a leap year never shifts them. A start on 29 February celebrates on
28 February in common years. All dates are the patient's local dates.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import ngettext

DAY_MILESTONES = (1, 7, 30, 60, 90, 180)
MAX_YEARS = 80


@dataclass(frozen=True)
class MilestoneDate:
    date: date
    days: int  # days in recovery on that date
    years: int = 0

    @property
    def label(self) -> str:
        if self.years:
            return ngettext("%(count)d year", "%(count)d years", self.years) % {"count": self.years}
        return ngettext("%(count)d day", "%(count)d days", self.days) % {"count": self.days}

    @property
    def key(self) -> str:
        """Stable name of the milestone: "30d", "1y" (used for reminders and celebrations)."""
        return f"{self.years}y" if self.years else f"{self.days}d"


def anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year
        return start.replace(year=start.year + years, day=28)


def recovery_milestones(start: date) -> Iterator[MilestoneDate]:
    """Every milestone from a recovery start date, in date order."""
    for days in DAY_MILESTONES:
        yield MilestoneDate(date=start + timedelta(days=days), days=days)
    for years in range(1, MAX_YEARS + 1):
        when = anniversary(start, years)
        yield MilestoneDate(date=when, days=(when - start).days, years=years)


def next_milestone(start: date | None, today: date) -> MilestoneDate | None:
    """The first milestone on or after today (today's counts: it is the day to celebrate)."""
    if start is None:
        return None
    return next((m for m in recovery_milestones(start) if m.date >= today), None)


def milestones_between(start: date | None, first: date, last: date) -> list[MilestoneDate]:
    if start is None:
        return []
    found = []
    for milestone in recovery_milestones(start):
        if milestone.date > last:
            break
        if milestone.date >= first:
            found.append(milestone)
    return found


def reached_milestones(start: date | None, today: date) -> list[MilestoneDate]:
    return milestones_between(start, start, today) if start else []
