"""The `outcomes` report (assessment change, first against latest) and the `network` report
(network size and engagement, and outcomes beside how active each network is).

Both compute in the database with a fixed number of queries: per-patient figures are
correlated subqueries, summed with GROUP BY; the Python loops below walk programs,
instruments and network groups, never patients or rows.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from coping.instruments import INSTRUMENTS, Instrument
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
from reports.definitions import _expected_days, count_of, percent, programs_of
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


def summed(
    per_patient: QuerySet, columns: list[str], aggregates: dict[str, str], group: str | None
) -> list[dict]:
    """Aggregate SQL over a per-patient query computed once as a derived table: each
    correlated subquery runs once per patient however many aggregates read it (the ORM would
    repeat it in every aggregate; OFFSET 0 keeps PostgreSQL from inlining it back).
    `aggregates` and `group` (an expression returned as "group") are SQL over the named
    columns, built in this module from fixed names, never from input."""
    inner, params = per_patient.order_by().values(*columns).query.sql_with_params()
    select = ", ".join(f'{sql} AS "{name}"' for name, sql in aggregates.items())
    source = f"FROM ({inner} OFFSET 0) AS per_patient"
    if group is None:
        sql = f"SELECT {select} {source}"
    else:
        sql = f'SELECT {group} AS "group", {select} {source} GROUP BY 1'
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- assessment change -------------------------------------------------------------------------


def _band_rank(instrument: Instrument) -> Case:
    """The band's place in the instrument's bands, lowest scores first."""
    return Case(
        *(When(band=band.slug, then=Value(i)) for i, band in enumerate(instrument.bands)),
        output_field=IntegerField(),
    )


def with_assessment_change(patients: QuerySet, start: date, end: date) -> QuerySet:
    """Annotate, per instrument `slug`, the patient's assessments in [start, end]: `_n_slug`,
    the first and latest totals and band ranks. Correlated subqueries: one row per patient."""
    for slug, instrument in INSTRUMENTS.items():
        taken = Assessment.objects.filter(
            patient=OuterRef("pk"), instrument=slug, local_date__gte=start, local_date__lte=end
        ).annotate(rank=_band_rank(instrument))
        first = taken.order_by("local_date", "created_at", "pk")
        latest = taken.order_by("-local_date", "-created_at", "-pk")
        decimal = DecimalField(max_digits=5, decimal_places=2)
        patients = patients.annotate(
            **{
                f"_n_{slug}": count_of(taken),
                f"_first_{slug}": Subquery(first.values("total")[:1], output_field=decimal),
                f"_last_{slug}": Subquery(latest.values("total")[:1], output_field=decimal),
                f"_firstrank_{slug}": Subquery(first.values("rank")[:1]),
                f"_lastrank_{slug}": Subquery(latest.values("rank")[:1]),
            }
        )
    return patients


def change_columns(slug: str) -> list[str]:
    return [f"_{part}_{slug}" for part in ("n", "first", "last", "firstrank", "lastrank")]


def change_aggregates(slug: str) -> dict[str, str]:
    """For one instrument, over patients compared (who took it at least twice in the range):
    how many, mean first, latest and change, and how many moved to a better band, a worse band
    or stayed. SQL over the columns of `with_assessment_change`."""
    instrument = INSTRUMENTS[slug]
    n, first, last, first_rank, last_rank = (f'"{c}"' for c in change_columns(slug))
    compared = f"FILTER (WHERE {n} >= 2"
    better, worse = (">", "<") if instrument.higher_is_better else ("<", ">")
    return {
        f"{slug}_patients": f"COUNT(*) {compared})",
        f"{slug}_first": f"AVG({first}) {compared})",
        f"{slug}_latest": f"AVG({last}) {compared})",
        f"{slug}_change": f"AVG({last} - {first}) {compared})",
        f"{slug}_better": f"COUNT(*) {compared} AND {last_rank} {better} {first_rank})",
        f"{slug}_worse": f"COUNT(*) {compared} AND {last_rank} {worse} {first_rank})",
        f"{slug}_same": f"COUNT(*) {compared} AND {last_rank} = {first_rank})",
    }


def _change_row(label: str, slug: str, figures: dict | None) -> dict:
    figures = figures or {}
    return {
        "group": label,
        "instrument": INSTRUMENTS[slug].short_name,
        "patients": figures.get(f"{slug}_patients") or 0,
        "first": mean(figures.get(f"{slug}_first")),
        "latest": mean(figures.get(f"{slug}_latest")),
        "change": mean(figures.get(f"{slug}_change")),
        "better": figures.get(f"{slug}_better") or 0,
        "worse": figures.get(f"{slug}_worse") or 0,
        "same": figures.get(f"{slug}_same") or 0,
    }


def outcomes(clinic: Organization, filters: Filters) -> Result:
    """Per instrument and per program: each patient's first against their latest assessment in
    the range (patients who took the instrument at least twice), the mean change and how many
    moved to a better band, a worse one, or stayed."""
    aggregates: dict[str, str] = {}
    columns = ["program"]
    for slug in INSTRUMENTS:
        aggregates.update(change_aggregates(slug))
        columns += change_columns(slug)
    patients = with_assessment_change(patients_for(clinic, filters), filters.start, filters.end)
    by_program = {row["group"]: row for row in summed(patients, columns, aggregates, '"program"')}
    overall = summed(patients, columns, aggregates, None)[0]

    instrument_rows = [
        _change_row(INSTRUMENTS[slug].short_name, slug, overall) for slug in INSTRUMENTS
    ]
    groups = [(program.pk, program.name) for program in programs_of(clinic, filters)]
    if filters.program is None:
        groups.append((None, str(_("No program"))))
    program_rows = [
        _change_row(name, slug, by_program.get(pk)) for pk, name in groups for slug in INSTRUMENTS
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
]  # fmt: skip


def _network_group() -> str:
    """SQL naming each patient's network group from their count of active supporters."""
    whens = []
    for key, _label, lowest, highest in NETWORK_GROUPS[:-1]:
        whens.append(f"WHEN \"_supporters\" BETWEEN {lowest} AND {highest} THEN '{key}'")
    return f"CASE {' '.join(whens)} ELSE '{NETWORK_GROUPS[-1][0]}' END"


def _outcome_rows(clinic: Organization, filters: Filters) -> list[dict]:
    """Adherence, retention and assessment change, per network group: one query."""
    since30 = filters.end - timedelta(days=29)
    start, _end = period_bounds(clinic, filters)
    patients = with_assessment_change(patients_for(clinic, filters), filters.start, filters.end)
    patients = patients.annotate(
        _supporters=count_of(
            SupportContact.objects.filter(patient=OuterRef("pk"), status=ContactStatus.ACTIVE)
        ),
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
    for slug in INSTRUMENTS:
        columns += change_columns(slug)
        change = change_aggregates(slug)
        aggregates.update({k: change[k] for k in (f"{slug}_patients", f"{slug}_change")})
    found = {row["group"]: row for row in summed(patients, columns, aggregates, _network_group())}
    rows = []
    for key, label, _lowest, _highest in NETWORK_GROUPS:
        figures = found.get(key, {})
        row = {"group": str(label)}
        for name in ("patients", "active", "expected30", "done30", "cohort", "retained"):
            row[name] = int(figures.get(name) or 0)  # SUM over raw SQL is a Decimal
        row["rate30"] = percent(row["done30"], row["expected30"])
        row["retention"] = percent(row["retained"], row["cohort"])
        for slug in INSTRUMENTS:
            row[f"{slug}_patients"] = figures.get(f"{slug}_patients") or 0
            row[f"{slug}_change"] = mean(figures.get(f"{slug}_change"))
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
