"""The clinic's opening hours for messages, read in the clinic's own time zone (DST-correct):
whether a moment falls inside them, when they next open, and how they read in a sentence."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.formats import time_format
from django.utils.translation import gettext as _

from accounts.models import Organization
from messaging.models import ClinicHours, Weekday


@dataclass(frozen=True)
class Opening:
    weekday: int
    opens: time
    closes: time


def clinic_zone(clinic: Organization) -> ZoneInfo:
    try:
        return ZoneInfo(clinic.time_zone)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def openings_of(clinic: Organization) -> list[Opening]:
    rows = ClinicHours.objects.filter(clinic=clinic).order_by("weekday", "opens")
    return [Opening(row.weekday, row.opens, row.closes) for row in rows]


def is_open(openings: Iterable[Opening], at: datetime, zone: ZoneInfo) -> bool:
    local = at.astimezone(zone)
    day, clock = local.weekday(), local.time()
    return any(o.weekday == day and o.opens <= clock < o.closes for o in openings)


def next_opening(openings: Iterable[Opening], at: datetime, zone: ZoneInfo) -> datetime | None:
    """The next moment the hours open after `at` (None without any hours)."""
    openings = sorted(openings, key=lambda o: (o.weekday, o.opens))
    if not openings:
        return None
    local_day = at.astimezone(zone).date()
    for ahead in range(8):
        day = local_day + timedelta(days=ahead)
        for opening in openings:
            if opening.weekday != day.weekday():
                continue
            start = datetime.combine(day, opening.opens, tzinfo=zone)
            if start > at:
                return start
    return None


def hours_lines(openings: Iterable[Opening]) -> list[str]:
    """ "Monday 9:00 a.m. to 5:00 p.m." for each opening, in the active language."""
    labels = dict(Weekday.choices)
    return [
        _("%(day)s %(opens)s–%(closes)s")
        % {
            "day": labels[o.weekday],
            "opens": time_format(o.opens, "TIME_FORMAT"),
            "closes": time_format(o.closes, "TIME_FORMAT"),
        }
        for o in openings
    ]
