"""GET /api/v1/calendar/feeds/ (the caller's own feeds, with their URLs) and
POST /api/v1/calendar/feeds/{feed_id}/rotate/ (the owner only; anyone else gets 404)."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User
from audit.models import Action, AuditEvent
from calendars.models import CalendarFeed
from networks.services import consent_revoke
from tests.calendars.conftest import feed_path, fetch
from tests.factories import member

pytestmark = pytest.mark.django_db

FEED = "calendars.CalendarFeed"

FEEDS = "/api/v1/calendar/feeds/"


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_supporter_lists_their_feed_made_on_first_use(supporter, consent):
    response = as_user(supporter).get(FEEDS)

    (row,) = response.json()["results"]
    feed = CalendarFeed.objects.get(contact__user=supporter)
    assert row["id"] == feed.pk and row["kind"] == "supporter" and row["active"] is True
    assert row["patient_first_name"] == "Jordan"
    assert row["url"] == f"http://testserver{feed_path(feed)}"
    assert row["webcal_url"].startswith("webcal://testserver/calendar/feed/")


def test_a_feed_whose_consent_ended_is_listed_inactive(supporter, consent, person):
    as_user(supporter).get(FEEDS)
    consent_revoke(consent=consent, actor=person)

    (row,) = as_user(supporter).get(FEEDS).json()["results"]

    assert row["active"] is False
    assert fetch(row["url"].replace("http://testserver", "")).status_code == 404


def test_a_supporter_without_consent_has_no_feed(supporter, contact):
    assert as_user(supporter).get(FEEDS).json()["results"] == []
    assert not CalendarFeed.objects.exists()


def test_the_person_lists_their_own_feed_and_staff_none(person, team_clinician, patient):
    (row,) = as_user(person).get(FEEDS).json()["results"]

    assert row["kind"] == "patient" and row["active"] is True
    assert as_user(team_clinician).get(FEEDS).json()["results"] == []


def test_the_list_filters_by_kind_and_refuses_a_bad_one(person, patient):
    api = as_user(person)

    assert len(api.get(FEEDS + "?kind=patient").json()["results"]) == 1
    assert api.get(FEEDS + "?kind=supporter").json()["results"] == []
    bad = api.get(FEEDS + "?kind=nobody")
    assert bad.status_code == 400 and "kind" in bad.json()


def test_the_owner_rotates_and_the_old_url_dies(patient_feed, person):
    old = feed_path(patient_feed)

    response = as_user(person).post(f"{FEEDS}{patient_feed.pk}/rotate/")

    assert response.status_code == 200
    assert response.json()["url"] != f"http://testserver{old}"
    assert fetch(old).status_code == 404
    assert fetch(response.json()["url"].replace("http://testserver", "")).status_code == 200
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type=FEED, object_id=str(patient_feed.pk)
    ).exists()


def test_anyone_else_rotating_gets_404(
    patient_feed, supporter_feed, supporter, team_clinician, clinic, other_clinic
):
    others = [
        supporter,  # the supporter, on the person's own feed
        team_clinician,
        member(Role.ADMIN, clinic),
        member(Role.PATIENT, clinic),
        *(member(role, other_clinic) for role in Role.values),
    ]
    for user in others:
        response = as_user(user).post(f"{FEEDS}{patient_feed.pk}/rotate/")
        assert response.status_code == 404, user
    assert as_user(supporter).post(f"{FEEDS}{supporter_feed.pk}/rotate/").status_code == 200
    assert as_user(supporter).post(f"{FEEDS}987654/rotate/").status_code == 404
