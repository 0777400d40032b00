"""axe-core finds no WCAG 2.1 AA violations on the escalation ladder's pages (real Chromium)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from engagement.links import make_link
from engagement.models import Ladder, LadderStep, LinkAction, Rung
from networks.consent import consented_scopes
from patients.models import CareTeamMember, Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser import conftest as browser_setup
from tests.browser.conftest import axe_violations, sign_in
from tests.engagement.conftest import grant
from tests.factories import SupportContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page fixtures live in tests/browser/conftest.py (the browser in tests/conftest.py).
page = browser_setup.page
_static_files_by_name = browser_setup._static_files_by_name


def _ladder_for(patient: Patient, clinician: User) -> Ladder:
    contact = patient.contacts.filter(user__isnull=True, status="active").first()
    if contact is None:  # the demo's network differs with the hour it is seeded at
        contact = SupportContactFactory(patient=patient, name="Dev Ibrahim", status="active")
    if "checkin_summary" not in consented_scopes(contact):
        grant(contact, ["checkin_summary"], signed_name=patient.legal_name)
    now = timezone.now()
    ladder = Ladder.objects.create(
        patient=patient, streak="never", opened_at=now - timedelta(days=4)
    )
    LadderStep.objects.create(ladder=ladder, rung=Rung.NUDGE, taken_at=ladder.opened_at)
    LadderStep.objects.create(
        ladder=ladder,
        rung=Rung.SUPPORTER,
        taken_at=now,
        contact=contact,
        acted_at=now,
        acted_by_contact=contact,
    )
    LadderStep.objects.create(
        ladder=ladder, rung=Rung.CLINICIAN, taken_at=now, assigned_to=clinician
    )
    return ladder


@pytest.fixture
def demo():
    seed_demo(clinics=1, patients=3, seed=3)
    clinician = User.objects.get(email="clinician@demo.clinic")
    patient = Patient.objects.get(user__email="patient@demo.clinic")
    if not CareTeamMember.objects.current().filter(patient=patient, clinician=clinician).exists():
        CareTeamMember.objects.create(patient=patient, clinician=clinician, team_role="counselor")
    return patient, _ladder_for(patient, clinician)


def test_the_chart_panel_and_the_caseload_are_accessible(page, demo):
    patient, _ladder = demo
    sign_in(page, "clinician@demo.clinic", DEMO_PASSWORD)

    page.goto(reverse("patients:alerts", args=[patient.pk]))
    assert page.get_by_test_id("ladder-panel").is_visible()
    assert axe_violations(page) == []
    page.get_by_test_id("ladder-act-clinician").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Recorded: you reached out." in page.content()
    assert axe_violations(page) == []

    page.goto(reverse("patients:caseload"))
    assert page.get_by_test_id("ladders-open").is_visible()
    assert axe_violations(page) == []


def test_the_persons_choice_page_is_accessible(page, demo):
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)

    page.goto(reverse("engagement:my_ladder_contact"))

    assert page.get_by_label(
        "Who may we ask to say hello if you go quiet for a few days?"
    ).is_visible()
    assert axe_violations(page) == []


def test_the_policy_form_with_errors_is_accessible(page, demo):
    sign_in(page, "admin@demo.clinic", DEMO_PASSWORD)
    page.goto(reverse("clinic_admin:settings"))
    page.get_by_label("ask a chosen supporter to reach out after (days)").fill("1")

    page.get_by_role("button", name="Save the ladder").click()
    page.wait_for_load_state("domcontentloaded")

    assert page.locator(".is-invalid").count() >= 1
    assert axe_violations(page) == []


def test_the_reached_out_link_page_is_accessible(page, demo):
    _patient, ladder = demo
    step = ladder.steps.get(rung=Rung.SUPPORTER)
    url = make_link(LinkAction.REACHED_OUT, contact=step.contact, target={"step": step.pk})

    page.goto(urlsplit(url).path)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Yes, I reached out").click()
    page.wait_for_load_state("domcontentloaded")

    assert page.get_by_test_id("action-done").is_visible()
    assert axe_violations(page) == []
