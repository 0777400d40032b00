"""Reads for check-ins and assessments: trends, streaks and what is due. Each is one or two
queries whatever the length of the history."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from coping.instruments import INSTRUMENTS, Instrument
from coping.models import Assessment, AssessmentSchedule, CheckIn, CopingPlanVersion
from core.dates import day, month_day
from patients.models import Patient, PatientStatus
from patients.selectors import (
    ATTENTION_SOURCES,
    HOME_SOURCES,
    JOURNEY_SOURCES,
    STRIP_FIELDS,
    SUMMARY_ANNOTATIONS,
    AttentionItem,
    JourneyEvent,
    JourneySource,
    JourneyWindow,
    NeedsAttention,
)

TREND_RANGES = (30, 90)


def checkin_series(patient: Patient, days: int, today: date | None = None) -> list[dict]:
    """Daily mood, craving and stress over the last `days` local days, oldest first."""
    today = today or patient.local_today()
    rows = (
        CheckIn.objects.filter(patient=patient, local_date__gt=today - timedelta(days=days))
        .order_by("local_date")
        .values("local_date", "mood", "craving", "stress", "sleep_hours", "used_since_last")
    )
    return [
        {
            "date": row["local_date"].isoformat(),
            "label": month_day(row["local_date"]),  # chart axis and table, in the reader's style
            "mood": row["mood"],
            "craving": row["craving"],
            "stress": row["stress"],
            "sleep": float(row["sleep_hours"]) if row["sleep_hours"] is not None else None,
            "use": row["used_since_last"],
        }
        for row in rows
    ]


def recent_checkins(patient: Patient, limit: int = 14) -> list[CheckIn]:
    return list(patient.checkins.select_related("entered_by").order_by("-local_date")[:limit])


def streak(patient: Patient, today: date | None = None) -> int:
    """Local days in a row with a check-in, ending today (or yesterday, if today's is still to
    come)."""
    today = today or patient.local_today()
    days = set(
        CheckIn.objects.filter(
            patient=patient, local_date__gt=today - timedelta(days=800)
        ).values_list("local_date", flat=True)
    )
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
    return {
        "checked_in_today": patient.checkins.filter(local_date=today).exists(),
        "streak": streak(patient, today),
        "series": checkin_series(patient, 30, today),
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


def _overdue_assessments(patients: QuerySet[Patient], strip: NeedsAttention) -> None:
    """The caseload strip's "overdue assessments", for active patients (a constant number of
    queries: one for the patients with their last dates, one for the schedules)."""
    last_dates = {
        slug: Subquery(
            Assessment.objects.filter(patient=OuterRef("pk"), instrument=slug)
            .order_by("-local_date")
            .values("local_date")[:1]
        )
        for slug in INSTRUMENTS
    }
    active = (
        patients.filter(status=PatientStatus.ACTIVE)
        .only(*STRIP_FIELDS)
        .annotate(**{f"last_{slug}": query for slug, query in last_dates.items()})
    )
    overrides: dict[int, dict[str, AssessmentSchedule]] = defaultdict(dict)
    for schedule in AssessmentSchedule.objects.filter(patient__in=patients):
        overrides[schedule.patient_id][schedule.instrument] = schedule
    for patient in active.order_by("legal_name", "pk"):
        today = patient.local_today()
        start = patient.created_at.astimezone(patient.zone).date()
        late = []
        for slug, instrument in INSTRUMENTS.items():
            schedule = overrides[patient.pk].get(slug)
            if schedule is not None and not schedule.is_active:
                continue
            interval = schedule.interval_days if schedule else instrument.default_interval_days
            due = _due(instrument, interval, getattr(patient, f"last_{slug}"), start, today)
            if due.overdue:
                late.append(instrument.short_name)
        if late:
            strip.overdue_assessments.append(
                AttentionItem(
                    patient.pk,
                    patient.display_name,
                    _("%(list)s overdue") % {"list": ", ".join(late)},
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
