"""axe-core finds no WCAG 2.1 AA violations on the celebration kit's pages: the review page (the
person and the care team), the card, the person's home block, the supporter's block, their
writing page (also with an error shown) and the one-action link page."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from engagement.celebrations import celebrate_link, milestone_of
from engagement.models import CelebrationMessage, CelebrationStatus
from engagement.services import celebration_write
from patients.models import Patient
from tests.browser.conftest import (  # noqa: F401  (fixtures shared with the browser suite)
    _static_files_by_name,
    axe_violations,
    page,
    sign_in,
)
from tests.engagement.conftest import add_supporter, grant
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kit(patient, contact):
    """30 days in three days' time with one flagged message waiting and one approved; the
    7-day card of last fortnight with two messages."""
    today = patient.local_today()
    Patient.objects.filter(pk=patient.pk).update(recovery_start=today - timedelta(days=27))
    patient.refresh_from_db()
    sam = add_supporter(patient, "Sam Lee", "sam@example.org")
    mo = add_supporter(patient, "Mo Stone", "mo@example.org", account=False)
    for supporter in (contact, sam, mo):
        grant(supporter, ["milestones", "help_tasks"])
    coming = milestone_of(patient, "30d", today + timedelta(days=3))
    past = milestone_of(patient, "7d", today - timedelta(days=20))
    celebration_write(contact=contact, key="30d", day=coming.date, message="Beers on me!")
    approved = celebration_write(contact=sam, key="30d", day=coming.date, message="Proud of you")
    CelebrationMessage.objects.filter(pk=approved.pk).update(status=CelebrationStatus.APPROVED)
    for writer, text in ((contact, "A whole week!"), (sam, "So proud of you.")):
        CelebrationMessage.objects.create(
            patient=patient,
            contact=writer,
            milestone_key="7d",
            milestone_date=past.date,
            message=text,
            status=CelebrationStatus.APPROVED,
        )
    return {"coming": coming, "past": past, "mo": mo}


def test_the_persons_pages_are_accessible(page, patient, person, kit):  # noqa: F811
    sign_in(page, person.email, PASSWORD)

    page.goto("/my-recovery/")
    assert page.get_by_test_id("patient-celebrations").is_visible()
    assert axe_violations(page) == []

    page.goto("/my-recovery/celebrations/")
    assert page.locator("[data-flagged=true]").count() == 1
    assert axe_violations(page) == []

    page.goto(f"/patients/{patient.pk}/celebrations/7d/{kit['past'].date.isoformat()}/")
    assert page.get_by_test_id("card-note").count() == 2
    assert axe_violations(page) == []


def test_the_care_teams_review_page_is_accessible(page, patient, team_clinician, kit):  # noqa: F811
    sign_in(page, team_clinician.email, PASSWORD)

    page.goto(f"/patients/{patient.pk}/celebrations/")
    page.locator("[data-testid=pending] button[value=approve]").click()
    page.wait_for_load_state("domcontentloaded")

    assert page.get_by_text("will be on the card").is_visible()
    assert axe_violations(page) == []


def test_the_supporters_pages_are_accessible(page, patient, contact, kit):  # noqa: F811
    sign_in(page, contact.user.email, PASSWORD)

    page.goto(f"/support/{patient.pk}/")
    assert page.get_by_test_id("section-celebrations").is_visible()
    assert axe_violations(page) == []

    page.get_by_test_id("section-celebrations").get_by_role("link").click()
    page.get_by_label("Your message for the day").fill("")
    page.get_by_role("button", name="Save my changes").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("This field is required").is_visible()
    assert axe_violations(page) == []

    url = celebrate_link(kit["mo"], kit["coming"])
    page.goto(urlsplit(url).path)
    assert axe_violations(page) == []
