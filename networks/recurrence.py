"""The occasions of a help task: one day, or a series (daily, or weekly on chosen days) that
ends by a date, a count, or `HelpTask.MAX_OCCURRENCES`. Days only: the time window is the same
every occasion and reads in the patient's zone."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from networks.models import HelpTask, Repeat


@dataclass(frozen=True)
class Occasion:
    task: HelpTask
    day: date

    @property
    def key(self) -> str:
        """Stable across runs: the outbox's occurrence key and the page's form value."""
        return f"{self.task.pk}:{self.day.isoformat()}"

    def starts(self, zone: ZoneInfo) -> datetime | None:
        """The start as an aware datetime in the patient's zone (None: any time that day)."""
        if self.task.starts_at is None:
            return None
        return _wall(self.day, self.task.starts_at, zone)

    def ends(self, zone: ZoneInfo) -> datetime | None:
        if self.task.ends_at is None:
            return None
        return _wall(self.day, self.task.ends_at, zone)


def _wall(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The wall-clock time in the zone; in a spring-forward gap, the instant just after."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != naive:
        aware = (naive + timedelta(hours=1)).replace(tzinfo=zone)
    return aware


def all_days(task: HelpTask) -> Iterator[date]:
    """Every day of the task, in order, bounded by its end (or the maximum)."""
    if task.due_on is None:
        return
    first = task.due_on
    if task.repeat == Repeat.ONCE:
        yield first
        return
    limit = min(task.repeat_count or HelpTask.MAX_OCCURRENCES, HelpTask.MAX_OCCURRENCES)
    chosen = set(task.weekdays or [first.weekday()])
    count, day = 0, first
    while count < limit:
        if task.repeat_until is not None and day > task.repeat_until:
            return
        if task.repeat == Repeat.DAILY or day.weekday() in chosen:
            yield day
            count += 1
        day += timedelta(days=1)


def occasions(task: HelpTask, first: date, last: date) -> list[Occasion]:
    """The task's occasions between two days, both included."""
    found = []
    for day in all_days(task):
        if day > last:
            break
        if day >= first:
            found.append(Occasion(task, day))
    return found
