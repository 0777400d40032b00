"""The events API: events and invitations for staff, answers for the people invited, and
stories of recovery from draft to consent, publication and withdrawal."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from audit.models import Action, AuditEvent
from events.models import Event, EventInvitation, Rsvp, Story, StoryStatus
from events.services import story_consent
from tests.api_rest.conftest import as_user, ids
from tests.factories import (
    CareTeamMemberFactory,
    EventFactory,
    EventInvitationFactory,
    PatientFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
UTC = ZoneInfo("UTC")
NOW = datetime(2026, 4, 1, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def event(clinic, team_clinician) -> Event:
    return EventFactory(clinic=clinic, created_by=team_clinician, capacity=1)


EVENT_BODY = {
    "kind": "family_workshop",
    "title": "Family workshop",
    "starts_at": "2026-04-10T17:00:00Z",
    "ends_at": "2026-04-10T19:00:00Z",
    "place": "Room 1",
}


# --- Events -------------------------------------------------------------------------------------


def test_staff_create_an_event(clinic, team_clinician):
    response = as_user(team_clinician).post(EVENTS, EVENT_BODY, format="json")

    assert response.status_code == 201, response.content
    event = Event.objects.get(clinic=clinic)
    assert event.title == "Family workshop" and event.created_by == team_clinician
    assert response.json()["invited"] == 0


def test_an_event_ending_before_it_starts_is_a_400_naming_the_field(team_clinician):
    body = {**EVENT_BODY, "ends_at": "2026-04-10T16:00:00Z", "place": ""}

    response = as_user(team_clinician).post(EVENTS, body, format="json")

    assert response.status_code == 400
    assert {"ends_at", "place"} <= set(response.json())
    assert not Event.objects.exists()


def test_people_in_recovery_and_supporters_have_no_staff_event_list(person, supporter, event):
    for user in (person, supporter):
        assert as_user(user).get(EVENTS).status_code == 404
        assert as_user(user).post(EVENTS, EVENT_BODY, format="json").status_code == 404


def test_another_clinics_event_is_a_404(outsider, event):
    assert as_user(outsider).get(f"{EVENTS}{event.pk}/").status_code == 404
    assert as_user(outsider).get(f"{EVENTS}{event.pk}/invitations/").status_code == 404


def test_a_clinician_invites_their_care_team_only(clinic, patient, team_clinician, event):
    stranger = PatientFactory(clinic=clinic)
    url = f"{EVENTS}{event.pk}/invitations/"

    refused = as_user(team_clinician).post(url, {"patients": [stranger.pk]}, format="json")
    invited = as_user(team_clinician).post(url, {"patients": [patient.pk]}, format="json")

    assert refused.status_code == 400 and "patients.0" in refused.json()
    assert invited.status_code == 201 and invited.json() == {"created": 1}
    assert list(event.invitations.values_list("patient_id", flat=True)) == [patient.pk]


def test_invitations_name_only_the_clinicians_own_people(
    clinic, patient, team_clinician, colleague, event
):
    mine = EventInvitationFactory(event=event, patient=patient)
    theirs = EventInvitationFactory(
        event=event,
        patient=CareTeamMemberFactory(clinician=colleague, patient__clinic=clinic).patient,
    )

    listed = as_user(team_clinician).get(f"{EVENTS}{event.pk}/invitations/")
    detail = as_user(team_clinician).get(f"{EVENTS}{event.pk}/")

    assert ids(listed) == [mine.pk]
    assert detail.json()["counts"]["others"] == 1
    assert theirs.pk not in ids(listed)
    assert AuditEvent.objects.filter(action=Action.LIST, details__list="event_detail").exists()


def test_the_event_list_costs_the_same_for_2_and_8(
    clinic, team_clinician, django_assert_max_num_queries
):
    api = as_user(team_clinician)
    EventFactory.create_batch(2, clinic=clinic)
    with django_assert_max_num_queries(10) as small:
        assert len(ids(api.get(EVENTS))) == 2
    EventFactory.create_batch(6, clinic=clinic)
    # the counts are annotations: one query for the page whatever its length
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(ids(api.get(EVENTS))) == 8


def test_a_bad_filter_value_is_a_400(team_clinician):
    assert as_user(team_clinician).get(f"{EVENTS}?kind=party").status_code == 400


# --- Answers ------------------------------------------------------------------------------------


def test_the_person_answers_and_a_full_event_keeps_its_places(clinic, patient, person, event):
    invitation = EventInvitationFactory(event=event, patient=patient)
    other = EventInvitationFactory(event=event, patient=PatientFactory(clinic=clinic))
    EventInvitation.objects.filter(pk=other.pk).update(rsvp=Rsvp.YES)
    url = f"/api/v1/me/event-invitations/{invitation.pk}/rsvp/"

    full = as_user(person).post(url, {"rsvp": "yes"}, format="json")
    maybe = as_user(person).post(url, {"rsvp": "maybe"}, format="json")
    bad = as_user(person).post(url, {"rsvp": "perhaps"}, format="json")

    assert full.status_code == 400
    assert maybe.status_code == 200 and maybe.json()["rsvp"] == "maybe"
    assert bad.status_code == 400 and "rsvp" in bad.json()
    invitation.refresh_from_db()
    assert invitation.rsvp == Rsvp.MAYBE and invitation.responded_at == NOW
    listed = as_user(person).get("/api/v1/me/event-invitations/")
    assert ids(listed) == [invitation.pk]


def test_someone_elses_invitation_is_a_404(clinic, person, event, team_clinician):
    theirs = EventInvitationFactory(event=event, patient=PatientFactory(clinic=clinic))
    url = f"/api/v1/me/event-invitations/{theirs.pk}/rsvp/"

    assert as_user(person).post(url, {"rsvp": "yes"}, format="json").status_code == 404
    assert as_user(team_clinician).post(url, {"rsvp": "yes"}, format="json").status_code == 404


# --- Stories ------------------------------------------------------------------------------------

STORY = {"title": "A year on", "body": "The Thursday group.", "display_name_choice": "first_name"}


def test_a_story_goes_from_draft_to_consent_to_publication(patient, person, team_clinician):
    created = as_user(person).post("/api/v1/me/stories/", STORY, format="json")
    story_id = created.json()["id"]
    consent_url = f"/api/v1/me/stories/{story_id}/consent/"

    shown = as_user(person).get(consent_url)
    unpublished = as_user(team_clinician).post(f"/api/v1/stories/{story_id}/publish/")
    consented = as_user(person).post(
        consent_url, {"signed_name": "jordan  rivera", "agree": True}, format="json"
    )
    published = as_user(team_clinician).post(f"/api/v1/stories/{story_id}/publish/")

    assert created.status_code == 201 and shown.json()["byline"] == "Jordan"
    assert unpublished.status_code == 400
    assert consented.status_code == 200 and published.status_code == 200
    story = Story.objects.get(pk=story_id)
    assert story.status == StoryStatus.PUBLISHED and story.byline == "Jordan"
    assert story.published_by == team_clinician
    listed = as_user(person).get("/api/v1/stories/").json()["results"]
    assert [row["byline"] for row in listed] == ["Jordan"]
    assert "patient" not in listed[0]


def test_consent_needs_the_full_name_and_the_box(patient, person):
    story = StoryFactory(patient=patient, created_by=person)

    response = as_user(person).post(
        f"/api/v1/me/stories/{story.pk}/consent/",
        {"signed_name": "Someone Else", "agree": False},
        format="json",
    )

    assert response.status_code == 400
    assert {"signed_name", "agree"} <= set(response.json())


def test_withdrawing_takes_a_published_story_down(patient, person, team_clinician):
    story = StoryFactory(patient=patient, created_by=person)
    story = story_consent(story=story, actor=person, signed_name="Jordan Rivera", agree=True)

    response = as_user(person).post(f"/api/v1/me/stories/{story.pk}/withdraw/")

    assert response.status_code == 200
    story.refresh_from_db()
    assert story.status == StoryStatus.WITHDRAWN
    assert ids(as_user(person).get("/api/v1/stories/")) == []


def test_staff_draft_for_a_patient_and_change_only_drafts(patient, person, team_clinician):
    drafted = as_user(team_clinician).post(
        f"/api/v1/patients/{patient.pk}/stories/", STORY, format="json"
    )
    story = Story.objects.get(pk=drafted.json()["id"])
    story_consent(story=story, actor=person, signed_name="Jordan Rivera", agree=True)

    response = as_user(team_clinician).put(f"/api/v1/stories/{story.pk}/", STORY, format="json")

    assert drafted.status_code == 201 and story.created_by == team_clinician
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == StoryStatus.SUBMITTED


def test_a_story_of_another_chart_or_clinic_is_a_404(
    patient, colleague, outside_clinician, supporter, person
):
    story = StoryFactory(patient=patient, created_by=person)
    url = f"/api/v1/stories/{story.pk}/"

    for user in (colleague, outside_clinician, supporter):
        assert as_user(user).get(url).status_code == 404
        assert as_user(user).put(url, STORY, format="json").status_code == 404
    assert (
        as_user(colleague)
        .post(f"/api/v1/patients/{patient.pk}/stories/", STORY, format="json")
        .status_code
        == 404
    )


def test_a_story_without_a_title_is_a_400(person, patient):
    response = as_user(person).post("/api/v1/me/stories/", {**STORY, "title": ""}, format="json")

    assert response.status_code == 400 and "title" in response.json()


def test_the_review_list_shows_consented_stories_and_my_drafts(
    clinic, patient, person, team_clinician
):
    consented = StoryFactory(patient=patient, created_by=person)
    story_consent(story=consented, actor=person, signed_name="Jordan Rivera", agree=True)
    mine = StoryFactory(patient=patient, created_by=team_clinician)
    StoryFactory(patient=patient, created_by=person)  # the person's own draft: not for review

    listed = as_user(team_clinician).get("/api/v1/stories/review/")
    submitted = as_user(team_clinician).get("/api/v1/stories/review/?status=submitted")

    assert set(ids(listed)) == {consented.pk, mine.pk}
    assert ids(submitted) == [consented.pk]
    assert as_user(person).get("/api/v1/stories/review/").status_code == 404


def test_the_timeline_of_a_story_uses_the_pinned_clock(patient, person):
    created = as_user(person).post("/api/v1/me/stories/", STORY, format="json")

    assert created.json()["created_at"].startswith("2026-04-01T")
    assert Story.objects.get().created_at == NOW
    assert NOW - timedelta(seconds=1) < Story.objects.get().updated_at <= NOW
