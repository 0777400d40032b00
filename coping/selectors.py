"""Reads for check-ins and assessments: trends, streaks and what is due. Each is one or two
queries whatever the length of the history."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.db.models import Case, F, IntegerField, Max, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from coping.badges import countdown_on_home
from coping.instruments import INSTRUMENTS, Instrument
from coping.models import Assessment, AssessmentSchedule, CheckIn, CopingPlanVersion
from core.dates import day, month_day
from patients.models import Patient, PatientStatus
from patients.selectors import (
    ATTENTION_SOURCES,
    HOME_SOURCES,
    JOURNEY_SOURCES,
    STRIP_ANNOTATIONS,
    STRIP_COLUMNS,
    STRIP_RULES,
    SUMMARY_ANNOTATIONS,
    AttentionItem,
    DayNumber,
    JourneyEvent,
    JourneySource,
    JourneyWindow,
    NeedsAttention,
)

TREND_RANGES = (30, 90)


def checkin_series(patient: Patient, days: int, today: date | None = None) -> list[dict]:
    """Daily mood, craving and stress over the last `days` local days, oldest first."""
    today = today or patient.local_today()
    return [_point(row) for row in _series_rows(patient, today - timedelta(days=days))]


SERIES_FIELDS = ("local_date", "mood", "craving", "stress", "sleep_hours", "used_since_last")
STREAK_DAYS = 800  # how far back a streak is counted


def _series_rows(patient: Patient, after: date) -> QuerySet:
    return (
        CheckIn.objects.filter(patient=patient, local_date__gt=after)
        .order_by("local_date")
        .values(*SERIES_FIELDS)
    )


def _point(row: dict) -> dict:
    return {
        "date": row["local_date"].isoformat(),
        "label": month_day(row["local_date"]),  # chart axis and table, in the reader's style
        "mood": row["mood"],
        "craving": row["craving"],
        "stress": row["stress"],
        "sleep": float(row["sleep_hours"]) if row["sleep_hours"] is not None else None,
        "use": row["used_since_last"],
    }


def series_and_streak(patient: Patient, days: int, today: date) -> tuple[list[dict], int, bool]:
    """checkin_series, streak and whether there is a check-in today, in one query."""
    since = today - timedelta(days=days)
    checked: set[date] = set()
    series = []
    for row in _series_rows(patient, today - timedelta(days=max(days, STREAK_DAYS))):
        checked.add(row["local_date"])
        if row["local_date"] > since:
            series.append(_point(row))
    return series, streak_in(checked, today), today in checked


def recent_checkins(patient: Patient, limit: int = 14) -> list[CheckIn]:
    return list(patient.checkins.select_related("entered_by").order_by("-local_date")[:limit])


def streak(patient: Patient, today: date | None = None) -> int:
    """Local days in a row with a check-in, ending today (or yesterday, if today's is still to
    come)."""
    today = today or patient.local_today()
    return streak_in(checkin_days(patient, today), today)


def checkin_days(patient: Patient, today: date) -> set[date]:
    """The local days with a check-in, in the STREAK_DAYS days up to today (one query)."""
    return set(
        CheckIn.objects.filter(
            patient=patient, local_date__gt=today - timedelta(days=STREAK_DAYS)
        ).values_list("local_date", flat=True)
    )


def streak_in(days: set[date], today: date) -> int:
    """The streak ending today (or yesterday) in these days with a check-in."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


def last_checkin_date() -> Subquery:
    """The local date of the latest check-in of the patient in the outer query."""
    return Subquery(
        CheckIn.objects.filter(patient=OuterRef("pk"))
        .order_by("-local_date")
        .values("local_date")[:1]
    )


def checkins_on_home(patient: Patient, today: date) -> dict[str, object]:
    """The person's home page: today's check-in, the streak, the last 30 days and the
    questionnaires due today."""
    series, streak_days, checked_in_today = series_and_streak(patient, 30, today)
    return {
        "checked_in_today": checked_in_today,
        "streak": streak_days,
        "series": series,
        "due": [d for d in schedule_for(patient, today) if d.due_today],
    }


def assessment_series(patient: Patient) -> dict[str, list[dict]]:
    """Each instrument's scores over time, oldest first."""
    series: dict[str, list[dict]] = defaultdict(list)
    rows = (
        Assessment.objects.filter(patient=patient)
        .order_by("created_at", "id")
        .values("instrument", "local_date", "total", "band")
    )
    labels = {(slug, b.slug): b.label for slug, i in INSTRUMENTS.items() for b in i.bands}
    for row in rows:
        label = labels.get((row["instrument"], row["band"]))
        series[row["instrument"]].append(
            {
                "date": row["local_date"].isoformat(),
                "label": month_day(row["local_date"]),
                "day": day(row["local_date"]),
                "total": float(row["total"]),
                "band": row["band"],
                "band_label": gettext(label) if label else row["band"],
            }
        )
    return dict(series)


@dataclass(frozen=True)
class Due:
    instrument: Instrument
    interval_days: int
    last: date | None
    next_due: date
    overdue: bool
    due_today: bool


def _due(instrument: Instrument, interval: int, last: date | None, start: date, today: date) -> Due:
    next_due = (last or start) + timedelta(days=interval if last else 0)
    return Due(instrument, interval, last, next_due, next_due < today, next_due <= today)


def schedule_for(patient: Patient, today: date | None = None) -> list[Due]:
    """When each instrument is next due for this patient (defaults unless the care team set a
    schedule): PHQ-9 and GAD-7 every 14 days, BRS and BARC-10 every 30."""
    today = today or patient.local_today()
    overrides = {s.instrument: s for s in AssessmentSchedule.objects.filter(patient=patient)}
    last = dict(
        Assessment.objects.filter(patient=patient)
        .values("instrument")
        .annotate(last=Max("local_date"))
        .values_list("instrument", "last")
    )
    start = patient.created_at.astimezone(patient.zone).date()
    result = []
    for slug, instrument in INSTRUMENTS.items():
        schedule = overrides.get(slug)
        if schedule is not None and not schedule.is_active:
            continue
        interval = schedule.interval_days if schedule else instrument.default_interval_days
        result.append(_due(instrument, interval, last.get(slug), start, today))
    return result


def last_assessment_date(slug: str) -> Subquery:
    """The local date of the latest `slug` questionnaire of the patient in the outer query."""
    return Subquery(
        Assessment.objects.filter(patient=OuterRef("pk"), instrument=slug)
        .order_by("-local_date")
        .values("local_date")[:1]
    )


def last_assessment_day(slug: str) -> DayNumber:
    """last_assessment_date as a day number (the strip compares day numbers)."""
    return DayNumber(last_assessment_date(slug))


def scheduled_every(slug: str) -> Subquery:
    """The days between two `slug` questionnaires the care team set for the patient in the
    outer query: None when they set none (the default applies), 0 when they turned it off."""
    return Subquery(
        AssessmentSchedule.objects.filter(patient=OuterRef("pk"), instrument=slug)
        .annotate(every=Case(When(is_active=True, then=F("interval_days")), default=Value(0)))
        .values("every")[:1],
        output_field=IntegerField(),
    )


def late_column(slug: str, default_days: int) -> tuple[str, list]:
    """1 when the patient's `slug` questionnaire is overdue (as _due says), over the strip's
    columns (patients.selectors.strip_sql): turned off (0) never; never taken, due from the
    day the record was made; else due `every` (or the default) days after the last."""
    last, every = f"last_{slug}_day", f"every_{slug}"
    return (
        f"CASE WHEN {every} = 0 THEN 0 WHEN CASE WHEN {last} IS NULL"
        f" THEN strip_created < strip_today"
        f" ELSE {last} + COALESCE({every}, {int(default_days)}) < strip_today END"
        f" THEN 1 ELSE 0 END",
        [],
    )


def overdue_rule() -> tuple[str, list]:
    """Active, with some questionnaire overdue."""
    late = " OR ".join(f"late_{slug} = 1" for slug in INSTRUMENTS)
    return f"status = %s AND ({late})", [PatientStatus.ACTIVE.value]


def _overdue_assessments(patients: QuerySet[Patient], strip: NeedsAttention) -> None:
    """The caseload strip's "overdue assessments": the people the strip's query ranked under
    the heading (overdue_rule, in SQL), named with the questionnaires late (late_column); no
    query of its own."""
    text = _("%(list)s overdue")
    for row in strip.people:
        if not strip.names(row, "overdue_assessments"):
            continue
        late = [i.short_name for slug, i in INSTRUMENTS.items() if row[f"late_{slug}"]]
        strip.overdue_assessments.append(
            AttentionItem(
                row["pk"],
                row["preferred_name"] or row["legal_name"],
                text % {"list": ", ".join(late)},
                "warning",
            )
        )


def _assessment_events(
    patient: Patient, access: object, window: JourneyWindow
) -> Iterable[JourneyEvent]:
    taken = Assessment.objects.filter(patient=patient, local_date__range=(window.start, window.end))
    for assessment in taken.order_by("-created_at"):
        instrument = INSTRUMENTS.get(assessment.instrument)
        if instrument is None:
            continue
        band = gettext(instrument.band_for(float(assessment.total)).label)
        total = f"{assessment.total:.2f}" if instrument.mean else f"{int(assessment.total)}"
        yield JourneyEvent(
            assessment.local_date,
            "assessment",
            instrument.short_name,
            _("Score %(total)s (%(band)s)") % {"total": total, "band": band.lower()},
            at=assessment.created_at,
            tone="danger" if assessment.flags else "info",
        )


def _plan_events(patient: Patient, access: object, window: JourneyWindow) -> Iterable[JourneyEvent]:
    versions = CopingPlanVersion.objects.filter(
        plan__patient=patient, created_at__gte=window.starts_at, created_at__lt=window.ends_before
    ).select_related("author")
    for version in versions:
        author = version.author.display_name if version.author else _("someone")
        yield JourneyEvent(
            version.created_at.astimezone(patient.zone).date(),
            "plan",
            _("Coping plan version %(n)s by %(author)s") % {"n": version.number, "author": author},
            version.change_summary,
            at=version.created_at,
            tone="success",
        )


def register() -> None:
    """Teach the caseload, its strip, the chart's journey and the person's home page about
    this app's data (idempotent)."""
    SUMMARY_ANNOTATIONS["last_checkin"] = last_checkin_date
    if checkins_on_home not in HOME_SOURCES:
        HOME_SOURCES.append(checkins_on_home)
    if countdown_on_home not in HOME_SOURCES:
        HOME_SOURCES.append(countdown_on_home)
    for slug, instrument in INSTRUMENTS.items():
        STRIP_ANNOTATIONS[f"last_{slug}_day"] = partial(last_assessment_day, slug)
        STRIP_ANNOTATIONS[f"every_{slug}"] = partial(scheduled_every, slug)
        STRIP_COLUMNS[f"late_{slug}"] = late_column(slug, instrument.default_interval_days)
    STRIP_RULES["overdue_assessments"] = overdue_rule()
    if _overdue_assessments not in ATTENTION_SOURCES:
        ATTENTION_SOURCES.append(_overdue_assessments)
    for source in (
        JourneySource(
            "assessment",
            gettext_lazy("Questionnaires"),
            _assessment_events,
            lambda patient: patient.assessments.annotate(journey_day=F("local_date")),
        ),
        JourneySource(
            "plan",
            gettext_lazy("Coping plan changes"),
            _plan_events,
            lambda patient: CopingPlanVersion.objects.filter(plan__patient=patient).annotate(
                journey_day=TruncDate("created_at", tzinfo=patient.zone)
            ),
        ),
    ):
        if source.kind not in {known.kind for known in JOURNEY_SOURCES}:
            JOURNEY_SOURCES.append(source)
