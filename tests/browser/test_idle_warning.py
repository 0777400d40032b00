"""The idle warning in a real browser, on a 320 px screen: a dialog a little before the end lets
the person stay (by keyboard); left alone, the page goes to sign-in and says why. Idle limits
are made seconds long for the test."""

import re
import time

import pytest

from accounts.models import Role
from tests.browser.conftest import serious_violations, sign_in
from tests.factories import PASSWORD, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDLE_SECONDS = 8
WARNING_SECONDS = 6  # the dialog opens two seconds after the page


@pytest.fixture
def narrow_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 640}, reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_the_warning_lets_a_clinician_stay_and_then_signs_them_out(narrow_page, clinic, settings):
    settings.STAFF_IDLE_MINUTES = IDLE_SECONDS / 60
    settings.IDLE_WARNING_SECONDS = WARNING_SECONDS
    clinician = member(Role.CLINICIAN, clinic, email="robin@harbor.example")
    page = narrow_page
    sign_in(page, clinician.email, PASSWORD)
    landed = page.url

    dialog = page.get_by_role("alertdialog", name="Are you still there?")
    dialog.wait_for(state="visible", timeout=(IDLE_SECONDS - WARNING_SECONDS + 3) * 1000)
    # Focus is in the dialog, on the safe choice; the dialog fits the narrow screen.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert serious_violations(page) == []

    page.keyboard.press("Enter")

    dialog.wait_for(state="hidden")
    left = page.evaluate(
        "fetch('/accounts/session/', {headers: {'X-Background': 'true'}})"
        ".then((r) => r.json()).then((b) => b.seconds_left)"
    )
    assert left >= IDLE_SECONDS - 2  # the server extended the session
    assert page.url == landed

    # Left alone this time: the warning comes back, then the sign-in page explains.
    dialog.wait_for(state="visible", timeout=(IDLE_SECONDS + 3) * 1000)
    started = time.monotonic()
    page.wait_for_url(re.compile(r"/accounts/login/"), timeout=(WARNING_SECONDS + 5) * 1000)
    assert time.monotonic() - started >= WARNING_SECONDS - 3
    assert page.get_by_text(
        re.compile("You were signed out after .* without activity")
    ).is_visible()
    assert "next=" in page.url
