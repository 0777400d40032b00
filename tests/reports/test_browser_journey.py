"""In a real Chromium: the admin opens the dashboard, the adherence report, filters it by
program, downloads the CSV and opens the audit trail, where what they just did is on top; the
report pages and the trail pass axe (WCAG 2.1 AA)."""

from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
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


def test_admin_filters_the_adherence_report_downloads_the_csv_and_opens_the_audit_trail(page):  # noqa: F811
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

    # From the menu, as a person would: the trail opens with what they just did on top.
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Clinic", exact=True).click()
    menu.get_by_role("link", name="Audit trail").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("heading", level=1).inner_text() == "Audit trail"
    rows = page.get_by_test_id("audit-table").locator("tbody tr")
    top = [rows.nth(number).locator("td") for number in range(3)]
    # Newest first: opening the trail, the CSV export, the filtered report run.
    assert [cells.nth(2).inner_text() for cells in top] == ["Viewed", "Exported", "Viewed"]
    assert all("Dana Whitfield" in cells.nth(1).inner_text() for cells in top)
    assert "page: audit_trail" in top[0].nth(5).inner_text()
    chosen = f"program={program.pk}"
    for cells in top[1:]:
        details = cells.nth(5).inner_text()
        assert "report: adherence" in details and chosen in details
        assert "None" not in details  # filters left empty are not listed
    assert "format: csv" in top[1].nth(5).inner_text()
    assert axe_violations(page) == []
    export = AuditEvent.objects.filter(action=Action.EXPORT).latest("occurred_at", "id")
    assert export.details["report"] == "adherence"
    assert export.details["filters"]["program"] == program.pk


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
