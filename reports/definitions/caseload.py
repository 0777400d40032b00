"""The `caseload` report: each clinician's patients by status, open alerts and overdue
assessments."""

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from coping.instruments import INSTRUMENTS
from patients.models import Alert, CareTeamMember, PatientStatus
from reports.definitions.common import (
    STATUSES,
    clinicians_of,
    count_of,
    date_plus_days,
    local_date_of,
)
from reports.filters import Filters, patients_for
from reports.registry import Chart, Column, Report, Result, Table


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


CASELOAD_REPORT = Report(
    "caseload",
    _("Caseload per clinician"),
    _("Each clinician's patients by status, open alerts, overdue assessments."),
    caseload,
)
