"""The clinician's chart in a browser: every tab of the chart fits a 320 px phone with no serious
accessibility problem, and acknowledging an alert keeps focus on that alert while the banner
above stops calling it open."""

import re

import pytest

from patients.models import Alert, AlertKind, AlertSeverity, Patient
from patients.services import alert_raise
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABS = [
    "",
    "journey/",
    "journey/?start=2000-01-01&end=2000-12-31&kind=checkin",
    "care-team/",
    "appointments/",
    "notes/",
    "alerts/",
]
# Whatever sticks out to the right of the screen (for a readable failure).
OVERFLOW = """() => {
  const width = window.innerWidth;
  return {scroll: document.documentElement.scrollWidth, width,
          wide: Array.from(document.querySelectorAll("body *"))
            .filter(e => e.getBoundingClientRect().right > width + 1
                    && !e.closest(".overflow-auto"))
            .slice(0, 5).map(e => `${e.tagName}.${e.className}`)};
}"""


def _raise(patient: Patient, source: str, kind: str = AlertKind.HIGH_CRAVING) -> Alert:
    return alert_raise(
        patient=patient,
        kind=kind,
        message="Craving 9 of 10 after a hard day.",
        source=source,
        severity=AlertSeverity.HIGH,
    )


@pytest.fixture
def demo() -> Patient:
    seed_demo(clinics=1, patients=3, seed=5)
    patient = Patient.objects.get(user__email="patient@demo.clinic")
    Alert.objects.filter(patient=patient).delete()
    return patient


@pytest.fixture
def small_phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 320, "height": 640},
        is_mobile=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_chart_tabs_fit_a_320px_phone_without_serious_accessibility_problems(demo, small_phone):
    _raise(demo, "checkin:phone")  # the banner and an alert card are on the pages too
    page = small_phone
    sign_in(page, "clinician@demo.clinic", DEMO_PASSWORD)

    for tab in TABS:
        page.goto(f"/patients/{demo.pk}/{tab}")
        page.wait_for_load_state("domcontentloaded")
        assert page.get_by_test_id("chart-header").is_visible(), tab
        measured = page.evaluate(OVERFLOW)
        assert measured["scroll"] <= measured["width"], (tab, measured)
        assert serious_violations(page) == [], tab


def test_acknowledge_keeps_focus_on_the_alert_and_updates_the_banner(demo, page):
    older = _raise(demo, "checkin:older", AlertKind.REPORTED_USE)
    newer = _raise(demo, "checkin:newer")  # listed first (newest first)
    sign_in(page, "clinician@demo.clinic", DEMO_PASSWORD)
    page.goto(f"/patients/{demo.pk}/alerts/")
    banner = page.get_by_test_id("alert-banner")
    assert "2 high-severity alerts are open" in banner.inner_text()

    for done, alert in enumerate([newer, older], start=1):
        card = page.locator(f"#alert-{alert.pk}")
        card.get_by_role("button", name="Acknowledge").click()

        card.get_by_text(re.compile(r"Acknowledged by Chris Alvarez on")).wait_for()
        page.wait_for_function(
            f"document.activeElement && document.activeElement.closest('#alert-{alert.pk}')"
        )
        assert page.evaluate("document.activeElement.dataset.testid") == "alert-state"
        text = " ".join(banner.inner_text().split())
        assert f"{done} high-severity alert" in text and "acknowledged" in text
        if done == 2:
            assert "open" not in text
        else:
            assert "1 high-severity alert is open" in text
    summary = page.get_by_test_id("alert-summary").inner_text()
    assert "0 waiting to be acknowledged" in summary and "2 acknowledged" in summary
