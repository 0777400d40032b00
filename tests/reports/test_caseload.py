"""Caseload per clinician: figures checked against a small hand-computed clinic."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from audit.models import Action, AuditEvent
from coping.instruments import INSTRUMENTS
from coping.models import Assessment, AssessmentSchedule
from patients.models import AlertStatus, PatientStatus
from reports.definitions import caseload
from reports.filters import Filters
from tests.factories import AlertFactory, PatientFactory, ProgramFactory, member
from tests.reports.conftest import bulk_patients, moment, queries_of, seat

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 20)


@pytest.fixture
def known(clinic, other_clinic):
    """Ana: p1 active (up to date), p2 active (overdue), p4 discharged. Ben: p2, p3 intake.
    p5 active with no care team and every schedule paused (never overdue)."""
    with time_machine.travel(moment(date(2025, 1, 10)), tick=False):
        ana = member(Role.CLINICIAN, clinic, full_name="Ana Alvarez")
        ben = member(Role.CLINICIAN, clinic, full_name="Ben Brooks")
        outpatient = ProgramFactory(clinic=clinic, name="Outpatient")
        ProgramFactory(clinic=clinic, name="Residential")  # a program with no patients
        p1 = PatientFactory(clinic=clinic, program=outpatient, legal_name="Pat One")
        p2 = PatientFactory(clinic=clinic, program=outpatient, legal_name="Pat Two")
        p3 = PatientFactory(clinic=clinic, program=outpatient, status=PatientStatus.INTAKE)
        p4 = PatientFactory(clinic=clinic, program=outpatient, status=PatientStatus.DISCHARGED)
        p5 = PatientFactory(clinic=clinic, program=None)
        for patient in (p1, p2, p4):
            seat(patient, ana)
        seat(p2, ben)
        seat(p3, ben)
        for slug in INSTRUMENTS:
            Assessment.objects.create(
                patient=p1, instrument=slug, answers=[], total=1, band="x", local_date=TODAY
            )
            AssessmentSchedule.objects.create(
                patient=p5, instrument=slug, interval_days=7, is_active=False
            )
        AlertFactory(patient=p1)
        AlertFactory(patient=p2, status=AlertStatus.ACKNOWLEDGED)
        AlertFactory(patient=p2, status=AlertStatus.RESOLVED)
        AlertFactory(patient=p5)
        stranger = PatientFactory(clinic=other_clinic)
        AlertFactory(patient=stranger)
    return {"ana": ana, "ben": ben, "outpatient": outpatient}


def rows_by_name(result):
    return {row["clinician"]: row for row in result.table("caseload").rows}


@time_machine.travel(moment(TODAY), tick=False)
def test_each_clinicians_caseload_matches_the_hand_count(clinic, known):
    result = caseload(clinic, Filters(start=date(2025, 2, 19), end=TODAY))
    rows = rows_by_name(result)
    assert rows["Ana Alvarez"] == {
        "clinician": "Ana Alvarez",
        "intake": 0,
        "active": 2,
        "discharged": 1,
        "alumni": 0,
        "total": 3,
        "open_alerts": 2,
        "overdue": 1,
    }
    assert rows["Ben Brooks"] == {
        "clinician": "Ben Brooks",
        "intake": 1,
        "active": 1,
        "discharged": 0,
        "alumni": 0,
        "total": 2,
        "open_alerts": 1,
        "overdue": 1,
    }
    totals = result.table("caseload").totals
    # Each patient once: p1, p2, p5 active; p3 intake; p4 discharged; p2 the only overdue.
    assert {k: totals[k] for k in ("intake", "active", "discharged", "total")} == {
        "intake": 1,
        "active": 3,
        "discharged": 1,
        "total": 5,
    }
    assert totals["open_alerts"] == 3  # p1, p2 (acknowledged), p5; not resolved, not Lakeside
    assert totals["overdue"] == 1


@time_machine.travel(moment(TODAY), tick=False)
def test_the_program_and_clinician_filters_narrow_the_caseload(clinic, known):
    by_clinician = caseload(clinic, Filters(start=TODAY, end=TODAY, clinician=known["ben"]))
    assert list(rows_by_name(by_clinician)) == ["Ben Brooks"]
    assert by_clinician.table("caseload").totals["total"] == 2
    active_only = caseload(clinic, Filters(start=TODAY, end=TODAY, status=PatientStatus.ACTIVE))
    assert rows_by_name(active_only)["Ana Alvarez"]["total"] == 2


@time_machine.travel(moment(TODAY), tick=False)
def test_the_page_and_the_csv_show_the_same_figures_and_are_audited(admin_signed_in, clinic, known):
    page = admin_signed_in.get(reverse("reports:report", args=["caseload"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ana Alvarez" in html and "Ben Brooks" in html
    response = admin_signed_in.get(reverse("reports:report_csv", args=["caseload"]))
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    ana = next(line for line in lines if line and line[0] == "Ana Alvarez")
    assert ana == ["Ana Alvarez", "0", "2", "1", "0", "3", "2", "1"]
    for value in ana:
        assert f">{value}<" in html
    actions = list(AuditEvent.objects.filter(clinic=clinic).values_list("action", "details"))
    assert (
        Action.VIEW,
        {
            "report": "caseload",
            "filters": {
                "from": "2025-02-19",
                "to": "2025-03-20",
                "program": None,
                "clinician": None,
                "status": None,
            },
        },
    ) in actions
    assert any(a == Action.EXPORT and d["report"] == "caseload" for a, d in actions)


def test_the_query_count_does_not_grow_with_the_caseload(clinic, django_assert_num_queries):
    clinician = member(Role.CLINICIAN, clinic)
    program = ProgramFactory(clinic=clinic)
    bulk_patients(clinic, 10, program=program, clinician=clinician, today=TODAY)
    filters = Filters(start=date(2025, 2, 19), end=TODAY)
    small = queries_of(lambda: caseload(clinic, filters))
    bulk_patients(
        clinic, 490, program=program, clinician=member(Role.CLINICIAN, clinic), today=TODAY
    )
    # One query for the clinicians with their counts, three for the clinic-wide totals.
    with django_assert_num_queries(small):
        result = caseload(clinic, filters)
    assert result.table("caseload").totals["total"] == 500
