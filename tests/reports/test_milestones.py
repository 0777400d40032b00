"""Milestones reached in the period, per program, and setbacks with the time to re-engagement."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from patients.models import Patient, Program, Setback, SetbackKind
from reports.definitions import milestones
from reports.filters import Filters
from tests.factories import PatientFactory, ProgramFactory, member
from tests.reports.conftest import bulk_patients, checkin, moment, queries_of

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 20)
# Ends after today: a milestone due on 25 March is not reached yet.
RANGE = Filters(start=date(2025, 2, 28), end=date(2025, 3, 31))
now = time_machine.travel(moment(TODAY), tick=False)


def setback(patient: Patient, day: date) -> Setback:
    return Setback.objects.create(
        patient=patient, occurred_on=day, kind=SetbackKind.LAPSE, what_happened="A hard week."
    )


@pytest.fixture
def known(clinic, other_clinic) -> Program:
    """Outpatient: 30 days on 10 March, 90 days on 5 March, a year on 28 February (a 29
    February start), 30 days on 25 March (after today), no start date. No program: 180 days
    on 15 March, a year on 28 February (a 28 February start: 365 days would fall a day
    early). Residential has nobody."""
    outpatient = ProgramFactory(clinic=clinic, name="Outpatient")
    ProgramFactory(clinic=clinic, name="Residential")
    p30 = PatientFactory(clinic=clinic, program=outpatient, recovery_start=date(2025, 2, 8))
    p90 = PatientFactory(clinic=clinic, program=outpatient, recovery_start=date(2024, 12, 5))
    PatientFactory(clinic=clinic, program=outpatient, recovery_start=date(2024, 2, 29))
    PatientFactory(clinic=clinic, program=outpatient, recovery_start=date(2025, 2, 23))
    unknown = PatientFactory(clinic=clinic, program=outpatient, recovery_start=None)
    PatientFactory(clinic=clinic, program=None, recovery_start=date(2025, 3, 15) - timedelta(180))
    year = PatientFactory(clinic=clinic, program=None, recovery_start=date(2024, 2, 28))
    outsider = PatientFactory(clinic=other_clinic, recovery_start=date(2025, 2, 8))

    # p30: back on day 4 (a check-in the same day does not count). p90: day 3, then a second
    # setback with no check-in since. year: day 10. Outside the range or clinic: not counted.
    setback(p30, date(2025, 3, 2))
    checkin(p30, date(2025, 3, 2))
    checkin(p30, date(2025, 3, 6))
    checkin(p30, date(2025, 3, 8))
    setback(p90, date(2025, 3, 10))
    checkin(p90, date(2025, 3, 13))
    setback(p90, date(2025, 3, 15))
    setback(unknown, date(2025, 2, 1))
    setback(year, date(2025, 3, 1))
    checkin(year, date(2025, 3, 11))
    setback(outsider, date(2025, 3, 3))
    checkin(outsider, date(2025, 3, 4))
    return outpatient


@now
def test_milestones_reached_match_the_hand_count(clinic, known):
    table = milestones(clinic, RANGE).table("milestones")
    assert table.rows == [
        {"program": "Outpatient", "d30": 1, "d90": 1, "d180": 0, "y1": 1, "total": 3},
        {"program": "Residential", "d30": 0, "d90": 0, "d180": 0, "y1": 0, "total": 0},
        {"program": "No program", "d30": 0, "d90": 0, "d180": 1, "y1": 1, "total": 2},
    ]
    assert {k: v for k, v in table.totals.items() if k != "program"} == {
        "d30": 1,
        "d90": 1,
        "d180": 1,
        "y1": 2,
        "total": 5,
    }


@now
def test_setbacks_and_time_to_re_engagement_match_the_hand_count(clinic, known):
    table = milestones(clinic, RANGE).table("setbacks")
    assert table.rows == [
        {"program": "Outpatient", "setbacks": 3, "patients": 2, "reengaged": 2, "mean_days": 3.5},
        {"program": "Residential", "setbacks": 0, "patients": 0, "reengaged": 0, "mean_days": None},
        {"program": "No program", "setbacks": 1, "patients": 1, "reengaged": 1, "mean_days": 10.0},
    ]
    assert {k: v for k, v in table.totals.items() if k != "program"} == {
        "setbacks": 4,
        "patients": 3,
        "reengaged": 3,
        "mean_days": 5.67,
    }


@now
def test_a_program_filter_keeps_only_that_program(clinic, known):
    result = milestones(clinic, Filters(start=RANGE.start, end=RANGE.end, program=known))
    assert [row["program"] for row in result.table("milestones").rows] == ["Outpatient"]
    assert result.table("setbacks").totals["setbacks"] == 3


@now
def test_the_page_csv_and_api_show_the_same_figures(admin_signed_in, known):
    query = {"from": "2025-02-28", "to": "2025-03-31"}
    html = admin_signed_in.get(reverse("reports:report", args=["milestones"]), query)
    assert html.status_code == 200
    page = html.content.decode()
    assert "<td>1</td><td>1</td><td>0</td><td>1</td><td>3</td>" in page
    assert "<td>3</td><td>2</td><td>2</td><td>3.50</td>" in page
    response = admin_signed_in.get(reverse("reports:report_csv", args=["milestones"]), query)
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Outpatient", "1", "1", "0", "1", "3"] in lines
    assert ["No program", "0", "0", "1", "1", "2"] in lines
    assert ["Outpatient", "3", "2", "2", "3.50"] in lines
    assert ["Residential", "0", "0", "0", "–"] in lines
    data = admin_signed_in.get(reverse("api:report", args=["milestones"]), query).json()
    assert data["tables"][1]["totals"]["mean_days"] == 5.67


@now
def test_an_export_shared_outside_suppresses_small_counts(admin_signed_in, known):
    query = {"from": "2025-02-28", "to": "2025-03-31", "outside": "1"}
    response = admin_signed_in.get(reverse("reports:report_csv", args=["milestones"]), query)
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Outpatient", "<5", "<5", "0", "<5", "<5"] in lines


@now
def test_the_query_count_does_not_grow_with_patients_or_setbacks(clinic):
    clinician = member(Role.CLINICIAN, clinic)
    program = ProgramFactory(clinic=clinic)
    # bulk patients start recovery 100 days before TODAY: 90 days fall on 10 March.
    patients = bulk_patients(clinic, 10, program=program, clinician=clinician, today=TODAY)
    Setback.objects.bulk_create(
        Setback(
            patient=p,
            occurred_on=TODAY - timedelta(days=12),
            kind=SetbackKind.LAPSE,
            what_happened="x",
        )
        for p in patients
    )
    small = queries_of(lambda: milestones(clinic, RANGE))
    more = bulk_patients(clinic, 490, program=program, clinician=clinician, today=TODAY)
    Setback.objects.bulk_create(
        Setback(
            patient=p,
            occurred_on=TODAY - timedelta(days=12),
            kind=SetbackKind.LAPSE,
            what_happened="x",
        )
        for p in more
    )
    assert small == queries_of(lambda: milestones(clinic, RANGE))
    result = milestones(clinic, RANGE)
    assert result.table("milestones").totals["d90"] == 500
    # Each bulk patient checked in 9 days before today: 3 days after the setback.
    assert result.table("setbacks").totals == {
        "program": "All programs",
        "setbacks": 500,
        "patients": 500,
        "reengaged": 500,
        "mean_days": 3.0,
    }


@pytest.mark.parametrize("slug", ["milestones", "delivery"])
def test_only_this_clinics_admin_opens_the_page_csv_and_api(
    client, admin_signed_in, clinic, other_clinic, slug
):
    urls = [
        reverse("reports:report", args=[slug]),
        reverse("reports:report_csv", args=[slug]),
        reverse("api:report", args=[slug]),
    ]
    for url in urls:
        assert admin_signed_in.get(url).status_code == 200, url
    client.force_login(member(Role.CLINICIAN, clinic))
    for url in urls:
        assert client.get(url).status_code == 404, url
    # Another clinic's admin naming this clinic: 404, never this clinic's figures.
    api = APIClient()
    api.force_authenticate(member(Role.ADMIN, other_clinic))
    response = api.get(reverse("api:report", args=[slug]), HTTP_X_CLINIC=clinic.slug)
    assert response.status_code == 404
