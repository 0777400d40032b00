"""The `census` report: patients by program and status; admissions and discharges per
month."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    Q,
)
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from audit.models import Action, AuditEvent
from patients.models import Patient, PatientStatus
from reports.definitions.common import STATUSES, programs_of
from reports.filters import Filters, patients_for
from reports.registry import Chart, Column, Report, Result, Table


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


CENSUS_REPORT = Report(
    "census",
    _("Patients by program"),
    _("Patients by program and status; admissions and discharges per month."),
    census,
)
