"""In a real Chromium, with the demo's data: the milestones and delivery reports show their
tables and chart and pass axe (WCAG 2.1 AA)."""

import pytest
from django.urls import reverse

from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import (  # noqa: F401 (fixtures used by name)
    _static_files_by_name,
    axe_violations,
    page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("slug", "heading", "table"),
    [
        ("milestones", "Milestones and setbacks", "setbacks"),
        ("delivery", "Message delivery", "reasons"),
    ],
)
def test_the_activity_reports_show_the_demo_data_accessibly(page, slug, heading, table):  # noqa: F811
    seed_demo(clinics=1, patients=3, seed=3)  # the reports' step is part of the seed
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)
    page.goto(reverse("reports:report", args=[slug]))
    assert page.locator("h1").inner_text() == heading
    assert page.get_by_test_id(f"table-{table}").locator("tbody tr").count() >= 2
    assert page.locator("#report-chart").count() == 1
    assert axe_violations(page) == []
