"""The feed pages: the supporter's beside their portal, the person's under My recovery; the
links that lead there."""

import pytest

from accounts.models import Role
from audit.models import Action, AuditEvent
from calendars.models import CalendarFeed
from networks.services import consent_revoke
from tests.calendars.conftest import signed_in
from tests.factories import member

pytestmark = pytest.mark.django_db

FEED = "calendars.CalendarFeed"


def test_the_supporters_page_shows_the_url_and_what_is_in_it(supporter, patient, consent):
    page = signed_in(supporter).get(f"/support/{patient.pk}/calendar/")

    feed = CalendarFeed.objects.get(contact__user=supporter)
    text = page.content.decode()
    assert page.status_code == 200
    assert f"http://testserver/calendar/feed/{feed.token}.ics" in text
    assert f"webcal://testserver/calendar/feed/{feed.token}.ics" in text
    assert 'data-copy="feed-url"' in text and "Get a new link" in text
    assert "milestones to celebrate" in text and "Busy: support time" in text
    assert (
        AuditEvent.objects.filter(
            action=Action.CREATE, object_type=FEED, object_id=str(feed.pk)
        ).count()
        == 1
    )


def test_without_consent_the_page_says_so_and_makes_no_feed(supporter, patient, contact):
    page = signed_in(supporter).get(f"/support/{patient.pk}/calendar/")

    assert page.status_code == 200 and b"feed-nothing-shared" in page.content
    assert not CalendarFeed.objects.exists()


def test_after_a_revocation_the_page_shows_no_link(supporter, patient, consent, person):
    client = signed_in(supporter)
    client.get(f"/support/{patient.pk}/calendar/")
    consent_revoke(consent=consent, actor=person)

    page = client.get(f"/support/{patient.pk}/calendar/")

    assert b"feed-nothing-shared" in page.content and b"/calendar/feed/" not in page.content


def test_someone_elses_supporter_page_is_404(patient, consent, clinic):

    stranger = member(Role.SUPPORTER, clinic)

    assert signed_in(stranger).get(f"/support/{patient.pk}/calendar/").status_code == 404
    assert signed_in(stranger).get(f"/support/{patient.pk}/calendar/new-link/").status_code == 404


def test_the_persons_page_shows_their_own_url(person, patient):
    page = signed_in(person).get("/my-recovery/calendar/")

    feed = CalendarFeed.objects.get(patient=patient, contact__isnull=True)
    assert page.status_code == 200 and feed.token.encode() in page.content


def test_staff_and_supporters_do_not_reach_the_persons_page(team_clinician, supporter):
    for user in (team_clinician, supporter):
        assert signed_in(user).get("/my-recovery/calendar/").status_code == 404


def test_the_portal_and_the_home_link_to_the_pages(supporter, person, patient, consent):
    portal = signed_in(supporter).get(f"/support/{patient.pk}/")
    home = signed_in(person).get("/my-recovery/")

    assert f"/support/{patient.pk}/calendar/".encode() in portal.content
    assert b"/my-recovery/calendar/" in home.content


def test_appointments_and_tasks_have_add_to_calendar_links(
    supporter, person, team_clinician, patient, family_session, own_appointment, claimed_task
):
    portal = signed_in(supporter).get(f"/support/{patient.pk}/").content.decode()
    home = signed_in(person).get("/my-recovery/").content.decode()
    chart = signed_in(team_clinician).get(f"/patients/{patient.pk}/appointments/").content.decode()
    tasks = signed_in(person).get(f"/patients/{patient.pk}/help/").content.decode()

    assert f"/appointments/{family_session.pk}/calendar.ics" in portal
    assert f"/help/{claimed_task.pk}/calendar.ics" in portal
    assert f"/appointments/{own_appointment.pk}/calendar.ics" in home
    assert f"/appointments/{own_appointment.pk}/calendar.ics" in chart
    assert f"/help/{claimed_task.pk}/calendar.ics" in tasks
