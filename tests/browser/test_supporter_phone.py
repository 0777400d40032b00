"""Defect 3 on a phone (375 px): after Send encouragement, Claim and Log it on the supporter's
page, the confirmation is inside the viewport, focused and announced (role="status"), beside the
control that was used; the message sent is listed. An error shows by its form, in view, with
what was typed kept. The page has an in-page menu, and nothing is wider than the screen."""

from datetime import timedelta

import pytest

from accounts.models import User
from networks.models import SupportContact
from networks.services import help_task_create
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHERE = """(place) => {
  const box = document.querySelector(`[data-feedback="${place}"]`);
  const rect = box.getBoundingClientRect();
  return {top: rect.top, bottom: rect.bottom, height: window.innerHeight,
          text: box.innerText, role: box.getAttribute("role"),
          focused: document.activeElement === box,
          wide: document.documentElement.scrollWidth, width: window.innerWidth};
}"""


def confirmation(page, place: str) -> dict:
    page.wait_for_load_state("load")
    page.wait_for_function(
        "(place) => document.activeElement?.dataset?.feedback === place", arg=place
    )
    return page.evaluate(WHERE, place)


def assert_in_view(seen: dict, text: str) -> None:
    assert text in seen["text"], seen
    assert seen["top"] >= 0 and seen["bottom"] <= seen["height"], seen
    assert seen["focused"] and seen["role"] == "status", seen
    assert seen["wide"] <= seen["width"], seen


def test_confirmations_land_beside_the_control_on_a_phone(phone_page):
    seed_demo(clinics=1, patients=3, seed=5)
    family = User.objects.get(email="family@demo.clinic")
    contact = SupportContact.objects.get(user=family, patient__user__email="patient@demo.clinic")
    patient = contact.patient
    ride = help_task_create(
        patient=patient, actor=patient.user, kind="ride", title="A ride to the Tuesday group"
    )
    page = phone_page
    sign_in(page, "family@demo.clinic", DEMO_PASSWORD)
    page.goto(f"/support/{patient.pk}/")

    # The in-page menu opens each section; nothing is wider than the screen.
    menu = page.get_by_test_id("page-menu")
    assert menu.get_by_role("link", name="Encouragement").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []

    # Claim: the thanks is beside the task, now under "You said you would".
    page.get_by_test_id("open-task").filter(has_text=ride.title).get_by_role(
        "button", name="Claim"
    ).click()
    assert_in_view(confirmation(page, f"task-{ride.pk}"), "Thank you for taking this on.")
    assert page.get_by_test_id("my-task").filter(has_text=ride.title).is_visible()

    # Send encouragement: confirmed by the form, and listed under "What you sent".
    page.get_by_label("Your message").fill("Thinking of you before the big day.")
    page.get_by_role("button", name="Send", exact=True).click()
    assert_in_view(confirmation(page, "encouragement"), "Your message is on its way")
    sent = page.get_by_test_id("sent-encouragement").first
    assert "Thinking of you before the big day." in sent.inner_text()
    assert sent.is_visible()

    # A bad reach-out: the error is by the form, in view, and the note is kept.
    future = (patient.local_today() + timedelta(days=4)).isoformat()
    page.get_by_label("Visit").check()
    page.get_by_label("When").fill(future)
    page.get_by_label("Note (optional)").fill("Brought soup")
    page.get_by_role("button", name="Log it").click()
    assert_in_view(confirmation(page, "reach-outs"), "Not logged yet")
    assert page.get_by_text("The date cannot be in the future.").is_visible()
    assert page.get_by_label("Note (optional)").input_value() == "Brought soup"

    # Log it: confirmed by the form.
    page.get_by_label("When").fill(patient.local_today().isoformat())
    page.get_by_role("button", name="Log it").click()
    assert_in_view(confirmation(page, "reach-outs"), "Your reach-out is in your log.")
    assert axe_violations(page) == []
