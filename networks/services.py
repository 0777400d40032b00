"""Writes of the support network. Each runs in one transaction, validates its rule (raising
ValidationError with field names) and writes its audit event."""

import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.identity import holds_email
from accounts.languages import clinic_language
from accounts.models import Membership, Role, User
from audit.models import Action
from audit.services import audit_about
from networks import help_calendar
from networks.consent import ALL_SCOPES, consented_scopes
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    ExpiryEvent,
    HelpKind,
    HelpSlotClaim,
    HelpStatus,
    HelpTask,
    Invitation,
    Offer,
    ReachOut,
    ReachOutChannel,
    Relationship,
    Repeat,
    Scope,
    SetbackNotice,
    SignatureMethod,
    SupportContact,
    SupporterWellbeing,
)
from networks.sentences import INVITATION_BODY, INVITATION_SUBJECT
from networks.signals import consent_changed, help_task_created
from notifications.models import Channel, Kind
from notifications.outbox import Message, enqueue
from patients.models import AlertKind, AlertSeverity, Patient, Setback
from patients.services import alert_raise

INVITE_SALT = "networks.invitation"
CONTACT_FIELDS = (
    "name",
    "relationship",
    "email",
    "phone",
    "preferred_channel",
    "language",
    "playbook_step",
    "reach_out_weekday",
    "reach_out_time",
    "offers",
)


_audit = audit_about  # an event about the patient, in their clinic


def _check_contact(contact: SupportContact) -> None:
    errors: dict[str, list[str]] = {}
    if not contact.name.strip():
        errors["name"] = [_("Give the person's name.")]
    if contact.relationship not in Relationship.values:
        errors["relationship"] = [_("Choose a relationship.")]
    if contact.preferred_channel not in Channel.values:
        errors["preferred_channel"] = [_("Choose a channel.")]
    if contact.preferred_channel == Channel.EMAIL and not contact.email:
        errors["email"] = [_("An email address is needed to reach them by email.")]
    if contact.preferred_channel == Channel.SMS and not contact.phone:
        errors["phone"] = [_("A phone number is needed to reach them by text message.")]
    if not contact.language:  # invited without a language: the clinic's default
        contact.language = clinic_language(contact.patient.clinic)
    if contact.language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose a language.")]
    if not isinstance(contact.offers, list) or any(o not in Offer.values for o in contact.offers):
        errors["offers"] = [_("Choose from the listed offers.")]
    weekday = contact.reach_out_weekday
    if weekday is not None and (isinstance(weekday, bool) or weekday not in range(7)):
        errors["reach_out_weekday"] = [_("Choose a day of the week.")]
    if errors:
        raise ValidationError(errors)
    contact.name = contact.name.strip()
    contact.email = (contact.email or "").strip().lower()


@transaction.atomic
def contact_add(
    *, patient: Patient, actor: User, request: HttpRequest | None = None, **fields: object
) -> SupportContact:
    contact = SupportContact(
        patient=patient, added_by=actor, **{k: v for k, v in fields.items() if k in CONTACT_FIELDS}
    )
    _check_contact(contact)
    contact.save()
    _audit(Action.CREATE, request, actor, patient, contact)
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: SupportContact,
    actor: User,
    request: HttpRequest | None = None,
    **fields: object,
) -> SupportContact:
    if contact.status == ContactStatus.REMOVED:
        raise ValidationError({"status": _("This person was removed from the network.")})
    for name, value in fields.items():
        if name in CONTACT_FIELDS:
            setattr(contact, name, value)
    try:
        _check_contact(contact)
    except ValidationError:
        contact.refresh_from_db()  # nothing refused stays on the object
        raise
    contact.save()
    _audit(Action.UPDATE, request, actor, contact.patient, contact, fields=sorted(fields))
    return contact


@transaction.atomic
def contact_set_status(
    *, contact: SupportContact, status: str, actor: User, request: HttpRequest | None = None
) -> SupportContact:
    """Pause, resume or remove. Removing keeps the history and ends every consent at once."""
    allowed = {
        ContactStatus.INVITED: {ContactStatus.REMOVED},
        ContactStatus.ACTIVE: {ContactStatus.PAUSED, ContactStatus.REMOVED},
        ContactStatus.PAUSED: {ContactStatus.ACTIVE, ContactStatus.REMOVED},
    }
    if status not in allowed.get(contact.status, set()):
        raise ValidationError({"status": _("That change is not possible for this person now.")})
    contact.status = status
    now = timezone.now()
    if status == ContactStatus.REMOVED:
        contact.removed_at = now
        contact.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        for consent in contact.consents.filter(revoked_at__isnull=True, superseded_at__isnull=True):
            consent.revoked_at, consent.revoked_by = now, actor
            consent.revocation_reason = _("Removed from the network")
            consent.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        HelpTask.objects.filter(claimed_by=contact, status=HelpStatus.CLAIMED).update(
            status=HelpStatus.OPEN, claimed_by=None, claimed_at=None
        )
        # Their coming occasions open again (the rows stay, as given back).
        HelpSlotClaim.objects.filter(
            contact=contact,
            given_back_at__isnull=True,
            occurs_on__gte=contact.patient.local_today(),
        ).update(given_back_at=now)
    contact.save(update_fields=["status", "removed_at"])
    _audit(Action.UPDATE, request, actor, contact.patient, contact, status=status)
    return contact


# --- Invitations ------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITE_SALT)


class InvitationProblem(Exception):
    """Why an invitation link cannot be used: "invalid", "expired", "used" or "revoked"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points at, or InvitationProblem saying why it cannot be used."""
    try:
        data = signing.loads(token, salt=INVITE_SALT)
        invitation = Invitation.objects.select_related("contact__patient__clinic").get(
            pk=int(data["i"]), nonce=str(data["n"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Invitation.DoesNotExist):
        raise InvitationProblem("invalid") from None
    if invitation.accepted_at is not None:
        raise InvitationProblem("used")
    if invitation.revoked_at is not None or invitation.contact.status == ContactStatus.REMOVED:
        raise InvitationProblem("revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationProblem("expired")
    return invitation


@transaction.atomic
def invitation_send(
    *, contact: SupportContact, actor: User, request: HttpRequest | None = None
) -> Invitation:
    """Invite (or invite again) by email; an earlier link stops working."""
    if contact.status == ContactStatus.REMOVED:
        raise ValidationError({"contact": _("This person was removed from the network.")})
    if not contact.email:
        raise ValidationError({"email": _("Add an email address to send an invitation.")})
    if contact.user_id is not None:
        raise ValidationError({"contact": _("This person has already joined.")})
    now = timezone.now()
    contact.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    invitation = Invitation.objects.create(
        contact=contact,
        email=contact.email,
        nonce=secrets.token_hex(16),
        sent_by=actor,
        expires_at=now + timedelta(days=Invitation.VALID_DAYS),
    )
    path = reverse("networks:invitation", args=[invitation_token(invitation)])
    link = request.build_absolute_uri(path) if request is not None else f"{settings.SITE_URL}{path}"
    _enqueue_invitation(invitation, link)
    _audit(Action.CREATE, request, actor, contact.patient, invitation)
    return invitation


def _enqueue_invitation(invitation: Invitation, link: str) -> None:
    """Through the outbox, in the invitee's language, written in the same transaction."""
    contact = invitation.contact
    patient = contact.patient
    name = patient.first_name
    language = contact.message_language  # chosen for them, else the clinic's default
    with translation.override(language):
        # In the person's own pronouns, each a whole sentence for the translator.
        context = {
            "contact": contact,
            "link": link,
            "days": Invitation.VALID_DAYS,
            "first_name": name,
            "invitation_sentence": INVITATION_BODY.say(patient, name=name),
        }
        # Minimum disclosure: no clinic name, diagnosis or treatment in the subject.
        subject = INVITATION_SUBJECT.say(patient, name=name)
        body = render_to_string("networks/email/invitation.txt", context)
    enqueue(
        Message(
            kind=Kind.INVITATION,
            occurrence=f"invitation:{invitation.pk}",
            channel=Channel.EMAIL,
            recipient_key=f"contact:{contact.pk}",
            address=invitation.email,
            subject=subject,
            body=body,
            link=link,
            language=language,
        ),
        clinic=contact.patient.clinic,
        patient=contact.patient,
        recipient_contact=contact,
    )


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, actor: User, request: HttpRequest | None = None
) -> Invitation:
    if invitation.accepted_at is not None:
        raise ValidationError({"invitation": _("This invitation was already accepted.")})
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _audit(Action.UPDATE, request, actor, invitation.contact.patient, invitation, revoked=True)
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User, request: HttpRequest | None = None
) -> SupportContact:
    """Link the invitee's account to the contact (one login may support several patients, in
    several clinics) and give them a supporter membership of the patient's clinic. Only the
    account that holds the invited address may accept (InvitationProblem "not_yours")."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationProblem("used")
    if not holds_email(user, invitation.email):
        # Bound to its address: another account never becomes this contact's supporter.
        raise InvitationProblem("not_yours")
    contact = SupportContact.objects.select_for_update().get(pk=invitation.contact_id)
    patient = contact.patient
    if patient.user_id == user.pk:
        raise ValidationError({"invitation": _("You cannot join your own support network.")})
    if (
        SupportContact.objects.filter(patient=patient, user=user)
        .exclude(pk=contact.pk)
        .exclude(status=ContactStatus.REMOVED)
        .exists()
    ):
        raise ValidationError({"invitation": _("You already support this person.")})
    membership = Membership.objects.filter(user=user, organization_id=patient.clinic_id).first()
    if membership is None:
        Membership.objects.create(user=user, organization_id=patient.clinic_id, role=Role.SUPPORTER)
    elif membership.role != Role.SUPPORTER:
        raise ValidationError(
            {
                "invitation": _(
                    "This account already has another role at this clinic; accept the "
                    "invitation with a personal email address."
                )
            }
        )
    elif not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    contact.user = user
    if contact.status == ContactStatus.INVITED:
        contact.status = ContactStatus.ACTIVE
    contact.save(update_fields=["user", "status"])
    _audit(Action.UPDATE, request, user, patient, contact, accepted=True)
    return contact


# --- Consent ----------------------------------------------------------------------------------


def current_consent(contact: SupportContact) -> Consent | None:
    return (
        contact.consents.filter(revoked_at__isnull=True, superseded_at__isnull=True)
        .order_by("-signed_at", "-id")
        .first()
    )


@transaction.atomic
def consent_grant(
    *,
    contact: SupportContact,
    actor: User,
    scopes: list[str],
    purpose: str,
    signed_name: str,
    signature_method: str,
    expires_on: date | None = None,
    expires_on_event: str = "",
    paper_form: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Consent:
    """A new consent for this contact; the one in force, if any, is superseded (never edited).
    The patient signs in the app; a clinician records a paper form the patient signed."""
    patient = contact.patient
    errors: dict[str, list[str]] = {}
    chosen = list(dict.fromkeys(scopes or []))
    if not chosen or any(s not in ALL_SCOPES for s in chosen):
        errors["scopes"] = [_("Choose at least one thing to share.")]
    if not (purpose or "").strip():
        errors["purpose"] = [_("Say why this is shared, for example: to support my recovery.")]
    if expires_on is not None and expires_on <= patient.local_today():
        errors["expires_on"] = [_("The end date must be after today.")]
    if expires_on_event not in ExpiryEvent.values:
        errors["expires_on_event"] = [_("Choose an event.")]
    if expires_on is None and not expires_on_event:
        errors["expires_on"] = [_("Give an end date or an event that ends this consent.")]
    if not (signed_name or "").strip():
        errors["signed_name"] = [_("Type the patient's full name as the signature.")]
    if signature_method == SignatureMethod.IN_APP:
        if actor.pk != patient.user_id:
            errors["signature_method"] = [_("Only the patient can sign in the app.")]
    elif signature_method == SignatureMethod.PAPER:
        if actor.pk == patient.user_id:
            errors["signature_method"] = [_("Sign in the app instead.")]
        if paper_form is None:
            errors["paper_form"] = [_("Attach the signed paper form.")]
    else:
        errors["signature_method"] = [_("Choose how the consent was signed.")]
    if contact.status == ContactStatus.REMOVED:
        errors["contact"] = [_("This person was removed from the network.")]
    if errors:
        raise ValidationError(errors)
    SupportContact.objects.select_for_update().get(pk=contact.pk)  # one consent change at a time
    previous = current_consent(contact)
    now = timezone.now()
    consent = Consent.objects.create(
        patient=patient,
        clinic=patient.clinic,
        contact=contact,
        scopes=sorted(chosen),
        purpose=purpose.strip()[:300],
        expires_on=expires_on,
        expires_on_event=expires_on_event,
        signature_method=signature_method,
        signed_name=signed_name.strip()[:200],
        signed_at=now,
        recorded_by=actor,
        paper_form=(paper_form or "") if signature_method == SignatureMethod.PAPER else "",
    )
    if previous is not None:
        previous.superseded_by, previous.superseded_at = consent, now
        previous.save(update_fields=["superseded_by", "superseded_at"])
    _audit(
        Action.CONSENT_CHANGE,
        request,
        actor,
        patient,
        consent,
        granted=sorted(chosen),
        supersedes=previous.pk if previous else None,
    )
    consent_changed.send(sender=Consent, consent=consent, change="granted")
    return consent


def consent_default_end(patient: Patient) -> date:
    """The end a new consent starts with unless the person chooses another: one year from the
    patient's today (or at discharge, whichever comes first), what clinics usually write on
    their forms, so a consent is renewed at least once a year."""
    today = patient.local_today()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # February 29th
        return today.replace(year=today.year + 1, day=28)


def consent_scopes_changeable(consent: Consent | None, patient: Patient) -> bool:
    """Whether consent_scopes_change() may make a new version of this consent: only one in force
    that runs past today can keep its Part 2 elements."""
    if consent is None:
        return False
    today = patient.local_today()
    if not Consent.objects.in_force(patients=[patient]).filter(pk=consent.pk).exists():
        return False
    return consent.expires_on is None or consent.expires_on > today


@transaction.atomic
def consent_scopes_change(
    *,
    consent: Consent,
    actor: User,
    scopes: list[str],
    signed_name: str,
    signature_method: str,
    paper_form: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Consent:
    """Change only what one supporter sees: a new consent version with these scopes that keeps
    the Part 2 elements of the consent in force (who discloses, to whom, why, until when) and
    supersedes it, signed under consent_grant's rules (the patient in the app, a clinician with
    the signed paper form)."""
    contact = consent.contact
    patient = contact.patient
    SupportContact.objects.select_for_update().get(pk=contact.pk)  # one consent change at a time
    current = current_consent(contact)
    if current is None or current.pk != consent.pk:
        raise ValidationError(
            {"scopes": _("This consent was changed or revoked meanwhile. Look at it again.")}
        )
    if not Consent.objects.in_force(patients=[patient]).filter(pk=current.pk).exists():
        raise ValidationError({"scopes": _("This consent has ended. Sign a new consent instead.")})
    if current.expires_on is not None and current.expires_on <= patient.local_today():
        raise ValidationError(
            {"scopes": _("This consent ends today. Sign a new consent with a later end instead.")}
        )
    chosen = sorted(dict.fromkeys(scopes or []))
    if chosen == sorted(current.scopes):
        raise ValidationError({"scopes": _("Nothing changed: turn a switch on or off first.")})
    return consent_grant(
        contact=contact,
        actor=actor,
        scopes=chosen,
        purpose=current.purpose,
        expires_on=current.expires_on,
        expires_on_event=current.expires_on_event,
        signed_name=signed_name,
        signature_method=signature_method,
        paper_form=paper_form,
        request=request,
    )


# A signed paper form attached to a consent form that was refused for another reason is kept
# here, so the clinician corrects the form without attaching the file again.
PAPER_HOLD_SALT = "networks.paper_form_hold"
PAPER_HOLD_HOURS = 24


@dataclass(frozen=True)
class HeldPaperForm:
    stored: str  # the path in the default storage
    name: str  # the file's name on the sender's computer, to show "scan.pdf (kept)"

    def open(self, name: str) -> File:
        """The held file, under the name the consent will store it as."""
        return File(default_storage.open(self.stored, "rb"), name=name)


def _held_folder(contact: SupportContact) -> str:
    return f"consents/pending/{contact.patient.clinic_id}/{contact.patient_id}/"


def _held_sweep(folder: str) -> None:
    """Forget held forms older than a day (never used: the consent was not recorded)."""
    try:
        names = default_storage.listdir(folder)[1]
    except FileNotFoundError:
        return
    limit = timezone.now() - timedelta(hours=PAPER_HOLD_HOURS)
    for name in names:
        if default_storage.get_modified_time(folder + name) < limit:
            default_storage.delete(folder + name)


def paper_form_hold(
    *, contact: SupportContact, actor: User, upload: UploadedFile, shown_name: str
) -> str:
    """Keep a checked upload apart from the consents, under a random name, and return a signed
    token that only this clinician may use, for this contact, within a day."""
    folder = _held_folder(contact)
    _held_sweep(folder)
    upload.seek(0)
    stored = default_storage.save(
        f"{folder}{secrets.token_hex(16)}{Path(upload.name or '').suffix.lower()}", upload
    )
    upload.seek(0)
    return signing.dumps(
        {"f": stored, "c": contact.pk, "u": actor.pk, "n": shown_name[:120]}, salt=PAPER_HOLD_SALT
    )


def paper_form_held(*, contact: SupportContact, actor: User, token: str) -> HeldPaperForm | None:
    """The form a token from paper_form_hold() keeps, if it is this clinician's for this
    contact, not older than a day and still stored; None otherwise."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=PAPER_HOLD_SALT, max_age=PAPER_HOLD_HOURS * 3600)
        stored, name = str(data["f"]), str(data["n"])
        mine = data["c"] == contact.pk and data["u"] == actor.pk
    except (signing.BadSignature, KeyError, TypeError):
        return None
    if not mine or not stored.startswith(_held_folder(contact)):
        return None
    if not default_storage.exists(stored):
        return None
    return HeldPaperForm(stored=stored, name=name)


def paper_form_release(held: HeldPaperForm) -> None:
    """The consent has its own copy now: drop the held one."""
    default_storage.delete(held.stored)


@transaction.atomic
def consent_revoke(
    *, consent: Consent, actor: User, reason: str = "", request: HttpRequest | None = None
) -> Consent:
    if consent.revoked_at is not None:
        raise ValidationError({"consent": _("This consent was already revoked.")})
    if consent.superseded_at is not None:
        raise ValidationError({"consent": _("A newer consent replaced this one.")})
    consent.revoked_at, consent.revoked_by = timezone.now(), actor
    consent.revocation_reason = (reason or "").strip()[:300]
    consent.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    _audit(Action.CONSENT_CHANGE, request, actor, consent.patient, consent, revoked=True)
    consent_changed.send(sender=Consent, consent=consent, change="revoked")
    return consent


# --- Help tasks, encouragement, reach-outs ---------------------------------------------------


def _require_scope(contact: SupportContact, scope: str) -> None:
    if scope not in consented_scopes(contact):
        raise ValidationError({"scope": _("This is not shared with you.")})


def _series_errors(
    *,
    due_on: date | None,
    repeat: str,
    weekdays: list[int],
    repeat_until: date | None,
    repeat_count: int | None,
    starts_at: time | None,
    ends_at: time | None,
    people_needed: int | None,
) -> dict[str, list[str]]:
    """The rules of a help task's days, time window and number of people. A series ends by a
    date or a number of times (not both); with neither it stops after
    HelpTask.MAX_OCCURRENCES occasions."""
    errors: dict[str, list[str]] = {}
    if repeat not in Repeat.values:
        errors["repeat"] = [_("Choose one time, every day or every week.")]
        return errors
    if repeat != Repeat.ONCE:
        if due_on is None:
            errors["due_on"] = [_("A repeating task needs a first date.")]
        if repeat == Repeat.WEEKLY and not weekdays:
            errors["weekdays"] = [_("Choose at least one day of the week.")]
        if any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in weekdays):
            errors["weekdays"] = [_("Days of the week go from 0 (Monday) to 6 (Sunday).")]
        if repeat_until is not None and repeat_count is not None:
            errors["repeat_count"] = [_("Choose an end date or a number of times, not both.")]
        if repeat_until is not None and due_on is not None and repeat_until < due_on:
            errors["repeat_until"] = [_("The end date must be on or after the first date.")]
        if repeat_count is not None and not 1 <= repeat_count <= HelpTask.MAX_OCCURRENCES:
            errors["repeat_count"] = [
                _("Choose between 1 and %(n)s times.") % {"n": HelpTask.MAX_OCCURRENCES}
            ]
    elif repeat_until is not None or repeat_count is not None or weekdays:
        errors["repeat"] = [_("Choose how it repeats, or leave out the days and the end.")]
    if ends_at is not None and starts_at is None:
        errors["starts_at"] = [_("Give a start time too.")]
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("The end time must be after the start time.")]
    if people_needed is None or not 1 <= people_needed <= HelpTask.MAX_PEOPLE:
        errors["people_needed"] = [
            _("Choose between 1 and %(n)s people.") % {"n": HelpTask.MAX_PEOPLE}
        ]
    return errors


@transaction.atomic
def help_task_create(
    *,
    patient: Patient,
    actor: User,
    kind: str,
    title: str,
    details: str = "",
    due_on: date | None = None,
    weekly: bool = False,
    repeat: str = Repeat.ONCE,
    weekdays: list[int] | None = None,
    repeat_until: date | None = None,
    repeat_count: int | None = None,
    starts_at: time | None = None,
    ends_at: time | None = None,
    people_needed: int = 1,
    request: HttpRequest | None = None,
) -> HelpTask:
    """A task for one day (or undated), or a series of occasions (networks.recurrence). The
    older `weekly` flag (a one-time task that opens again for the next week when done) stays
    for undated-flow tasks; a series is the help calendar's way."""
    errors = {}
    weekdays = sorted(set(weekdays or []), key=lambda d: (not isinstance(d, int), d))
    if kind not in HelpKind.values:
        errors["kind"] = [_("Choose what kind of help.")]
    if not (title or "").strip():
        errors["title"] = [_("Say what would help.")]
    if due_on is not None and due_on < patient.local_today():
        errors["due_on"] = [_("The date cannot be in the past.")]
    if weekly and due_on is None:
        errors["due_on"] = [_("A weekly task needs a first date.")]
    if weekly and repeat != Repeat.ONCE:
        errors["weekly"] = [_("Choose how it repeats in one place.")]
    for name, messages in _series_errors(
        due_on=due_on,
        repeat=repeat,
        weekdays=weekdays,
        repeat_until=repeat_until,
        repeat_count=repeat_count,
        starts_at=starts_at,
        ends_at=ends_at,
        people_needed=people_needed,
    ).items():
        errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)
    task = HelpTask.objects.create(
        patient=patient,
        kind=kind,
        title=title.strip()[:200],
        details=(details or "").strip(),
        due_on=due_on,
        weekly=bool(weekly),
        repeat=repeat,
        weekdays=weekdays if repeat == Repeat.WEEKLY else [],
        repeat_until=repeat_until,
        repeat_count=repeat_count,
        starts_at=starts_at,
        ends_at=ends_at,
        people_needed=people_needed,
        created_by=actor,
    )
    _audit(Action.CREATE, request, actor, patient, task)
    help_task_created.send(sender=HelpTask, task=task)
    return task


def help_task_claim(
    *, task: HelpTask, contact: SupportContact, request: HttpRequest | None = None
) -> HelpTask:
    """One claim wins: a conditional update on the open task, checked by its row count. A
    dated task is taken on the help calendar instead (its day's HelpSlotClaim, the one record
    of who takes a dated occasion); a series is taken one occasion at a time there."""
    _require_scope(contact, Scope.HELP_TASKS)
    if task.due_on is not None:
        if task.repeat != Repeat.ONCE:
            raise ValidationError({"task": _("Choose a day of this task on the help calendar.")})
        try:
            help_calendar.claim_slot(
                task=task, day=task.due_on, contact=contact, actor=contact.user, request=request
            )
        except ValidationError as error:
            raise ValidationError({"task": error.messages}) from None
        task.refresh_from_db()
        return task
    with transaction.atomic():
        claimed = HelpTask.objects.filter(
            pk=task.pk, patient_id=contact.patient_id, status=HelpStatus.OPEN
        ).update(status=HelpStatus.CLAIMED, claimed_by=contact, claimed_at=timezone.now())
        if claimed != 1:
            raise ValidationError({"task": _("Someone else has just claimed this. Thank you!")})
        task.refresh_from_db()
        _audit(Action.UPDATE, request, contact.user, task.patient, task, claimed=True)
    return task


def help_task_release(
    *, task: HelpTask, contact: SupportContact, request: HttpRequest | None = None
) -> HelpTask:
    """Give a claimed task back. For a dated one-time task, its day's claim is given back on
    the help calendar (the patient is told)."""
    _require_scope(contact, Scope.HELP_TASKS)
    if task.due_on is not None and task.repeat == Repeat.ONCE:
        claim = HelpSlotClaim.objects.filter(
            task=task, occurs_on=task.due_on, contact=contact, given_back_at__isnull=True
        ).first()
        if claim is None:
            raise ValidationError({"task": _("Only the person who claimed this can release it.")})
        try:
            help_calendar.give_back_slot(claim=claim, actor=contact.user, request=request)
        except ValidationError as error:
            raise ValidationError({"task": error.messages}) from None
        task.refresh_from_db()
        return task
    with transaction.atomic():
        released = HelpTask.objects.filter(
            pk=task.pk, status=HelpStatus.CLAIMED, claimed_by=contact
        ).update(status=HelpStatus.OPEN, claimed_by=None, claimed_at=None)
        if released != 1:
            raise ValidationError({"task": _("Only the person who claimed this can release it.")})
        task.refresh_from_db()
        _audit(Action.UPDATE, request, contact.user, task.patient, task, released=True)
    return task


@transaction.atomic
def help_task_done(
    *,
    task: HelpTask,
    actor: User,
    contact: SupportContact | None = None,
    request: HttpRequest | None = None,
) -> HelpTask:
    """Mark done (the supporter who claimed it, the patient or the care team). A weekly task
    opens again for the next week."""
    if contact is not None:
        _require_scope(contact, Scope.HELP_TASKS)
        updated = HelpTask.objects.filter(
            pk=task.pk, status=HelpStatus.CLAIMED, claimed_by=contact
        ).update(status=HelpStatus.DONE, done_at=timezone.now())
    else:
        updated = HelpTask.objects.filter(
            pk=task.pk, status__in=[HelpStatus.OPEN, HelpStatus.CLAIMED]
        ).update(status=HelpStatus.DONE, done_at=timezone.now())
    if updated != 1:
        raise ValidationError({"task": _("This task is not open for you to finish.")})
    task.refresh_from_db()
    if task.weekly and task.due_on:
        HelpTask.objects.create(
            patient=task.patient,
            kind=task.kind,
            title=task.title,
            details=task.details,
            due_on=task.due_on + timedelta(days=7),
            weekly=True,
            created_by=task.created_by,
        )
    _audit(Action.UPDATE, request, actor, task.patient, task, done=True)
    return task


@transaction.atomic
def encouragement_send(
    *, contact: SupportContact, message: str, request: HttpRequest | None = None
) -> Encouragement:
    if not consented_scopes(contact):
        raise ValidationError({"message": _("This is not shared with you.")})
    text = (message or "").strip()
    if not text:
        raise ValidationError({"message": _("Write a few words first.")})
    if len(text) > Encouragement.MAX_LENGTH:
        raise ValidationError(
            {"message": _("Keep it under %(n)s characters.") % {"n": Encouragement.MAX_LENGTH}}
        )
    note = Encouragement.objects.create(patient=contact.patient, contact=contact, message=text)
    _audit(Action.CREATE, request, contact.user, contact.patient, note)
    return note


@transaction.atomic
def encouragement_hide(
    *, encouragement: Encouragement, actor: User, request: HttpRequest | None = None
) -> Encouragement:
    if encouragement.hidden_at is not None:
        return encouragement  # already hidden: keep who hid it first
    encouragement.hidden_at, encouragement.hidden_by = timezone.now(), actor
    encouragement.save(update_fields=["hidden_at", "hidden_by"])
    _audit(Action.UPDATE, request, actor, encouragement.patient, encouragement, hidden=True)
    return encouragement


@transaction.atomic
def reach_out_log(
    *,
    contact: SupportContact,
    channel: str,
    happened_on: date,
    note: str = "",
    request: HttpRequest | None = None,
) -> ReachOut:
    if not consented_scopes(contact):
        raise ValidationError({"contact": _("This is not shared with you.")})
    errors = {}
    if channel not in ReachOutChannel.values:
        errors["channel"] = [_("Choose call, visit or message.")]
    if happened_on > contact.patient.local_today() + timedelta(days=1):
        errors["happened_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    entry = ReachOut.objects.create(
        contact=contact,
        patient=contact.patient,
        channel=channel,
        happened_on=happened_on,
        note=(note or "").strip()[:500],
    )
    _audit(Action.CREATE, request, contact.user, contact.patient, entry)
    return entry


# --- Setbacks without shame, and supporters' own wellbeing -------------------------------------


@transaction.atomic
def setback_share(
    *,
    setback: Setback,
    actor: User,
    tell_care_team: bool,
    contacts: list[SupportContact] = (),
    request: HttpRequest | None = None,
) -> list[SetbackNotice]:
    """After a setback the person chooses who is told: nobody, the care team, named supporters.
    The care team gets an alert that says a setback was shared; supporters get guidance on how
    to respond, never the details."""
    patient = setback.patient
    if actor.pk != patient.user_id:
        raise ValidationError({"contacts": _("Only the person in recovery chooses who is told.")})
    chosen = list(contacts)
    if any(c.patient_id != patient.pk or not consented_scopes(c) for c in chosen):
        raise ValidationError(
            {"contacts": _("Choose people in your network who can see what you share.")}
        )
    if tell_care_team:
        alert_raise(
            patient=patient,
            kind=AlertKind.SETBACK_SHARED,
            severity=AlertSeverity.MEDIUM,
            message=_("%(name)s shared a setback (%(day)s) and would like support.")
            % {"name": patient.display_name, "day": setback.occurred_on.isoformat()},
            source=f"setback:{setback.pk}",
        )
    notices = [
        SetbackNotice.objects.get_or_create(setback=setback, contact=contact)[0]
        for contact in chosen
    ]
    _audit(
        Action.UPDATE,
        request,
        actor,
        patient,
        setback,
        told_care_team=tell_care_team,
        told_contacts=[c.pk for c in chosen],
    )
    return notices


def recent_setback_notices(
    contact: SupportContact, days: int = 30, *, scopes: frozenset[str] | None = None
) -> list[SetbackNotice]:
    """Setbacks this supporter was told about lately (only while they still see something).
    `scopes`: the contact's consented scopes when the caller read them in this same request."""
    if not (consented_scopes(contact) if scopes is None else scopes):
        return []
    since = timezone.now() - timedelta(days=days)
    return list(contact.setback_notices.filter(created_at__gte=since).order_by("-created_at"))


def month_start(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic
def wellbeing_submit(
    *,
    contact: SupportContact,
    holding_up: int,
    has_support: bool,
    request: HttpRequest | None = None,
) -> SupporterWellbeing:
    """The supporter's own monthly check-in (a second answer the same month updates it)."""
    if contact.status != ContactStatus.ACTIVE:
        raise ValidationError({"contact": _("You are not active in this network.")})
    if isinstance(holding_up, bool) or not isinstance(holding_up, int) or not 1 <= holding_up <= 5:
        raise ValidationError({"holding_up": _("Choose from 1 to 5.")})
    month = month_start(timezone.localdate())
    entry, _created = SupporterWellbeing.objects.update_or_create(
        contact=contact,
        month=month,
        defaults={"holding_up": holding_up, "has_support": bool(has_support)},
    )
    _audit(Action.CREATE, request, contact.user, contact.patient, entry)
    return entry
