"""A supporter invited in Spanish, while the person in recovery uses English: the clinician
invites the person's sister choosing Spanish; the invitation email is in Spanish; she opens it in
a browser that asks for English and still reads the invitation in Spanish, accepts, and sees the
supporter portal in Spanish; the person asks for help from pages in English, and the sister's
email about it, sent through the real outbox, is in Spanish."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from accounts.models import User
from networks.models import SignatureMethod, SupportContact
from networks.services import consent_grant
from notifications.models import Kind, Notification
from patients.models import Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SISTER = "lucia@example.org"


def lang_of(page: object) -> str:
    return page.locator("html").get_attribute("lang")


def test_a_supporter_invited_in_spanish_reads_spanish_while_the_person_uses_english(
    browser, live_server
):
    seed_demo(clinics=1, patients=3, seed=5)
    patient = Patient.objects.get(user__email="patient@demo.clinic")
    patient.user.language = "en"  # the person reads English; the clinic's default is English
    patient.user.save()
    name = patient.first_name

    def person_context(**options: object) -> object:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, **options
        )
        context.set_default_timeout(15_000)
        return context

    desk_context, home_context = person_context(), person_context()
    sister_context = person_context(locale="en-US")  # her browser asks for English

    # The clinician adds the person's sister, chooses Spanish for her, and invites her.
    desk = desk_context.new_page()
    sign_in(desk, "clinician@demo.clinic", DEMO_PASSWORD)
    desk.goto(f"/patients/{patient.pk}/network/")
    desk.get_by_test_id("add-contact").click()
    desk.locator("#id_name").fill("Lucía Fernández")
    desk.get_by_label("Relationship").select_option("sibling")
    desk.locator("#id_email").fill(SISTER)
    desk.get_by_label("Language", exact=True).select_option("es")
    desk.get_by_label("Invite them by email now").check()
    desk.get_by_role("button", name="Add to the network").click()
    desk.wait_for_url(re.compile(r"/network/#contact-\d+$"))
    assert lang_of(desk) == "en"  # the clinician's own pages stay in English

    invitation = next(m for m in mail.outbox if m.to == [SISTER])
    assert invitation.subject == f"{name} le invitó a su red de apoyo"
    assert "Acepte la invitación aquí:" in invitation.body
    link = re.search(r"https?://\S+/invite/\S+/", invitation.body).group(0)
    sister_contact = SupportContact.objects.get(email=SISTER)
    consent_grant(  # the person shares their coping plan with her (the help button needs it)
        contact=sister_contact,
        actor=patient.user,
        scopes=["coping_plan"],
        purpose="Para que mi hermana me ayude",
        signed_name=patient.legal_name,
        signature_method=SignatureMethod.IN_APP,
        expires_on_event="discharge",
    )

    # She opens the link: the invitation page is in Spanish, with the switch in Spanish too.
    sister = sister_context.new_page()
    sister.goto(urlsplit(link).path)
    assert lang_of(sister) == "es"
    assert sister.get_by_role("heading", level=1).inner_text() == (
        f"{name} le invitó a su red de apoyo"
    )
    assert sister.get_by_test_id("language-switch").get_by_label("Idioma").is_visible()
    sister.get_by_label("Su nombre completo").fill("Lucía Fernández")
    sister.get_by_label("Elija una contraseña").fill("una-frase-larga-de-familia-7")
    sister.get_by_label("Repita la contraseña").fill("una-frase-larga-de-familia-7")
    sister.get_by_role("button", name="Crear cuenta y aceptar").click()
    sister.wait_for_url(re.compile(rf"/support/{patient.pk}/$"))

    # The supporter portal, in Spanish; her new account keeps the language.
    assert lang_of(sister) == "es"
    assert sister.get_by_role("heading", level=1).inner_text() == f"Apoyo a {name}"
    assert sister.get_by_role("heading", name="Enviar un mensaje de ánimo").is_visible()
    assert User.objects.get(email=SISTER).language == "es"

    # The person, in English, presses the help button and asks her.
    home = home_context.new_page()
    sign_in(home, "patient@demo.clinic", DEMO_PASSWORD)
    home.goto("/my-recovery/help/")
    assert lang_of(home) == "en"
    option = home.get_by_test_id("ask-option").filter(has_text="Lucía Fernández")
    option.locator("input").check()
    home.get_by_role("button", name="Send my request for help").click()
    home.wait_for_url(re.compile(r"/my-recovery/help/\d+/$"))
    assert lang_of(home) == "en"
    assert home.get_by_text("told your care team").is_visible()

    # Her email about it went through the outbox, in Spanish.
    ask = next(m for m in mail.outbox if m.to == [SISTER] and m is not invitation)
    assert ask.subject == f"{name} le pide ayuda"
    assert ask.body.startswith(f"{name} está pasando por un momento difícil y le pidió ayuda.")
    row = Notification.objects.get(kind=Kind.HELP_REQUEST, address=SISTER)
    assert (row.language, row.status) == ("es", "sent")

    for context in (desk_context, home_context, sister_context):
        context.close()


def test_the_sign_in_pages_language_switch_works_by_keyboard_at_320_px(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 640}, locale="en-US"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    assert lang_of(page) == "en"
    switch = page.get_by_test_id("language-switch")
    select = switch.get_by_label("Language")
    button = switch.get_by_role("button", name="Change language")
    assert select.is_visible() and button.is_visible()
    # Nothing is cut off or scrolls sideways at 320 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert axe_violations(page) == []

    # Keyboard only: focus the list, choose Spanish, Tab to the button, Enter.
    select.focus()
    page.keyboard.press("ArrowDown")  # English -> Español
    assert select.input_value() == "es"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Change language"
    with page.expect_navigation():  # the form posts, then the sign-in page comes back
        page.keyboard.press("Enter")

    assert lang_of(page) == "es"
    assert page.get_by_test_id("language-switch").get_by_label("Idioma").input_value() == "es"
    page.reload()  # remembered (the cookie), though the browser still asks for English
    assert lang_of(page) == "es"
    context.close()
