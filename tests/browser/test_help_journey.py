"""The help button in a real browser: the person presses "I'm struggling", sees 988 first and
sends; the family member opens the one-action link from their email in a fresh browser without
signing in and says "I'm on it"; the person's status page shows it by itself."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from engagement.models import HelpAcknowledgement, HelpRequest
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_press_send_supporter_says_on_it_person_sees_it(page, browser, live_server):
    seed_demo(clinics=1, patients=3, seed=5)
    sign_in(page, "patient@demo.clinic", DEMO_PASSWORD)

    page.goto("/my-recovery/")
    page.get_by_role("link", name="I'm struggling").click()
    page.wait_for_url(re.compile(r"/my-recovery/help/$"))
    # 988 comes first: the first link in the page's content calls it.
    first_link = page.locator("main a[href^='tel:'], main a[href^='sms:']").first
    assert first_link.get_attribute("href") == "tel:988"
    assert page.get_by_role("link", name="Text 988").is_visible()
    family = page.get_by_test_id("ask-option").filter(has_text="Pat Rivera")  # family@
    assert family.locator("input").is_checked()  # preselected
    assert axe_violations(page) == []

    mail.outbox.clear()  # the demo's own messages (an update, a reply) went out when seeded
    page.get_by_role("button", name="Send my request for help").click()
    page.wait_for_url(re.compile(r"/my-recovery/help/\d+/$"))
    assert page.get_by_text("told your care team").is_visible()
    assert page.get_by_test_id("on-it").count() == 0
    assert axe_violations(page) == []

    # The request just sent (the demo also holds an older, answered one).
    request = HelpRequest.objects.get(pk=re.search(r"/help/(\d+)/$", page.url).group(1))
    assert request.patient.user.email == "patient@demo.clinic"
    email = next(m for m in mail.outbox if m.to == ["family@demo.clinic"])
    link = re.search(r"https?://\S+/a/\S+/", email.body).group(0)

    # A fresh browser, nobody signed in: the link alone does this one thing.
    stranger = browser.new_context(base_url=live_server.url)
    supporter = stranger.new_page()
    supporter.goto(urlsplit(link).path)
    assert supporter.get_by_role("heading", name="Let them know you are on it").is_visible()
    supporter.get_by_role("button", name="I'm on it").click()
    supporter.wait_for_load_state("domcontentloaded")
    assert supporter.get_by_test_id("action-done").is_visible()
    stranger.close()
    ack = HelpAcknowledgement.objects.get(request=request)
    assert ack.contact.user.email == "family@demo.clinic"

    # The person's page refreshes itself (htmx, every 10 s) and shows who is on it.
    page.get_by_test_id("on-it").wait_for(timeout=25_000)
    row = page.get_by_test_id("asked").filter(has=page.get_by_test_id("on-it"))
    assert row.count() == 1 and ack.contact.name in row.inner_text()
