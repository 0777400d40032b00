"""One way to write dates and times, per context, in the reader's language and time zone.

- day(value): a calendar day ("Dec 3, 2026"); a datetime is first moved to the viewer's zone.
- moment(value): a point in time ("Dec 3, 2026, 6:00 PM"), in the viewer's zone.
- clock(value): a time of day ("6:00 PM").
- month_day(value): a day on a chart axis or within a short list ("Dec 3").
- weekday(value): a day coming up soon, with its weekday ("Friday, Dec 4").

The styles themselves live in recovery_hub/formats/<language>/formats.py.
"""

from datetime import date, datetime, time

from django.utils import formats, timezone, translation

# Django's format modules know no weekday style; it lives here, one per language.
WEEKDAY_FORMATS = {"en": "l, M j", "es": "l j \\d\\e F"}


def _local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value: date | datetime | None) -> str:
    if value in (None, ""):
        return ""
    local = _local(value)
    if isinstance(local, datetime):
        local = local.date()
    return formats.date_format(local, "DATE_FORMAT")


def moment(value: datetime | None) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, datetime):
        return day(value)
    return formats.date_format(_local(value), "DATETIME_FORMAT")


def clock(value: time | datetime | None) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = _local(value).time()
    return formats.time_format(value, "TIME_FORMAT")


def month_day(value: date | datetime | None) -> str:
    if value in (None, ""):
        return ""
    local = _local(value)
    if isinstance(local, datetime):
        local = local.date()
    return formats.date_format(local, "MONTH_DAY_FORMAT")


def weekday(value: date | datetime | None) -> str:
    if value in (None, ""):
        return ""
    local = _local(value)
    if isinstance(local, datetime):
        local = local.date()
    language = (translation.get_language() or "en").split("-")[0]
    return formats.date_format(local, WEEKDAY_FORMATS.get(language, WEEKDAY_FORMATS["en"]))
