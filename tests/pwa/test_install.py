"""'Add to this phone' on the notification settings page (notifications/_install_app.html,
static/js/install.js): the steps for every browser are on the page; the button appears only
when the browser offers to install the site, and asks it to; opened from the home screen, the
block says the app is already there."""

import pytest
from django.urls import reverse

from tests.browser import conftest as browser_setup
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

phone_page = browser_setup.phone_page
_static_files_by_name = browser_setup._static_files_by_name

# Chromium sends `beforeinstallprompt` only after its own engagement checks, which a test
# browser never passes; the test sends the same event, with the two members the page uses.
OFFER = """outcome => {
  window.asked = 0;
  const event = new Event("beforeinstallprompt", {cancelable: true});
  event.prompt = () => { window.asked += 1; return Promise.resolve(); };
  event.userChoice = Promise.resolve({outcome, platform: "web"});
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def test_the_person_reads_how_to_add_the_app_and_that_the_crisis_plan_works_offline(
    client, person, patient
):
    client.force_login(person)

    page = client.get(reverse("notifications:preferences")).content.decode()

    assert "Recovery Hub on your home screen" in page
    assert "Your crisis plan then opens even without a connection." in page
    assert "tap Share, then Add to Home Screen" in page
    assert "data-install-button hidden" in page  # shown only when the browser offers


def test_a_supporter_reads_the_steps_without_the_crisis_plan_sentence(client, contact, supporter):
    client.force_login(supporter)

    page = client.get(reverse("notifications:preferences")).content.decode()

    assert "Recovery Hub on your home screen" in page
    assert "crisis plan" not in page


def test_in_spanish(client, person, patient):
    person.language = "es"
    person.save(update_fields=["language"])
    client.force_login(person)

    page = client.get(reverse("notifications:preferences")).content.decode()

    assert "Recovery Hub en su pantalla de inicio" in page
    assert "Poner en este teléfono" in page
    assert "Y su plan de crisis se abre sin conexión." in page
    assert "Add to this phone" not in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("outcome", "said"), [("accepted", "is on this device now"), ("dismissed", "Not added")]
)
def test_the_button_appears_when_the_browser_offers_and_asks_it_once(
    phone_page, person, patient, outcome, said
):
    page = phone_page
    sign_in(page, person.email, PASSWORD)
    page.goto(reverse("notifications:preferences"))
    page.wait_for_load_state("load")
    assert page.locator("[data-install-button]").is_hidden()  # no offer, no button
    button = page.get_by_role("button", name="Add to this phone")
    assert page.get_by_text("How to add it yourself").is_visible()

    assert page.evaluate(OFFER, outcome) is True  # the page keeps the offer for its own button
    button.wait_for(state="visible")
    assert axe_violations(page) == []
    button.click()

    page.get_by_text(said).wait_for()
    assert page.evaluate("window.asked") == 1
    assert button.is_hidden()


def test_the_crisis_plan_page_leads_to_the_steps(client, person, patient):
    """Where keeping a page offline matters most, the person finds how to add the app."""
    client.force_login(person)

    page = client.get(reverse("coping:my_crisis_plan")).content.decode()

    assert (
        'href="/notifications/preferences/#this-device">Add Recovery Hub to this phone</a>' in page
    )
