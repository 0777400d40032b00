import pytest
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from events.models import DisplayNameChoice, Story, StoryStatus
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

LEGAL = "Jordan Quincy Rivera"


def write(client, **fields):
    data = {
        "title": "Small steps",
        "body": "One day at a time.",
        "display_name_choice": "anonymous",
        "chosen_name": "",
    }
    data.update(fields)
    return client.post(reverse("events:story_create"), data)


def consent(client, story, name=LEGAL, agree=True):
    data = {"signed_name": name}
    if agree:
        data["agree"] = "on"
    return client.post(reverse("events:story_consent", args=[story.pk]), data)


def publish(client, story):
    return client.post(reverse("events:story_publish", args=[story.pk]))


def test_patient_writes_consents_and_staff_publishes(client, person, patient, team_clinician):
    client.force_login(person)
    assert write(client, display_name_choice="chosen_name", chosen_name="J.").status_code == 302
    story = Story.objects.get()
    assert story.status == StoryStatus.DRAFT
    page = client.get(reverse("events:story_consent", args=[story.pk])).content.decode()
    assert "withdraw" in page and "J." in page
    assert consent(client, story).status_code == 302
    story.refresh_from_db()
    assert story.status == StoryStatus.SUBMITTED and story.consented_at
    assert story.byline == "J." and "withdraw" in story.consent_text
    client.force_login(team_clinician)
    publish(client, story)
    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED and story.published_by == team_clinician
    assert AuditEvent.objects.filter(patient=patient, object_type="events.Story").count() >= 3


def test_bad_story_input_saves_nothing(client, person, patient):
    client.force_login(person)
    response = write(client, title="", body="x" * 3001, display_name_choice="chosen_name")
    assert response.status_code == 200
    assert {"title", "body"} <= set(response.context["form"].errors)
    response = write(client, display_name_choice="chosen_name", chosen_name="")
    assert "chosen_name" in response.context["form"].errors
    assert not Story.objects.exists()


def test_consent_needs_the_typed_name_and_the_box(client, person, patient):
    client.force_login(person)
    write(client)
    story = Story.objects.get()
    response = consent(client, story, name="Someone Else")
    assert "signed_name" in response.context["form"].errors
    response = consent(client, story, agree=False)
    assert "agree" in response.context["form"].errors
    story.refresh_from_db()
    assert story.status == StoryStatus.DRAFT and story.consented_at is None


def test_staff_cannot_publish_without_consent(client, team_clinician, patient):
    client.force_login(team_clinician)
    response = client.post(
        reverse("events:story_draft_for", args=[patient.pk]),
        {"title": "Drafted with Jordan", "body": "Words.", "display_name_choice": "anonymous"},
    )
    assert response.status_code == 302
    story = Story.objects.get()
    assert story.created_by == team_clinician and story.status == StoryStatus.DRAFT
    response = publish(client, story)
    story.refresh_from_db()
    assert story.status == StoryStatus.DRAFT and story.published_at is None
    assert "Drafted with Jordan" not in client.get(reverse("events:stories")).content.decode()


def test_staff_draft_then_patient_consents(client, team_clinician, person, patient):
    client.force_login(team_clinician)
    client.post(
        reverse("events:story_draft_for", args=[patient.pk]),
        {"title": "Drafted with Jordan", "body": "Words.", "display_name_choice": "first_name"},
    )
    story = Story.objects.get()
    # Staff cannot consent for the patient.
    assert consent(client, story).status_code == 404
    client.force_login(person)
    assert "Drafted with Jordan" in client.get(reverse("events:my_stories")).content.decode()
    consent(client, story)
    client.force_login(team_clinician)
    publish(client, story)
    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED and story.byline == "Jordan"


def published_story(patient, **fields):
    values = {
        "title": "Small steps",
        "body": "One day at a time.",
        "display_name_choice": DisplayNameChoice.ANONYMOUS,
    }
    values.update(fields)
    story = Story.objects.create(patient=patient, **values)
    from events.services import story_consent, story_publish

    story_consent(story=story, actor=patient.user, signed_name=LEGAL, agree=True)
    return story_publish(story=story, actor=patient.user)


def test_withdraw_removes_it_at_once(client, person, patient, supporter, contact):
    story = published_story(patient, title="My year")
    client.force_login(supporter)
    assert "My year" in client.get(reverse("events:stories")).content.decode()
    client.force_login(person)
    client.post(reverse("events:story_withdraw", args=[story.pk]))
    story.refresh_from_db()
    assert story.status == StoryStatus.WITHDRAWN and story.withdrawn_at
    for user in (person, supporter):
        client.force_login(user)
        assert "My year" not in client.get(reverse("events:stories")).content.decode()


def test_only_the_author_withdraws(client, clinic, team_clinician, supporter, patient):
    story = published_story(patient)
    other = member(Role.PATIENT, clinic)
    PatientFactory(clinic=clinic, user=other)
    for user in (team_clinician, supporter, other):
        client.force_login(user)
        assert client.post(reverse("events:story_withdraw", args=[story.pk])).status_code == 404
    story.refresh_from_db()
    assert story.status == StoryStatus.PUBLISHED


@pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORTER, Role.CLINICIAN, Role.ADMIN])
def test_names_never_leak(client, clinic, patient, role):
    published_story(patient, title="Anonymous one")
    published_story(patient, title="First-name one", display_name_choice="first_name")
    published_story(
        patient, title="Chosen one", display_name_choice="chosen_name", chosen_name="River"
    )
    reader = member(role, clinic, full_name="Sam Okafor")  # a name that cannot match theirs
    client.force_login(reader)
    for url in (reverse("events:stories"), reverse("events:story_review")):
        response = client.get(url)
        if response.status_code == 404:
            continue
        html = response.content.decode()
        assert ("Anonymous" in html and "Shared by Jordan" in html) or "Shown as Jordan" in html
        assert "River" in html
        assert LEGAL not in html and "Rivera" not in html and "Quincy" not in html
        assert patient.mrn not in html


def test_another_clinics_stories_are_invisible(client, other_clinic, patient):
    story = published_story(patient, title="Harbor story")
    stranger = member(Role.CLINICIAN, other_clinic)
    client.force_login(stranger)
    assert "Harbor story" not in client.get(reverse("events:stories")).content.decode()
    assert client.post(reverse("events:story_publish", args=[story.pk])).status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_stories_query_count(
    client, clinic, patient, supporter, django_assert_max_num_queries, rows
):
    for index in range(rows):
        published_story(patient, title=f"Story {index}")
    client.force_login(supporter)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("events:stories"))
    assert len(response.context["stories"]) == rows
