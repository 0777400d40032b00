"""The person in recovery keeps their coping plan in a real browser, and the pages pass axe."""

import re

import pytest

from coping.services import current_version, plan_save
from patients.models import CareTeamMember, Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_patient() -> Patient:
    seed_demo(clinics=1, patients=3, seed=5)
    return Patient.objects.get(user__email="patient@demo.clinic")


def test_person_in_recovery_adds_a_shared_warning_sign_and_prints_the_plan(page, demo_patient):
    before = current_version(demo_patient)
    expected = before.number + 1 if before else 1
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)

    page.goto(f"/patients/{demo_patient.pk}/coping-plan/")
    assert page.get_by_role("heading", level=1).inner_text() == "My coping plan"
    assert axe_violations(page) == []
    page.get_by_role("link", name=re.compile("^(Edit the plan|Start the plan)$")).first.click()

    page.wait_for_url(re.compile(r"/coping-plan/edit/$"))
    assert axe_violations(page) == []
    new_row = page.locator("[data-testid=edit-warning_signs] .plan-row-new").first
    new_row.get_by_label("Warning sign").fill("Skipping my evening call with Sam")
    new_row.get_by_label("Share with my network").check()
    page.get_by_label("What changed?").fill("Added a warning sign")
    page.get_by_role("button", name="Save the plan").click()

    page.wait_for_url(re.compile(rf"/patients/{demo_patient.pk}/coping-plan/$"))
    assert page.get_by_text(f"Coping plan saved as version {expected}.").is_visible()
    assert f"Version {expected}" in page.locator("[data-testid=plan-version]").inner_text()
    sign = page.locator("[data-testid=section-warning_signs] li", has_text="Skipping my evening")
    assert sign.locator("[data-testid=shared-badge]").inner_text() == "shared with my network"

    page.get_by_role("link", name="Print").click()
    page.wait_for_url(re.compile(r"/coping-plan/print/$"))
    assert page.get_by_role("button", name="Print").is_visible()
    assert page.get_by_text("Skipping my evening call with Sam").is_visible()
    assert axe_violations(page) == []


def test_versions_and_wallet_card_are_accessible(page, demo_patient):
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)

    for path in ["versions/", "wallet-card/"]:
        page.goto(f"/patients/{demo_patient.pk}/coping-plan/{path}")
        assert axe_violations(page) == [], path


def test_the_print_button_opens_the_print_dialog(page, demo_patient):
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)
    page.goto(f"/patients/{demo_patient.pk}/coping-plan/print/")
    # window.print() blocks a headless page; count the calls instead.
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed++; }; }")

    page.get_by_role("button", name="Print").click()

    assert page.evaluate("window.__printed") == 1


def test_clinician_compares_versions_from_the_chart(page, demo_patient):
    seat = CareTeamMember.objects.filter(
        clinician__email="clinician@demo.clinic", ended_on__isnull=True
    ).first()
    patient, clinician = seat.patient, seat.clinician
    for n, signs in enumerate([["Isolating"], ["Isolating from friends", "Irritable"]]):
        plan_save(
            patient=patient,
            actor=clinician,
            change_summary=f"Edit {n}",
            content={"warning_signs": [{"text": s} for s in signs]},
        )
    sign_in(page, "clinician@demo.clinic", DEMO_PASSWORD)

    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Coping plan").click()
    page.wait_for_url(re.compile(r"/coping-plan/$"))
    assert axe_violations(page) == []
    page.get_by_role("link", name="Versions").click()
    page.get_by_role("button", name="Compare").click()

    page.wait_for_url(re.compile(r"/versions/compare/\?a=\d+&b=\d+$"))
    assert page.locator("[data-testid=diff-warning_signs] tr[data-change=added]").count() == 2
    assert axe_violations(page) == []
