import pytest
from django.urls import reverse

from events.models import Story

pytestmark = pytest.mark.django_db


def test_staff_pages_render(client, team_clinician, event, patient_invitation, contact_invitation):
    client.force_login(team_clinician)
    for url in (
        reverse("events:index"),
        reverse("events:event_create"),
        reverse("events:event_detail", args=[event.pk]),
        reverse("events:story_review"),
        reverse("events:stories"),
        reverse("events:story_draft_for", args=[patient_invitation.patient_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script>" not in response.content.decode()
    html = client.get(reverse("events:event_detail", args=[event.pk])).content.decode()
    assert "Pat Rivera" in html


def test_patient_pages_render(client, person, patient):
    story = Story.objects.create(patient=patient, title="Mine", body="Words.")
    client.force_login(person)
    for url in (
        reverse("events:index"),
        reverse("events:stories"),
        reverse("events:my_stories"),
        reverse("events:story_create"),
        reverse("events:story_edit", args=[story.pk]),
        reverse("events:story_consent", args=[story.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_supporters_cannot_reach_story_writing(client, supporter, patient):
    story = Story.objects.create(patient=patient, title="Mine", body="Words.")
    client.force_login(supporter)
    for url in (
        reverse("events:my_stories"),
        reverse("events:story_create"),
        reverse("events:story_edit", args=[story.pk]),
        reverse("events:story_consent", args=[story.pk]),
        reverse("events:story_review"),
    ):
        assert client.get(url).status_code == 404, url
