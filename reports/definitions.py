"""The reports themselves. Each computes in the database with a fixed number of queries: the
Python loops below walk groups (programs, clinicians, weeks, months), never patients or rows."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organization, Role, User
from audit.models import Action, AuditEvent
from coping.instruments import INSTRUMENTS
from coping.models import CheckIn
from patients.models import Alert, CareTeamMember, Patient, PatientStatus, Program
from reports.filters import Filters, patients_for
from reports.models import CheckInWeek
from reports.registry import Chart, Column, Report, Result, Table, register

# A patient whose 30-day adherence is below this share (percent) is listed by name.
ADHERENCE_LIST_BELOW = 50
STATUSES = [
    PatientStatus.INTAKE,
    PatientStatus.ACTIVE,
    PatientStatus.DISCHARGED,
    PatientStatus.ALUMNI,
]


# --- building blocks ---------------------------------------------------------------------------


def count_of(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (one row per outer row, never a join fan-out)."""
    # COUNT(*), not COUNT(id): an index holding the filtered columns answers it alone.
    counted = (
        queryset.order_by()
        .annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def local_date_of(moment: object) -> Cast:
    """A timestamp as a date in the patient's own time zone (the row's `time_zone`)."""
    return Cast(
        Func(F("time_zone"), moment, function="timezone", output_field=DateField()), DateField()
    )


def date_plus_days(day: object, days: object) -> Func:
    return Func(day, days, template="(%(expressions)s)", arg_joiner=" + ", output_field=DateField())


def days_between(later: object, earlier: object) -> Func:
    """`later - earlier + 1`, the days from one date to another inclusive."""
    return Func(
        later,
        earlier,
        template="((%(expressions)s) + 1)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )


def with_overdue(patients: QuerySet) -> QuerySet:
    """Annotate `overdue`: an assessment is past its due date in the patient's local today.
    The same rule as coping.selectors.schedule_for (default intervals unless the care team set
    one; a paused schedule is never overdue), written as SQL: one grouped pass over the
    patients' assessments and schedules (a schedule is unique per instrument, so the join's
    repeats change no maximum and no "any paused")."""
    now = Value(timezone.now())
    patients = patients.annotate(_today=local_date_of(now), _intake=local_date_of(F("created_at")))
    overdue = Q(pk__in=[])
    for slug, instrument in INSTRUMENTS.items():
        schedule = Q(assessment_schedules__instrument=slug)
        last = Max("assessments__local_date", filter=Q(assessments__instrument=slug))
        interval = Coalesce(
            Max("assessment_schedules__interval_days", filter=schedule),
            Value(instrument.default_interval_days),
        )
        paused = Count(
            "assessment_schedules", filter=schedule & Q(assessment_schedules__is_active=False)
        )
        patients = patients.alias(
            **{
                f"_paused_{slug}": paused,
                f"_due_{slug}": Coalesce(date_plus_days(last, interval), F("_intake")),
            }
        )
        overdue |= Q(**{f"_paused_{slug}": 0, f"_due_{slug}__lt": F("_today")})
    return patients.annotate(overdue=ExpressionWrapper(overdue, output_field=BooleanField()))


def summed(
    per_row: QuerySet,
    columns: list[str],
    aggregates: dict[str, str],
    groups: dict[str, str] | None = None,
    *,
    subtotals: bool = False,
    per_patient: QuerySet | None = None,
) -> list[dict]:
    """Aggregate SQL over a per-row query computed once as a derived table: each correlated
    subquery or window runs once per row however many aggregates read it (the ORM would
    repeat it in every aggregate; OFFSET 0 keeps PostgreSQL from inlining it back).
    `groups` names the SQL expressions to group by; with `subtotals`, the rows grouped by all
    but the first come too (GROUPING SETS), their "_subtotal" true. `per_patient`, a query
    whose `_person` is a patient's id, adds its columns to each row on the row's `_person`.
    `aggregates` and `groups` are SQL over the named columns, built in this module from fixed
    names, never from input."""
    inner, params = per_row.order_by().values(*columns).query.sql_with_params()
    groups = groups or {}
    select = ", ".join(
        [f'{sql} AS "{name}"' for name, sql in groups.items()]
        + [f'{sql} AS "{name}"' for name, sql in aggregates.items()]
    )
    source = f"FROM ({inner} OFFSET 0) AS per_row"
    if per_patient is not None:
        names = [name for name in per_patient.query.annotations if name != "_person"]
        joined, joined_params = (
            per_patient.order_by().values("_person", *names).query.sql_with_params()
        )
        source += f' JOIN ({joined} OFFSET 0) AS per_patient USING ("_person")'
        params = (*params, *joined_params)
    keys = list(groups.values())
    if not keys:
        sql = f"SELECT {select} {source}"
    elif subtotals:
        sets = f"({', '.join(keys)}), ({', '.join(keys[1:])})"
        sql = (
            f'SELECT GROUPING({keys[0]}) = 1 AS "_subtotal", {select} {source} '
            f"GROUP BY GROUPING SETS ({sets})"
        )
    else:
        sql = f"SELECT {select} {source} GROUP BY {', '.join(keys)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def clinicians_of(clinic: Organization, filters: Filters) -> QuerySet:
    clinicians = User.objects.filter(
        Exists(
            Membership.objects.active().filter(
                user=OuterRef("pk"), organization=clinic, role=Role.CLINICIAN
            )
        )
    )
    if filters.clinician is not None:
        clinicians = clinicians.filter(pk=filters.clinician.pk)
    return clinicians.order_by("full_name", "pk")


def programs_of(clinic: Organization, filters: Filters) -> list[Program]:
    programs = Program.objects.filter(clinic=clinic).order_by("name", "pk")
    if filters.program is not None:
        programs = programs.filter(pk=filters.program.pk)
    return list(programs)


def percent(done: int, expected: int) -> float | None:
    return round(100 * done / expected, 1) if expected else None


# --- caseload ----------------------------------------------------------------------------------


def caseload(clinic: Organization, filters: Filters) -> Result:
    """Per clinician, now: their current caseload by status, its open alerts and the active
    patients with an overdue assessment. The date range does not apply (a snapshot)."""
    patients = patients_for(clinic, filters)
    alerts = Alert.objects.unresolved().filter(
        clinic=clinic,
        patient__in=patients,
        patient__care_team__clinician=OuterRef("pk"),
        patient__care_team__ended_on__isnull=True,
    )
    # Overdue is worked out once for the clinic's active patients; each clinician's figures
    # come from one grouped query over the current seats (a patient holds one seat per
    # clinician at most, so seats count patients).
    overdue_ids = (
        with_overdue(patients.filter(status=PatientStatus.ACTIVE)).filter(overdue=True).values("pk")
    )
    seats = {
        row["clinician"]: row
        for row in CareTeamMember.objects.current()
        .filter(patient__in=patients)
        .order_by()
        .values("clinician")
        .annotate(
            **{str(status): Count("pk", filter=Q(patient__status=status)) for status in STATUSES},
            overdue=Count(
                "pk", filter=Q(patient__status=PatientStatus.ACTIVE, patient__in=overdue_ids)
            ),
        )
    }
    rows = []
    for clinician in clinicians_of(clinic, filters).annotate(open_alerts=count_of(alerts)):
        found = seats.get(clinician.pk, {})
        row = {
            "clinician": clinician.display_name,
            "open_alerts": clinician.open_alerts,
            "overdue": found.get("overdue", 0),
        }
        row.update({status: found.get(str(status), 0) for status in STATUSES})
        row["total"] = sum(row[status] for status in STATUSES)
        rows.append(row)

    # Totals count each patient once (a patient may be on several clinicians' caseloads).
    totals = patients.aggregate(
        **{str(status): Count("pk", filter=Q(status=status)) for status in STATUSES},
        total=Count("pk"),
        overdue=Count("pk", filter=Q(pk__in=overdue_ids)),
    )
    totals["open_alerts"] = (
        Alert.objects.unresolved().filter(clinic=clinic, patient__in=patients).count()
    )
    totals["clinician"] = _("All patients (each counted once)")
    columns = (
        [Column("clinician", _("Clinician"), "text")]
        + [Column(str(status), status.label, patients=str(status)) for status in STATUSES]
        + [
            Column("total", _("Total"), patients="total"),
            Column("open_alerts", _("Open alerts")),
            Column("overdue", _("Active patients with an overdue assessment"), patients="overdue"),
        ]
    )
    chart = Chart(
        "bar",
        [row["clinician"] for row in rows],
        [
            {"label": str(status.label), "data": [row[status] for row in rows]}
            for status in STATUSES
        ],
        y_label=_("Patients"),
        stacked=True,
    )
    return Result(
        tables=[
            Table(
                "caseload",
                _("Caseload per clinician"),
                columns,
                rows,
                totals,
                empty_text=_("This clinic has no clinicians yet."),
            )
        ],
        chart=chart,
        notes=[_("A snapshot of today: the date range does not apply to this report.")],
    )


# --- census ------------------------------------------------------------------------------------


def months_between(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def census(clinic: Organization, filters: Filters) -> Result:
    """Patients by program and status now; admissions and discharges per month in the range,
    from the status changes the audit trail records."""
    patients = patients_for(clinic, filters)
    counts = {
        row["program"]: row
        for row in patients.values("program").annotate(
            **{str(status): Count("pk", filter=Q(status=status)) for status in STATUSES},
            total=Count("pk"),
        )
    }
    groups = [(program.pk, program.name) for program in programs_of(clinic, filters)]
    if filters.program is None:
        groups.append((None, str(_("No program"))))
    rows = []
    for program_id, name in groups:
        found = counts.get(program_id, {})
        row = {"program": name, "total": found.get("total", 0)}
        row.update({status: found.get(status, 0) for status in STATUSES})
        rows.append(row)
    totals = {"program": _("All programs"), "total": sum(row["total"] for row in rows)}
    totals.update({status: sum(row[status] for row in rows) for status in STATUSES})
    columns = (
        [Column("program", _("Program"), "text")]
        + [Column(str(status), status.label, patients=str(status)) for status in STATUSES]
        + [Column("total", _("Total"), patients="total")]
    )

    zone = ZoneInfo(clinic.time_zone)
    changes = (
        AuditEvent.objects.filter(
            clinic=clinic,
            action=Action.UPDATE,
            object_type=Patient._meta.label,
            occurred_at__gte=datetime.combine(filters.start, datetime.min.time(), zone),
            occurred_at__lt=datetime.combine(
                filters.end + timedelta(days=1), datetime.min.time(), zone
            ),
            patient__in=patients_for(clinic, filters, status=False),
        )
        .annotate(month=TruncMonth("occurred_at", tzinfo=zone))
        .values("month")
        .annotate(
            admissions=Count("pk", filter=Q(details__status__1=PatientStatus.ACTIVE)),
            discharges=Count("pk", filter=Q(details__status__1=PatientStatus.DISCHARGED)),
        )
    )
    by_month = {row["month"].date(): row for row in changes}
    flow_rows = [
        {
            "month": date_format(month, "YEAR_MONTH_FORMAT"),
            "admissions": by_month.get(month, {}).get("admissions", 0),
            "discharges": by_month.get(month, {}).get("discharges", 0),
        }
        for month in months_between(filters.start, filters.end)
    ]
    flow_totals = {
        "month": _("Whole range"),
        "admissions": sum(row["admissions"] for row in flow_rows),
        "discharges": sum(row["discharges"] for row in flow_rows),
    }
    flow_columns = [
        Column("month", _("Month"), "text"),
        Column("admissions", _("Admissions"), patients="admissions"),
        Column("discharges", _("Discharges"), patients="discharges"),
    ]
    chart = Chart(
        "bar",
        [row["program"] for row in rows],
        [
            {"label": str(status.label), "data": [row[status] for row in rows]}
            for status in STATUSES
        ],
        y_label=_("Patients"),
        stacked=True,
    )
    return Result(
        tables=[
            Table("programs", _("Patients by program and status, today"), columns, rows, totals),
            Table(
                "flow",
                _("Admissions and discharges per month"),
                flow_columns,
                flow_rows,
                flow_totals,
            ),
        ],
        chart=chart,
        notes=[
            _(
                "An admission is a move to active (from intake or after a discharge); a "
                "discharge is a move to discharged. Both come from the audit trail."
            )
        ],
    )


# --- adherence ---------------------------------------------------------------------------------


def _expected_days(window_start: date, end: date) -> Greatest:
    """Days in [window_start, end] on or after the patient's intake (their local date)."""
    first = Greatest(Value(window_start), local_date_of(F("created_at")), output_field=DateField())
    return Greatest(Value(0), days_between(Value(end), first), output_field=IntegerField())


def _adherence_group(
    patients: QuerySet, group: str, filters: Filters, since7: date, since30: date
) -> dict[object, dict]:
    """{group value: patients, expected and done check-ins over 7 and 30 days}: two queries."""
    expected = patients.values(group).annotate(
        patients=Count("pk", distinct=True),
        expected7=Sum(_expected_days(since7, filters.end)),
        expected30=Sum(_expected_days(since30, filters.end)),
    )
    figures = {row[group]: dict(row, done7=0, done30=0) for row in expected}
    prefix = "patient__" + group
    checkins = CheckIn.objects.filter(
        patient__in=patients, local_date__gte=since30, local_date__lte=filters.end
    )
    if group.startswith("care_team__"):
        # Filter first so values() reuses this join: one row per check-in and current seat.
        checkins = checkins.filter(patient__care_team__ended_on__isnull=True)
    done = checkins.values(prefix).annotate(
        done7=Count("pk", filter=Q(local_date__gte=since7)), done30=Count("pk")
    )
    for row in done:
        if row[prefix] in figures:
            figures[row[prefix]].update(done7=row["done7"], done30=row["done30"])
    return figures


def _adherence_row(label: str, figures: dict | None) -> dict:
    figures = figures or {}
    row = {"group": label}
    for key in ("patients", "expected7", "done7", "expected30", "done30"):
        row[key] = figures.get(key) or 0
    row["rate7"] = percent(row["done7"], row["expected7"])
    row["rate30"] = percent(row["done30"], row["expected30"])
    return row


def adherence(clinic: Organization, filters: Filters) -> Result:
    """Check-ins done against days expected, over the 7 and the 30 days ending on the range's
    last day, per program and per clinician; the patients under 50% over 30 days by name.
    Counts active patients unless a status is chosen; a patient admitted within a window is
    expected only from their intake day."""
    since7, since30 = filters.end - timedelta(days=6), filters.end - timedelta(days=29)
    patients = patients_for(clinic, filters)
    if not filters.status:
        patients = patients.filter(status=PatientStatus.ACTIVE)

    by_program = _adherence_group(patients, "program", filters, since7, since30)
    groups = [(program.pk, program.name) for program in programs_of(clinic, filters)]
    if filters.program is None:
        groups.append((None, str(_("No program"))))
    program_rows = [_adherence_row(name, by_program.get(pk)) for pk, name in groups]
    totals = _adherence_row(
        str(_("All programs")),
        {
            key: sum(row[key] for row in program_rows)
            for key in ("patients", "expected7", "done7", "expected30", "done30")
        },
    )

    on_team = patients.filter(care_team__ended_on__isnull=True)
    by_clinician = _adherence_group(on_team, "care_team__clinician", filters, since7, since30)
    clinician_rows = [
        _adherence_row(clinician.display_name, by_clinician.get(clinician.pk))
        for clinician in clinicians_of(clinic, filters)
    ]

    below = (
        patients.annotate(
            expected30=_expected_days(since30, filters.end),
            done30=count_of(
                CheckIn.objects.filter(
                    patient=OuterRef("pk"), local_date__gte=since30, local_date__lte=filters.end
                )
            ),
        )
        .filter(expected30__gt=0, done30__lt=F("expected30") * ADHERENCE_LIST_BELOW / 100.0)
        .select_related("program")
        .order_by("done30", "legal_name", "pk")
    )
    below_rows = [
        {
            "patient": patient.display_name,
            "mrn": patient.mrn,
            "program": patient.program.name if patient.program else "",
            "done30": patient.done30,
            "expected30": patient.expected30,
            "rate30": percent(patient.done30, patient.expected30),
        }
        for patient in below
    ]

    columns = [
        Column("group", _("Group"), "text"),
        Column("patients", _("Patients"), patients="patients"),
        Column("done7", _("Check-ins, 7 days"), patients="patients"),
        Column("expected7", _("Days expected, 7 days"), patients="patients"),
        Column("rate7", _("Adherence, 7 days (%)"), "percent", patients="patients"),
        Column("done30", _("Check-ins, 30 days"), patients="patients"),
        Column("expected30", _("Days expected, 30 days"), patients="patients"),
        Column("rate30", _("Adherence, 30 days (%)"), "percent", patients="patients"),
    ]
    program_columns = [Column("group", _("Program"), "text"), *columns[1:]]
    clinician_columns = [Column("group", _("Clinician"), "text"), *columns[1:]]
    below_columns = [
        Column("patient", _("Patient"), "text"),
        Column("mrn", _("Record number"), "text"),
        Column("program", _("Program"), "text"),
        Column("done30", _("Check-ins, 30 days")),
        Column("expected30", _("Days expected, 30 days")),
        Column("rate30", _("Adherence, 30 days (%)"), "percent"),
    ]
    chart = Chart(
        "bar",
        [row["group"] for row in program_rows],
        [
            {"label": str(_("Adherence, 7 days (%)")), "data": [r["rate7"] for r in program_rows]},
            {
                "label": str(_("Adherence, 30 days (%)")),
                "data": [r["rate30"] for r in program_rows],
            },
        ],
        y_label=_("Percent of days with a check-in"),
    )
    return Result(
        tables=[
            Table("programs", _("Per program"), program_columns, program_rows, totals),
            Table("clinicians", _("Per clinician"), clinician_columns, clinician_rows),
            Table(
                "below",
                _("Patients under %(share)s%% over 30 days") % {"share": ADHERENCE_LIST_BELOW},
                below_columns,
                below_rows,
                identifies=True,
                empty_text=_("Every patient is at or above it."),
            ),
        ],
        chart=chart,
        notes=[
            _(
                "The 7 and 30 days end on the last day of the range. Only active patients "
                "count unless a status is chosen; a patient is expected to check in from "
                "their intake day."
            )
        ],
    )


# --- trends ------------------------------------------------------------------------------------

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


def register_all() -> None:
    """The finished reports, in the contract's order (idempotent)."""
    register(
        Report(
            "caseload",
            _("Caseload per clinician"),
            _("Each clinician's patients by status, open alerts, overdue assessments."),
            caseload,
        )
    )
    register(
        Report(
            "census",
            _("Patients by program"),
            _("Patients by program and status; admissions and discharges per month."),
            census,
        )
    )
    register(
        Report(
            "adherence",
            _("Check-in adherence"),
            _("Check-ins over 7 and 30 days, per program and clinician."),
            adherence,
        )
    )
    register(
        Report(
            "trends",
            _("Mood, craving and stress"),
            _("Weekly means and how many patients contributed."),
            trends,
        )
    )
    from reports.definitions_activity import register_activity  # imports this module

    register_activity()
    from reports.definitions_network import register_network  # imports this module

    register_network()
