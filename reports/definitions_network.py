"""The `outcomes` report (assessment change, first against latest) and the `network` report
(network size and engagement, and outcomes beside how active each network is).

Both compute in the database with a fixed number of queries: each patient's first and latest
assessment come from one pass of window functions over the assessments, other per-patient
figures from correlated subqueries, all summed with GROUP BY; the Python loops below walk
programs, instruments and network groups, never patients or rows.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    RowRange,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, FirstValue, LastValue, RowNumber
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from coping.instruments import INSTRUMENTS
from coping.models import Assessment, CheckIn
from networks.consent import ENDED_STATUSES
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    ExpiryEvent,
    HelpTask,
    Invitation,
    ReachOut,
    SupportContact,
)
from patients.models import PatientStatus
from reports.definitions import _expected_days, count_of, percent, programs_of, summed
from reports.filters import Filters, clinic_today, patients_for
from reports.registry import Chart, Column, Report, Result, Table, register

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


def mean(value: object) -> float | None:
    return None if value is None else round(float(value), 2)


# --- assessment change -------------------------------------------------------------------------


def _band_rank() -> Case:
    """The band's place in its instrument's bands, lowest scores first."""
    return Case(
        *(
            When(instrument=slug, band=band.slug, then=Value(place))
            for slug, instrument in INSTRUMENTS.items()
            for place, band in enumerate(instrument.bands)
        ),
        output_field=IntegerField(),
    )


def assessment_changes(patients: QuerySet, start: date, end: date) -> QuerySet:
    """One row per patient and instrument taken in [start, end]: `patient_id`, `instrument`,
    `_n` (times taken), `_first` and `_last` (totals) and `_firstrank` and `_lastrank` (band
    ranks). One pass over the assessments: window functions over each patient's instrument,
    in the order they were taken, keeping the first row of each."""
    taken = {
        "partition_by": [F("patient_id"), F("instrument")],
        "order_by": [F("local_date").asc(), F("created_at").asc(), F("pk").asc()],
        "frame": RowRange(start=None, end=None),
    }
    rank = _band_rank()
    return (
        Assessment.objects.filter(patient__in=patients, local_date__gte=start, local_date__lte=end)
        .annotate(
            _n=Window(Count("pk"), **taken),
            _first=Window(FirstValue("total"), **taken),
            _last=Window(LastValue("total"), **taken),
            _firstrank=Window(FirstValue(rank), **taken),
            _lastrank=Window(LastValue(rank), **taken),
            _place=Window(RowNumber(), **taken),
        )
        .filter(_place=1)
    )


CHANGE_COLUMNS = ["instrument", "_n", "_first", "_last", "_firstrank", "_lastrank"]


def _better_than(later: str, earlier: str) -> str:
    """SQL: the band `later` is better than `earlier` for the row's instrument."""
    higher = [
        f"'{slug}'" for slug, instrument in INSTRUMENTS.items() if instrument.higher_is_better
    ]
    if not higher:
        return f"{later} < {earlier}"
    return (
        f'CASE WHEN "instrument" IN ({", ".join(higher)}) THEN {later} > {earlier} '
        f"ELSE {later} < {earlier} END"
    )


def change_aggregates() -> dict[str, str]:
    """Over patients compared (who took the instrument at least twice in the range): how many,
    mean first, latest and change, and how many moved to a better band, a worse band or
    stayed. SQL over the columns of `assessment_changes`, grouped by instrument."""
    compared = 'FILTER (WHERE "_n" >= 2'
    first, last = '"_firstrank"', '"_lastrank"'
    return {
        "patients": f"COUNT(*) {compared})",
        "first": f'AVG("_first") {compared})',
        "latest": f'AVG("_last") {compared})',
        "change": f'AVG("_last" - "_first") {compared})',
        "better": f"COUNT(*) {compared} AND {_better_than(last, first)})",
        "worse": f"COUNT(*) {compared} AND {_better_than(first, last)})",
        "same": f'COUNT(*) {compared} AND "_lastrank" = "_firstrank")',
    }


def _change_row(label: str, slug: str, figures: dict | None) -> dict:
    figures = figures or {}
    return {
        "group": label,
        "instrument": INSTRUMENTS[slug].short_name,
        "patients": figures.get("patients") or 0,
        "first": mean(figures.get("first")),
        "latest": mean(figures.get("latest")),
        "change": mean(figures.get("change")),
        "better": figures.get("better") or 0,
        "worse": figures.get("worse") or 0,
        "same": figures.get("same") or 0,
    }


def outcomes(clinic: Organization, filters: Filters) -> Result:
    """Per instrument and per program: each patient's first against their latest assessment in
    the range (patients who took the instrument at least twice), the mean change and how many
    moved to a better band, a worse one, or stayed."""
    changes = assessment_changes(patients_for(clinic, filters), filters.start, filters.end)
    changes = changes.annotate(program=F("patient__program"))
    found = summed(
        changes,
        ["program", *CHANGE_COLUMNS],
        change_aggregates(),
        {"program": '"program"', "instrument": '"instrument"'},
        subtotals=True,
    )
    overall = {row["instrument"]: row for row in found if row["_subtotal"]}
    by_program = {(row["program"], row["instrument"]): row for row in found if not row["_subtotal"]}

    instrument_rows = [
        _change_row(INSTRUMENTS[slug].short_name, slug, overall.get(slug)) for slug in INSTRUMENTS
    ]
    groups = [(program.pk, program.name) for program in programs_of(clinic, filters)]
    if filters.program is None:
        groups.append((None, str(_("No program"))))
    program_rows = [
        _change_row(name, slug, by_program.get((pk, slug)))
        for pk, name in groups
        for slug in INSTRUMENTS
    ]
    figures = [
        Column("patients", _("Patients compared"), patients="patients"),
        Column("first", _("Mean first score"), "number", patients="patients"),
        Column("latest", _("Mean latest score"), "number", patients="patients"),
        Column("change", _("Mean change"), "number", patients="patients"),
        Column("better", _("Moved to a better band"), patients="better"),
        Column("worse", _("Moved to a worse band"), patients="worse"),
        Column("same", _("Stayed in the same band"), patients="same"),
    ]
    chart = Chart(
        "bar",
        [row["instrument"] for row in instrument_rows],
        [
            {
                "label": str(_("Moved to a better band")),
                "data": [r["better"] for r in instrument_rows],
            },
            {
                "label": str(_("Stayed in the same band")),
                "data": [r["same"] for r in instrument_rows],
            },
            {
                "label": str(_("Moved to a worse band")),
                "data": [r["worse"] for r in instrument_rows],
            },
        ],
        y_label=_("Patients"),
        stacked=True,
    )
    return Result(
        tables=[
            Table(
                "instruments",
                _("Per instrument, all programs"),
                [Column("instrument", _("Instrument"), "text"), *figures],
                instrument_rows,
            ),
            Table(
                "programs",
                _("Per program and instrument"),
                [
                    Column("group", _("Program"), "text"),
                    Column("instrument", _("Instrument"), "text"),
                    *figures,
                ],
                program_rows,
            ),
        ],
        chart=chart,
        notes=[
            _(
                "Each patient who completed an instrument at least twice in the range counts "
                "once: their first score in the range against their latest. On PHQ-9 and "
                "GAD-7 a lower score is better; on BRS and BARC-10 a higher score is better."
            )
        ],
    )


# --- network -----------------------------------------------------------------------------------


def _by_program(queryset: QuerySet, path: str = "patient__program", **figures: object) -> dict:
    """{program id: {figure: value}} in one GROUP BY query."""
    return {row[path]: row for row in queryset.order_by().values(path).annotate(**figures)}


def consents_in_force_now(clinic: Organization, today: date) -> QuerySet:
    """The rule of networks.consent.consents_in_force, for every contact at once: signed, not
    revoked, not superseded, not past its date, not ended by discharge, to an active contact.
    Dates compare with the clinic's today (a patient's own day differs by hours at most)."""
    return (
        Consent.objects.filter(
            clinic=clinic,
            contact__status=ContactStatus.ACTIVE,
            revoked_at__isnull=True,
            superseded_at__isnull=True,
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .exclude(expires_on_event=ExpiryEvent.DISCHARGE, patient__status__in=list(ENDED_STATUSES))
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
        _expected30=_expected_days(since30, filters.end),
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


def register_network() -> None:
    """The outcomes and network reports (idempotent)."""
    register(
        Report(
            "outcomes",
            _("Assessment change"),
            _("First against latest score per instrument, and band changes, per program."),
            outcomes,
        )
    )
    register(
        Report(
            "network",
            _("Network size and engagement"),
            _("Supporters, consents, help tasks and check-ins; outcomes beside the network."),
            network,
        )
    )
