"""The `network` report: network size and engagement (supporters, consents, help tasks,
check-ins), and outcomes beside how active each network is. Per-patient figures come from
correlated subqueries summed with GROUP BY."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from coping.instruments import INSTRUMENTS
from coping.models import CheckIn
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    HelpTask,
    Invitation,
    ReachOut,
    SupportContact,
)
from patients.models import PatientStatus
from reports.definitions.common import count_of, expected_days, mean, percent, programs_of, summed
from reports.definitions.outcomes import CHANGE_COLUMNS, assessment_changes, change_aggregates
from reports.filters import Filters, clinic_today, patients_for
from reports.registry import Chart, Column, Report, Result, Table

# A consent "expiring" ends within this many days of today.
EXPIRING_WITHIN_DAYS = 30


# Network groups by the number of active supporters: (key, label, lowest, highest).
NETWORK_GROUPS = (
    ("none", _("No active supporter"), 0, 0),
    ("few", _("One or two active supporters"), 1, 2),
    ("many", _("Three or more active supporters"), 3, None),
)


RETAINED = (PatientStatus.ACTIVE, PatientStatus.ALUMNI)


def period_bounds(clinic: Organization, filters: Filters) -> tuple[datetime, datetime]:
    """The range as [first midnight, midnight after the last day) in the clinic's zone."""
    zone = ZoneInfo(clinic.time_zone)
    return (
        datetime.combine(filters.start, datetime.min.time(), zone),
        datetime.combine(filters.end + timedelta(days=1), datetime.min.time(), zone),
    )


def _by_program(queryset: QuerySet, path: str = "patient__program", **figures: object) -> dict:
    """{program id: {figure: value}} in one GROUP BY query."""
    return {row[path]: row for row in queryset.order_by().values(path).annotate(**figures)}


def consents_in_force_now(clinic: Organization, today: date) -> QuerySet:
    """The consents in force now to an active contact, for every contact at once: the one
    rule (Consent.objects.in_force), with dates compared to the clinic's today (a patient's
    own day differs by hours at most)."""
    return Consent.objects.in_force(everyone_on=today).filter(
        clinic=clinic, contact__status=ContactStatus.ACTIVE
    )


def _engagement_rows(clinic: Organization, filters: Filters) -> tuple[list, dict]:
    patients = patients_for(clinic, filters)
    start, end = period_bounds(clinic, filters)
    today = clinic_today(clinic)
    in_period = {"created_at__gte": start, "created_at__lt": end}
    figures = [
        _by_program(patients, "program", patients=Count("pk")),
        _by_program(
            Invitation.objects.filter(contact__patient__in=patients, **in_period),
            "contact__patient__program",
            invited=Count("contact", distinct=True),
        ),
        _by_program(
            Invitation.objects.filter(
                contact__patient__in=patients, accepted_at__gte=start, accepted_at__lt=end
            ),
            "contact__patient__program",
            accepted=Count("contact", distinct=True),
        ),
        _by_program(
            SupportContact.objects.filter(patient__in=patients),
            active=Count("pk", filter=Q(status=ContactStatus.ACTIVE)),
            patients_networked=Count(
                "patient", filter=Q(status=ContactStatus.ACTIVE), distinct=True
            ),
        ),
        _by_program(
            consents_in_force_now(clinic, today).filter(patient__in=patients),
            consents=Count("pk"),
            expiring=Count(
                "pk",
                filter=Q(expires_on__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS)),
            ),
        ),
        _by_program(
            HelpTask.objects.filter(patient__in=patients),
            tasks_created=Count("pk", filter=Q(**in_period)),
            tasks_claimed=Count("pk", filter=Q(claimed_at__gte=start, claimed_at__lt=end)),
            tasks_done=Count("pk", filter=Q(done_at__gte=start, done_at__lt=end)),
        ),
        _by_program(
            ReachOut.objects.filter(
                patient__in=patients, happened_on__gte=filters.start, happened_on__lte=filters.end
            ),
            reach_outs=Count("pk"),
        ),
        _by_program(
            Encouragement.objects.filter(patient__in=patients, **in_period),
            encouragements=Count("pk"),
        ),
    ]
    groups = [(program.pk, program.name) for program in programs_of(clinic, filters)]
    if filters.program is None:
        groups.append((None, str(_("No program"))))
    keys = [column.key for column in ENGAGEMENT_COLUMNS[1:]]
    rows = []
    for program_id, name in groups:
        row = {"program": name}
        for key in keys:
            row[key] = 0
        for found in figures:
            row.update(
                {k: v for k, v in found.get(program_id, {}).items() if k in keys and v is not None}
            )
        rows.append(row)
    totals = {"program": _("All programs")}
    totals.update({key: sum(row[key] for row in rows) for key in keys})
    return rows, totals


NETWORKED = "patients_networked"


ENGAGEMENT_COLUMNS = [
    Column("program", _("Program"), "text"),
    Column("patients", _("Patients"), patients="patients"),
    Column("invited", _("Contacts invited"), patients="patients"),
    Column("accepted", _("Invitations accepted"), patients="patients"),
    Column("active", _("Active supporters, today"), patients=NETWORKED),
    Column(NETWORKED, _("Patients with an active supporter"), patients=NETWORKED),
    Column("consents", _("Consents in force, today"), patients="patients"),
    Column("expiring", _("Consents ending within 30 days"), patients="patients"),
    Column("tasks_created", _("Help tasks created"), patients="patients"),
    Column("tasks_claimed", _("Help tasks claimed"), patients="patients"),
    Column("tasks_done", _("Help tasks done"), patients="patients"),
    Column("reach_outs", _("Supporter check-ins logged"), patients="patients"),
    Column("encouragements", _("Encouragement sent"), patients="patients"),
]


def _network_group() -> str:
    """SQL naming each patient's network group from their count of active supporters."""
    whens = []
    for key, _label, lowest, highest in NETWORK_GROUPS[:-1]:
        whens.append(f"WHEN \"_supporters\" BETWEEN {lowest} AND {highest} THEN '{key}'")
    return f"CASE {' '.join(whens)} ELSE '{NETWORK_GROUPS[-1][0]}' END"


def _active_supporters(patient: str) -> Coalesce:
    """The count of active supporters of the patient the outer row's `patient` field names."""
    return count_of(
        SupportContact.objects.filter(patient=OuterRef(patient), status=ContactStatus.ACTIVE)
    )


def _outcome_rows(clinic: Organization, filters: Filters) -> list[dict]:
    """Adherence, retention and assessment change, per network group: two queries."""
    since30 = filters.end - timedelta(days=29)
    start, _end = period_bounds(clinic, filters)
    patients = patients_for(clinic, filters)
    per_patient = patients.annotate(
        _supporters=_active_supporters("pk"),
        _active=ExpressionWrapper(Q(status=PatientStatus.ACTIVE), output_field=BooleanField()),
        _cohort=ExpressionWrapper(Q(created_at__lt=start), output_field=BooleanField()),
        _retained=ExpressionWrapper(
            Q(created_at__lt=start, status__in=RETAINED), output_field=BooleanField()
        ),
        _expected30=expected_days(since30, filters.end),
        _done30=count_of(
            CheckIn.objects.filter(
                patient=OuterRef("pk"), local_date__gte=since30, local_date__lte=filters.end
            )
        ),
    )
    columns = ["_supporters", "_active", "_cohort", "_retained", "_expected30", "_done30"]
    aggregates = {
        "patients": "COUNT(*)",
        "active": 'COUNT(*) FILTER (WHERE "_active")',
        "expected30": 'COALESCE(SUM("_expected30") FILTER (WHERE "_active"), 0)',
        "done30": 'COALESCE(SUM("_done30") FILTER (WHERE "_active"), 0)',
        "cohort": 'COUNT(*) FILTER (WHERE "_cohort")',
        "retained": 'COUNT(*) FILTER (WHERE "_retained")',
    }
    group = {"group": _network_group()}
    found = {row["group"]: row for row in summed(per_patient, columns, aggregates, group)}
    # Each patient's supporters counted once, not once per assessment the window reads.
    changes = assessment_changes(patients, filters.start, filters.end)
    by_instrument = summed(
        changes.annotate(_person=F("patient_id")),
        ["_person", *CHANGE_COLUMNS],
        {key: change_aggregates()[key] for key in ("patients", "change")},
        {**group, "instrument": '"instrument"'},
        per_patient=patients.annotate(_person=F("pk"), _supporters=_active_supporters("pk")),
    )
    changed = {(row["group"], row["instrument"]): row for row in by_instrument}
    rows = []
    for key, label, _lowest, _highest in NETWORK_GROUPS:
        figures = found.get(key, {})
        row = {"group": str(label)}
        for name in ("patients", "active", "expected30", "done30", "cohort", "retained"):
            row[name] = int(figures.get(name) or 0)  # SUM over raw SQL is a Decimal
        row["rate30"] = percent(row["done30"], row["expected30"])
        row["retention"] = percent(row["retained"], row["cohort"])
        for slug in INSTRUMENTS:
            compared = changed.get((key, slug), {})
            row[f"{slug}_patients"] = compared.get("patients") or 0
            row[f"{slug}_change"] = mean(compared.get("change"))
        rows.append(row)
    return rows


def _outcome_columns() -> list[Column]:
    columns = [
        Column("group", _("Network"), "text"),
        Column("patients", _("Patients"), patients="patients"),
        Column("active", _("Active patients"), patients="active"),
        Column("rate30", _("Check-in adherence, 30 days (%)"), "percent", patients="active"),
        Column("cohort", _("Patients who joined before the range"), patients="cohort"),
        Column("retention", _("Retention (%)"), "percent", patients="cohort"),
    ]
    for slug, instrument in INSTRUMENTS.items():
        columns += [
            Column(
                f"{slug}_patients",
                _("%(instrument)s: patients compared") % {"instrument": instrument.short_name},
                patients=f"{slug}_patients",
            ),
            Column(
                f"{slug}_change",
                _("%(instrument)s: mean change") % {"instrument": instrument.short_name},
                "number",
                patients=f"{slug}_patients",
            ),
        ]
    return columns


def engagement_totals(clinic: Organization, filters: Filters) -> dict:
    """The "All programs" totals of the report's engagement table alone (the dashboard's tile),
    without the outcomes table."""
    return _engagement_rows(clinic, filters)[1]


def network(clinic: Organization, filters: Filters) -> Result:
    """Network size and engagement per program, and outcomes beside the network: patients
    grouped by how many active supporters they have today."""
    rows, totals = _engagement_rows(clinic, filters)
    outcome_rows = _outcome_rows(clinic, filters)
    chart = Chart(
        "bar",
        [row["program"] for row in rows],
        [
            {"label": str(_("Help tasks done")), "data": [r["tasks_done"] for r in rows]},
            {
                "label": str(_("Supporter check-ins logged")),
                "data": [r["reach_outs"] for r in rows],
            },
            {"label": str(_("Encouragement sent")), "data": [r["encouragements"] for r in rows]},
        ],
        y_label=_("In the range"),
    )
    return Result(
        tables=[
            Table(
                "programs",
                _("Network size and engagement, per program"),
                ENGAGEMENT_COLUMNS,
                rows,
                totals,
            ),
            Table("outcomes", _("Outcomes beside the network"), _outcome_columns(), outcome_rows),
        ],
        chart=chart,
        notes=[
            _(
                "Invitations, help tasks, supporter check-ins and encouragement count what "
                "happened in the range; supporters and consents are counted as of today."
            ),
            _(
                "Outcomes: patients are grouped by their active supporters today. Adherence is "
                "that of the adherence report (active patients, the 30 days ending on the "
                "range's last day). Retention is the share of patients who joined before the "
                "range began who are active or alumni today. Mean change compares each "
                "patient's first and latest score in the range."
            ),
        ],
    )


NETWORK_REPORT = Report(
    "network",
    _("Network size and engagement"),
    _("Supporters, consents, help tasks and check-ins; outcomes beside the network."),
    network,
)
