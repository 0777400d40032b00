"""A clinician creates a patient, joins the care team, schedules an appointment, and finds the
patient on the caseload."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from patients.models import Appointment, Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_intake_to_caseload(page):
    seed_demo(clinics=1, patients=3, seed=5)
    sign_in(page, "clinician@demo.clinic", DEMO_PASSWORD)

    page.get_by_role("link", name="New patient").click()
    page.get_by_label("Legal name").fill("Marisol Ortega")
    page.get_by_label("Preferred name").fill("Mari")
    page.get_by_label("Medical record number").fill("DEMO-7777")
    page.get_by_label("Date of birth").fill("1988-09-14")
    page.get_by_label("Program").select_option(label="Outpatient")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_label("Recovery start date").fill(
        (timezone.localdate() - timedelta(days=5)).isoformat()
    )
    page.get_by_label("Primary counselor").select_option(label="Chris Alvarez")
    page.get_by_label("Not now (you can invite them from their chart later)").check()
    page.get_by_role("button", name="Create patient").click()

    page.wait_for_url(re.compile(r"/patients/\d+/$"))
    assert "Mari" in page.get_by_role("heading", level=1).inner_text()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Care team").click()
    team = page.get_by_test_id("care-team")
    assert "Chris Alvarez" in team.inner_text() and "primary" in team.inner_text()

    page.get_by_role("link", name="Schedule", exact=True).click()
    page.get_by_label("Kind").select_option(label="Group session")
    page.get_by_label("Title").fill("Relapse-prevention group")
    page.get_by_label("Date").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    page.get_by_label("Starts").fill("10:00")
    page.get_by_label("Length in minutes").fill("90")
    page.get_by_label("Place").fill("Group room")
    page.get_by_label("Chris Alvarez").check()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(re.compile(r"/appointments/$"))
    assert "Relapse-prevention group" in page.get_by_test_id("appointments").inner_text()

    page.get_by_role("link", name="Caseload").click()
    page.get_by_label("Search name or MRN").fill("7777")
    page.get_by_role("button", name="Apply").click()
    row = page.get_by_test_id("caseload-table").get_by_role("row", name=re.compile("Mari"))
    row.wait_for()
    assert "Outpatient" in row.inner_text()
    assert axe_violations(page) == []

    patient = Patient.objects.get(mrn="DEMO-7777")
    assert patient.care_team.get().clinician.email == "clinician@demo.clinic"
    appointment = Appointment.objects.get(patient=patient)
    assert appointment.starts_at.astimezone(ZoneInfo(patient.time_zone)).hour == 10
