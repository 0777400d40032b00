"""In a real Chromium: the admin opens the dashboard, the adherence report, filters it by
program, downloads the CSV; the report pages pass axe (WCAG 2.1 AA)."""

from pathlib import Path

import pytest
from django.urls import reverse

from patients.models import Program
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from reports.registry import available
from tests.browser.conftest import (  # noqa: F401 (fixtures used by name)
    _static_files_by_name,
    axe_violations,
    page,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_filters_the_adherence_report_and_downloads_the_csv(page):  # noqa: F811
    seed_demo(clinics=1, patients=4, seed=3)
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)
    page.goto(reverse("reports:dashboard"))
    page.get_by_role("link", name="Adherence report").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("h1").inner_text() == "Check-in adherence"

    program = Program.objects.filter(patients__isnull=False).order_by("name").first()
    page.get_by_label("Program", exact=True).select_option(label=program.name)
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state("domcontentloaded")
    assert f"program={program.pk}" in page.url
    assert page.get_by_test_id("table-programs").locator("tbody tr").count() == 1
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    path = download.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert program.name in text


@pytest.mark.parametrize("slug", [report.slug for report in available()])
def test_report_pages_are_accessible(page, slug):  # noqa: F811
    seed_demo(clinics=1, patients=3, seed=3)
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)
    page.goto(reverse("reports:report", args=[slug]) + "?from=2099-01-01&to=2098-01-01")
    assert page.locator(".is-invalid").count() == 1
    assert axe_violations(page) == []
    page.goto(reverse("reports:report", args=[slug]))
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
