"""Assessment change: each patient's first against latest score in the range, per instrument
and per program, with band moves."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from coping.instruments import INSTRUMENTS
from coping.models import Assessment
from reports.definitions import outcomes
from reports.filters import Filters
from tests.factories import PatientFactory, ProgramFactory, member
from tests.reports.conftest import bulk_patients, moment, queries_of

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 20)
SINCE30 = TODAY - timedelta(days=29)  # 19 February


def assess(patient, instrument: str, day: date, total: float) -> Assessment:
    band = INSTRUMENTS[instrument].band_for(total).slug
    return Assessment.objects.create(
        patient=patient, instrument=instrument, answers=[], total=total, band=band, local_date=day
    )


@pytest.fixture
def known(clinic, other_clinic):
    """Outpatient: p1 PHQ-9 16 -> 12 -> 8 in range (and 20 before it), BRS 2.5 -> 3.5;
    p2 PHQ-9 6 -> 9 (same band); p3 a single PHQ-9 (not compared); p4 none.
    Residential: nobody. No program: p5 BRS 3.0 -> 2.8. Another clinic's patient is ignored."""
    outpatient = ProgramFactory(clinic=clinic, name="Outpatient")
    ProgramFactory(clinic=clinic, name="Residential")
    p1 = PatientFactory(clinic=clinic, program=outpatient)
    p2 = PatientFactory(clinic=clinic, program=outpatient)
    p3 = PatientFactory(clinic=clinic, program=outpatient)
    PatientFactory(clinic=clinic, program=outpatient)
    p5 = PatientFactory(clinic=clinic, program=None)
    stranger = PatientFactory(clinic=other_clinic)
    assess(p1, "phq9", date(2025, 2, 1), 20)
    assess(p1, "phq9", date(2025, 2, 25), 16)
    assess(p1, "phq9", date(2025, 3, 10), 12)
    assess(p1, "phq9", date(2025, 3, 18), 8)
    assess(p1, "brs", date(2025, 3, 1), 2.5)
    assess(p1, "brs", date(2025, 3, 19), 3.5)
    assess(p2, "phq9", date(2025, 3, 1), 6)
    assess(p2, "phq9", date(2025, 3, 15), 9)
    assess(p3, "phq9", date(2025, 3, 5), 10)
    assess(p5, "brs", date(2025, 2, 20), 3.0)
    assess(p5, "brs", date(2025, 3, 20), 2.8)
    assess(stranger, "phq9", date(2025, 3, 1), 27)
    assess(stranger, "phq9", date(2025, 3, 2), 0)
    return {"outpatient": outpatient}


def rows_of(table):
    return {(row["group"], row["instrument"]): row for row in table.rows}


def figures(row):
    keys = ("patients", "first", "latest", "change", "better", "worse", "same")
    return tuple(row[key] for key in keys)


@time_machine.travel(moment(TODAY), tick=False)
def test_assessment_change_matches_the_hand_count(clinic, known):
    result = outcomes(clinic, Filters(start=SINCE30, end=TODAY))
    overall = {row["instrument"]: row for row in result.table("instruments").rows}
    # PHQ-9: p1 16 -> 8 (better band), p2 6 -> 9 (same band); p3 took it once.
    assert figures(overall["PHQ-9"]) == (2, 11.0, 8.5, -2.5, 1, 0, 1)
    # BRS: p1 2.5 -> 3.5 (low to normal), p5 3.0 -> 2.8 (normal to low).
    assert figures(overall["BRS"]) == (2, 2.75, 3.15, 0.4, 1, 1, 0)
    assert figures(overall["GAD-7"]) == (0, None, None, None, 0, 0, 0)
    programs = rows_of(result.table("programs"))
    assert figures(programs[("Outpatient", "PHQ-9")]) == (2, 11.0, 8.5, -2.5, 1, 0, 1)
    assert figures(programs[("Outpatient", "BRS")]) == (1, 2.5, 3.5, 1.0, 1, 0, 0)
    assert figures(programs[("No program", "BRS")]) == (1, 3.0, 2.8, -0.2, 0, 1, 0)
    assert figures(programs[("Residential", "PHQ-9")]) == (0, None, None, None, 0, 0, 0)
    assert len(result.table("programs").rows) == 3 * len(INSTRUMENTS)


@time_machine.travel(moment(TODAY), tick=False)
def test_the_range_and_program_filters(clinic, known):
    # From 1 March: p1's PHQ-9 is 12 -> 8, both in the moderate-or-lower bands (better).
    result = outcomes(clinic, Filters(start=date(2025, 3, 1), end=TODAY))
    overall = {row["instrument"]: row for row in result.table("instruments").rows}
    assert figures(overall["PHQ-9"]) == (2, 9.0, 8.5, -0.5, 1, 0, 1)
    result = outcomes(clinic, Filters(start=SINCE30, end=TODAY, program=known["outpatient"]))
    assert {row["group"] for row in result.table("programs").rows} == {"Outpatient"}
    overall = {row["instrument"]: row for row in result.table("instruments").rows}
    assert overall["BRS"]["patients"] == 1


@time_machine.travel(moment(TODAY), tick=False)
def test_page_csv_and_api_show_the_same_figures(admin_signed_in, clinic, known):
    html = admin_signed_in.get(reverse("reports:report", args=["outcomes"])).content.decode()
    assert (
        '<th scope="row">Outpatient</th><td>PHQ-9</td><td>2</td><td>11.00</td><td>8.50</td>'
        "<td>-2.50</td><td>1</td><td>0</td><td>1</td>"
    ) in html
    body = admin_signed_in.get(reverse("reports:report_csv", args=["outcomes"])).content.decode()
    lines = list(csv.reader(io.StringIO(body)))
    assert ["Outpatient", "PHQ-9", "2", "11.00", "8.50", "-2.50", "1", "0", "1"] in lines
    assert ["BRS", "2", "2.75", "3.15", "0.40", "1", "1", "0"] in lines
    api = admin_signed_in.get(reverse("api:report", args=["outcomes"])).json()
    instruments = next(t for t in api["tables"] if t["key"] == "instruments")
    assert instruments["rows"][0]["change"] == -2.5


def test_the_query_count_does_not_grow_with_the_patients(clinic, django_assert_num_queries):
    clinician = member(Role.CLINICIAN, clinic)
    program = ProgramFactory(clinic=clinic)

    def add(count: int) -> None:
        patients = bulk_patients(clinic, count, program=program, clinician=clinician, today=TODAY)
        Assessment.objects.bulk_create(
            Assessment(
                patient=p,
                instrument="gad7",
                answers=[],
                total=total,
                band=band,
                local_date=TODAY - timedelta(days=offset),
            )
            for p in patients
            for offset, total, band in ((20, 12, "moderate"), (2, 4, "minimal"))
        )

    add(10)
    filters = Filters(start=SINCE30, end=TODAY)
    with time_machine.travel(moment(TODAY), tick=False):
        small = queries_of(lambda: outcomes(clinic, filters))
        add(490)
        # Programs, the per-program GROUP BY and the all-programs aggregate.
        with django_assert_num_queries(small):
            result = outcomes(clinic, filters)
    overall = {row["instrument"]: row for row in result.table("instruments").rows}
    assert figures(overall["GAD-7"]) == (500, 12.0, 4.0, -8.0, 500, 0, 0)
