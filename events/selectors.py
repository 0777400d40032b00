"""Reads of the events app, scoped and loaded for the page that uses them (constant queries)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import pgettext

from accounts.models import Membership, Organization, Role
from events.access import my_invitations_filter
from events.models import Event, EventInvitation, Rsvp, Story, StoryStatus
from patients.access import care_team_patients
from patients.models import Patient


def my_invitations(membership: Membership) -> QuerySet[EventInvitation]:
    """Invitations to upcoming (or ongoing) events for this patient or supporter."""
    return (
        EventInvitation.objects.filter(my_invitations_filter(membership))
        .filter(event__ends_at__gte=timezone.now())
        .select_related("event")
        .annotate(
            yes_count=Count("event__invitations", filter=Q(event__invitations__rsvp=Rsvp.YES))
        )
        .order_by("event__starts_at", "pk")
    )


@dataclass(frozen=True)
class InvitedEvent:
    """One event on a patient's or supporter's Events page, listed once even when a supporter
    is invited through several of the people they support."""

    event: Event
    invitation: EventInvitation  # the one the answer buttons change: the latest answered
    invitations: list[EventInvitation]  # all of this person's invitations to the event
    for_names: list[str]  # first names of the people whose network the invitations came through

    @property
    def for_whom(self) -> str:
        """Whose networks the invitation came through, as one phrase ("Maria and Sam")."""
        return get_text_list(self.for_names, pgettext("the last two names of a list", "and"))


def invited_events(membership: Membership) -> list[InvitedEvent]:
    """The events this patient or supporter is invited to, each once, in date order (one query:
    the invitations with their events and, for a supporter, the people they support)."""
    by_event: dict[int, list[EventInvitation]] = {}
    for invitation in my_invitations(membership).select_related("contact__patient"):
        by_event.setdefault(invitation.event_id, []).append(invitation)
    listed = []
    for invitations in by_event.values():
        answered = [i for i in invitations if i.responded_at is not None]
        shown = max(answered, key=lambda i: i.responded_at) if answered else invitations[0]
        names = [i.contact.patient.first_name for i in invitations if i.contact_id]
        listed.append(InvitedEvent(shown.event, shown, invitations, list(dict.fromkeys(names))))
    return listed


def events_for_staff(clinic: Organization, *, upcoming_only: bool = False) -> QuerySet[Event]:
    qs = Event.objects.filter(clinic=clinic).annotate(
        invited=Count("invitations"),
        yes=Count("invitations", filter=Q(invitations__rsvp=Rsvp.YES)),
        no=Count("invitations", filter=Q(invitations__rsvp=Rsvp.NO)),
        maybe=Count("invitations", filter=Q(invitations__rsvp=Rsvp.MAYBE)),
        pending=Count("invitations", filter=Q(invitations__rsvp=Rsvp.PENDING)),
    )
    if upcoming_only:
        qs = qs.filter(ends_at__gte=timezone.now())
    return qs.order_by("-starts_at", "pk")


def invitations_of_event(event: Event, membership: Membership) -> QuerySet[EventInvitation]:
    """The event's invitations this staff member may see by name: a clinician, those of the
    patients on their care team (and of those patients' supporters); an admin, all."""
    qs = event.invitations.select_related("patient", "contact__patient").order_by("rsvp", "pk")
    if membership.role == Role.ADMIN:
        return qs
    mine = care_team_patients(membership).values("pk")
    return qs.filter(Q(patient__in=mine) | Q(contact__patient__in=mine))


def inviteable_patients(membership: Membership) -> QuerySet[Patient]:
    """Whom this staff member may invite: a clinician, their care team's patients; an admin,
    every patient of the clinic."""
    return care_team_patients(membership).order_by("legal_name", "pk")


def published_stories(clinic: Organization) -> QuerySet[Story]:
    """What every member of the clinic may read: published stories, with nothing that names
    the patient (only the byline fixed at consent is used)."""
    return (
        Story.objects.filter(patient__clinic=clinic, status=StoryStatus.PUBLISHED)
        .only("pk", "title", "body", "byline", "display_name_choice", "published_at", "patient_id")
        .order_by("-published_at", "-pk")
    )


def stories_of_patient(patient: Patient) -> QuerySet[Story]:
    return Story.objects.filter(patient=patient).order_by("-updated_at", "-pk")


def stories_for_review(clinic: Organization) -> QuerySet[Story]:
    """Consented stories waiting to be published, and published ones (shown by byline only)."""
    return Story.objects.filter(
        patient__clinic=clinic, status__in=[StoryStatus.SUBMITTED, StoryStatus.PUBLISHED]
    ).order_by("-status", "-updated_at", "-pk")


def drafts_started_by(clinic: Organization, user_id: int) -> QuerySet[Story]:
    """Drafts this staff member wrote for patients to approve."""
    return (
        Story.objects.filter(patient__clinic=clinic, created_by_id=user_id)
        .exclude(patient__user_id=user_id)
        .filter(status=StoryStatus.DRAFT)
        .select_related("patient")
        .order_by("-updated_at", "-pk")
    )
