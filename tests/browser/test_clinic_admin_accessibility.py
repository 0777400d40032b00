"""axe-core finds no WCAG 2.1 AA violations on the clinic admin's pages (real Chromium)."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Organization, Role
from patients.models import Patient, Program
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import EmergencyAccessFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "url_name",
    [
        "clinic_admin:programs",
        "clinic_admin:program_new",
        "clinic_admin:staff",
        "clinic_admin:staff_invite",
        "clinic_admin:patients",
        "clinic_admin:emergency_access",
        "reports:dashboard",
    ],
)
def test_admin_pages_are_accessible(page, url_name):
    seed_demo(clinics=1, patients=3, seed=3)
    clinic = Organization.objects.get(memberships__user__email="admin@demo.clinic")
    Membership.objects.filter(user=member(Role.CLINICIAN, clinic)).update(is_active=False)
    EmergencyAccessFactory(patient=Patient.objects.filter(clinic=clinic).first())
    Program.objects.filter(clinic=clinic, name="Aftercare").update(is_active=False)
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)

    page.goto(reverse(url_name))

    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_form_errors_are_accessible(page):
    seed_demo(clinics=1, patients=1, seed=3)
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)
    page.goto(reverse("clinic_admin:program_new"))

    page.get_by_role("button", name="Save program").click()
    page.wait_for_load_state("domcontentloaded")

    assert page.locator(".is-invalid").count() >= 1
    assert axe_violations(page) == []
