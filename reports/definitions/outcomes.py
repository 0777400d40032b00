"""The `outcomes` report (assessment change, first against latest score per instrument,
and band changes, per program). Each patient's first and latest assessment come from one pass of
window functions over the assessments, summed with GROUP BY; the `network` report reuses it."""

from datetime import date

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    QuerySet,
    RowRange,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    FirstValue,
    LastValue,
    RowNumber,
)
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from coping.instruments import INSTRUMENTS
from coping.models import Assessment
from reports.definitions.common import mean, programs_of, summed
from reports.filters import Filters, patients_for
from reports.registry import Chart, Column, Report, Result, Table


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


OUTCOMES_REPORT = Report(
    "outcomes",
    _("Assessment change"),
    _("First against latest score per instrument, and band changes, per program."),
    outcomes,
)
