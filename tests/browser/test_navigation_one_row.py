"""The menu fits one row on a 1280 px screen for every role, every destination it had is still
there (the clinic admin's management pages under "Clinic" and "Library", the person in
recovery's less frequent pages under "More"), dropdowns open by keyboard, and on a phone the
menu still collapses behind one button."""

import re

import pytest
from django.urls import reverse

from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every destination each role's menu had when it was one flat row of links.
DESTINATIONS = {
    "admin@demo.clinic": [
        "reports:dashboard",
        "clinic_admin:patients",
        "clinic_admin:programs",
        "clinic_admin:staff",
        "clinic_admin:emergency_access",
        "coping:library",
        "resources:article_manage",
        "events:index",
        "notifications:log",
        "audit:trail",
        "clinic_admin:settings",
    ],
    "clinician@demo.clinic": [
        "patients:caseload",
        "coping:library",
        "resources:article_list",
        "events:index",
    ],
    "patient@demo.clinic": [
        "patients:patient_home",
        "coping:my_checkin",
        "coping:my_progress",
        "coping:my_plan",
        "networks:my_network",
        "audit:who_saw_me",
        "resources:article_list",
        "events:index",
    ],
    "family@demo.clinic": ["networks:supporter_home", "resources:article_list", "events:index"],
}

ONE_ROW = 80  # px: the navbar's height with one row of entries is about 57


@pytest.fixture
def demo_clinic():
    return seed_demo(clinics=2, patients=4, seed=7)


@pytest.mark.parametrize("email", list(DESTINATIONS))
def test_the_menu_is_one_row_at_1280_px_and_reaches_every_page(page, demo_clinic, email):
    sign_in(page, email, DEMO_PASSWORD)
    nav = page.get_by_role("navigation", name="Main")

    height = nav.evaluate("el => el.getBoundingClientRect().height")
    assert height < ONE_ROW, f"{email}: the menu is {height} px high"
    tops = nav.locator(".navbar-nav > .nav-item").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, f"{email}: entries on several rows {tops}"

    for name in DESTINATIONS[email]:
        url = reverse(name)
        link = nav.locator(f'#main-nav a[href="{url}"]').first
        if not link.is_visible():
            group = link.locator("xpath=ancestor::li[contains(@class, 'dropdown')]")
            group.locator(".dropdown-toggle").click()
            assert link.is_visible(), f"{email}: {name} is not reachable"
            page.keyboard.press("Escape")
            assert not link.is_visible()


def test_the_admins_clinic_menu_works_by_keyboard(page, demo_clinic):
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)
    toggle = page.get_by_role("button", name="Clinic", exact=True)

    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Staff"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(re.escape(reverse("clinic_admin:programs")) + "$"))
    toggle = page.get_by_role("button", name=re.compile("^Clinic"))
    assert "active" in toggle.get_attribute("class")  # the current page is in this group


def test_on_a_phone_the_menu_collapses_and_its_groups_open_inside(phone_page, demo_clinic):
    sign_in(phone_page, "admin@demo.clinic", DEMO_PASSWORD)

    assert not phone_page.get_by_role("link", name="Audit trail").is_visible()
    phone_page.get_by_role("button", name="Show menu").click()
    phone_page.get_by_role("button", name="Clinic", exact=True).click()
    phone_page.get_by_role("link", name="Audit trail").click()

    phone_page.wait_for_url(re.compile(re.escape(reverse("audit:trail")) + "$"))
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.evaluate("window.innerWidth")
