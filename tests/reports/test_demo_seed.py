"""The demo seed gives every report something to show, for its default filters, by decorating
the demo's own people: `seed_demo --patients N` still gives N people per clinic, and what the
other demo steps made stays as it was."""

import pytest
from django.core.management import call_command
from django.db import transaction

from accounts.models import Organization
from audit.models import AuditEvent
from coping.models import Assessment, CheckIn
from networks.models import Consent, HelpTask, Invitation, SupportContact
from notifications.models import Notification
from patients.models import Patient, PatientStatus, Setback
from recovery_hub import demo
from reports.definitions import register_all
from reports.demo import DEMO_MARK, seed_reports
from reports.filters import default_filters
from reports.registry import REPORTS, SLUGS, Result

pytestmark = pytest.mark.django_db


def figures(result: Result) -> list[float]:
    """Every number in the report's tables and totals (names, labels and blanks left out)."""
    found = []
    for table in result.tables:
        for row in [*table.rows, table.totals or {}]:
            found += [v for v in row.values() if isinstance(v, int | float) and v is not True]
    return found


def rows_made() -> dict[str, int]:
    return {
        "patients": Patient.objects.count(),
        "notifications": Notification.objects.count(),
        "setbacks": Setback.objects.count(),
        "invitations": Invitation.objects.count(),
        "tasks": HelpTask.objects.count(),
        "consents": Consent.objects.count(),
        "assessments": Assessment.objects.count(),
        "status_events": AuditEvent.objects.filter(details__demo=DEMO_MARK).count(),
    }


def test_every_report_has_figures_for_its_default_filters_and_no_one_is_added():
    call_command("seed_demo", "--clinics", "2", "--patients", "5", "--seed", "4")

    for clinic in Organization.objects.all():
        assert clinic.patients.count() == 5
    register_all()
    clinic = Organization.objects.get(slug="demo")
    filters = default_filters(clinic)
    results = {slug: REPORTS[slug].build(clinic, filters) for slug in SLUGS}
    for slug, result in results.items():
        assert any(value > 0 for value in figures(result)), slug

    assert results["census"].table("flow").totals["admissions"] >= 1
    # People joined on their intake day, so adherence is a share of the days since then.
    adherence = results["adherence"].table("programs").totals
    assert adherence["done30"] > 0 and 0 < adherence["rate30"] <= 100
    assert all(
        row["rate30"] is None or 0 <= row["rate30"] <= 100
        for row in results["adherence"].table("programs").rows
    )
    assert results["outcomes"].table("instruments").rows[0]["patients"] >= 1  # PHQ-9
    assert results["milestones"].table("setbacks").totals["reengaged"] >= 1
    engagement = results["network"].table("programs").totals
    for key in ("invited", "accepted", "expiring", "tasks_done", "reach_outs"):
        assert engagement[key] >= 1, key
    delivery = results["delivery"].table("delivery").totals
    assert delivery["sent"] >= 1 and delivery["skipped"] >= 1 and delivery["failed"] >= 1
    assert any(
        row["status"] == "Failed" and row["reason"]
        for row in results["delivery"].table("reasons").rows
    )


def test_running_the_seed_again_adds_nothing():
    call_command("seed_demo", "--patients", "4", "--seed", "4")
    first = rows_made()
    assert all(first.values()), first

    call_command("seed_demo", "--patients", "4", "--seed", "4")

    assert rows_made() == first


def _what_other_steps_made() -> dict[str, object]:
    """What the other demo steps and the tours lean on: the people, their recovery starts and
    statuses, their check-ins, and the networks of the people still in treatment."""
    in_treatment = SupportContact.objects.exclude(
        patient__status__in=[PatientStatus.DISCHARGED, PatientStatus.ALUMNI]
    )
    return {
        "people": list(
            Patient.objects.order_by("mrn").values_list(
                "mrn", "legal_name", "status", "recovery_start", "user__email"
            )
        ),
        "checkins": CheckIn.objects.count(),
        "networks": sorted(in_treatment.values_list("patient__mrn", "name", "status")),
        "alerts": sorted(
            Patient.objects.values_list("mrn", "alerts__kind", "alerts__status"), key=repr
        ),
    }


def test_the_step_only_decorates_what_the_other_steps_made(monkeypatch):
    with transaction.atomic():
        monkeypatch.setattr(demo, "SEED_STEPS", [s for s in demo.SEED_STEPS if s != seed_reports])
        demo.seed_demo(patients=12, seed=8)
        without = _what_other_steps_made()
        transaction.set_rollback(True)  # start again from an empty database
    monkeypatch.undo()
    assert demo.SEED_STEPS[-1] is seed_reports

    demo.seed_demo(patients=12, seed=8)

    assert _what_other_steps_made() == without
