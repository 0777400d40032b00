"""The messages pages on a 320 px phone: nothing scrolls sideways, no serious axe violation,
and the person writes by keyboard alone (the label names the box; Tab reaches the button)."""

import pytest
from django.utils import timezone

from accounts.models import User
from messaging.demo import seed_messages
from patients.models import Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import (  # noqa: F401 (the autouse fixture serves static files)
    _static_files_by_name,
    serious_violations,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo() -> Patient:
    [demo] = seed_demo(clinics=1, patients=3, seed=5)
    seed_messages(demo.clinic, timezone.localdate())
    return Patient.objects.get(user__email="patient@demo.clinic")


def _phone(browser, live_server) -> object:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 320, "height": 740},
        is_mobile=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def _overflow(page: object) -> int:
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def test_the_person_writes_by_keyboard_on_a_small_phone(browser, live_server, demo):
    page = _phone(browser, live_server)
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)
    page.goto("/my-recovery/messages/")
    assert _overflow(page) == 0
    assert serious_violations(page) == []
    assert page.get_by_test_id("seen").first.is_visible()  # "Seen by Chris, 11:30"
    box = page.get_by_label("Your message")
    box.focus()
    page.keyboard.type("Thank you, see you Thursday.")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Thank you, see you Thursday.").is_visible()
    assert _overflow(page) == 0


def test_the_clinician_pages_fit_a_small_phone(browser, live_server, demo):
    page = _phone(browser, live_server)
    clinician = User.objects.get(email="clinician@demo.clinic")
    sign_in(page, clinician.email, DEMO_PASSWORD)
    for path in ["/messages/", f"/patients/{demo.pk}/messages/"]:
        page.goto(path)
        assert _overflow(page) == 0, path
        assert serious_violations(page) == [], path
