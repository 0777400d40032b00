"""A new link kills the old one at once; making and rotating a feed are audited."""

import pytest

from audit.models import Action, AuditEvent
from calendars.models import CalendarFeed
from calendars.services import feed_ensure, feed_rotate
from tests.calendars.conftest import feed_path, fetch, parse, signed_in

pytestmark = pytest.mark.django_db

FEED = "calendars.CalendarFeed"


def test_rotating_kills_the_old_url_and_the_new_one_works(supporter_feed, supporter):
    old = feed_path(supporter_feed)
    assert fetch(old).status_code == 200

    feed_rotate(feed=supporter_feed, actor=supporter)

    assert fetch(old).status_code == 404
    assert parse(fetch(feed_path(supporter_feed)))


def test_making_a_feed_is_audited_once(patient, person):
    first = feed_ensure(patient=patient, actor=person)
    again = feed_ensure(patient=patient, actor=person)

    assert first.pk == again.pk and CalendarFeed.objects.count() == 1
    event = AuditEvent.objects.get(object_type="calendars.CalendarFeed")
    assert event.action == Action.CREATE and event.actor == person and event.patient == patient


def test_rotating_is_audited(patient_feed, person):
    feed_rotate(feed=patient_feed, actor=person)

    event = AuditEvent.objects.filter(
        action=Action.UPDATE, object_type=FEED, object_id=str(patient_feed.pk)
    ).get()
    assert event.details == {"calendar_feed": "patient", "rotated": True}


def test_a_read_by_a_calendar_is_not_an_audit_event(patient_feed):
    before = AuditEvent.objects.count()

    fetch(patient_feed)

    assert AuditEvent.objects.count() == before


def test_the_page_asks_before_rotating_and_then_rotates(patient_feed, person):
    client = signed_in(person)
    old = feed_path(patient_feed)

    asked = client.get("/my-recovery/calendar/new-link/")
    assert asked.status_code == 200 and b"rotate-form" in asked.content
    assert fetch(old).status_code == 200  # asking changes nothing

    done = client.post("/my-recovery/calendar/new-link/")

    assert done.status_code == 302 and done.url == "/my-recovery/calendar/#feed-link"
    assert fetch(old).status_code == 404
    page = client.get("/my-recovery/calendar/")
    patient_feed.refresh_from_db()
    assert patient_feed.token.encode() in page.content and old.encode() not in page.content


def test_a_supporter_rotates_their_own_feed_from_their_page(supporter_feed, supporter, patient):
    old = feed_path(supporter_feed)

    done = signed_in(supporter).post(f"/support/{patient.pk}/calendar/new-link/")

    assert done.status_code == 302
    assert fetch(old).status_code == 404
