"""Reads for the caseload, the chart and the journey: scoped, annotated and prefetched for the
page that uses them, so the number of queries never grows with the data."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization, User
from core.dates import day, month_day
from patients.access import ChartAccess, _on_team
from patients.milestones import milestones_between, next_milestone, reached_milestones
from patients.models import (
    Alert,
    AlertSeverity,
    AlertStatus,
    Appointment,
    AppointmentStatus,
    CareTeamMember,
    ClinicalNote,
    Milestone,
    Patient,
    PatientStatus,
    RecoveryDate,
    Setback,
)

# Two local days in a row with no check-in (before today) count as missed.
MISSED_CHECKIN_DAYS = 2

SORTS = {
    "name": ("legal_name", "pk"),
    "-name": ("-legal_name", "-pk"),
    "recovery": (F("recovery_start").asc(nulls_last=True), "pk"),
    "-recovery": (F("recovery_start").desc(nulls_last=True), "pk"),
    "last_checkin": (F("last_checkin").asc(nulls_first=True), "pk"),
    "-last_checkin": (F("last_checkin").desc(nulls_last=True), "pk"),
    "alerts": ("-open_alerts", "legal_name", "pk"),
    "next_appointment": (F("next_appointment").asc(nulls_last=True), "pk"),
}


@dataclass
class PatientFilters:
    q: str = ""
    program: int | None = None
    status: str = ""
    has_alerts: bool = False
    sort: str = "name"


# What a list of patients shows from the apps above this one, by annotation name: coping adds
# `last_checkin` (the local date of the latest check-in), which the caseload sorts by and the
# "needs attention" strip reads. Each value makes a fresh expression over OuterRef("pk").
SUMMARY_ANNOTATIONS: dict[str, Callable[[], Subquery]] = {}


def summary_annotations() -> dict[str, Subquery]:
    return {name: make() for name, make in SUMMARY_ANNOTATIONS.items()}


# The person's own home page: each source adds its part of the page's context (coping adds
# today's check-in, the streak, the 30-day series and the questionnaires due today).
HomeSource = Callable[[Patient, date], dict[str, object]]
HOME_SOURCES: list[HomeSource] = []


def home_for(patient: Patient, today: date) -> dict[str, object]:
    context: dict[str, object] = {}
    for source in HOME_SOURCES:
        context.update(source(patient, today))
    return context


def with_chart_summary(qs: QuerySet[Patient]) -> QuerySet[Patient]:
    """Annotate what a list of patients shows: last check-in, open alerts, next appointment."""
    open_alerts = (
        Alert.objects.filter(patient=OuterRef("pk"))
        .exclude(status=AlertStatus.RESOLVED)
        .order_by()
        .values("patient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    high_alerts = open_alerts.filter(severity=AlertSeverity.HIGH)
    next_appointment = (
        Appointment.objects.filter(
            patient=OuterRef("pk"),
            status=AppointmentStatus.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return qs.select_related("program").annotate(
        open_alerts=Coalesce(Subquery(open_alerts, output_field=IntegerField()), Value(0)),
        high_alerts=Coalesce(Subquery(high_alerts, output_field=IntegerField()), Value(0)),
        next_appointment=Subquery(next_appointment),
        **summary_annotations(),
    )


def filter_patients(qs: QuerySet[Patient], filters: PatientFilters) -> QuerySet[Patient]:
    """Search by name or MRN, filter by program, status and open alerts, and sort."""
    qs = with_chart_summary(qs)
    if filters.q.strip():
        term = filters.q.strip()
        qs = qs.filter(
            Q(legal_name__icontains=term)
            | Q(preferred_name__icontains=term)
            | Q(mrn__icontains=term)
        )
    if filters.program:
        qs = qs.filter(program_id=filters.program)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.has_alerts:
        qs = qs.filter(open_alerts__gt=0)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def caseload_for(
    *, clinician: User, clinic: Organization, filters: PatientFilters | None = None
) -> QuerySet[Patient]:
    """The patients of this clinic whose current care team includes the clinician."""
    qs = Patient.objects.filter(clinic=clinic).filter(_on_team(clinician))
    return filter_patients(qs, filters or PatientFilters())


def patient_record_for(*, user: User, clinic: Organization) -> Patient | None:
    """The person-in-recovery record linked to this sign-in, in this clinic."""
    return Patient.objects.filter(user=user, clinic=clinic).select_related("program").first()


@dataclass
class AttentionItem:
    patient_id: int
    patient_name: str
    text: str
    severity: str = "info"
    on: date | None = None


@dataclass
class NeedsAttention:
    alerts: list[Alert] = field(default_factory=list)
    alert_count: int = 0
    milestones: list[AttentionItem] = field(default_factory=list)
    missed_checkins: list[AttentionItem] = field(default_factory=list)
    overdue_assessments: list[AttentionItem] = field(default_factory=list)
    # The escalation ladders still open (engagement.ladder adds them as a source).
    open_ladders: list[AttentionItem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.alerts
            or self.milestones
            or self.missed_checkins
            or self.overdue_assessments
            or self.open_ladders
        )


AttentionSource = Callable[[QuerySet[Patient], NeedsAttention], None]
# Later features (assessments) add what they consider overdue.
ATTENTION_SOURCES: list[AttentionSource] = []

ALERT_LIMIT = 10
# What the strip's sources read from each person (display_name, local_today, missed_checkins,
# milestones, assessments' start date): the strip loads these columns only.
STRIP_FIELDS = (
    "pk",
    "legal_name",
    "preferred_name",
    "status",
    "time_zone",
    "recovery_start",
    "created_at",
)


def needs_attention(*, clinician: User, clinic: Organization) -> NeedsAttention:
    """The strip on top of the caseload: open alerts, milestones this week, missed check-ins,
    overdue assessments, across the whole caseload (not just the page shown)."""
    mine = Patient.objects.filter(clinic=clinic).filter(_on_team(clinician))
    strip = NeedsAttention()
    severity_order = Case(
        When(severity=AlertSeverity.HIGH, then=0),
        When(severity=AlertSeverity.MEDIUM, then=1),
        default=2,
    )
    alerts = (
        Alert.objects.filter(patient__in=mine)
        .exclude(status=AlertStatus.RESOLVED)
        .select_related("patient")
        .order_by(severity_order, "-created_at")
    )
    strip.alerts = list(alerts[:ALERT_LIMIT])
    strip.alert_count = len(strip.alerts) if len(strip.alerts) < ALERT_LIMIT else alerts.count()
    # Only the columns the strip reads (the name, status, zone, dates): a caseload of hundreds
    # is built without loading each person's whole record.
    rows = (
        mine.filter(status__in=[PatientStatus.ACTIVE, PatientStatus.INTAKE])
        .only(*STRIP_FIELDS)
        .annotate(**summary_annotations())
    )
    for patient in rows.order_by("legal_name", "pk"):
        today = patient.local_today()
        for milestone in milestones_between(patient.recovery_start, today, today + timedelta(6)):
            strip.milestones.append(
                AttentionItem(
                    patient.pk, patient.display_name, milestone.label, "success", milestone.date
                )
            )
        if patient.status == PatientStatus.ACTIVE and missed_checkins(patient, today):
            since = patient.last_checkin
            text = (
                _("no check-in since %(date)s") % {"date": month_day(since)}
                if since
                else _("no check-ins yet")
            )
            strip.missed_checkins.append(
                AttentionItem(patient.pk, patient.display_name, text, "warning", since)
            )
    for source in ATTENTION_SOURCES:
        source(mine, strip)
    strip.milestones.sort(key=lambda item: item.on)
    return strip


def missed_checkins(patient: Patient, today: date) -> bool:
    """No check-in on each of the last MISSED_CHECKIN_DAYS local days before today."""
    last = getattr(patient, "last_checkin", None)
    first_expected = today - timedelta(days=MISSED_CHECKIN_DAYS)
    if last is None:
        return timezone.localtime(patient.created_at, patient_zone(patient)).date() <= (
            first_expected
        )
    return last < first_expected


def patient_zone(patient: Patient) -> ZoneInfo:
    return ZoneInfo(patient.time_zone)


# --- The chart --------------------------------------------------------------------------------


def care_team_of(patient: Patient, *, include_past: bool = False) -> QuerySet[CareTeamMember]:
    qs = patient.care_team.select_related("clinician")
    return qs if include_past else qs.filter(ended_on__isnull=True)


def upcoming_appointments(patient: Patient, *, limit: int | None = None) -> list[Appointment]:
    qs = (
        patient.appointments.filter(
            starts_at__gte=timezone.now(), status=AppointmentStatus.SCHEDULED
        )
        .prefetch_related("staff_attendees")
        .order_by("starts_at")
    )
    return list(qs[:limit] if limit else qs)


def appointments_of(patient: Patient) -> QuerySet[Appointment]:
    return patient.appointments.prefetch_related("staff_attendees").order_by("-starts_at")


def alerts_of(patient: Patient) -> QuerySet[Alert]:
    return patient.alerts.select_related("owner", "acknowledged_by", "resolved_by")


def notes_of(patient: Patient) -> QuerySet[ClinicalNote]:
    return patient.clinical_notes.select_related("author")


@dataclass(frozen=True)
class JourneyEvent:
    day: date
    kind: str  # checkin, milestone, setback, appointment, note, recovery_date, ...
    title: str
    body: str = ""
    at: datetime | None = None
    tone: str = "secondary"

    @property
    def sort_key(self) -> tuple:
        return (self.day, self.at.timestamp() if self.at else 0.0)


# The journey shows this many local days at a time unless asked for another range.
JOURNEY_DAYS = 30


@dataclass(frozen=True)
class JourneyWindow:
    """The local days (in the patient's zone, both ends included) one journey page shows, and
    the kinds of entry asked for (none named: every kind)."""

    start: date
    end: date
    zone: ZoneInfo
    kinds: frozenset[str] = frozenset()

    @classmethod
    def recent(cls, patient: Patient, kinds: Iterable[str] = ()) -> "JourneyWindow":
        """The last JOURNEY_DAYS days up to the patient's today."""
        today = patient.local_today()
        return cls(today - timedelta(days=JOURNEY_DAYS - 1), today, patient.zone, frozenset(kinds))

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=self.zone)

    @property
    def ends_before(self) -> datetime:
        """The first instant after the window: midnight that ends its last local day."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.zone)

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end

    def earlier(self) -> "JourneyWindow":
        """The same number of days just before this window."""
        return replace(
            self, start=self.start - timedelta(days=self.length), end=self.start - timedelta(days=1)
        )

    def later(self) -> "JourneyWindow":
        return replace(
            self, start=self.end + timedelta(days=1), end=self.end + timedelta(days=self.length)
        )


def _local_day(field_name: str, zone: ZoneInfo) -> TruncDate:
    return TruncDate(field_name, tzinfo=zone)


def _checkin_events(
    patient: Patient, access: ChartAccess, window: JourneyWindow
) -> Iterable[JourneyEvent]:
    checkins = patient.checkins.filter(local_date__range=(window.start, window.end))
    for checkin in checkins.order_by("-local_date"):
        body = _("Mood %(mood)s · craving %(craving)s · stress %(stress)s") % {
            "mood": checkin.mood,
            "craving": checkin.craving,
            "stress": checkin.stress,
        }
        if checkin.used_since_last:
            body += " · " + _("reported use")
        yield JourneyEvent(
            checkin.local_date,
            "checkin",
            _("Daily check-in"),
            body,
            tone="warning" if checkin.used_since_last or checkin.craving >= 8 else "info",
        )


def _milestone_events(
    patient: Patient, access: ChartAccess, window: JourneyWindow
) -> Iterable[JourneyEvent]:
    reached = reached_milestones(patient.recovery_start, min(window.end, patient.local_today()))
    for milestone in reached:
        if window.holds(milestone.date):
            yield JourneyEvent(
                milestone.date,
                "milestone",
                _("%(label)s in recovery") % {"label": milestone.label},
                tone="success",
            )
    customs = Milestone.objects.filter(patient=patient, date__range=(window.start, window.end))
    for custom in customs:
        yield JourneyEvent(custom.date, "milestone", custom.title, custom.note, tone="success")


def _setback_events(
    patient: Patient, access: ChartAccess, window: JourneyWindow
) -> Iterable[JourneyEvent]:
    setbacks = Setback.objects.filter(
        patient=patient, occurred_on__range=(window.start, window.end)
    )
    for setback in setbacks:
        parts = [setback.what_happened]
        if setback.what_helped:
            parts.append(_("What helped: %(text)s") % {"text": setback.what_helped})
        if setback.plan_changes:
            parts.append(_("Plan changes: %(text)s") % {"text": setback.plan_changes})
        yield JourneyEvent(
            setback.occurred_on,
            "setback",
            setback.get_kind_display(),
            "\n".join(parts),
            tone="warning",
        )


def _recovery_date_events(
    patient: Patient, access: ChartAccess, window: JourneyWindow
) -> Iterable[JourneyEvent]:
    entries = RecoveryDate.objects.filter(
        patient=patient, recorded_at__gte=window.starts_at, recorded_at__lt=window.ends_before
    )
    for entry in entries:
        yield JourneyEvent(
            timezone.localtime(entry.recorded_at, window.zone).date(),
            "recovery_date",
            _("Recovery start date set to %(date)s") % {"date": day(entry.start_date)},
            entry.reason,
            at=entry.recorded_at,
        )


def _appointment_events(
    patient: Patient, access: ChartAccess, window: JourneyWindow
) -> Iterable[JourneyEvent]:
    appointments = patient.appointments.filter(
        starts_at__gte=window.starts_at, starts_at__lt=window.ends_before
    )
    for appointment in appointments:
        local = timezone.localtime(appointment.starts_at, window.zone)
        yield JourneyEvent(
            local.date(),
            "appointment",
            f"{appointment.label} ({appointment.get_status_display().lower()})",
            appointment.location,
            at=appointment.starts_at,
            tone="primary",
        )


def _note_events(
    patient: Patient, access: ChartAccess, window: JourneyWindow
) -> Iterable[JourneyEvent]:
    if not access.can_read_notes:
        return
    notes = notes_of(patient).filter(
        created_at__gte=window.starts_at, created_at__lt=window.ends_before
    )
    for note in notes:
        yield JourneyEvent(
            timezone.localtime(note.created_at, window.zone).date(),
            "note",
            _("Clinical note by %(author)s") % {"author": note.author.display_name},
            note.body,
            at=note.created_at,
        )


def _can_read_notes(access: ChartAccess) -> bool:
    return access.can_read_notes


def _everyone(access: ChartAccess) -> bool:
    return True


@dataclass(frozen=True)
class JourneySource:
    """One kind of entry in the journey.

    `events` yields the entries of one window (one query, filtered in the database);
    `days` is a queryset of that kind's entries with a `journey_day` (the local day) column, so
    the page knows whether there is anything earlier or later; `shown_to` says who sees it."""

    kind: str
    label: str
    events: Callable[[Patient, ChartAccess, JourneyWindow], Iterable[JourneyEvent]]
    days: Callable[[Patient], QuerySet] | None = None
    shown_to: Callable[[ChartAccess], bool] = _everyone


# In the order the filters list them. Later features (assessments, coping-plan versions) add
# their own sources here.
JOURNEY_SOURCES: list[JourneySource] = [
    JourneySource(
        "checkin",
        gettext_lazy("Check-ins"),
        _checkin_events,
        lambda patient: patient.checkins.annotate(journey_day=F("local_date")),
    ),
    JourneySource(
        "milestone",
        gettext_lazy("Milestones"),
        _milestone_events,
        lambda patient: patient.milestones.annotate(journey_day=F("date")),
    ),
    JourneySource(
        "setback",
        gettext_lazy("Setbacks"),
        _setback_events,
        lambda patient: patient.setbacks.annotate(journey_day=F("occurred_on")),
    ),
    JourneySource(
        "appointment",
        gettext_lazy("Appointments"),
        _appointment_events,
        lambda patient: patient.appointments.annotate(
            journey_day=_local_day("starts_at", patient.zone)
        ),
    ),
    JourneySource(
        "note",
        gettext_lazy("Clinical notes"),
        _note_events,
        lambda patient: patient.clinical_notes.annotate(
            journey_day=_local_day("created_at", patient.zone)
        ),
        shown_to=_can_read_notes,
    ),
    JourneySource(
        "recovery_date",
        gettext_lazy("Recovery start dates"),
        _recovery_date_events,
        lambda patient: patient.recovery_dates.annotate(
            journey_day=_local_day("recorded_at", patient.zone)
        ),
    ),
]


def journey_kinds(access: ChartAccess) -> list[tuple[str, str]]:
    """The kinds of entry this reader may filter the journey by, as form choices."""
    return [(source.kind, source.label) for source in JOURNEY_SOURCES if source.shown_to(access)]


@dataclass
class JourneyPage:
    window: JourneyWindow
    events: list[JourneyEvent]
    first_day: date | None  # the first and last day with an entry of the kinds asked for
    last_day: date | None

    @property
    def has_earlier(self) -> bool:
        return self.first_day is not None and self.first_day < self.window.start

    @property
    def has_later(self) -> bool:
        return self.last_day is not None and self.last_day > self.window.end

    @property
    def has_history(self) -> bool:
        return self.first_day is not None


def journey_for(patient: Patient, access: ChartAccess, window: JourneyWindow) -> JourneyPage:
    """One window of the patient's story, newest first. A constant number of queries: one per
    kind asked for, and one for the first and last day with an entry."""
    sources = [s for s in JOURNEY_SOURCES if s.shown_to(access) and window.wants(s.kind)]
    events = [event for source in sources for event in source.events(patient, access, window)]
    events.sort(key=lambda event: event.sort_key, reverse=True)
    first_day, last_day = _journey_span(patient, sources, window)
    return JourneyPage(window, events, first_day, last_day)


def _journey_span(
    patient: Patient, sources: list[JourneySource], window: JourneyWindow
) -> tuple[date | None, date | None]:
    firsts: list[date] = []
    lasts: list[date] = []
    if window.wants("milestone") and patient.recovery_start:
        # Milestones counted from the recovery start fall between it and today.
        reached = reached_milestones(patient.recovery_start, patient.local_today())
        if reached:
            firsts.append(min(m.date for m in reached))
            lasts.append(max(m.date for m in reached))
    spans = {}
    for n, source in enumerate(s for s in sources if s.days):
        days = source.days(patient).order_by()
        spans[f"first_{n}"] = Subquery(days.order_by("journey_day").values("journey_day")[:1])
        spans[f"last_{n}"] = Subquery(days.order_by("-journey_day").values("journey_day")[:1])
    if spans:
        row = Patient.objects.filter(pk=patient.pk).annotate(**spans).values(*spans).get()
        firsts += [v for k, v in row.items() if k.startswith("first_") and v is not None]
        lasts += [v for k, v in row.items() if k.startswith("last_") and v is not None]
    return (min(firsts) if firsts else None, max(lasts) if lasts else None)


@dataclass(frozen=True)
class AlertCounts:
    """The patient's alerts that still need someone: not yet acknowledged (open), and
    acknowledged but not yet resolved; with the high-severity ones of each."""

    open: int = 0
    acknowledged: int = 0
    high_open: int = 0
    high_acknowledged: int = 0


def alert_counts(patient: Patient) -> AlertCounts:
    high = Q(severity=AlertSeverity.HIGH)
    is_open, is_acknowledged = Q(status=AlertStatus.OPEN), Q(status=AlertStatus.ACKNOWLEDGED)
    row = patient.alerts.exclude(status=AlertStatus.RESOLVED).aggregate(
        open=Count("pk", filter=is_open),
        acknowledged=Count("pk", filter=is_acknowledged),
        high_open=Count("pk", filter=is_open & high),
        high_acknowledged=Count("pk", filter=is_acknowledged & high),
    )
    return AlertCounts(**row)


def chart_header(patient: Patient) -> dict[str, object]:
    today = patient.local_today()
    counts = alert_counts(patient)
    return {
        "days_in_recovery": patient.days_in_recovery(today),
        "next_milestone": next_milestone(patient.recovery_start, today),
        # The banner: high-severity alerts nobody has acknowledged yet, and those acknowledged
        # but still to be resolved.
        "high_alerts": counts.high_open,
        "high_alerts_acknowledged": counts.high_acknowledged,
        "alert_counts": counts,
        "age": _age(patient.date_of_birth, today),
    }


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def recovery_history(patient: Patient) -> QuerySet[RecoveryDate]:
    return patient.recovery_dates.select_related("recorded_by", "setback")


def prefetch_team(qs: QuerySet[Patient]) -> QuerySet[Patient]:
    return qs.prefetch_related(
        Prefetch(
            "care_team",
            queryset=CareTeamMember.objects.current().select_related("clinician"),
            to_attr="current_team",
        )
    )
