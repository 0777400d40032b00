"""At 375 px: the person in recovery checks in and completes a PHQ-9, sees their trend; the
clinician then finds the resulting alert at the top of the caseload."""

import re

import pytest

from coping.models import Assessment, CheckIn
from patients.models import Alert
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, draw_charts, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_check_in_and_phq9_reach_the_caseload(phone_page, browser, live_server):
    seed_demo(clinics=1, patients=3, seed=5)
    page = phone_page
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)

    page.get_by_role("link", name="Check in today").click()
    page.wait_for_url(re.compile("/my-recovery/check-in/"))
    assert axe_violations(page) == []
    # Nothing is chosen for the person: saving straight away asks for each answer.
    assert page.locator("input[type=radio]:checked").count() == 0
    page.get_by_role("button", name="Save check-in").click()
    for message in [
        "Choose how your mood is today",
        "Choose how strong any craving",
        "Choose how stressed you feel",
        "Choose Yes or No.",
    ]:
        assert page.get_by_text(message).is_visible()
    assert axe_violations(page) == []
    # Each answer is a tap on a large button of its own question.
    for question, answer in [
        ("Mood", "3"),
        ("Craving", "9"),
        ("Stress", "7"),
        ("Any use since your last check-in?", "No"),
    ]:
        group = page.get_by_role("group", name=question)
        group.locator("label", has_text=re.compile(rf"^{answer}\b")).click()
        assert group.get_by_role("radio", name=re.compile(rf"^{answer}\b")).is_checked()
    page.get_by_label("Hours of sleep last night").fill("5.5")
    page.get_by_role("button", name="Save check-in").click()

    page.wait_for_url(re.compile(r"/patients/\d+/checkins/"))
    assert page.get_by_text("Thank you for checking in.").is_visible()
    assert page.locator("#checkin-chart").is_visible()
    # Checked in: the page no longer offers "Check in today"; updating is a secondary action.
    assert page.get_by_role("link", name="Check in today").count() == 0
    assert page.get_by_role("link", name="Update today's check-in").is_visible()

    page.get_by_role("link", name=re.compile(r"Start Mood questionnaire \(PHQ-9\)")).click()
    for number in range(1, 10):
        answer = "Several days" if number == 9 else "More than half the days"
        page.get_by_role("group", name=re.compile(rf"^{number}\.")).get_by_label(answer).check()
    page.get_by_role("button", name="Save answers").click()

    page.wait_for_url(re.compile(r"/patients/\d+/checkins/"))
    assert page.get_by_text(re.compile(r"Mood questionnaire \(PHQ-9\) saved: 17")).is_visible()
    draw_charts(page)
    assert page.locator("canvas#chart-phq9[data-drawn=true]").count() == 1
    checkin = CheckIn.objects.filter(patient__user__email="patient@demo.clinic").latest(
        "local_date"
    )
    assert (checkin.mood, checkin.craving, checkin.stress) == (3, 9, 7)
    assert Assessment.objects.filter(instrument="phq9", flags=["self_harm"]).exists()

    clinician = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    desk = clinician.new_page()
    sign_in(desk, "clinician@demo.clinic", DEMO_PASSWORD)
    person = checkin.patient.display_name
    strip = desk.get_by_test_id("needs-attention")
    high = strip.locator("li", has_text=person).filter(has_text="PHQ-9 item 9")
    assert high.count() == 1 and "High" in high.inner_text()
    # High severity comes first: nothing of lower severity is listed above it.
    above = strip.locator("li").evaluate_all(
        "items => items.map(li => li.innerText).slice(0, items.findIndex("
        "li => li.innerText.includes('PHQ-9 item 9')))"
    )
    assert all("High" in text for text in above)
    assert strip.locator("li", has_text=person).filter(has_text="High craving").count() == 1
    assert Alert.objects.filter(patient=checkin.patient, kind="high_craving").count() == 1
    clinician.close()
