"""axe-core finds no WCAG 2.1 AA violations on the sign-in page and each role's home."""

import pytest

from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_is_accessible(page):
    page.goto("/accounts/login/")

    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "email",
    ["admin@demo.clinic", "clinician@demo.clinic", "patient@demo.clinic", "family@demo.clinic"],
)
def test_role_homes_are_accessible(page, email):
    seed_demo(clinics=1, patients=3, seed=3)
    sign_in(page, email, DEMO_PASSWORD)

    assert axe_violations(page) == []


def test_the_accessibility_check_can_fail(page):
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")

    found = " ".join(axe_violations(page))

    assert "image-alt" in found and "label" in found
