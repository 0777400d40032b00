"""Rows of the engagement, events, resources and notifications APIs in the API test world, and
their path ids: a help request that asked the supporter, a celebration message of theirs, a
ladder step, an event with the person invited, a draft story of the person, an article, a
directory entry attached to the person, and an in-app notification of theirs."""

from datetime import timedelta

from django.utils import timezone

from engagement.models import (
    CelebrationMessage,
    HelpRequest,
    HelpRequestRecipient,
    Ladder,
    LadderStep,
    Rung,
)
from events.models import Event, EventInvitation, EventKind, Story
from networks.models import SupportContact
from notifications.models import Channel, Kind, Notification, Status
from resources.models import Article, CommunityResource, PatientResource, ResourceKind


def extend(world: object) -> dict[str, int]:
    patient = world.patient
    clinic = patient.clinic
    now = timezone.now()
    contact = SupportContact.objects.get(pk=world.ids["contact_id"])
    help_request = HelpRequest.objects.create(patient=patient, created_by=world.person)
    HelpRequestRecipient.objects.create(request=help_request, contact=contact)
    celebration = CelebrationMessage.objects.create(
        patient=patient,
        contact=contact,
        milestone_key="30d",
        milestone_date=patient.local_today(),
        message="Thirty days, well done.",
    )
    ladder = Ladder.objects.create(patient=patient, streak="never", opened_at=now)
    step = LadderStep.objects.create(ladder=ladder, rung=Rung.NUDGE, taken_at=now)
    event = Event.objects.create(
        clinic=clinic,
        kind=EventKind.FAMILY_WORKSHOP,
        title="Family workshop",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=2),
        place="Room 1",
        created_by=world.clinician,
    )
    invitation = EventInvitation.objects.create(
        event=event, patient=patient, invited_by=world.clinician
    )
    story = Story.objects.create(
        patient=patient, title="A year on", body="The group helped.", created_by=world.person
    )
    article = Article.objects.create(
        clinic=clinic, title="Cravings", slug="cravings", body="They pass.", is_published=True
    )
    entry = CommunityResource.objects.create(
        clinic=clinic, name="Northside Pantry", kind=ResourceKind.FOOD
    )
    link = PatientResource.objects.create(
        patient=patient, resource=entry, attached_by=world.clinician
    )
    notification = Notification.objects.create(
        kind=Kind.HELP_ACKNOWLEDGED,
        occurrence="world",
        channel=Channel.IN_APP,
        clinic=clinic,
        patient=patient,
        recipient_user=world.person,
        recipient_key=f"user:{world.person.pk}",
        body="Pat is on it.",
        due_at=now,
        sent_at=now,
        status=Status.SENT,
    )
    return {
        "request_id": help_request.pk,
        "celebration_id": celebration.pk,
        "step_id": step.pk,
        "event_id": event.pk,
        "event_invitation_id": invitation.pk,
        "story_id": story.pk,
        "article_id": article.pk,
        "resource_id": entry.pk,
        "link_id": link.pk,
        "notification_id": notification.pk,
    }
