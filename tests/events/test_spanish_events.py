"""Workshops in Spanish: the invitation page shows a workshop's Spanish version to a Spanish
reader, the English one (marked lang="en") where there is none, and English to English readers."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from events import services
from events.demo import WORKSHOPS_ES
from events.models import EventInvitation, EventKind, Story
from events.services import story_consent
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db


def speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_a_spanish_reader_sees_the_workshop_in_spanish(client, clinic, team_clinician, patient):
    event = make_event(
        clinic,
        team_clinician,
        description="Bring a friend.",
        title_es="Taller para familias",
        description_es="Venga con alguien.",
        place_es="Sala 1",
    )
    EventInvitation.objects.create(event=event, patient=patient)
    english_only = make_event(clinic, team_clinician, title="Alumni picnic", description="Food.")
    EventInvitation.objects.create(event=english_only, patient=patient)
    client.force_login(speaks(patient.user, "es"))

    page = client.get(reverse("events:index")).text

    assert "Taller para familias" in page and "Venga con alguien." in page and "Sala 1" in page
    assert "Bring a friend." not in page
    assert '<h2 class="h5 card-title" lang="en">Alumni picnic</h2>' in page
    assert '<p class="card-text" lang="en">Food.</p>' in page
    assert page.count('data-testid="only-in-english"') == 1

    speaks(patient.user, "en")
    english = client.get(reverse("events:index")).text
    assert "Bring a friend." in english and "Venga con alguien." not in english
    assert 'data-testid="only-in-english"' not in english


def test_an_event_with_half_a_spanish_version_is_refused(clinic, team_clinician):
    start = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.event_create(
            clinic=clinic,
            actor=team_clinician,
            kind=EventKind.OTHER,
            title="Open house",
            description="Come and see.",
            title_es="Puertas abiertas",
            starts_at=start,
            ends_at=start + timezone.timedelta(hours=1),
            place="Lobby",
        )
    assert set(error.value.message_dict) == {"description_es"}


def test_the_demo_workshops_have_their_spanish_version():
    for spanish in WORKSHOPS_ES.values():
        assert spanish["title_es"] and spanish["place_es"]


def test_a_story_consent_records_the_language_it_was_signed_in(client, person, patient):
    story = Story.objects.create(patient=patient, title="Mi camino", body="Paso a paso.")

    with translation.override("es"):
        story_consent(story=story, actor=person, signed_name=patient.legal_name, agree=True)

    story.refresh_from_db()
    assert story.consent_language == "es"
    assert story.consent_text  # kept as shown, in that language
