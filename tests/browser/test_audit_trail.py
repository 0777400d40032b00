"""The clinic admin opens the audit trail, filters it and downloads it; the person in recovery
opens "who saw my information". axe-core finds no WCAG 2.1 AA violations (real Chromium)."""

import pytest
from django.urls import reverse

from accounts.models import Organization, Role
from audit.models import Action, AuditEvent
from audit.services import audit_record
from patients.models import Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_filters_the_audit_trail_and_downloads_it(page):
    seed_demo(clinics=1, patients=3, seed=3)
    clinic = Organization.objects.get(memberships__user__email="admin@demo.clinic")
    patient = Patient.objects.filter(clinic=clinic).first()
    nurse = member(Role.CLINICIAN, clinic, full_name="Nora Night-Shift")
    audit_record(action=Action.VIEW, actor=nurse, clinic=clinic, target=patient, patient=patient)
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)

    page.goto(reverse("home"))
    page.get_by_role("button", name="Clinic", exact=True).click()
    page.get_by_role("link", name="Audit trail").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("heading", level=1).inner_text() == "Audit trail"
    assert axe_violations(page) == []

    page.get_by_label("Who (name or email)").fill("Night-Shift")
    page.get_by_label("Action").select_option("view")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("domcontentloaded")
    table = page.get_by_test_id("audit-table")
    assert table.locator("tbody tr").count() == 1
    assert "Nora Night-Shift" in table.inner_text()
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_test_id("audit-export").click()
    content = open(download_info.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert "Nora Night-Shift" in content and content.count("\n") == 2  # header and one row
    assert AuditEvent.objects.filter(action=Action.EXPORT, details__who="Night-Shift").exists()


def test_bad_dates_are_shown_accessibly(page):
    seed_demo(clinics=1, patients=1, seed=3)
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)

    page.goto(reverse("audit:trail") + "?date_from=2026-05-02&date_to=2026-05-01")

    assert page.locator(".is-invalid").count() == 1
    assert axe_violations(page) == []


def test_who_saw_my_information_is_accessible(page):
    seed_demo(clinics=1, patients=1, seed=3)
    clinic = Organization.objects.get(memberships__user__email="admin@demo.clinic")
    person = member(Role.PATIENT, clinic, email="sam@example.org")
    patient = Patient.objects.filter(clinic=clinic).first()
    Patient.objects.filter(pk=patient.pk).update(user=person)
    nurse = member(Role.CLINICIAN, clinic, full_name="Nora Night-Shift")
    audit_record(action=Action.VIEW, actor=nurse, clinic=clinic, target=patient, patient=patient)
    sign_in(page, "sam@example.org", PASSWORD)

    page.goto(reverse("audit:who_saw_me"))

    assert page.get_by_role("heading", level=1).inner_text() == "Who saw my information"
    assert "Nora Night-Shift" in page.get_by_test_id("access-group").first.inner_text()
    assert axe_violations(page) == []
