"""axe-core finds no WCAG 2.1 AA violations on the digest settings: the supporter's page (also
with an error shown), the card on their portal, and the person's own choice."""

import pytest

from networks.models import SupportContact
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import (  # noqa: F401  (fixtures shared with the browser suite)
    _static_files_by_name,
    axe_violations,
    page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_supporter_digest_settings_are_accessible(page):  # noqa: F811
    seed_demo(clinics=1, patients=3, seed=3)
    contact = SupportContact.objects.filter(
        user__email="family@demo.clinic", patient__clinic__slug="demo"
    ).first()
    sign_in(page, "family@demo.clinic", DEMO_PASSWORD)

    page.goto(f"/support/{contact.patient_id}/digest/")
    assert axe_violations(page) == []

    page.get_by_label("Time").fill("")
    page.get_by_role("button", name="Save digest settings").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_test_id("digest-errors").is_visible()
    assert axe_violations(page) == []

    page.goto(f"/support/{contact.patient_id}/")
    assert page.get_by_test_id("digest-card").is_visible()
    assert axe_violations(page) == []


def test_the_persons_digest_choice_is_accessible(page):  # noqa: F811
    seed_demo(clinics=1, patients=3, seed=3)
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)

    page.goto("/my-recovery/digests/")
    page.get_by_label("A short summary only").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("domcontentloaded")

    assert page.get_by_label("A short summary only").is_checked()
    assert axe_violations(page) == []
