"""The `milestones` report: milestones reached in the period, and setbacks with the time
to re-engagement, per program."""

from django.db.models import (
    Avg,
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from coping.models import CheckIn
from patients.models import Setback
from reports.definitions.common import date_plus_days, programs_of
from reports.filters import Filters, clinic_today, patients_for
from reports.registry import Chart, Column, Report, Result, Table

# (key, days after the recovery start, label). The year is the calendar anniversary, as in
# patients/milestones.py: a start on 29 February reaches it on 28 February in a common year.
MILESTONES = (
    ("d30", 30, _("30 days")),
    ("d90", 90, _("90 days")),
    ("d180", 180, _("180 days")),
    ("y1", None, _("1 year")),
)


def one_year_after(day: object) -> Func:
    """PostgreSQL's `date + interval '1 year'` keeps the calendar day (29 Feb -> 28 Feb)."""
    return Func(
        day, template="((%(expressions)s) + interval '1 year')::date", output_field=DateField()
    )


def _program_groups(clinic: Organization, filters: Filters) -> list[tuple[int | None, str]]:
    groups = [(program.pk, program.name) for program in programs_of(clinic, filters)]
    if filters.program is None:
        groups.append((None, str(_("No program"))))
    return groups


def _milestone_counts(clinic: Organization, filters: Filters) -> dict[int | None, dict]:
    """{program id: patients reaching each milestone in the range}: one grouped query. A
    milestone after the clinic's today is not reached yet, whatever the range says."""
    last = min(filters.end, clinic_today(clinic))
    start = F("recovery_start")
    reached = {
        key: date_plus_days(start, Value(days)) if days else one_year_after(start)
        for key, days, _label in MILESTONES
    }
    patients = patients_for(clinic, filters).filter(recovery_start__isnull=False)
    counts = patients.annotate(**{f"_{key}": when for key, when in reached.items()})
    counts = counts.values("program").annotate(
        **{
            key: Count("pk", filter=Q(**{f"_{key}__gte": filters.start, f"_{key}__lte": last}))
            for key in reached
        }
    )
    return {row["program"]: row for row in counts}


def _setback_counts(clinic: Organization, filters: Filters) -> dict[int | None, dict]:
    """{program id: setbacks in the range, the people they happened to, how many re-engaged
    (a check-in on a later day, up to today) and the mean days until then}: one query."""
    next_checkin = (
        CheckIn.objects.filter(patient=OuterRef("patient"), local_date__gt=OuterRef("occurred_on"))
        .order_by()
        .values("patient")
        .annotate(first=Min("local_date"))
        .values("first")
    )
    days_to = Func(
        Subquery(next_checkin, output_field=DateField()),
        F("occurred_on"),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )
    rows = (
        Setback.objects.filter(
            patient__in=patients_for(clinic, filters),
            occurred_on__gte=filters.start,
            occurred_on__lte=filters.end,
        )
        .annotate(days_to=days_to)
        .values("patient__program")
        .annotate(
            setbacks=Count("pk"),
            setback_patients=Count("patient", distinct=True),
            reengaged=Count("days_to"),
            mean_days=Avg("days_to"),
        )
    )
    return {row["patient__program"]: row for row in rows}


def milestones(clinic: Organization, filters: Filters) -> Result:
    """Per program: patients reaching 30, 90, 180 days and a year in recovery in the range
    (from the recovery start date on record), and the setbacks recorded in the range."""
    reached = _milestone_counts(clinic, filters)
    setbacks = _setback_counts(clinic, filters)
    groups = _program_groups(clinic, filters)
    keys = [key for key, _days, _label in MILESTONES]

    rows = []
    for program_id, name in groups:
        found = reached.get(program_id, {})
        row = {"program": name, **{key: found.get(key, 0) for key in keys}}
        row["total"] = sum(row[key] for key in keys)
        rows.append(row)
    totals = {"program": _("All programs"), **{k: sum(r[k] for r in rows) for k in keys}}
    totals["total"] = sum(totals[key] for key in keys)

    setback_rows = []
    for program_id, name in groups:
        found = setbacks.get(program_id, {})
        mean = found.get("mean_days")
        setback_rows.append(
            {
                "program": name,
                "setbacks": found.get("setbacks", 0),
                "patients": found.get("setback_patients", 0),
                "reengaged": found.get("reengaged", 0),
                "mean_days": round(float(mean), 2) if mean is not None else None,
            }
        )
    setback_totals = {
        "program": _("All programs"),
        **{k: sum(r[k] for r in setback_rows) for k in ("setbacks", "patients", "reengaged")},
    }
    # The overall mean weighs each re-engagement once, not each program once.
    weighted = sum(r["mean_days"] * r["reengaged"] for r in setback_rows if r["reengaged"])
    setback_totals["mean_days"] = (
        round(weighted / setback_totals["reengaged"], 2) if setback_totals["reengaged"] else None
    )

    columns = [
        Column("program", _("Program"), "text"),
        *[Column(key, label, patients=key) for key, _days, label in MILESTONES],
        Column("total", _("Milestones reached"), patients="total"),
    ]
    setback_columns = [
        Column("program", _("Program"), "text"),
        Column("setbacks", _("Setbacks recorded"), patients="patients"),
        Column("patients", _("People with a setback"), patients="patients"),
        Column("reengaged", _("Re-engaged (a later check-in)"), patients="reengaged"),
        Column("mean_days", _("Mean days to re-engagement"), "number", patients="reengaged"),
    ]
    chart = Chart(
        "bar",
        [row["program"] for row in rows],
        [
            {"label": str(label), "data": [row[key] for row in rows]}
            for key, _days, label in MILESTONES
        ],
        y_label=_("Patients"),
    )
    return Result(
        tables=[
            Table("milestones", _("Milestones reached, per program"), columns, rows, totals),
            Table(
                "setbacks",
                _("Setbacks and re-engagement, per program"),
                setback_columns,
                setback_rows,
                setback_totals,
            ),
        ],
        chart=chart,
        notes=[
            _(
                "A milestone counts when it falls in the range and not after today, from the "
                "recovery start date on record now (a setback may have moved it)."
            ),
            _(
                "Re-engagement is the first check-in on a day after the setback, up to today; "
                "the mean counts only the people who re-engaged."
            ),
        ],
    )


MILESTONES_REPORT = Report(
    "milestones",
    _("Milestones and setbacks"),
    _("Milestones reached in the period; setbacks and the time to re-engagement."),
    milestones,
)
