"""The clinician invites a family member; the person in recovery grants milestones and help
tasks; the family member accepts, sees the milestone, claims a ride and sends encouragement;
the person revokes, and the family member's next page shows nothing of theirs."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from networks.models import Encouragement, HelpStatus, HelpTask
from networks.services import help_task_create
from patients.models import Patient
from recovery_hub.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invite_grant_accept_help_then_revoke(browser, live_server):
    seed_demo(clinics=1, patients=3, seed=5)
    patient = Patient.objects.get(user__email="patient@demo.clinic")
    patient.recovery_start = timezone.localdate() - timedelta(days=25)  # 30 days in 5 days
    patient.save()
    ride = help_task_create(
        patient=patient,
        actor=patient.user,
        kind="ride",
        title="A ride to the Friday family session",
    )

    contexts = []

    def context():
        contexts.append(
            browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        )
        return contexts[-1]

    # The clinician adds the person's mother and invites her by email.
    desk = context().new_page()
    sign_in(desk, "clinician@demo.clinic", DEMO_PASSWORD)
    desk.goto(f"/patients/{patient.pk}/network/")
    desk.get_by_test_id("add-contact").click()
    desk.locator("#id_name").fill("Rosa Nguyen")
    desk.get_by_label("Relationship").select_option("parent")
    desk.locator("#id_email").fill("rosa@example.org")
    desk.get_by_label("Invite them by email now").check()
    desk.get_by_role("button", name="Add to the network").click()
    desk.wait_for_url(re.compile(r"/network/#contact-\d+$"))  # at the new person's card
    invitation = next(m for m in mail.outbox if m.to == ["rosa@example.org"])
    link = re.search(r"https?://\S+/invite/\S+/", invitation.body).group(0)

    # The person in recovery grants milestones and help tasks, signing in the app.
    home = context().new_page()
    sign_in(home, "patient@demo.clinic", DEMO_PASSWORD)
    home.goto(f"/patients/{patient.pk}/network/")
    home.get_by_role("link", name="Consent Rosa Nguyen").click()
    home.get_by_label("Milestones to celebrate").check()
    home.get_by_label("How they can help (tasks)").check()
    home.get_by_label("Why it is shared").fill("So my mum can help and celebrate with me")
    home.get_by_label("When I am discharged").check()
    home.get_by_label("Type your full name to sign").fill(patient.legal_name)
    home.locator("#id_agree").check()
    home.get_by_role("button", name="Sign the consent").click()
    home.wait_for_load_state("domcontentloaded")
    assert "Milestones to celebrate" in home.content()

    # Rosa accepts the invitation with a new account.
    rosa = context().new_page()
    rosa.goto(link.replace("http://testserver", live_server.url))
    rosa.get_by_label("Your full name").fill("Rosa Nguyen")
    rosa.get_by_label("Choose a password").fill("a-long-family-passphrase-7")
    rosa.get_by_label("Password again").fill("a-long-family-passphrase-7")
    rosa.get_by_role("button", name="Create account and accept").click()
    rosa.wait_for_url(re.compile(rf"/support/{patient.pk}/$"))
    page = rosa.content()
    assert "30 days" in page
    assert axe_violations(rosa) == []
    assert rosa.get_by_test_id("redisclosure").is_visible()

    rosa.get_by_test_id("open-task").filter(has_text=ride.title).get_by_role("button").click()
    rosa.wait_for_load_state("domcontentloaded")
    ride.refresh_from_db()
    assert ride.status == HelpStatus.CLAIMED and ride.claimed_by.name == "Rosa Nguyen"

    rosa.get_by_label("Your message").fill("So proud of you, love. See you Friday.")
    rosa.get_by_role("button", name="Send").click()
    rosa.wait_for_load_state("domcontentloaded")
    assert Encouragement.objects.filter(message__startswith="So proud of you").exists()

    # The person revokes (a page first says what Rosa stops seeing); Rosa's very next page shows
    # nothing of theirs.
    home.get_by_role("link", name="Revoke…").click()
    assert "Milestones to celebrate" in home.get_by_test_id("revoke-scopes").inner_text()
    home.get_by_role("button", name="Revoke now").click()
    home.wait_for_load_state("domcontentloaded")
    rosa.reload()
    after = rosa.content()
    assert "30 days" not in after
    assert ride.title not in after
    assert "has invited you" in after
    assert HelpTask.objects.get(pk=ride.pk).claimed_by.name == "Rosa Nguyen"
    for opened in contexts:
        opened.close()
