"""The network and consent pages on a phone (320 and 375 px): one card per person with every
action in view, nothing wider than the screen, no serious accessibility problem; a change of
what one supporter sees is made with switches and signed once; revoking asks first."""

import re

import pytest

from networks.consent import consented_scopes
from networks.models import Consent, ContactStatus
from patients.models import Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [320, 375]
# The page's width, and whatever in it sticks out to the right of the screen, even when a
# scrolling box hides it (the chart's own row of tabs is such a box, on purpose).
OVERFLOW = """() => {
  const width = window.innerWidth;
  return {scroll: document.documentElement.scrollWidth, width,
          wide: Array.from(document.querySelectorAll("main *"))
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .filter(e => !e.closest(".overflow-auto"))
            .slice(0, 5).map(e => `${e.tagName}.${e.className}`)};
}"""


@pytest.fixture
def demo() -> Patient:
    seed_demo(clinics=1, patients=3, seed=5)
    return Patient.objects.get(user__email="patient@demo.clinic")


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def phone(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": request.param, "height": 740},
        is_mobile=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def assert_fits(page) -> None:
    measured = page.evaluate(OVERFLOW)
    # A phone widens its layout to fit a page that is too wide: compare with the screen itself.
    screen = page.viewport_size["width"]
    assert measured["scroll"] <= measured["width"] == screen, measured
    assert measured["wide"] == [], measured


def assert_in_view_horizontally(page, locator) -> None:
    width = page.viewport_size["width"]
    box = locator.bounding_box()
    assert locator.is_visible(), locator
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (locator, box, width)


def assert_every_action_shows(page, patient: Patient) -> None:
    cards = page.get_by_test_id("contact-row")
    shown = patient.contacts.count()
    assert cards.count() == shown and shown >= 2
    for n in range(shown):
        actions = cards.nth(n).get_by_test_id("contact-actions").locator("a, button")
        assert actions.count() >= 1
        for a in range(actions.count()):
            assert_in_view_horizontally(page, actions.nth(a))


@pytest.mark.parametrize("who", ["patient@demo.clinic", "clinician@demo.clinic"])
def test_the_network_page_fits_a_phone_with_every_action_in_view(demo, phone, who):
    sign_in(phone, who, DEMO_PASSWORD)

    phone.goto(f"/patients/{demo.pk}/network/")

    assert_fits(phone)
    assert_every_action_shows(phone, demo)
    actions = phone.get_by_test_id("contact-actions").first.locator("a, button")
    names = [actions.nth(n).inner_text().split("\n")[0] for n in range(actions.count())]
    assert {"Consent", "View as", "Edit", "Remove…"} <= set(names), names
    assert axe_violations(phone) == []


@pytest.mark.parametrize("who", ["patient@demo.clinic", "clinician@demo.clinic"])
def test_the_consent_page_fits_a_phone_and_has_a_menu(demo, phone, who):
    contact = demo.contacts.filter(status=ContactStatus.ACTIVE, consents__isnull=False).first()
    sign_in(phone, who, DEMO_PASSWORD)

    phone.goto(f"/patients/{demo.pk}/network/{contact.pk}/consent/")

    assert_fits(phone)
    menu = phone.get_by_test_id("consent-menu")
    menu.get_by_role("link", name="Earlier consents").click()
    phone.wait_for_function("location.hash === '#consent-history'")
    assert phone.locator("#consent-history").is_visible()
    assert axe_violations(phone) == []


def test_switches_change_what_one_supporter_sees_and_revoke_asks_first(demo, phone):
    contact = demo.contacts.get(user__email="family@demo.clinic")
    before = Consent.objects.filter(contact=contact).count()
    current = sorted(consented_scopes(contact))
    sign_in(phone, "patient@demo.clinic", DEMO_PASSWORD)
    phone.goto(f"/patients/{demo.pk}/network/")
    phone.get_by_role("link", name=f"Consent {contact.name}").click()

    switches = phone.get_by_test_id("scope-switches")
    flip = "Sessions I invite them to"
    was_on = switches.get_by_label(flip).is_checked()
    switches.get_by_label(flip).set_checked(not was_on)
    change = phone.get_by_test_id("consent-change")
    change.get_by_label("Type your full name to sign").fill(demo.legal_name)
    change.get_by_role("checkbox", name=re.compile("I agree")).check()
    phone.get_by_role("button", name="Sign the change").click()
    phone.wait_for_url(re.compile(r"/consent/#consent-now$"))

    status = phone.locator('[data-feedback="consent-now"]')
    assert "From now on" in status.inner_text()
    assert_in_view_horizontally(phone, status)
    assert Consent.objects.filter(contact=contact).count() == before + 1
    changed = set(current) ^ {"appointments"}
    assert consented_scopes(contact) == changed

    phone.get_by_role("link", name="Revoke…").click()
    words = phone.get_by_test_id("revoke-scopes").inner_text()
    assert "Milestones to celebrate" in words or "Sessions I invite them to" in words
    assert consented_scopes(contact) == changed  # asking is not revoking
    assert_fits(phone)
    assert axe_violations(phone) == []
    phone.get_by_role("button", name="Revoke now").click()
    phone.wait_for_url(re.compile(r"/consent/#consent-now$"))
    assert consented_scopes(contact) == frozenset()
