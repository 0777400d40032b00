"""Check-in adherence over 7 and 30 days, per program and clinician, with the patients below
50% listed; and the small-numbers option of the export."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from patients.models import PatientStatus
from reports.definitions import adherence
from reports.filters import Filters
from reports.models import ReportSettings
from tests.factories import PatientFactory, ProgramFactory, member
from tests.reports.conftest import bulk_patients, checkin, moment, queries_of, seat

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 20)
SINCE30 = TODAY - timedelta(days=29)  # 19 February


@pytest.fixture
def known(clinic, other_clinic):
    """Outpatient: p1 every day; p2 on 10 of the 30 days, 3 of the last 7; p3 admitted on
    15 March with no check-ins. Residential: nobody. No program: p5 every day. p4 in intake
    with check-ins does not count."""
    ana = member(Role.CLINICIAN, clinic, full_name="Ana Alvarez")
    ben = member(Role.CLINICIAN, clinic, full_name="Ben Brooks")
    outpatient = ProgramFactory(clinic=clinic, name="Outpatient")
    ProgramFactory(clinic=clinic, name="Residential")
    with time_machine.travel(moment(date(2025, 1, 2)), tick=False):
        p1 = PatientFactory(clinic=clinic, program=outpatient, legal_name="Pat One")
        p2 = PatientFactory(clinic=clinic, program=outpatient, legal_name="Pat Two")
        p4 = PatientFactory(clinic=clinic, program=outpatient, status=PatientStatus.INTAKE)
        p5 = PatientFactory(clinic=clinic, program=None, legal_name="Pat Five")
        stranger = PatientFactory(clinic=other_clinic)
    with time_machine.travel(moment(date(2025, 3, 15)), tick=False):
        p3 = PatientFactory(clinic=clinic, program=outpatient, legal_name="Pat Three")
    for offset in range(30):
        for patient in (p1, p5, p4, stranger):
            checkin(patient, TODAY - timedelta(days=offset))
    checkin(p1, date(2025, 2, 10))  # before the 30 days
    for offset in (0, 2, 5, 8, 10, 12, 15, 20, 25, 29):
        checkin(p2, TODAY - timedelta(days=offset))
    seat(p1, ana)
    seat(p2, ana)
    seat(p3, ben)
    return {"outpatient": outpatient, "ana": ana, "ben": ben}


def by_group(table):
    return {row["group"]: row for row in table.rows}


@time_machine.travel(moment(TODAY), tick=False)
def test_adherence_per_program_and_clinician_matches_the_hand_count(clinic, known):
    result = adherence(clinic, Filters(start=SINCE30, end=TODAY))
    programs = by_group(result.table("programs"))
    assert programs["Outpatient"] == {
        "group": "Outpatient",
        "patients": 3,
        "done7": 10,
        "expected7": 20,
        "rate7": 50.0,
        "done30": 40,
        "expected30": 66,
        "rate30": 60.6,
    }
    assert programs["Residential"]["patients"] == 0
    assert programs["Residential"]["rate30"] is None
    assert programs["No program"]["rate7"] == 100.0
    totals = result.table("programs").totals
    assert (totals["patients"], totals["done7"], totals["expected7"], totals["rate7"]) == (
        4,
        17,
        27,
        63.0,
    )
    assert (totals["done30"], totals["expected30"], totals["rate30"]) == (70, 96, 72.9)
    clinicians = by_group(result.table("clinicians"))
    assert (clinicians["Ana Alvarez"]["rate7"], clinicians["Ana Alvarez"]["rate30"]) == (71.4, 66.7)
    assert (clinicians["Ben Brooks"]["done30"], clinicians["Ben Brooks"]["expected30"]) == (0, 6)
    below = result.table("below").rows
    assert [(r["patient"], r["done30"], r["expected30"]) for r in below] == [
        ("Pat Three", 0, 6),
        ("Pat Two", 10, 30),
    ]


@time_machine.travel(moment(TODAY), tick=False)
def test_the_program_and_clinician_filters(clinic, known):
    result = adherence(clinic, Filters(start=SINCE30, end=TODAY, clinician=known["ben"]))
    assert result.table("programs").totals["patients"] == 1
    assert list(by_group(result.table("clinicians"))) == ["Ben Brooks"]
    result = adherence(clinic, Filters(start=SINCE30, end=TODAY, program=known["outpatient"]))
    assert list(by_group(result.table("programs"))) == ["Outpatient"]


@time_machine.travel(moment(TODAY), tick=False)
def test_page_csv_and_api_show_the_same_figures(admin_signed_in, clinic, known):
    query = {"program": known["outpatient"].pk}
    html = admin_signed_in.get(
        reverse("reports:report", args=["adherence"]), query
    ).content.decode()
    assert '<th scope="row">Outpatient</th><td>3</td><td>10</td><td>20</td><td>50.0</td>' in html
    lines = list(
        csv.reader(
            io.StringIO(
                admin_signed_in.get(
                    reverse("reports:report_csv", args=["adherence"]), query
                ).content.decode()
            )
        )
    )
    assert ["Outpatient", "3", "10", "20", "50.0", "40", "66", "60.6"] in lines
    assert any(line[:1] == ["Pat Two"] for line in lines)
    api = admin_signed_in.get(reverse("api:report", args=["adherence"]), query).json()
    programs = next(t for t in api["tables"] if t["key"] == "programs")
    assert programs["rows"][0]["rate30"] == 60.6
    assert api["filters"]["program"] == known["outpatient"].pk


@time_machine.travel(moment(TODAY), tick=False)
def test_an_export_for_sharing_outside_suppresses_small_counts_and_names(
    admin_signed_in, clinic, known
):
    ReportSettings.objects.create(clinic=clinic, small_number_threshold=4)
    url = reverse("reports:report_csv", args=["adherence"])
    body = admin_signed_in.get(url, {"outside": "1"}).content.decode()
    lines = list(csv.reader(io.StringIO(body)))
    # Outpatient stands for 3 patients (< 4): every figure hidden; nobody is named.
    assert ["Outpatient", "<4", "<4", "<4", "<4", "<4", "<4", "<4"] in lines
    assert ["Residential", "0", "0", "0", "–", "0", "0", "–"] in lines
    assert ["All programs", "4", "17", "27", "63.0", "70", "96", "72.9"] in lines
    assert not any(value.startswith("Pat ") for line in lines for value in line)


def test_the_query_count_does_not_grow_with_the_patients(clinic, django_assert_num_queries):
    clinician = member(Role.CLINICIAN, clinic)
    program = ProgramFactory(clinic=clinic)
    bulk_patients(clinic, 10, program=program, clinician=clinician, today=TODAY)
    filters = Filters(start=SINCE30, end=TODAY)
    with time_machine.travel(moment(TODAY), tick=False):
        small = queries_of(lambda: adherence(clinic, filters))
        bulk_patients(clinic, 490, program=program, clinician=clinician, today=TODAY)
        # Programs, two per grouping (program, clinician), clinicians, the list below 50%.
        with django_assert_num_queries(small):
            result = adherence(clinic, filters)
    assert result.table("programs").totals["patients"] == 500
