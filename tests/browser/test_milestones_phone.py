"""The milestones page on a 320 px phone: nothing scrolls sideways, no serious axe violation,
the countdown's bar has its words, and the use-cost form works by keyboard."""

import pytest

from coping.demo_milestones import seed_milestones
from patients.models import Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def person() -> Patient:
    seed_demo(clinics=1, patients=3, seed=5)
    patient = Patient.objects.get(user__email="patient@demo.clinic")
    seed_milestones(patient.clinic, patient.local_today())
    return patient


def test_the_milestones_page_fits_a_320_px_phone(browser, live_server, person):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 320, "height": 740},
        is_mobile=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)

    for path in ("/my-recovery/milestones/", "/my-recovery/"):
        page.goto(path)
        overflow = page.evaluate(
            "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
        )
        assert overflow == 0, path
        assert serious_violations(page) == [], path
    page.goto("/my-recovery/milestones/")
    assert page.get_by_test_id("earned-badges").locator("[data-kind=streak]").count() >= 2
    assert "back for you" in page.get_by_test_id("regained").inner_text()

    hours = page.get_by_label("Hours each week")
    hours.fill("20")
    hours.press("Enter")
    page.wait_for_load_state("domcontentloaded")
    assert "Saved. Only you see this." in page.content()
    context.close()
