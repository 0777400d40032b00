"""The first journey: each demo role signs in and lands on its own home page."""

import re

import pytest

from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_clinic():
    return seed_demo(clinics=2, patients=4, seed=7)


@pytest.mark.parametrize(
    ("email", "path", "heading"),
    [
        ("admin@demo.clinic", "/dashboard/", "Demo Recovery Clinic at a glance"),
        ("clinician@demo.clinic", "/caseload/", "My caseload"),
        ("patient@demo.clinic", "/my-recovery/", "Hello"),
        ("family@demo.clinic", "/support/", "Welcome"),
    ],
)
def test_each_demo_role_signs_in_to_its_home(page, demo_clinic, email, path, heading):
    page.goto("/")
    assert "/accounts/login/" in page.url  # the front door asks to sign in

    sign_in(page, email, DEMO_PASSWORD)

    page.wait_for_url(re.compile(re.escape(path) + "$"))
    assert heading in page.get_by_role("heading", level=1).inner_text()
    assert "Demo Recovery Clinic" in page.locator("[data-testid=clinic-switcher]").inner_text()


def test_a_wrong_password_shows_a_clear_message(page, demo_clinic):
    sign_in(page, "clinician@demo.clinic", "not-the-password")

    assert "/accounts/login/" in page.url
    assert page.get_by_text(re.compile("email address and/or password.*not correct")).is_visible()


def test_family_member_switches_clinic_from_the_menu(page, demo_clinic):
    sign_in(page, "family@demo.clinic", DEMO_PASSWORD)

    page.locator("[data-testid=clinic-switcher] button.dropdown-toggle").click()
    page.get_by_role("button", name=re.compile("Demo Recovery Clinic 2")).click()

    page.wait_for_load_state("domcontentloaded")
    assert "Demo Recovery Clinic 2" in page.locator("[data-testid=clinic-switcher]").inner_text()


def test_clinician_signs_out(page, demo_clinic):
    sign_in(page, "clinician@demo.clinic", DEMO_PASSWORD)

    page.get_by_role("button", name="Chris Alvarez").click()
    page.get_by_role("button", name="Sign out").click()

    page.wait_for_url(re.compile("/accounts/login/"))
    page.goto("/caseload/")
    assert "/accounts/login/" in page.url


def test_skip_link_moves_focus_to_the_main_content(page, demo_clinic):
    sign_in(page, "clinician@demo.clinic", DEMO_PASSWORD)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_the_menu_collapses_on_a_phone(phone_page, demo_clinic):
    sign_in(phone_page, "clinician@demo.clinic", DEMO_PASSWORD)

    assert not phone_page.get_by_role("link", name="Caseload").is_visible()
    phone_page.get_by_role("button", name="Show menu").click()
    phone_page.get_by_role("link", name="Caseload").wait_for(state="visible")
