"""Reads of the calendars app: finding a feed by its token, whether it may still answer, and
what it holds. A supporter's feed is built from `consented_scopes()` only (networks.consent,
the one consent rule), read at each fetch, so a revocation acts on the very next one."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar

from accounts.models import Membership, Organization, Role, User
from calendars import ical
from calendars.models import CalendarFeed, hash_of
from events.models import EventInvitation, Rsvp
from networks.consent import consented_scopes
from networks.models import (
    ContactStatus,
    HelpSlotClaim,
    HelpStatus,
    HelpTask,
    Scope,
    SupportContact,
)
from networks.selectors import contacts_of_supporter
from patients.milestones import milestones_between
from patients.models import Appointment, AppointmentStatus, Patient

# What a feed looks back on (so today's entries stay while the day goes on) and ahead to.
PAST = timedelta(days=30)
PATIENT_PAST = timedelta(days=90)
MILESTONES_AHEAD = timedelta(days=400)
TOKEN_LENGTH = 64


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed of this URL token, with what answering needs loaded (one query); None for a
    token that names none (a rotated, made-up or malformed one)."""
    if len(token) != TOKEN_LENGTH:
        return None
    return (
        CalendarFeed.objects.filter(token_hash=hash_of(token))
        .select_related("patient__clinic", "patient__user", "contact__user")
        .first()
    )


def owner_user_id(feed: CalendarFeed) -> int | None:
    if feed.contact_id is not None:
        return feed.contact.user_id
    return feed.patient.user_id


def owner_role(feed: CalendarFeed) -> str:
    return Role.SUPPORTER if feed.contact_id is not None else Role.PATIENT


def owner_still_member(feed: CalendarFeed) -> bool:
    """The owner still has an active sign-in in the patient's clinic, in the role the feed is
    for (a supporter or the person in recovery)."""
    user_id = owner_user_id(feed)
    if user_id is None:
        return False
    return (
        Membership.objects.active()
        .filter(
            user_id=user_id,
            user__is_active=True,
            organization_id=feed.patient.clinic_id,
            role=owner_role(feed),
        )
        .exists()
    )


@dataclass(frozen=True)
class FeedAnswer:
    """What a live feed may show: the supporter's scopes in force (empty for the person's own
    feed)."""

    scopes: frozenset[str]


def feed_answer(feed: CalendarFeed) -> FeedAnswer | None:
    """Whether the feed may answer now; None means 404. A supporter's feed dies with the
    contact (paused, removed, unlinked) and with the consent (nothing in force); every feed
    dies with its owner's sign-in in the clinic."""
    if feed.contact_id is not None:
        contact = feed.contact
        contact.patient = feed.patient  # the same row, already loaded
        if contact.status != ContactStatus.ACTIVE or contact.user_id is None:
            return None
        scopes = consented_scopes(contact)
        if not scopes:
            return None
        return FeedAnswer(scopes) if owner_still_member(feed) else None
    return FeedAnswer(frozenset()) if owner_still_member(feed) else None


# --- What a feed holds ------------------------------------------------------------------------


def claimed_tasks(contact: SupportContact) -> QuerySet[HelpTask]:
    """Tasks claimed the old way (no day on the help calendar): a dated task taken on the
    calendar is in `taken_slots` instead, once per day taken."""
    return (
        HelpTask.objects.filter(
            patient_id=contact.patient_id, claimed_by=contact, status=HelpStatus.CLAIMED
        )
        .exclude(slot_claims__contact=contact, slot_claims__given_back_at__isnull=True)
        .order_by("due_on", "pk")
    )


def taken_slots(contact: SupportContact, since: datetime) -> QuerySet[HelpSlotClaim]:
    """The help calendar's occasions this supporter holds, from `since` on."""
    return (
        HelpSlotClaim.objects.filter(
            contact=contact,
            given_back_at__isnull=True,
            occurs_on__gte=since.date(),
            task__patient_id=contact.patient_id,
        )
        .exclude(task__status__in=[HelpStatus.DONE, HelpStatus.CANCELLED])
        .select_related("task", "task__patient")
        .order_by("occurs_on", "pk")
    )


def invited_appointments(contact: SupportContact, since: datetime) -> QuerySet[Appointment]:
    """The sessions the care team invited this supporter to (the portal's rule)."""
    return Appointment.objects.filter(
        patient_id=contact.patient_id,
        network_attendees=contact,
        status=AppointmentStatus.SCHEDULED,
        ends_at__gte=since,
    ).order_by("starts_at", "pk")


def invited_events(contact: SupportContact, since: datetime) -> QuerySet[EventInvitation]:
    """The clinic's workshops and groups this supporter was invited to through this contact
    and did not decline."""
    return (
        EventInvitation.objects.filter(
            contact=contact,
            event__clinic_id=contact.patient.clinic_id,
            event__ends_at__gte=since,
        )
        .exclude(rsvp=Rsvp.NO)
        .select_related("event")
        .order_by("event__starts_at", "pk")
    )


def supporter_calendar(feed: CalendarFeed, scopes: frozenset[str]) -> Calendar:
    """A supporter's feed: neutral entries of what the consent in force allows."""
    contact, patient = feed.contact, feed.patient
    since = timezone.now() - PAST
    with translation.override(contact.message_language):
        calendar = ical.new_calendar(_("Support calendar: %(name)s") % {"name": patient.first_name})
        if Scope.HELP_TASKS in scopes:
            for task in claimed_tasks(contact):
                calendar.add_component(ical.help_task_entry(task))
            for claim in taken_slots(contact, since):
                calendar.add_component(ical.help_slot_entry(claim))
        if Scope.MILESTONES in scopes:
            today = patient.local_today()
            found = milestones_between(
                patient.recovery_start, today - PAST, today + MILESTONES_AHEAD
            )
            for milestone in found:
                calendar.add_component(
                    ical.milestone_event(patient.pk, patient.first_name, milestone)
                )
        if Scope.APPOINTMENTS in scopes:
            for appointment in invited_appointments(contact, since):
                calendar.add_component(
                    ical.busy_event(
                        "appointment", appointment.pk, appointment.starts_at, appointment.ends_at
                    )
                )
        for invitation in invited_events(contact, since):
            event = invitation.event
            calendar.add_component(
                ical.busy_event("event", event.pk, event.starts_at, event.ends_at)
            )
    return calendar


def patient_appointments(patient: Patient) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(patient=patient, ends_at__gte=timezone.now() - PATIENT_PAST)
        .exclude(status=AppointmentStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )


def patient_calendar(feed: CalendarFeed) -> Calendar:
    """The person's own feed: their appointments, plainly."""
    patient = feed.patient
    with translation.override(patient.message_language):
        calendar = ical.new_calendar(_("My appointments"))
        for appointment in patient_appointments(patient):
            calendar.add_component(ical.appointment_event(appointment))
    return calendar


def feed_calendar(feed: CalendarFeed, answer: FeedAnswer) -> Calendar:
    if feed.contact_id is not None:
        return supporter_calendar(feed, answer.scopes)
    return patient_calendar(feed)


# --- The owner's feeds ------------------------------------------------------------------------


def feed_url(feed: CalendarFeed, request: HttpRequest | None = None) -> str:
    """The feed's full URL (https), to paste into a calendar app."""
    path = reverse("calendars:feed", args=[feed.token])
    return request.build_absolute_uri(path) if request is not None else path


def webcal_url(url: str) -> str:
    """The same URL with the scheme calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[-1]


def feeds_of_user(user: User, clinic: Organization) -> QuerySet[CalendarFeed]:
    """The feeds this person owns in this clinic: their own (as the person in recovery) and
    those of the contact rows through which they support someone (not removed)."""
    supporting = contacts_of_supporter(user, clinic).values("pk")
    own = Q(contact__isnull=True, patient__user=user, patient__clinic=clinic)
    return (
        CalendarFeed.objects.filter(own | Q(contact__in=supporting))
        .select_related("patient", "contact")
        .order_by("pk")
    )
