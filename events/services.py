"""Writes of the events app. Each runs in one transaction and writes its audit events there."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, User
from audit.models import Action
from audit.services import audit_record
from core.bilingual import check_spanish_complete, reader_language
from events.models import (
    STORY_MAX_CHARS,
    DisplayNameChoice,
    Event,
    EventInvitation,
    Rsvp,
    Story,
    StoryStatus,
)
from networks.models import ContactStatus, SupportContact
from patients.access import care_team_patients
from patients.models import Patient


class EventFull(ValidationError):
    """Raised when a "yes" would go over the event's capacity."""


def _check_event(
    *, starts_at: datetime, ends_at: datetime, place: str, video_link: str, capacity: int | None
) -> None:
    errors: dict[str, str] = {}
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    if not place and not video_link:
        errors["place"] = _("Give a place or a video link.")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("The capacity must be at least 1, or empty for no limit.")
    if errors:
        raise ValidationError(errors)


def event_create(
    *,
    clinic: Organization,
    actor: User,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    place: str = "",
    video_link: str = "",
    capacity: int | None = None,
    title_es: str = "",
    description_es: str = "",
    place_es: str = "",
) -> Event:
    _check_event(
        starts_at=starts_at, ends_at=ends_at, place=place, video_link=video_link, capacity=capacity
    )
    check_spanish_complete(
        Event,
        {
            "title": title,
            "description": description,
            "title_es": title_es,
            "description_es": description_es,
        },
    )
    with transaction.atomic():
        event = Event.objects.create(
            clinic=clinic,
            kind=kind,
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            video_link=video_link,
            capacity=capacity,
            title_es=title_es.strip(),
            description_es=description_es.strip(),
            place_es=place_es.strip(),
            created_by=actor,
        )
        audit_record(action=Action.CREATE, actor=actor, clinic=clinic, target=event)
    return event


def event_invite(
    *,
    event: Event,
    actor: User,
    patients: list[Patient],
    include_supporters: bool = False,
) -> int:
    """Invite these patients of the event's clinic (and, if asked, their active support
    contacts): a clinician only those on their care team, an admin anyone. Someone already
    invited stays as they were. Returns how many were newly invited."""
    if any(patient.clinic_id != event.clinic_id for patient in patients):
        raise ValidationError({"patients": _("Only patients of this clinic can be invited.")})
    membership = (
        Membership.objects.active().filter(user=actor, organization_id=event.clinic_id).first()
    )
    chosen = {patient.pk for patient in patients}
    allowed = care_team_patients(membership).filter(pk__in=chosen).values_list("pk", flat=True)
    if set(allowed) != chosen:
        # A clinician invites the people on their care team only; an admin, anyone.
        raise ValidationError({"patients": _("You can invite only the people on your care team.")})
    rows = [EventInvitation(event=event, patient=p, invited_by=actor) for p in patients]
    contacts: list[SupportContact] = []
    if include_supporters and patients:
        contacts = list(
            SupportContact.objects.filter(
                patient__in=patients, status=ContactStatus.ACTIVE, user__isnull=False
            )
        )
        rows += [EventInvitation(event=event, contact=c, invited_by=actor) for c in contacts]
    with transaction.atomic():
        before = event.invitations.count()
        EventInvitation.objects.bulk_create(rows, ignore_conflicts=True)
        created = event.invitations.count() - before
        for patient in patients:
            audit_record(
                action=Action.CREATE,
                actor=actor,
                clinic=event.clinic,
                target=event,
                patient=patient,
                details={
                    "invited": "event",
                    "supporters": sorted(c.pk for c in contacts if c.patient_id == patient.pk),
                },
            )
    return created


def rsvp_set(*, invitation: EventInvitation, answer: str, actor: User) -> EventInvitation:
    """Record an answer. A "yes" is counted against the capacity with the event row locked, so
    two people answering at once can never take more places than there are."""
    if answer not in {Rsvp.YES, Rsvp.NO, Rsvp.MAYBE}:
        raise ValidationError({"rsvp": _("Choose yes, no or maybe.")})
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=invitation.event_id)
        invitation = EventInvitation.objects.select_for_update().get(pk=invitation.pk)
        if answer == Rsvp.YES and invitation.rsvp != Rsvp.YES and event.capacity is not None:
            taken = event.invitations.filter(rsvp=Rsvp.YES).count()
            if taken >= event.capacity:
                raise EventFull(
                    _("Sorry, this event is full. Your answer was not changed to yes."),
                    code="full",
                )
        invitation.rsvp = answer
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["rsvp", "responded_at"])
        patient_id = invitation.patient_id or invitation.contact.patient_id
        audit_record(
            action=Action.UPDATE,
            actor=actor,
            clinic=event.clinic,
            target=invitation,
            patient=Patient(pk=patient_id),
            details={"rsvp": answer},
        )
    return invitation


# --- Stories of recovery -----------------------------------------------------------------------


def byline_for(story: Story) -> str:
    """The name readers will see: a first name, a chosen name, or "" for anonymous."""
    if story.display_name_choice == DisplayNameChoice.FIRST_NAME:
        return story.patient.first_name
    if story.display_name_choice == DisplayNameChoice.CHOSEN_NAME:
        return story.chosen_name.strip()
    return ""


def consent_text_for(story: Story) -> str:
    byline = byline_for(story)
    if byline:
        shown = _('under the name "%(name)s"') % {"name": byline}
    else:
        shown = _("anonymously, without any name")
    return _(
        "I agree that my story “%(title)s” may be shown to the patients, supporters "
        "and staff of %(clinic)s, %(shown)s. My legal name and record number will never be "
        "shown. I can withdraw my story at any time, and it will be taken down at once."
    ) % {"title": story.title, "clinic": story.patient.clinic.name, "shown": shown}


def _check_story(*, title: str, body: str, display_name_choice: str, chosen_name: str) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give your story a title.")
    if not body.strip():
        errors["body"] = _("Write your story.")
    elif len(body) > STORY_MAX_CHARS:
        errors["body"] = _("Keep the story to %(max)d characters.") % {"max": STORY_MAX_CHARS}
    if display_name_choice not in DisplayNameChoice.values:
        errors["display_name_choice"] = _("Choose how your story is signed.")
    elif display_name_choice == DisplayNameChoice.CHOSEN_NAME and not chosen_name.strip():
        errors["chosen_name"] = _("Type the name to show, or choose another option.")
    if errors:
        raise ValidationError(errors)


def story_save(
    *,
    patient: Patient,
    actor: User,
    title: str,
    body: str,
    display_name_choice: str,
    chosen_name: str = "",
    story: Story | None = None,
) -> Story:
    """Write or edit a story. Any edit makes it a draft again: the consent covered the old
    words and name, so the patient consents again before it can be published."""
    _check_story(
        title=title, body=body, display_name_choice=display_name_choice, chosen_name=chosen_name
    )
    with transaction.atomic():
        if story is None:
            story = Story(patient=patient, created_by=actor)
            action = Action.CREATE
        else:
            story = Story.objects.select_for_update().get(pk=story.pk, patient=patient)
            action = Action.UPDATE
        story.title = title.strip()
        story.body = body
        story.display_name_choice = display_name_choice
        story.chosen_name = (
            chosen_name.strip() if display_name_choice == DisplayNameChoice.CHOSEN_NAME else ""
        )
        story.status = StoryStatus.DRAFT
        story.byline = ""
        story.consent_text = ""
        story.consent_language = ""
        story.consent_signed_name = ""
        story.consented_at = None
        story.published_at = None
        story.published_by = None
        story.save()
        audit_record(
            action=action, actor=actor, clinic=patient.clinic, target=story, patient=patient
        )
    return story


def _same_name(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def story_consent(*, story: Story, actor: User, signed_name: str, agree: bool) -> Story:
    """The patient's written consent: their full name typed and the box ticked. Only the
    patient can give it; the story then waits for staff to publish it."""
    patient = story.patient
    if patient.user_id is None or patient.user_id != actor.pk:
        raise ValidationError(_("Only the person who wrote the story can consent to sharing it."))
    errors: dict[str, str] = {}
    if not agree:
        errors["agree"] = _("Tick the box to give your consent.")
    if not _same_name(signed_name, patient.legal_name):
        errors["signed_name"] = _("Type your full name as it appears on your record.")
    if story.status not in {StoryStatus.DRAFT, StoryStatus.WITHDRAWN}:
        errors["__all__"] = _("This story already has your consent.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        story = Story.objects.select_for_update().select_related("patient__clinic").get(pk=story.pk)
        story.byline = byline_for(story)
        story.consent_text = consent_text_for(story)
        story.consent_language = reader_language()  # the language consent_text is written in
        story.consent_signed_name = " ".join(signed_name.split())
        story.consented_at = timezone.now()
        story.status = StoryStatus.SUBMITTED
        story.withdrawn_at = None
        story.save()
        audit_record(
            action=Action.CONSENT_CHANGE,
            actor=actor,
            clinic=patient.clinic,
            target=story,
            patient=patient,
            details={"story": "consented"},
        )
    return story


def story_publish(*, story: Story, actor: User) -> Story:
    """Publish a story the patient consented to; refused without that consent."""
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.status != StoryStatus.SUBMITTED or story.consented_at is None:
            raise ValidationError(
                _("This story cannot be published: the patient has not given written consent."),
                code="no_consent",
            )
        story.status = StoryStatus.PUBLISHED
        story.published_at = timezone.now()
        story.published_by = actor
        story.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        audit_record(
            action=Action.UPDATE,
            actor=actor,
            clinic=story.patient.clinic,
            target=story,
            patient=story.patient,
            details={"story": "published"},
        )
    return story


def story_withdraw(*, story: Story, actor: User) -> Story:
    """The patient takes the story back, at any time: it leaves the published list at once and
    the consent ends."""
    if story.patient.user_id is None or story.patient.user_id != actor.pk:
        raise ValidationError(_("Only the person who wrote the story can withdraw it."))
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.status == StoryStatus.WITHDRAWN:
            return story
        story.status = StoryStatus.WITHDRAWN
        story.withdrawn_at = timezone.now()
        story.save(update_fields=["status", "withdrawn_at", "updated_at"])
        audit_record(
            action=Action.CONSENT_CHANGE,
            actor=actor,
            clinic=story.patient.clinic,
            target=story,
            patient=story.patient,
            details={"story": "withdrawn"},
        )
    return story
