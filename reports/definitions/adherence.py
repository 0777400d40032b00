"""The `adherence` report: check-ins over 7 and 30 days against the days expected, per
program and clinician; the people below ADHERENCE_LIST_BELOW are named."""

from datetime import date, timedelta

from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from coping.models import CheckIn
from patients.models import PatientStatus
from reports.definitions.common import clinicians_of, count_of, expected_days, percent, programs_of
from reports.filters import Filters, patients_for
from reports.registry import Chart, Column, Report, Result, Table

# A patient whose 30-day adherence is below this share (percent) is listed by name.
ADHERENCE_LIST_BELOW = 50


def _adherence_group(
    patients: QuerySet, group: str, filters: Filters, since7: date, since30: date
) -> dict[object, dict]:
    """{group value: patients, expected and done check-ins over 7 and 30 days}: two queries."""
    expected = patients.values(group).annotate(
        patients=Count("pk", distinct=True),
        expected7=Sum(expected_days(since7, filters.end)),
        expected30=Sum(expected_days(since30, filters.end)),
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


def _counted_patients(clinic: Organization, filters: Filters) -> QuerySet:
    """The patients the report counts: active ones unless a status is chosen."""
    patients = patients_for(clinic, filters)
    if not filters.status:
        patients = patients.filter(status=PatientStatus.ACTIVE)
    return patients


def _program_rows(
    clinic: Organization, patients: QuerySet, filters: Filters, since7: date, since30: date
) -> tuple[list[dict], dict]:
    """The per-program rows and their totals (three queries)."""
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
    return program_rows, totals


def adherence_totals(clinic: Organization, filters: Filters) -> dict:
    """The report's "All programs" totals row alone (the dashboard's tile), without the
    per-clinician table or the named list: the same figures in three queries."""
    since7, since30 = filters.end - timedelta(days=6), filters.end - timedelta(days=29)
    return _program_rows(clinic, _counted_patients(clinic, filters), filters, since7, since30)[1]


def adherence(clinic: Organization, filters: Filters) -> Result:
    """Check-ins done against days expected, over the 7 and the 30 days ending on the range's
    last day, per program and per clinician; the patients under 50% over 30 days by name.
    Counts active patients unless a status is chosen; a patient admitted within a window is
    expected only from their intake day."""
    since7, since30 = filters.end - timedelta(days=6), filters.end - timedelta(days=29)
    patients = _counted_patients(clinic, filters)
    program_rows, totals = _program_rows(clinic, patients, filters, since7, since30)

    on_team = patients.filter(care_team__ended_on__isnull=True)
    by_clinician = _adherence_group(on_team, "care_team__clinician", filters, since7, since30)
    clinician_rows = [
        _adherence_row(clinician.display_name, by_clinician.get(clinician.pk))
        for clinician in clinicians_of(clinic, filters)
    ]

    below = (
        patients.annotate(
            expected30=expected_days(since30, filters.end),
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


ADHERENCE_REPORT = Report(
    "adherence",
    _("Check-in adherence"),
    _("Check-ins over 7 and 30 days, per program and clinician."),
    adherence,
)
