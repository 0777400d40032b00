"""The person in recovery's own check-in, progress, questionnaire and plan pages on a phone:
nothing wider than a 320 px screen, the plan's triggers reachable without a scroll area a
keyboard cannot reach, and the long plan editor found by its in-page menu."""

import re

import pytest

from coping.services import plan_save
from patients.models import Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = (
    "Walking past the corner shop on Harborview Avenue where I used to buy, especially after a "
    "difficult shift at the warehouse"
)


@pytest.fixture
def person() -> Patient:
    seed_demo(clinics=1, patients=3, seed=5)
    patient = Patient.objects.get(user__email="patient@demo.clinic")
    plan_save(
        patient=patient,
        actor=patient.user,
        change_summary="Triggers from group",
        content={
            "triggers": [
                {
                    "category": "places",
                    "description": LONG,
                    "intensity": 4,
                    "how_i_manage": "Take the bus route past the park instead and call Sam",
                    "shareable": True,
                },
                {
                    "category": "emotions",
                    "description": "Feeling lonely on Sunday evenings",
                    "intensity": 3,
                    "how_i_manage": "",
                },
            ],
            "warning_signs": [{"text": "Skipping my evening call with Sam"}],
        },
    )
    return patient


def _phone(browser, live_server, width: int) -> object:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": 740},
        is_mobile=True,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def _overflow(page: object) -> int:
    """How many pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def test_the_plan_and_its_editor_pass_axe_on_a_phone(browser, live_server, person):
    page = _phone(browser, live_server, 375)
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)

    for path in ["", "edit/", "versions/"]:
        page.goto(f"/patients/{person.pk}/coping-plan/{path}")
        assert serious_violations(page) == [], path
    page.goto(f"/patients/{person.pk}/coping-plan/")
    # The triggers read as one card each: every detail is on screen, nothing scrolls sideways.
    trigger = page.locator("table.plan-triggers tbody tr").first
    manage = trigger.locator("td").nth(3)
    assert manage.evaluate("td => getComputedStyle(td).display") == "block"
    assert "How I manage it" in manage.evaluate("td => getComputedStyle(td, '::before').content")
    box = trigger.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert page.locator(".table-responsive").count() == 0


def test_the_persons_pages_fit_a_320_px_screen(browser, live_server, person):
    page = _phone(browser, live_server, 320)
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)

    # The check-in, submitted empty once so its messages show too, then saved.
    page.goto("/my-recovery/check-in/")
    assert _overflow(page) == 0, "check-in"
    page.get_by_role("button", name="Save check-in").click()
    assert page.get_by_text("Choose Yes or No.").is_visible()
    assert _overflow(page) == 0, "check-in with its messages"
    assert (
        page.get_by_role("group", name="Mood").locator("label").last.bounding_box()["width"] >= 22
    )  # eleven buttons in one row still leave room for a finger
    for question, answer in [
        ("Mood", "6"),
        ("Craving", "2"),
        ("Stress", "10"),
        ("Any use since your last check-in?", "No"),
    ]:
        page.get_by_role("group", name=question).locator(
            "label", has_text=re.compile(rf"^{answer}\b")
        ).click()
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url(re.compile(r"/checkins/"))

    pages = {
        "progress": f"/patients/{person.pk}/checkins/?days=90",
        "questionnaire": f"/patients/{person.pk}/assessments/barc10/new/",
        "plan": f"/patients/{person.pk}/coping-plan/",
        "plan editor": f"/patients/{person.pk}/coping-plan/edit/",
        "plan versions": f"/patients/{person.pk}/coping-plan/versions/",
        "update today's check-in": "/my-recovery/check-in/",
    }
    for name, path in pages.items():
        page.goto(path)
        page.wait_for_load_state("load")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        assert _overflow(page) == 0, name


def test_the_plan_editor_has_a_menu_of_its_sections(browser, live_server, person):
    page = _phone(browser, live_server, 375)
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)
    page.goto(f"/patients/{person.pk}/coping-plan/edit/")

    menu = page.get_by_role("navigation", name="Sections of the plan")
    names = menu.get_by_role("link").all_inner_texts()
    assert names[0] == "Crisis plan" and names[-1] == "Save this version"
    assert {"Triggers", "Early warning signs", "People I can call"} <= set(names)

    menu.get_by_role("link", name="People I can call").click()
    page.wait_for_url(re.compile(r"#edit-people$"))
    heading = page.get_by_role("heading", name="People I can call")
    assert heading.bounding_box()["y"] < 740  # the section is on screen
    page.get_by_role("link", name="Back to the sections").last.click()
    assert menu.bounding_box()["y"] < 740
