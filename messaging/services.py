"""Writes of secure messages: keyword-only, atomic, audited in the same transaction.

- `message_write()`: the person in recovery, a supporter (within consent) or a clinician of the
  care team writes; outside the clinic's hours the writer gets one automatic answer per closed
  period; the other side is told "you have a new message", never what it says.
- `thread_open()`: reading a thread (audited) moves the reader's read receipt.
- `message_to_note()`: a clinician keeps a message in the chart as a clinical note.
- `hours_set()`: the clinic admin sets the opening hours.
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import language_for
from accounts.models import Organization, User
from audit.models import Action
from audit.services import audit_record
from messaging.hours import Opening, clinic_zone, hours_lines, is_open, next_opening, openings_of
from messaging.models import (
    BODY_MAX_CHARS,
    AuthorRole,
    ClinicHours,
    Message,
    Thread,
    ThreadRead,
)
from networks.consent import consented_scopes
from networks.models import Scope, SupportContact
from notifications.models import Channel, Kind
from notifications.outbox import CHANNELS, enqueue
from notifications.outbox import Message as OutboxMessage
from notifications.planner import site_link, supporter_link
from notifications.preferences import channels_for, preference_for
from patients.models import CareTeamMember, ClinicalNote, Patient
from patients.services import note_create

# --- Writing ---------------------------------------------------------------------------------


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write your message before sending it.")})
    if len(body) > BODY_MAX_CHARS:
        raise ValidationError(
            {
                "body": _("Keep the message to %(limit)d characters or fewer (it has %(count)d).")
                % {"limit": BODY_MAX_CHARS, "count": len(body)}
            }
        )
    return body


def _thread_for(patient: Patient, contact: SupportContact | None) -> Thread:
    thread, _created = Thread.objects.get_or_create(patient=patient, contact=contact)
    return thread


@transaction.atomic
def message_write(
    *,
    author: User,
    body: str,
    patient: Patient,
    contact: SupportContact | None = None,
    thread: Thread | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """Write a message. With `thread`, a clinician of the care team answers in it; without,
    the person in recovery (no `contact`) or the supporter of `contact` writes to the team
    (their thread is started on the first message). The caller has checked access."""
    body = clean_body(body)
    if thread is None:
        thread = _thread_for(patient, contact)
        role = AuthorRole.SUPPORTER if contact is not None else AuthorRole.PATIENT
    else:
        role = AuthorRole.CLINICIAN
    writer_contact = thread.contact if thread.contact_id else None
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    thread.contact = writer_contact  # already loaded by the caller
    now = timezone.now()
    message = Message.objects.create(
        thread=thread, author=author, author_role=role, body=body, created_at=now
    )
    thread.last_message_at = now
    automatic = None
    if message.inbound:
        thread.last_inbound_at = now
        automatic = _answer_outside_hours(thread, patient, now)
    thread.save(update_fields=["last_message_at", "last_inbound_at", "auto_answered_until"])
    _mark_read(thread, author, now)
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=author,
        clinic=patient.clinic,
        target=message,
        patient=patient,
        details={
            "thread": thread.pk,
            "role": role,
            "automatic_answer": automatic.pk if automatic else None,
        },
    )
    _notify(message, thread, patient)
    return message


def _answer_outside_hours(thread: Thread, patient: Patient, now: datetime) -> Message | None:
    """The automatic answer, when the message came outside opening hours and none was sent in
    this closed period (a clinic without hours sends none)."""
    openings = openings_of(patient.clinic)
    zone = clinic_zone(patient.clinic)
    if not openings or is_open(openings, now, zone):
        return None
    if thread.auto_answered_until is not None and now < thread.auto_answered_until:
        return None
    language = thread.contact.message_language if thread.contact else patient.message_language
    with translation.override(language):
        text = automatic_answer_text(patient.clinic, openings)
    thread.auto_answered_until = next_opening(openings, now, zone)
    return Message.objects.create(
        thread=thread,
        author=None,
        author_role=AuthorRole.AUTOMATIC,
        automatic=True,
        body=text,
        created_at=now,
    )


def automatic_answer_text(clinic: Organization, openings: Iterable[Opening]) -> str:
    """The fixed answer outside hours, in the active language: when the team answers, and what
    to do in a crisis (the pages add the link to the crisis plan)."""
    return _(
        "Thank you for your message. The care team reads messages during opening hours "
        "and will answer then: %(hours)s.\n\n"
        "If you are in crisis or worried about your safety, do not wait: call or text 988, "
        "or call your local emergency number (%(emergency)s). Your crisis plan has the steps "
        "you planned for a moment like this."
    ) % {
        "hours": "; ".join(hours_lines(openings)),
        "emergency": clinic.local_emergency_number,
    }


def _mark_read(thread: Thread, user: User, at: datetime) -> None:
    ThreadRead.objects.update_or_create(thread=thread, user=user, defaults={"last_read_at": at})


# --- "You have a new message" ----------------------------------------------------------------


def _addresses(user: User | None, email: str, phone: str) -> dict[str, str]:
    """Where each channel reaches this person ("" for in-app and push, which need a sign-in)."""
    found = {Channel.EMAIL.value: email, Channel.SMS.value: phone}
    if user is not None:
        found[Channel.IN_APP.value] = ""
        found[Channel.PUSH.value] = ""
    return found


def notification_texts(channel: str, link: str) -> tuple[str, str]:
    """Subject and body of "you have a new message", in the active language: never who wrote
    or what they wrote."""
    subject = _("You have a new message")
    if channel == Channel.EMAIL:
        body = _(
            "You have a new secure message. For your privacy it is not in this email; sign in "
            "to read it:\n%(link)s"
        ) % {"link": link}
    elif channel == Channel.SMS:
        body = _("You have a new secure message: %(link)s") % {"link": link}
        subject = ""
    else:
        body = _("You have a new message.")
    return subject, body


def _send(
    *,
    message: Message,
    patient: Patient,
    user: User | None,
    contact: SupportContact | None,
    key: str,
    language: str,
    addresses: dict[str, str],
    link: str,
) -> None:
    preference = preference_for(user) if user is not None else None
    if preference is not None and preference.refuses(Kind.MESSAGE_NEW):
        return
    channels = (
        channels_for(preference, Kind.MESSAGE_NEW)
        if preference is not None
        else [Channel.EMAIL.value]
    )
    for channel in channels:
        address = addresses.get(channel)
        if address is None or channel not in CHANNELS:
            continue  # no way to reach them by it (or no sender for it yet)
        if channel in (Channel.EMAIL, Channel.SMS) and not address:
            continue
        with translation.override(language):
            subject, body = notification_texts(channel, link)
        enqueue(
            OutboxMessage(
                kind=Kind.MESSAGE_NEW,
                occurrence=f"message:{message.pk}",
                channel=channel,
                recipient_key=key,
                address=address,
                subject=subject,
                body=body,
                link=link,
                language=language,
            ),
            clinic=patient.clinic,
            patient=patient,
            recipient_user=user
            if channel in (Channel.IN_APP, Channel.PUSH) or contact is None
            else None,
            recipient_contact=contact,
        )


def _notify(message: Message, thread: Thread, patient: Patient) -> None:
    """Tell the other side: the care team when the patient's side wrote, the writer of the
    thread when a clinician answered."""
    if message.inbound:
        link = site_link(reverse("messaging:patient", args=[patient.pk]) + f"#thread-{thread.pk}")
        members = (
            CareTeamMember.objects.current()
            .filter(patient=patient, clinician__is_active=True)
            .select_related("clinician")
        )
        for clinician in {m.clinician_id: m.clinician for m in members}.values():
            _send(
                message=message,
                patient=patient,
                user=clinician,
                contact=None,
                key=f"user:{clinician.pk}",
                language=language_for(clinician, patient.clinic),
                addresses=_addresses(clinician, clinician.email, ""),
                link=link,
            )
        return
    contact = thread.contact
    if contact is None:
        user = patient.user
        if user is None:
            return  # without a sign-in there is no thread to read
        _send(
            message=message,
            patient=patient,
            user=user,
            contact=None,
            key=f"user:{user.pk}",
            language=patient.message_language,
            addresses=_addresses(user, user.email or patient.email, patient.phone),
            link=site_link(reverse("messaging:mine")),
        )
        return
    if contact.user_id is None:
        return
    _send(
        message=message,
        patient=patient,
        user=contact.user,
        contact=contact,
        key=f"contact:{contact.pk}",
        language=contact.message_language,
        addresses=_addresses(contact.user, contact.email or contact.user.email, contact.phone),
        link=supporter_link(contact, reverse("messaging:supporter", args=[patient.pk])),
    )


# --- Reading ---------------------------------------------------------------------------------


@transaction.atomic
def thread_open(
    *,
    thread: Thread | None,
    patient: Patient,
    user: User,
    request: HttpRequest | None = None,
    page: str = "",
    mark_read: bool = True,
) -> None:
    """Record the read of a thread (audited; the reader's receipt moves to now). `thread` None:
    the writer's page before their first message (the read of nothing is audited too)."""
    if thread is not None and mark_read:
        _mark_read(thread, user, timezone.now())
    audit_record(
        action=Action.VIEW,
        request=request,
        actor=user,
        clinic=patient.clinic,
        target=thread or patient,
        patient=patient,
        details={"messages": page or "thread", "thread": thread.pk if thread else None},
    )


# --- A note from a message -------------------------------------------------------------------


@transaction.atomic
def message_to_note(
    *, message: Message, actor: User, request: HttpRequest | None = None
) -> ClinicalNote:
    """Keep a message in the chart as a clinical note that says where it came from (the care
    team only: the caller opened the patient through messaging.access)."""
    message = (
        Message.objects.select_for_update().select_related("thread__patient").get(pk=message.pk)
    )
    if message.automatic:
        raise ValidationError({"message": _("An automatic answer cannot become a note.")})
    if message.note_id is not None:
        raise ValidationError({"message": _("This message is already a note in the chart.")})
    patient = message.thread.patient
    written = timezone.localtime(message.created_at, clinic_zone(patient.clinic))
    heading = _("From a secure message (%(who)s, %(when)s):") % {
        "who": message.get_author_role_display(),
        "when": written.strftime("%Y-%m-%d %H:%M"),
    }
    note = note_create(
        patient=patient, author=actor, body=f"{heading}\n\n{message.body}", request=request
    )
    message.note = note
    message.save(update_fields=["note"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=message,
        patient=patient,
        details={"note": note.pk, "thread": message.thread_id},
    )
    return note


# --- Opening hours ---------------------------------------------------------------------------


def clean_openings(openings: Iterable[Opening]) -> list[Opening]:
    openings = list(openings)
    errors = []
    for opening in openings:
        if not 0 <= opening.weekday <= 6:
            errors.append(_("A day is a number from 0 (Monday) to 6 (Sunday)."))
        elif opening.closes <= opening.opens:
            errors.append(_("The closing time must be after the opening time."))
    if errors:
        raise ValidationError({"hours": errors})
    return openings


@transaction.atomic
def hours_set(
    *,
    clinic: Organization,
    openings: Iterable[Opening],
    actor: User,
    request: HttpRequest | None = None,
) -> list[ClinicHours]:
    """Replace the clinic's opening hours for messages (none: no automatic answer)."""
    openings = clean_openings(openings)
    ClinicHours.objects.filter(clinic=clinic).delete()
    rows = ClinicHours.objects.bulk_create(
        ClinicHours(clinic=clinic, weekday=o.weekday, opens=o.opens, closes=o.closes)
        for o in openings
    )
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=clinic,
        target=clinic,
        details={
            "message_hours": [f"{o.weekday} {o.opens:%H:%M}-{o.closes:%H:%M}" for o in openings]
        },
    )
    return rows


def supporter_sees_plan(contact: SupportContact) -> bool:
    """Whether the automatic answer can point a supporter to the shared crisis steps."""
    return Scope.COPING_PLAN in consented_scopes(contact)
