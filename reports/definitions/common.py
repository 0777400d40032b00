"""The building blocks the reports share: counts and sums in subqueries, a patient's local
date, days between dates in the database, the clinic's clinicians and programs, percentages."""

from datetime import date

from django.db import connection
from django.db.models import (
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Greatest,
)

from accounts.models import Membership, Organization, Role, User
from patients.models import PatientStatus, Program
from reports.filters import Filters

STATUSES = [
    PatientStatus.INTAKE,
    PatientStatus.ACTIVE,
    PatientStatus.DISCHARGED,
    PatientStatus.ALUMNI,
]


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


def expected_days(window_start: date, end: date) -> Greatest:
    """Days in [window_start, end] on or after the patient's intake (their local date)."""
    first = Greatest(Value(window_start), local_date_of(F("created_at")), output_field=DateField())
    return Greatest(Value(0), days_between(Value(end), first), output_field=IntegerField())


def mean(value: object) -> float | None:
    return None if value is None else round(float(value), 2)
