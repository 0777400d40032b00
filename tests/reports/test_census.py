"""Patients by program and status; admissions and discharges per month from the audit trail."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from patients.models import PatientStatus
from patients.services import patient_set_status
from reports.definitions import census
from reports.filters import Filters
from tests.factories import PatientFactory, ProgramFactory, member
from tests.reports.conftest import bulk_patients, moment, queries_of

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 20)


@pytest.fixture
def known(clinic, other_clinic, clinic_admin):
    outpatient = ProgramFactory(clinic=clinic, name="Outpatient")
    ProgramFactory(clinic=clinic, name="Residential")  # no patients
    with time_machine.travel(moment(date(2025, 1, 5)), tick=False):
        a = PatientFactory(clinic=clinic, program=outpatient, status=PatientStatus.INTAKE)
        b = PatientFactory(clinic=clinic, program=outpatient, status=PatientStatus.INTAKE)
        PatientFactory(clinic=clinic, program=outpatient, status=PatientStatus.INTAKE)
        c = PatientFactory(clinic=clinic, program=None, status=PatientStatus.ACTIVE)
        PatientFactory(clinic=other_clinic, status=PatientStatus.ACTIVE)
    with time_machine.travel(moment(date(2025, 1, 20)), tick=False):
        patient_set_status(patient=a, status=PatientStatus.ACTIVE, actor=clinic_admin)
    with time_machine.travel(moment(date(2025, 2, 3)), tick=False):
        patient_set_status(patient=b, status=PatientStatus.ACTIVE, actor=clinic_admin)
        patient_set_status(patient=c, status=PatientStatus.DISCHARGED, actor=clinic_admin)
    return {"outpatient": outpatient}


@time_machine.travel(moment(TODAY), tick=False)
def test_patients_by_program_and_status_match_the_hand_count(clinic, known):
    result = census(clinic, Filters(start=date(2025, 1, 1), end=TODAY))
    rows = {row["program"]: row for row in result.table("programs").rows}
    assert rows["Outpatient"] == {
        "program": "Outpatient",
        "intake": 1,
        "active": 2,
        "discharged": 0,
        "alumni": 0,
        "total": 3,
    }
    assert rows["Residential"]["total"] == 0
    assert rows["No program"]["discharged"] == 1
    assert result.table("programs").totals["total"] == 4
    flow = result.table("flow").rows
    assert [(r["admissions"], r["discharges"]) for r in flow] == [(1, 0), (1, 1), (0, 0)]
    assert result.table("flow").totals["admissions"] == 2


@time_machine.travel(moment(TODAY), tick=False)
def test_the_date_range_and_program_narrow_the_census(clinic, known):
    result = census(
        clinic, Filters(start=date(2025, 2, 1), end=date(2025, 2, 28), program=known["outpatient"])
    )
    assert [row["program"] for row in result.table("programs").rows] == ["Outpatient"]
    assert [(r["admissions"], r["discharges"]) for r in result.table("flow").rows] == [(1, 0)]


@time_machine.travel(moment(TODAY), tick=False)
def test_the_csv_has_the_pages_figures(admin_signed_in, clinic, known):
    query = {"from": "2025-01-01", "to": "2025-03-20"}
    html = admin_signed_in.get(reverse("reports:report", args=["census"]), query).content.decode()
    body = admin_signed_in.get(reverse("reports:report_csv", args=["census"]), query)
    lines = list(csv.reader(io.StringIO(body.content.decode())))
    outpatient = next(line for line in lines if line[:1] == ["Outpatient"])
    assert outpatient == ["Outpatient", "1", "2", "0", "0", "3"]
    assert (
        '<th scope="row">Outpatient</th><td>1</td><td>2</td><td>0</td><td>0</td><td>3</td>' in html
    )


def test_the_query_count_does_not_grow_with_the_patients(clinic, django_assert_num_queries):
    clinician = member(Role.CLINICIAN, clinic)
    program = ProgramFactory(clinic=clinic)
    bulk_patients(clinic, 10, program=program, clinician=clinician, today=TODAY)
    filters = Filters(start=date(2025, 1, 1), end=TODAY)
    small = queries_of(lambda: census(clinic, filters))
    bulk_patients(clinic, 490, program=program, clinician=clinician, today=TODAY)
    with django_assert_num_queries(small):  # counts, programs, monthly flows
        assert census(clinic, filters).table("programs").totals["total"] == 500
