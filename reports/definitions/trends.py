"""The `trends` report: weekly means of mood, craving and stress, and how many patients
contributed."""

from datetime import date, timedelta

from django.db.models import (
    Count,
    DateField,
    F,
    Func,
    Q,
    Sum,
)
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from coping.models import CheckIn
from reports.filters import Filters, patients_for
from reports.models import CheckInWeek
from reports.registry import Chart, Column, Report, Result, Table

# Weeks start on Monday. A day's Monday by integer arithmetic on the date: PostgreSQL's
# date_trunc('week', ...) first casts every check-in's date to a timestamp with time zone,
# which costs more than the rest of the report.
FIRST_MONDAY = date(1900, 1, 1)


MONDAY_OF = f"(%(expressions)s - MOD(%(expressions)s - DATE '{FIRST_MONDAY.isoformat()}', 7))"


def _whole_weeks(start: date, end: date) -> tuple[date, date] | None:
    """The Mondays of the first and last whole weeks between start and end, if any."""
    first = start + timedelta(days=(7 - start.weekday()) % 7)
    last = end - timedelta(days=(end.weekday() + 1) % 7)  # the Sunday ending the last whole week
    last -= timedelta(days=6)
    return (first, last) if first <= last else None


def trends(clinic: Organization, filters: Filters) -> Result:
    """Weekly means of mood, craving and stress (0 to 10) and how many patients contributed.

    Whole weeks are read from reports.CheckInWeek (one row per person and week, kept by the
    database); the part-weeks at either end of the range from the check-ins themselves."""
    patients = patients_for(clinic, filters)
    sums = {
        "checkins": Sum("checkins"),
        "mood": Sum("mood_sum"),
        "craving": Sum("craving_sum"),
        "stress": Sum("stress_sum"),
    }
    whole = _whole_weeks(filters.start, filters.end)
    days = Q(local_date__gte=filters.start, local_date__lte=filters.end)
    found: list[dict] = []
    if whole is not None:
        first, last = whole
        found += (
            CheckInWeek.objects.filter(patient__in=patients, week__gte=first, week__lte=last)
            .values("week")
            .annotate(patients=Count("pk"), **sums)
            .order_by()
        )
        days &= Q(local_date__lt=first) | Q(local_date__gt=last + timedelta(days=6))
    found += (
        CheckIn.objects.filter(days, patient__in=patients)
        .annotate(week=Func(F("local_date"), template=MONDAY_OF, output_field=DateField()))
        .values("week")
        .annotate(
            patients=Count("patient", distinct=True),
            checkins=Count("pk"),
            mood=Sum("mood"),
            craving=Sum("craving"),
            stress=Sum("stress"),
        )
        .order_by()
    )
    rows = [
        {
            "week": row["week"],
            "patients": row["patients"],
            "checkins": row["checkins"],
            "mood": round(row["mood"] / row["checkins"], 2),
            "craving": round(row["craving"] / row["checkins"], 2),
            "stress": round(row["stress"] / row["checkins"], 2),
        }
        for row in sorted(found, key=lambda row: row["week"])
    ]
    columns = [
        Column("week", _("Week starting"), "date"),
        Column("patients", _("Patients contributing"), patients="patients"),
        Column("checkins", _("Check-ins"), patients="patients"),
        Column("mood", _("Mean mood"), "number", patients="patients"),
        Column("craving", _("Mean craving"), "number", patients="patients"),
        Column("stress", _("Mean stress"), "number", patients="patients"),
    ]
    chart = Chart(
        "line",
        [row["week"].isoformat() for row in rows],  # reports.js writes them in the page's language
        [
            {"label": str(_("Mean mood")), "data": [r["mood"] for r in rows]},
            {"label": str(_("Mean craving")), "data": [r["craving"] for r in rows]},
            {"label": str(_("Mean stress")), "data": [r["stress"] for r in rows]},
        ],
        y_label=_("0 to 10"),
    )
    return Result(
        tables=[
            Table(
                "weeks",
                _("Weekly means"),
                columns,
                rows,
                empty_text=_("No check-ins in this range."),
            )
        ],
        chart=chart,
        notes=[_("Weeks start on Monday; a week at either end of the range may be partial.")],
    )


TRENDS_REPORT = Report(
    "trends",
    _("Mood, craving and stress"),
    _("Weekly means and how many patients contributed."),
    trends,
)
