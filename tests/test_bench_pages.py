"""The page benchmark's list of pages still answers (bench/pages.py, `make bench BENCH=pages`):
every page it times, at a tiny scale of the reports seed, once each. Times are not asserted."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.test.utils import override_settings

from accounts.models import Organization
from reports.filters import clinic_today

ROOT = Path(__file__).resolve().parent.parent


def load(name: str, path: Path) -> object:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_every_benchmarked_page_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    pages = load("bench_pages", ROOT / "bench/pages.py")
    seed = pages.bench_reports()
    monkeypatch.setattr(seed, "PATIENTS", 12)
    monkeypatch.setattr(seed, "CLINICIANS", 2)
    monkeypatch.setattr(seed, "analyze", lambda: None)  # VACUUM cannot run in a test's transaction
    seed.seed(clinic_today(Organization(time_zone=seed.ZONE)))
    clinic = Organization.objects.get(slug=seed.slug())
    people = pages.cast(clinic, clinic_today(clinic))
    with override_settings(ROOT_URLCONF=pages.install_urlconf()):
        rows = pages.run(people, runs=1)  # raises if a page answers anything but 200
    assert [row["page"] for row in rows[1:]] == [label for label, _, _ in pages.pages(people)]
    assert all(row["queries"] > 0 for row in rows)
    assert "<svg" in pages.chart(rows, "p50") and "| caseload |" in pages.table(rows)
