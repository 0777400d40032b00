"""A real person joins, in a real browser: a clinician intakes them with an email; before they
join, the check-in reminder they get works without signing in; the invitation email arrives at
a real SMTP peer; on a 375 px phone they set a password, land on "My recovery" and check in."""

import re
from email import message_from_bytes
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from coping.models import CheckIn
from patients.models import Patient
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, OrganizationFactory, ProgramFactory, member
from tests.notifications.test_smtp_worker import smtp_sink as smtp_sink  # the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "morning light on the porch"
# Against the real screen: a phone in mobile mode widens its layout to fit a too-wide page.
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= 375 && window.innerWidth <= 375"


def _text_of(email) -> str:
    for part in email.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


def _mail_to(inbox, address: str) -> list[str]:
    found = [message_from_bytes(content) for _f, _to, content in inbox.messages]
    return [_text_of(m) for m in found if m["To"] == address]


def _answer(page, question: str, value: str) -> None:
    page.get_by_test_id(f"question-{question}").locator(
        f"label[for='id_{question}_{value}']"
    ).click()


def _check_in(page, *, mood: str, craving: str, stress: str) -> None:
    _answer(page, "mood", mood)
    _answer(page, "craving", craving)
    _answer(page, "stress", stress)
    page.get_by_test_id("question-used_since_last").get_by_text("No", exact=True).click()
    page.get_by_role("button", name=re.compile("^Save (check-in|changes)$")).click()
    page.wait_for_load_state("domcontentloaded")


def test_intake_invitation_reminder_then_join_and_check_in_on_a_phone(
    page, browser, live_server, settings, smtp_sink
):
    controller, inbox = smtp_sink
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = live_server.url
    clinic = OrganizationFactory(name="Harbor Recovery Center", slug="harbor")
    ProgramFactory(clinic=clinic, name="Outpatient")
    clinician = member(
        Role.CLINICIAN, clinic, full_name="Chris Alvarez", email="chris@harbor.example"
    )

    # The clinician intakes Marisol with her email; "invite by email" is the default.
    sign_in(page, clinician.email, PASSWORD)
    page.get_by_role("link", name="New patient", exact=True).click()
    page.get_by_label("Legal name").fill("Marisol Ortega")
    page.get_by_label("Preferred name").fill("Mari")
    page.get_by_label("Medical record number").fill("HRB-2001")
    page.get_by_label("Date of birth").fill("1988-09-14")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_label("Email", exact=True).fill("mari@example.org")
    assert page.get_by_label("Now, by email").is_checked()
    page.get_by_role("button", name="Create patient").click()
    page.wait_for_url(re.compile(r"/patients/\d+/$"))
    assert "Invited" in page.get_by_test_id("sign-in-status").inner_text()
    patient = Patient.objects.get(mrn="HRB-2001")
    assert patient.user_id is None

    # Before she joins, her daily reminder is due now: it carries a check-in that needs no
    # sign-in. (Her reminder time is set to this minute, so the planner's tick is "now".)
    local_now = timezone.localtime(timezone.now(), patient.zone)
    Patient.objects.filter(pk=patient.pk).update(
        checkin_reminder_time=local_now.time().replace(second=0, microsecond=0)
    )
    call_command("reminders_tick", "--at", timezone.now().isoformat(), stdout=StringIO())
    call_command("reminders_dispatch", stdout=StringIO())
    texts = _mail_to(inbox, "mari@example.org")
    reminder = next(t for t in texts if "/join/check-in/" in t)
    checkin_link = re.search(r"https?://\S+/join/check-in/\S+/", reminder).group(0)

    phone = browser.new_context(
        base_url=live_server.url,
        is_mobile=True,
        viewport={"width": 375, "height": 740},
        reduced_motion="reduce",
    )
    phone.set_default_timeout(15_000)
    mari = phone.new_page()
    mari.goto(urlsplit(checkin_link).path)
    assert mari.get_by_role("heading", name="How was today, Mari?").is_visible()
    assert mari.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_violations(mari) == []
    _check_in(mari, mood="6", craving="2", stress="4")
    assert mari.get_by_test_id("checkin-link-done").is_visible()
    assert CheckIn.objects.get(patient=patient).mood == 6

    # The invitation email arrived at the SMTP peer; its link opens on her phone.
    invitation = next(t for t in texts if "Set your password here" in t)
    join_link = re.search(r"https?://\S+/join/\S+/", invitation).group(0)
    mari.goto(urlsplit(join_link).path)
    assert mari.evaluate(NO_SIDEWAYS_SCROLL)
    assert axe_violations(mari) == []
    mari.get_by_label("Choose a password").fill(NEW_PASSWORD)
    mari.get_by_label("Password again").fill(NEW_PASSWORD)
    mari.get_by_role("button", name="Set password and open my space").click()
    mari.wait_for_url(re.compile(r"/my-recovery/$"))
    assert mari.get_by_text("Welcome, Mari").is_visible()
    assert mari.evaluate(NO_SIDEWAYS_SCROLL)

    # Signed in, she checks in again (today's check-in is updated) on the same phone.
    mari.goto("/my-recovery/check-in/")
    assert mari.evaluate(NO_SIDEWAYS_SCROLL)
    _check_in(mari, mood="7", craving="1", stress="3")
    checkin = CheckIn.objects.get(patient=patient)
    assert checkin.mood == 7 and checkin.entered_by.email == "mari@example.org"
    phone.close()

    # The chart now says she joined; her password works on the ordinary sign-in page.
    page.reload()
    assert "Joined" in page.get_by_test_id("sign-in-status").inner_text()
    other = browser.new_context(base_url=live_server.url)
    fresh = other.new_page()
    sign_in(fresh, "mari@example.org", NEW_PASSWORD)
    assert urlsplit(fresh.url).path == "/my-recovery/"
    other.close()
