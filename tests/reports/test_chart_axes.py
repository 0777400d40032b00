"""A report's chart writes days on its axis the way the reader does ("Mar 2", in the page's
language), level, skipping labels that do not fit rather than rotating them (real Chromium)."""

import re

import pytest
from django.urls import reverse

from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import (  # noqa: F401 (fixtures used by name)
    _static_files_by_name,
    page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_trends_chart_has_level_day_labels_in_the_readers_language(page):  # noqa: F811
    seed_demo(clinics=1, patients=4, seed=3)
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)

    page.goto(reverse("reports:report", args=["trends"]))
    canvas = page.locator("#report-chart-canvas")
    canvas.wait_for()
    page.wait_for_function("() => document.getElementById('report-chart-canvas').chart")

    labels = canvas.evaluate("el => el.chart.data.labels")
    ticks = canvas.evaluate("el => el.chart.options.scales.x.ticks")
    assert labels, "the demo clinic has weeks of check-ins"
    assert not any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", label) for label in labels)
    assert all(re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}", label) for label in labels), labels
    assert ticks["maxRotation"] == 0 and ticks["autoSkip"] is True
    # The table under the chart keeps the figures; the axis only changes how a day is written.
    assert page.get_by_test_id("table-weeks").locator("tbody tr").count() == len(labels)
