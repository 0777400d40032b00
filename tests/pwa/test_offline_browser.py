"""The installable app in a browser that loses its connection (Playwright, Debian's Chromium).

The person in recovery opens their pages; the service worker keeps the shell and their crisis
plan. Offline, the crisis plan opens from the device and every other page gives the offline
page (never a kept copy of the home or the chart). Signing out forgets the crisis plan."""

import time

import pytest

from coping.models import TriggerCategory
from coping.services import plan_save
from tests.browser import conftest as browser_setup
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page fixtures live in tests/browser/conftest.py (the browser in tests/conftest.py).
phone_page = browser_setup.phone_page
_static_files_by_name = browser_setup._static_files_by_name

CRISIS_PLAN = "/my-recovery/crisis-plan/"
KEPT = "url => caches.match(url, {cacheName: 'rh-crisis-plan', ignoreVary: true}).then(r => !!r)"
FORGOTTEN = (
    "url => caches.match(url, {cacheName: 'rh-crisis-plan', ignoreVary: true}).then(r => !r)"
)
EVERYTHING_KEPT = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
  }
  return urls;
}"""


def _eventually(page, script: str, arg: object = None, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, script
        page.wait_for_timeout(100)


def _fits_a_small_phone_and_is_accessible(page) -> None:
    """At 320 px nothing scrolls sideways, and axe finds no WCAG 2.1 A/AA violation."""
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url
    assert axe_violations(page) == [], page.url
    page.set_viewport_size({"width": 375, "height": 740})


@pytest.fixture
def saved_plan(patient, person):
    crisis = {"steps": ["Breathe slowly for two minutes", "Call Sam"], "include_988": True}
    trigger = {"description": "Payday", "category": TriggerCategory.SITUATIONS, "intensity": 3}
    return plan_save(
        patient=patient,
        content={"crisis_plan": crisis, "triggers": [trigger]},
        actor=person,
        change_summary="First plan",
    )


def test_offline_the_crisis_plan_opens_and_other_pages_say_offline(
    phone_page, person, patient, saved_plan
):
    page = phone_page
    sign_in(page, person.email, PASSWORD)
    page.goto("/my-recovery/")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)").endswith(
        "/sw.js"
    )
    # A page of the person's asks the worker to keep their crisis plan.
    _eventually(page, KEPT, CRISIS_PLAN)
    page.goto("/my-recovery/check-in/")  # a page the worker controls, read online
    kept = set(page.evaluate(EVERYTHING_KEPT))
    # The allow-list: static files, the offline page, the crisis plan. No other page.
    assert {path for path in kept if not path.startswith("/static/")} == {"/offline/", CRISIS_PLAN}

    page.context.set_offline(True)
    page.goto(CRISIS_PLAN)
    assert page.get_by_role("heading", name="My crisis plan", exact=True).is_visible()
    assert page.get_by_text("Breathe slowly for two minutes").is_visible()
    assert page.get_by_text("Payday").count() == 0
    _fits_a_small_phone_and_is_accessible(page)
    for path in ("/my-recovery/", "/my-recovery/check-in/", f"/patients/{patient.pk}/"):
        page.goto(path)
        assert page.get_by_role("heading", name="You are offline").is_visible(), path
        assert page.get_by_text("Breathe slowly").count() == 0
    # The offline page finds the kept plan and offers it; the shell's styles load from the cache.
    link = page.get_by_role("link", name="Open my crisis plan")
    link.wait_for(state="visible")
    assert page.evaluate("getComputedStyle(document.querySelector('.btn-primary')).display") != ""
    _fits_a_small_phone_and_is_accessible(page)
    link.click()
    page.get_by_text("Breathe slowly for two minutes").wait_for()

    # Back online, signing out (the menu's form, a POST) forgets the crisis plan.
    page.context.set_offline(False)
    page.goto("/my-recovery/")
    sign_out = page.get_by_role("navigation", name="Main").locator("form[action$='/logout/']")
    sign_out.evaluate("form => form.requestSubmit()")
    page.wait_for_url("**/accounts/login/**")
    _eventually(page, FORGOTTEN, CRISIS_PLAN)
    page.context.set_offline(True)
    page.goto(CRISIS_PLAN)
    assert page.get_by_role("heading", name="You are offline").is_visible()
    assert page.get_by_text("Breathe slowly").count() == 0
    page.wait_for_timeout(300)  # pwa.js looks for a kept plan: there is none to offer
    assert page.get_by_role("link", name="Open my crisis plan").is_hidden()
