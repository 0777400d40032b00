"""Who reaches which event, invitation and story. Everything outside answers 404."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Role
from events.models import Event, EventInvitation, Story, StoryStatus
from networks.models import ContactStatus


def _pk(value: object) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def event_for_staff(membership: Membership | None, event_id: object) -> Event:
    """An event of the current clinic, for its clinicians and admins."""
    if membership is None or not membership.is_staff_role:
        raise Http404
    return get_object_or_404(Event, clinic_id=membership.organization_id, pk=_pk(event_id))


def my_invitations_filter(membership: Membership) -> Q:
    """The invitations this person may answer: a patient's own, or a supporter's to their own
    contact rows while the contact is active."""
    clinic_id = membership.organization_id
    if membership.role == Role.PATIENT:
        return Q(
            event__clinic_id=clinic_id,
            patient__user_id=membership.user_id,
            patient__clinic_id=clinic_id,
        )
    if membership.role == Role.SUPPORTER:
        return Q(
            event__clinic_id=clinic_id,
            contact__user_id=membership.user_id,
            contact__status=ContactStatus.ACTIVE,
            contact__patient__clinic_id=clinic_id,
        )
    raise Http404


def invitation_for_member(membership: Membership | None, invitation_id: object) -> EventInvitation:
    if membership is None:
        raise Http404
    qs = EventInvitation.objects.filter(my_invitations_filter(membership)).select_related(
        "event__clinic", "contact"
    )
    return get_object_or_404(qs, pk=_pk(invitation_id))


def story_for_author(membership: Membership | None, story_id: object) -> Story:
    """A story of the signed-in patient (including drafts staff wrote for them)."""
    if membership is None or membership.role != Role.PATIENT:
        raise Http404
    qs = Story.objects.filter(
        patient__user_id=membership.user_id, patient__clinic_id=membership.organization_id
    ).select_related("patient__clinic")
    return get_object_or_404(qs, pk=_pk(story_id))


def story_for_staff(membership: Membership | None, story_id: object) -> Story:
    """A story of a patient of the current clinic, for its clinicians and admins."""
    if membership is None or not membership.is_staff_role:
        raise Http404
    qs = Story.objects.filter(patient__clinic_id=membership.organization_id).select_related(
        "patient__clinic"
    )
    return get_object_or_404(qs, pk=_pk(story_id))


def story_editable_by_staff(story: Story) -> bool:
    """Staff may shape a draft for the patient to approve, never a story the patient consented
    to or withdrew."""
    return story.status == StoryStatus.DRAFT
