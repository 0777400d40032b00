"""Reads for the caseload, the chart and the journey: scoped, annotated and prefetched for the
page that uses them, so the number of queries never grows with the data."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization, User
from core.dates import day, month_day
from patients.access import ChartAccess, _on_team
from patients.milestones import (
    DAY_MILESTONES,
    anniversary,
    milestones_between,
    next_milestone,
    reached_milestones,
)
from patients.models import (
    Alert,
    AlertKind,
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


# A page number past any list (the database's OFFSET has a limit): read as the last page.
PAGE_BEYOND = 10**9


def one_page(qs: QuerySet[Patient], number: object, size: int) -> Page:
    """Page `number` of `qs` (`size` rows; the first page for a number that is not one, the last
    for one past the end), as Paginator.get_page, but the total comes with the rows, in the
    same query, instead of a COUNT of its own: a page past the end costs the count as usual."""
    try:
        wanted = min(max(int(str(number)), 1), PAGE_BEYOND)
    except (TypeError, ValueError):
        wanted = 1
    start = (wanted - 1) * size
    rows = list(qs.annotate(listed_in_all=Window(Count("pk")))[start : start + size])
    paginator = Paginator(qs, size)
    if not rows and wanted > 1:
        return paginator.get_page(wanted)
    paginator.count = rows[0].listed_in_all if rows else 0  # a cached_property: set, not read
    return Page(rows, wanted, paginator)


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
    url: str = ""  # the link on the name (the caseload sets it for the names it shows)


@dataclass
class NeedsAttention:
    alerts: list["StripAlert"] = field(default_factory=list)
    alert_count: int = 0
    milestones: list[AttentionItem] = field(default_factory=list)
    missed_checkins: list[AttentionItem] = field(default_factory=list)
    overdue_assessments: list[AttentionItem] = field(default_factory=list)
    # The escalation ladders still open (engagement.ladder adds them as a source).
    open_ladders: list[AttentionItem] = field(default_factory=list)
    # Threads with messages the clinician has not read (messaging adds them as a source).
    unread_messages: list[AttentionItem] = field(default_factory=list)
    # The rows of the strip's query (strip_people): only the people some heading names, with
    # each heading's total and rank, for the sources to read instead of loading people again.
    people: list[dict] = field(default_factory=list, repr=False)
    # How many under each heading, by field name (the lists hold the first few).
    counts: dict[str, int] = field(default_factory=dict)
    full: str = ""  # the heading listed in full, if any
    # Whose strip it is: the sources read their rows with `rows` (SQL built once).
    clinician: User | None = field(default=None, repr=False)
    clinic: Organization | None = field(default=None, repr=False)

    def rows(self, name: str, build: "CaseloadQuery") -> list[dict]:
        """caseload_rows of `build` for this strip's clinician (keyed by `name` and `full`)."""
        return caseload_rows((name, self.full), build, clinician=self.clinician, clinic=self.clinic)

    def names(self, row: dict, heading: str) -> bool:
        """Whether this row of `people` is among those shown under `heading` (a field name)."""
        rank = row[f"{heading}_rank"]
        return bool(rank) and (heading == self.full or rank <= STRIP_SHOWN)

    @property
    def empty(self) -> bool:
        return not (
            self.alerts
            or self.milestones
            or self.missed_checkins
            or self.overdue_assessments
            or self.open_ladders
            or self.unread_messages
        )


AttentionSource = Callable[[QuerySet[Patient], NeedsAttention], None]
# Later features (assessments) add what they consider overdue.
ATTENTION_SOURCES: list[AttentionSource] = []

ALERT_LIMIT = 10
# Names shown under each heading of the strip; the heading counts everyone (the page links to
# the whole list of one heading), so the page costs the same for a caseload of 20 or of 500.
STRIP_SHOWN = 5
# What the strip reads from each person (the name, status and zone), as plain values: a
# caseload of hundreds is read without building a model instance for each person.
STRIP_FIELDS = ("pk", "legal_name", "preferred_name", "status", "time_zone")


# What the strip's sources read from each person besides STRIP_FIELDS and the summary, by
# annotation name (coping adds each questionnaire's last date and schedule). Each value makes a
# fresh expression over OuterRef("pk"); all are read with the people, in one query.
STRIP_ANNOTATIONS: dict[str, Callable[[], object]] = {}


# --- The strip in SQL -------------------------------------------------------------------------
# Each heading's rule runs in the database over the caseload, which returns each heading's count
# and only the first STRIP_SHOWN people under it (everyone under the one heading asked for in
# full): Python reads a few rows per heading, however many people the caseload holds. Dates are
# compared as day numbers (days since 1970-01-01), so the rules are the same plain integer SQL on
# PostgreSQL and SQLite; only the two functions below differ by database.


class LocalDay(Func):
    """The day number of the local date, in the time zone named by the second expression (a
    column: each person's own zone), of the instant given by the first."""

    output_field = IntegerField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(CAST((%(expressions)s) AS date) - DATE '1970-01-01')",
            arg_joiner=" AT TIME ZONE ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        # The function Django registers on SQLite for its own time-zone truncation: it reads
        # the zone name at run time (zoneinfo), so it takes a column.
        return self.as_sql(
            compiler,
            connection,
            template=(
                "CAST(julianday(django_datetime_cast_date(%(expressions)s, 'UTC'))"
                " - 2440587.5 AS INTEGER)"
            ),
            **extra,
        )


class DayNumber(Func):
    """The day number of a date (NULL stays NULL)."""

    output_field = IntegerField()
    arity = 1

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s - DATE '1970-01-01')", **extra
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)",
            **extra,
        )


EPOCH = date(1970, 1, 1)


def from_day_number(number: int | None) -> date | None:
    return None if number is None else EPOCH + timedelta(days=number)


# The strip's headings ruled in SQL, by NeedsAttention field: a condition over the columns the
# strip reads (STRIP_FIELDS, `strip_today` and `strip_created`, the day numbers of today and of
# the record's creation in the person's zone, `last_checkin_day`, STRIP_ANNOTATIONS) and the
# columns of STRIP_COLUMNS. Plain SQL text built from constants only, with %s for parameters:
# (sql, params). Coping adds "overdue_assessments".
STRIP_COLUMNS: dict[str, tuple[str, list]] = {}
STRIP_RULES: dict[str, tuple[str, list]] = {}


def missed_rule() -> tuple[str, list]:
    """Active, and no check-in on each of the last MISSED_CHECKIN_DAYS local days before today
    (missed_since, in SQL)."""
    gap = MISSED_CHECKIN_DAYS
    return (
        f"status = %s AND CASE WHEN last_checkin_day IS NULL"
        f" THEN strip_created <= strip_today - {gap}"
        f" ELSE last_checkin_day < strip_today - {gap} END",
        [PatientStatus.ACTIVE.value],
    )


def milestone_days(now: datetime) -> tuple[date, ...]:
    """The days whose month and day an anniversary in the week from today (in any zone) may
    fall on: from the earliest local today anywhere to the latest local today + 6."""
    first = now.astimezone(UTC).date() - timedelta(days=1)
    days = {first + timedelta(days=n) for n in range(9)}
    if any(d.month == 2 and d.day == 28 for d in days):
        days.add(date(2000, 2, 29))  # a 29 February start celebrates on the 28th
    return tuple(sorted(days))


def milestone_candidates(now: datetime, days: Iterable[date] | None = None) -> Q:
    """A start date whose anniversary could fall in the week from today in any zone (a wide
    test, by month and day; milestone_near decides)."""
    condition = Q()
    for d in milestone_days(now) if days is None else days:
        condition |= Q(recovery_start__month=d.month, recovery_start__day=d.day)
    return condition


def milestone_window_rule() -> tuple[str, list]:
    """A day-count milestone around the week from today (a day of margin each side), or an
    anniversary candidate: the few people milestone_near then looks at."""
    near = " OR ".join(
        f"strip_today - start_day BETWEEN {count - 7} AND {count + 1}" for count in DAY_MILESTONES
    )
    return f"start_day IS NOT NULL AND ({near} OR anniversary_near = 1)", []


def strip_sql(inner: QuerySet, limits: dict[str, int]) -> tuple[str, list]:
    """The SQL that reads `inner` (one row per person) and returns each heading's total and
    rank (0 for people not under it) and only the rows some heading names (or that may have a
    milestone), in name order."""
    sql, params = inner.query.sql_with_params()
    params = list(params)
    # A fence (an OFFSET): without it the database folds the layers into one and computes each
    # person's lookups (last check-in, questionnaires) again wherever a layer reads them.
    sql += " OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1 OFFSET 0"
    columns, first = [], []
    for name, (expr, extra) in STRIP_COLUMNS.items():
        columns.append(f", {expr} AS {name}")
        first += extra
    sql = f"SELECT s.*{''.join(columns)} FROM ({sql}) s"  # noqa: S608 (constants only)
    params = first + params
    rules = {"missed_checkins": missed_rule(), **STRIP_RULES}
    flags, first = [], []
    for name, (expr, extra) in rules.items():
        flags.append(f"CASE WHEN {expr} THEN 1 ELSE 0 END AS {name}_is")
        first += extra
    sql = f"SELECT t.*, {', '.join(flags)} FROM ({sql}) t"  # noqa: S608 (constants only)
    params = first + params
    order = "ORDER BY legal_name, pk"
    windows = []
    for name in rules:
        windows.append(f"SUM({name}_is) OVER () AS {name}_total")
        windows.append(f"{name}_is * SUM({name}_is) OVER ({order}) AS {name}_rank")
    sql = f"SELECT u.*, {', '.join(windows)} FROM ({sql}) u"  # noqa: S608 (constants only)
    near, extra = milestone_window_rule()
    picked = [f"({name}_rank BETWEEN 1 AND %s)" for name in rules]
    params += [limits.get(name, STRIP_SHOWN) for name in rules] + extra
    sql = f"SELECT * FROM ({sql}) v WHERE {' OR '.join(picked)} OR ({near}) {order}"  # noqa: S608
    return sql, params


def strip_people(mine: QuerySet[Patient], full: str) -> list[dict]:
    """The rows of the strip's query (see strip_sql) as dicts; dates come as
    day numbers (`*_day`, `strip_today`), the same from either database."""
    now = timezone.now()
    return _strip_rows(*strip_query(mine, full, now, milestone_days(now)))


# The caseload strip's queries depend on who asks only through the clinic, the clinician and
# the instant: each is built once (per database and shape) with stand-ins for those three, then
# reused with the real values in their places. Building them with the ORM each time took about
# a quarter of the caseload page.
STAND_IN_CLINIC, STAND_IN_CLINICIAN = -7_301_211, -7_301_212
STAND_IN_NOW = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
_built: dict[tuple, tuple[str, list, list[tuple[int, int]], list[str] | None] | None] = {}

# What a caseload query is built from: the people (a queryset) and the instant; it gives a
# values() queryset or plain SQL and its parameters.
CaseloadQuery = Callable[[QuerySet[Patient], datetime], "QuerySet | tuple[str, list]"]


def _stand_in_of(param: object) -> int | None:
    """Which stand-in (0 clinic, 1 clinician, 2 instant) a parameter is, if any."""
    if type(param) is int:
        return {STAND_IN_CLINIC: 0, STAND_IN_CLINICIAN: 1}.get(param)
    if isinstance(param, datetime) and param == STAND_IN_NOW:
        return 2
    return None


def _sql_of(built: "QuerySet | tuple[str, list]") -> tuple[str, list, list[str] | None]:
    if isinstance(built, tuple):
        return built[0], list(built[1]), None
    query = built.query
    # The names in the order of the columns, as Django's ValuesIterable reads them.
    if query.selected:
        names = list(query.selected)
    else:
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
    sql, params = query.sql_with_params()
    return sql, list(params), names


def caseload_rows(
    key: tuple,
    build: CaseloadQuery,
    *,
    clinician: User,
    clinic: Organization,
    now: datetime | None = None,
    needs: frozenset[int] = frozenset({0, 1}),
) -> list[dict]:
    """The rows (dicts) of the query `build` makes for the clinician's caseload in the clinic at
    `now`, from SQL built once per `key` (which must name everything else the SQL depends on).
    `needs`: the stand-ins (0 clinic, 1 clinician, 2 instant) the SQL must hold to be reused.
    A values() queryset is reused on PostgreSQL only (elsewhere its values may need the ORM's
    conversions); where a stand-in does not come through as is (SQLite's instants), the query
    is built each time."""
    now = now or timezone.now()
    key = (connection.vendor, *key)
    if key not in _built:
        if len(_built) > 64:  # old weeks of anniversaries
            _built.clear()
        stand_in = Patient.objects.filter(clinic_id=STAND_IN_CLINIC).filter(
            _on_team(User(pk=STAND_IN_CLINICIAN))
        )
        sql, params, names = _sql_of(build(stand_in, STAND_IN_NOW))
        slots = [(i, which) for i, p in enumerate(params) if (which := _stand_in_of(p)) is not None]
        reusable = {which for _, which in slots} == needs and (
            names is None or connection.vendor == "postgresql"
        )
        _built[key] = (sql, params, slots, names) if reusable else None
    built = _built[key]
    if built is None:
        query = build(Patient.objects.filter(clinic=clinic).filter(_on_team(clinician)), now)
        if isinstance(query, tuple):
            return _strip_rows(*query)
        return list(query)
    sql, params, slots, names = built
    params = list(params)
    real = (clinic.pk, clinician.pk, now)
    for i, which in slots:
        params[i] = real[which]
    return _strip_rows(sql, params, names)


def strip_rows(*, clinician: User, clinic: Organization, full: str) -> list[dict]:
    """strip_people for the clinician's caseload in the clinic, from the SQL built once."""
    now = timezone.now()
    days = milestone_days(now)
    key = ("strip", full, days, *STRIP_ANNOTATIONS, "|", *STRIP_COLUMNS, "|", *STRIP_RULES)
    return caseload_rows(
        key,
        lambda mine, at: strip_query(mine, full, at, days),
        clinician=clinician,
        clinic=clinic,
        now=now,
        needs=frozenset({0, 1, 2}),
    )


def _strip_rows(sql: str, params: list, names: list[str] | None = None) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = names or [column[0] for column in cursor.description]
        return [dict(zip(keys, values, strict=True)) for values in cursor.fetchall()]


def strip_query(
    mine: QuerySet[Patient], full: str, now: datetime, days: Iterable[date]
) -> tuple[str, list]:
    """The strip's SQL and parameters (strip_sql) for the people in `mine` at `now`, with the
    anniversaries on `days` (milestone_days)."""
    annotations = {
        "strip_today": LocalDay(Value(now, output_field=DateTimeField()), F("time_zone")),
        "strip_created": LocalDay(F("created_at"), F("time_zone")),
        "start_day": DayNumber(F("recovery_start")),
        "anniversary_near": Case(
            When(milestone_candidates(now, days), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        "last_checkin_day": DayNumber(SUMMARY_ANNOTATIONS["last_checkin"]())
        if "last_checkin" in SUMMARY_ANNOTATIONS
        else Value(None, output_field=IntegerField()),
        **{name: make() for name, make in STRIP_ANNOTATIONS.items()},
    }
    inner = (
        mine.filter(status__in=[PatientStatus.ACTIVE, PatientStatus.INTAKE])
        .annotate(**annotations)
        .order_by()
        .values(*STRIP_FIELDS, *annotations)
    )
    return strip_sql(inner, {full: PAGE_BEYOND} if full else {})


def needs_attention(*, clinician: User, clinic: Organization, full: str = "") -> NeedsAttention:
    """The strip on top of the caseload: open alerts, milestones this week, missed check-ins,
    overdue assessments, across the whole caseload (not just the page shown): each heading's
    count, and the first STRIP_SHOWN people under it (everyone under `full`, a NeedsAttention
    field name)."""
    mine = Patient.objects.filter(clinic=clinic).filter(_on_team(clinician))
    strip = NeedsAttention(full=full, clinician=clinician, clinic=clinic)
    alerts = strip.rows("alerts", open_alerts)
    strip.alerts = [StripAlert.of(row) for row in alerts]
    strip.alert_count = alerts[0]["everyone"] if alerts else 0
    strip.people = strip_rows(clinician=clinician, clinic=clinic, full=full)
    since_text, never_text = _("no check-in since %(date)s"), _("no check-ins yet")
    for row in strip.people:
        today = from_day_number(row["strip_today"])
        name = row["preferred_name"] or row["legal_name"]
        start = from_day_number(row["start_day"])
        if start is not None and milestone_near(start, today):
            for milestone in milestones_between(start, today, today + timedelta(6)):
                strip.milestones.append(
                    AttentionItem(row["pk"], name, milestone.label, "success", milestone.date)
                )
        if strip.names(row, "missed_checkins"):  # spelling: a strip heading, not a Kind
            since = from_day_number(row["last_checkin_day"])
            text = since_text % {"date": month_day(since)} if since else never_text
            strip.missed_checkins.append(AttentionItem(row["pk"], name, text, "warning", since))
    strip.counts = {
        name: int(strip.people[0][f"{name}_total"] or 0) if strip.people else 0
        for name in ("missed_checkins", *STRIP_RULES)  # spelling: a strip heading, not a Kind
    }
    for source in ATTENTION_SOURCES:
        source(mine, strip)
    strip.milestones.sort(key=lambda item: item.on)
    strip.counts["milestones"] = len(strip.milestones)
    return strip


def open_alerts(mine: QuerySet[Patient], now: datetime) -> QuerySet:
    """The strip's open alerts (the first ALERT_LIMIT, most severe first) with how many in all,
    as values: one query."""
    severity_order = Case(
        When(severity=AlertSeverity.HIGH, then=0),
        When(severity=AlertSeverity.MEDIUM, then=1),
        default=2,
    )
    return (
        Alert.objects.filter(patient__in=mine)
        .exclude(status=AlertStatus.RESOLVED)
        .annotate(everyone=Window(Count("pk")))  # how many in all, in the same query
        .order_by(severity_order, "-created_at")
        .values(*StripAlert.FIELDS, "everyone")[:ALERT_LIMIT]
    )


@dataclass(frozen=True)
class StripPerson:
    legal_name: str
    preferred_name: str

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name


@dataclass
class StripAlert:
    """An open alert as the strip shows it: plain values, no model instances."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "pk",
        "patient_id",
        "kind",
        "severity",
        "patient__legal_name",
        "patient__preferred_name",
    )

    pk: int
    patient_id: int
    kind: str
    severity: str
    patient: StripPerson
    alerts_url: str = ""

    @classmethod
    def of(cls, row: dict) -> "StripAlert":
        person = StripPerson(row["patient__legal_name"], row["patient__preferred_name"])
        return cls(row["pk"], row["patient_id"], row["kind"], row["severity"], person)

    def get_kind_display(self) -> str:
        return str(dict(AlertKind.choices).get(self.kind, self.kind))

    def get_severity_display(self) -> str:
        return str(dict(AlertSeverity.choices).get(self.severity, self.severity))


def milestone_near(start: date, today: date) -> bool:
    """Whether a milestone may fall in the week from today (a quick test before listing them):
    a day-count one within a week, or the start's anniversary this year or next."""
    days = (today - start).days
    if any(0 <= count - days <= 6 for count in DAY_MILESTONES):
        return True
    return any(
        0 <= (anniversary(start, years) - today).days <= 6
        for years in (today.year - start.year, today.year - start.year + 1)
        if years >= 1
    )


def missed_since(last: date | None, created_at: datetime, zone: str, today: date) -> bool:
    """No check-in on each of the last MISSED_CHECKIN_DAYS local days before today, for a
    person whose latest check-in was on `last` (None: never) and whose record was made at
    `created_at`."""
    first_expected = today - timedelta(days=MISSED_CHECKIN_DAYS)
    if last is None:
        return timezone.localtime(created_at, ZoneInfo(zone)).date() <= first_expected
    return last < first_expected


def missed_checkins(patient: Patient, today: date) -> bool:
    """No check-in on each of the last MISSED_CHECKIN_DAYS local days before today."""
    return missed_since(
        getattr(patient, "last_checkin", None), patient.created_at, patient.time_zone, today
    )


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
    yield from _reached_milestone_events(patient, access, window)
    customs = Milestone.objects.filter(patient=patient, date__range=(window.start, window.end))
    for custom in customs:
        yield JourneyEvent(custom.date, "milestone", custom.title, custom.note, tone="success")


def _reached_milestone_events(
    patient: Patient, access: ChartAccess, window: JourneyWindow
) -> Iterable[JourneyEvent]:
    """The milestones counted from the recovery start (no query)."""
    reached = reached_milestones(patient.recovery_start, min(window.end, patient.local_today()))
    for milestone in reached:
        if window.holds(milestone.date):
            yield JourneyEvent(
                milestone.date,
                "milestone",
                _("%(label)s in recovery") % {"label": milestone.label},
                tone="success",
            )


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
    the page knows whether there is anything earlier or later, and whether the window holds
    any (`events` is not asked when it holds none); `shown_to` says who sees it;
    `without_rows` yields the entries that need no row (milestones counted from the recovery
    start), asked instead of `events` when the window holds none of the kind's rows."""

    kind: str
    label: str
    events: Callable[[Patient, ChartAccess, JourneyWindow], Iterable[JourneyEvent]]
    days: Callable[[Patient], QuerySet] | None = None
    shown_to: Callable[[ChartAccess], bool] = _everyone
    without_rows: Callable[[Patient, ChartAccess, JourneyWindow], Iterable[JourneyEvent]] | None = (
        None
    )


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
        without_rows=_reached_milestone_events,
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
    """One window of the patient's story, newest first. A constant number of queries: one for
    the first and last day with an entry and the kinds the window holds, and one per kind asked
    for that the window holds."""
    sources = [s for s in JOURNEY_SOURCES if s.shown_to(access) and window.wants(s.kind)]
    first_day, last_day, held = _journey_span(patient, sources, window)
    events: list[JourneyEvent] = []
    for source in sources:
        if source.days is None or source.kind in held:
            events += source.events(patient, access, window)
        elif source.without_rows is not None:
            events += source.without_rows(patient, access, window)
    events.sort(key=lambda event: event.sort_key, reverse=True)
    return JourneyPage(window, events, first_day, last_day)


def _journey_span(
    patient: Patient, sources: list[JourneySource], window: JourneyWindow
) -> tuple[date | None, date | None, set[str]]:
    """The first and last day with an entry of these kinds, and the kinds with an entry in the
    window, in one query."""
    firsts: list[date] = []
    lasts: list[date] = []
    if window.wants("milestone") and patient.recovery_start:
        # Milestones counted from the recovery start fall between it and today.
        reached = reached_milestones(patient.recovery_start, patient.local_today())
        if reached:
            firsts.append(min(m.date for m in reached))
            lasts.append(max(m.date for m in reached))
    dated = [s for s in sources if s.days]
    kinds = {f"in_{n}": source.kind for n, source in enumerate(dated)}
    held: set[str] = set()
    if dated:
        row = _journey_span_row(patient, dated, window)
        firsts += [v for k, v in row.items() if k.startswith("first_") and v is not None]
        lasts += [v for k, v in row.items() if k.startswith("last_") and v is not None]
        held = {kind for name, kind in kinds.items() if row[name]}
    return (min(firsts) if firsts else None, max(lasts) if lasts else None, held)


def journey_span_query(
    patient: Patient, dated: list[JourneySource], window: JourneyWindow
) -> QuerySet[Patient]:
    """The span query's row: first_n, last_n and in_n for each kind with dated rows."""
    spans: dict[str, object] = {}
    for n, source in enumerate(dated):
        days = source.days(patient).order_by()
        spans[f"first_{n}"] = Subquery(days.order_by("journey_day").values("journey_day")[:1])
        spans[f"last_{n}"] = Subquery(days.order_by("-journey_day").values("journey_day")[:1])
        spans[f"in_{n}"] = Exists(days.filter(journey_day__range=(window.start, window.end)))
    return Patient.objects.filter(pk=patient.pk).annotate(**spans).values(*spans)


# Building the span query through the ORM cost more than running it (three subqueries a kind):
# its SQL is compiled once per process for each set of kinds and time zone, with stand-in
# values where the patient and the days go, and run with this request's values in their
# places. Only SQL text is kept, never anyone's data.
_SPAN_SQL: dict[tuple[tuple[str, ...], str], tuple[str, tuple, list[str]]] = {}
_STAND_IN_PK = -1_999_999_937  # no patient has a negative id (and it fits an integer column)
_STAND_IN_START, _STAND_IN_END = date(1001, 1, 1), date(1001, 1, 2)


def _journey_span_row(
    patient: Patient, dated: list[JourneySource], window: JourneyWindow
) -> dict[str, object]:
    key = (tuple(source.kind for source in dated), patient.time_zone)
    compiled = _SPAN_SQL.get(key)
    if compiled is None:
        stand_in = Patient(pk=_STAND_IN_PK, time_zone=patient.time_zone)
        query = journey_span_query(
            stand_in, dated, replace(window, start=_STAND_IN_START, end=_STAND_IN_END)
        )
        sql, params = query.query.sql_with_params()
        if len(_SPAN_SQL) > 500:  # a handful of zones times the filters people use
            _SPAN_SQL.clear()
        compiled = _SPAN_SQL[key] = (sql, params, list(query.query.annotation_select))
    sql, params, names = compiled
    actual = {_STAND_IN_PK: patient.pk, _STAND_IN_START: window.start, _STAND_IN_END: window.end}
    values = [actual.get(value, value) if type(value) in (int, date) else value for value in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return dict(zip(names, cursor.fetchone(), strict=True))


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
    # Read with the patient when patient_for_staff opened them (the header_alerts_* columns).
    if hasattr(patient, "header_alerts_open"):
        counts = AlertCounts(
            open=patient.header_alerts_open,
            acknowledged=patient.header_alerts_acknowledged,
            high_open=patient.header_alerts_high_open,
            high_acknowledged=patient.header_alerts_high_acknowledged,
        )
    else:
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
