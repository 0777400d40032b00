"""The help calendar at 375 px, end to end: the person asks for a weekly ride (Tuesdays,
17:00 to 18:00, two people); two supporters take the same Tuesday from their help calendar; one
gives it back (after confirming); the person's notifications say so; and the planner, run at
17:00 the day before, reminds the one who kept it and not the other.

Time is pinned (time-machine, ticking from a fixed Tuesday morning) in the future of any real
clock the suite runs on, so the browser keeps the cookies the pinned server sets."""

import re
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from networks.models import (
    ContactStatus,
    HelpSlotClaim,
    HelpTask,
    Relationship,
    Repeat,
    Scope,
    SupportContact,
)
from networks.services import consent_grant
from notifications.models import Kind, Notification
from notifications.planner import plan
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, OrganizationFactory, PatientFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2030, 12, 3, 14, tzinfo=UTC)  # Tuesday 3 December 2030, 09:00 in New York
FIRST = date(2030, 12, 3)
TUESDAY = date(2030, 12, 10)
DAY_BEFORE_AT_FIVE = datetime(2030, 12, 9, 22, tzinfo=UTC)  # Monday 17:00 in New York
PHONE = {"width": 375, "height": 740}


def phone(browser: object, live_server: object) -> object:
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    return context


def no_sideways_scroll(page: object) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways ({width}px)"


def supporter(clinic: object, patient: object, person: object, name: str) -> SupportContact:
    user = member(
        Role.SUPPORTER,
        clinic,
        full_name=name,
        email=f"{name.split()[0].lower()}@example.org",
        time_zone="America/New_York",
    )
    contact = SupportContact.objects.create(
        patient=patient,
        name=name,
        relationship=Relationship.FRIEND,
        email=user.email,
        status=ContactStatus.ACTIVE,
        user=user,
    )
    consent_grant(
        contact=contact,
        actor=person,
        scopes=[Scope.HELP_TASKS.value],
        purpose="To support me",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )
    return contact


def take_the_tuesday(page: object, task: HelpTask) -> object:
    page.goto(f"{reverse('networks:supporter_calendar')}?view=week&start={TUESDAY}")
    occasion = page.locator(f"[data-occasion='{task.pk}:{TUESDAY}']")
    assert "5:00 PM–6:00 PM" in occasion.inner_text()
    occasion.get_by_role("button", name=re.compile("I'll take it")).click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_text("Thank you for taking this on.").is_visible()
    no_sideways_scroll(page)
    return page.locator(f"[data-occasion='{task.pk}:{TUESDAY}']")


def test_weekly_ride_two_take_one_gives_back_the_keeper_is_reminded(
    phone_page, browser, live_server, settings
):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # no cookie expiry against the real clock
    with time_machine.travel(NOW, tick=True):
        clinic = OrganizationFactory()
        person = member(Role.PATIENT, clinic, full_name="Jordan Rivera", email="jordan@example.org")
        patient = PatientFactory(
            clinic=clinic, user=person, legal_name="Jordan Rivera", time_zone="America/New_York"
        )
        pat = supporter(clinic, patient, person, "Pat Rivera")
        sam = supporter(clinic, patient, person, "Sam Okafor")

        # The person asks for a weekly ride on their help page.
        page = phone_page
        sign_in(page, "jordan@example.org", PASSWORD)
        page.goto(reverse("networks:help_tasks", args=[patient.pk]))
        form = page.get_by_test_id("task-form")
        form.get_by_label("Kind of help").select_option("ride")
        form.get_by_label("What would help").fill("Ride to group")
        form.get_by_label("Day (the first day, for a series)").fill(FIRST.isoformat())
        form.get_by_label("Every week, on chosen days").check()
        form.get_by_label("Tuesday").check()
        form.get_by_label("Or a number of times (optional)").fill("4")
        form.get_by_label("From (optional)").fill("17:00")
        form.get_by_label("To (optional)").fill("18:00")
        form.get_by_label("People needed each time").fill("2")
        form.get_by_role("button", name="Add the task").click()
        page.wait_for_load_state("domcontentloaded")
        no_sideways_scroll(page)
        task = HelpTask.objects.get(patient=patient, title="Ride to group")
        assert (task.repeat, task.weekdays, task.people_needed) == (Repeat.WEEKLY, [1], 2)
        assert (task.starts_at, task.ends_at) == (time(17), time(18))

        # Two supporters take the same Tuesday, each from their own phone.
        pat_context, sam_context = phone(browser, live_server), phone(browser, live_server)
        pat_page, sam_page = pat_context.new_page(), sam_context.new_page()
        sign_in(pat_page, "pat@example.org", PASSWORD)
        take_the_tuesday(pat_page, task)
        sign_in(sam_page, "sam@example.org", PASSWORD)
        occasion = take_the_tuesday(sam_page, task)
        assert "Also going: Pat" in occasion.inner_text()
        assert HelpSlotClaim.objects.filter(task=task, occurs_on=TUESDAY).count() == 2

        # Sam gives it back, after confirming.
        occasion.get_by_test_id("give-back").locator("summary").click()
        occasion.get_by_role("button", name=re.compile("Yes, give it back")).click()
        sam_page.wait_for_load_state("domcontentloaded")
        assert sam_page.get_by_text("We let Jordan know").is_visible()
        no_sideways_scroll(sam_page)
        # The month at the narrowest phone: a list of weeks, no sideways scroll.
        sam_page.set_viewport_size({"width": 320, "height": 640})
        sam_page.goto(f"{reverse('networks:supporter_calendar')}?view=month&start={TUESDAY}")
        assert sam_page.get_by_test_id("calendar-week").count() >= 5
        assert sam_page.evaluate("() => document.documentElement.scrollWidth") <= 320
        kept = HelpSlotClaim.objects.get(task=task, occurs_on=TUESDAY, given_back_at=None)
        assert kept.contact == pat

        # The person is told, in the app.
        page.goto(reverse("notifications:centre"))
        assert page.get_by_text(re.compile("Sam gave back")).first.is_visible()
        no_sideways_scroll(page)
        pat_context.close()
        sam_context.close()

    # The planner at 17:00 the day before (New York, where both supporters live).
    with time_machine.travel(DAY_BEFORE_AT_FIVE, tick=False):
        plan(DAY_BEFORE_AT_FIVE)
    reminders = Notification.objects.filter(kind=Kind.HELP_SLOT_DAY_BEFORE)
    assert [row.recipient_contact_id for row in reminders] == [pat.pk]
    (row,) = reminders
    assert row.due_at == DAY_BEFORE_AT_FIVE
    assert "Tomorrow 5:00 PM–6:00 PM" in row.body
    assert not reminders.filter(recipient_contact=sam).exists()
