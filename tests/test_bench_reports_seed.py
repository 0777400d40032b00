"""The reports benchmark's seed (bench/reports.py) and BENCH_SCALE, at a tiny size.

Each patient checks in on a share of their days set per patient (60% to 99%), day by day: not
all days or none (PostgreSQL once evaluated the draw per patient). BENCH_SCALE multiplies the
patients of the reports, the reminder planner and the pages, and puts them in a database of
their own; at a scale the planner runs on the reports' clinic and leaves it as it was."""

import importlib.util
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from accounts.models import Organization
from coping.models import CheckIn
from notifications.models import Notification
from patients.models import Patient
from reports.filters import clinic_today

ROOT = Path(__file__).resolve().parent.parent


def load(name: str, path: Path) -> object:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    for name in ("BENCH_SCALE", "BENCH_PATIENTS", "BENCH_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def tiny_seed(monkeypatch: pytest.MonkeyPatch, patients: int) -> tuple[object, Organization]:
    seed = load("bench_reports", ROOT / "bench/reports.py")
    monkeypatch.setattr(seed, "PATIENTS", patients)
    monkeypatch.setattr(seed, "CLINICIANS", 2)
    monkeypatch.setattr(seed, "analyze", lambda: None)  # VACUUM cannot run in a test's transaction
    seed.seed(clinic_today(Organization(time_zone=seed.ZONE)))
    return seed, Organization.objects.get(slug=seed.slug())


@pytest.mark.django_db
def test_each_patient_checks_in_on_a_share_of_days_of_their_own(
    bench: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed, clinic = tiny_seed(monkeypatch, 40)
    today = clinic_today(clinic)
    first = today - timedelta(days=seed.DAYS - 1)
    checked = 0
    for patient in Patient.objects.filter(clinic=clinic):
        joined = max(first, patient.created_at.astimezone(patient.zone).date())
        days = (today - joined).days + 1
        count = CheckIn.objects.filter(patient=patient).count()
        assert 0 < count < days or days < 20, (patient.pk, count, days)
        if days >= 200:  # enough days for the share to show (4 standard deviations: 0.12)
            rate = seed.adherence_of(patient.pk)
            assert 0.6 <= rate <= 0.99
            assert abs(count / days - rate) < 0.15, (patient.pk, count / days, rate)
            checked += 1
    assert checked >= 20  # most joined before the year began
    shares = {
        round(CheckIn.objects.filter(patient=p).count() / 365, 1)
        for p in Patient.objects.filter(clinic=clinic, created_at__date__lt=first)
    }
    assert len(shares) >= 3  # rates differ from one person to the next


def test_bench_scale_multiplies_the_patients_and_names_databases_of_their_own(
    bench: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BENCH_PATIENTS", "7")
    monkeypatch.setenv("BENCH_SCALE", "10")
    monkeypatch.setenv("BENCH_REPORTS_DATABASE_URL", "postgres://bench@127.0.0.1:1/reports_x10")
    reports = load("bench_reports_scaled", ROOT / "bench/reports.py")
    assert reports.PATIENTS == 70 and reports.slug() == "bench-reports-70"
    reminders = load("bench_reminders_scaled", ROOT / "bench/reminders.py")
    assert reminders.PATIENTS == 70 and reminders.ON_REPORTS_SEED
    assert reminders.DATABASE_URL == "postgres://bench@127.0.0.1:1/reports_x10"
    # The planner's own database (and seed_demo) at scale 1 only.
    monkeypatch.setenv("BENCH_SCALE", "1")
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://bench@127.0.0.1:1/reminders")
    reminders = load("bench_reminders_plain", ROOT / "bench/reminders.py")
    assert reminders.PATIENTS == 7 and not reminders.ON_REPORTS_SEED
    assert reminders.DATABASE_URL.endswith("/reminders")
    run = load("bench_run", ROOT / "bench/run.py")  # a BENCH_* database named: no probing
    assert run.local_databases(10) == {
        "BENCH_REPORTS_DATABASE_URL": "recovery_hub_bench_reports_x10"
    }
    assert run.local_databases(1)["BENCH_REPORTS_DATABASE_URL"] == "recovery_hub_bench_reports"
    makefile = (ROOT / "Makefile").read_text()
    assert "BENCH_SCALE=$(BENCH_SCALE)" in makefile


@pytest.mark.django_db
def test_at_scale_the_planner_runs_on_the_reports_clinic_and_leaves_it_as_it_was(
    bench: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed, clinic = tiny_seed(monkeypatch, 30)
    monkeypatch.setenv("BENCH_SCALE", "2")
    reminders = load("bench_reminders_on_reports", ROOT / "bench/reminders.py")
    before = Notification.objects.count()
    seconds, _at, tally = reminders.bench_plan()
    assert seconds > 0 and tally.planned > 0  # the check-in reminders of tomorrow evening
    assert Notification.objects.count() == before  # rolled back
    assert clinic.patients.count() == 30
