"""Bringing a person in: the invitation to their own sign-in, and links that work before they
have one.

- patient_invitation_send / _revoke / _accept: the care team invites the person by email or
  text; the signed, single-use, expiring link lets them set a password and lands on
  "My recovery".
- checkin_link(): a one-action check-in for one local day, for a person without a sign-in.
- person_link() / supporter_link(): what a message links to for someone who has not joined:
  their open invitation when there is one, else a page that says how to get a new one.
- staff_invite / _resend / _withdraw / _accept, staff_join_new: the clinic admin invites a
  clinician or clinic admin by email; the signed link (/join/staff/) lets them accept.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.identity import holds_email, record_proven_email
from accounts.languages import clinic_language, known
from accounts.models import Membership, Organization, Role, StaffInvitation, User
from accounts.services import check_staff_role
from audit.models import Action
from audit.services import audit_record
from joining.models import LinkUse, PatientInvitation
from networks.models import ContactStatus, Invitation, SupportContact
from notifications.models import Channel, Kind
from notifications.outbox import Message, enqueue
from patients.models import Patient, PatientStatus

INVITE_SALT = "joining.invitation"
CHECKIN_SALT = "joining.checkin"
PERSON_SALT = "joining.person"
SUPPORTER_SALT = "joining.supporter"
# A message's "open the app" link for someone without a sign-in stays usable this long.
PERSON_LINK_DAYS = 30
# Asking for a fresh invitation from a message's link: at most one per this many minutes.
RESEND_PAUSE = timedelta(minutes=10)


class JoinProblem(Exception):
    """Why a link cannot be used: "invalid", "expired", "used", "revoked" or "joined"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _absolute(path: str, request: HttpRequest | None = None) -> str:
    """Links in messages always use SITE_URL, never the Host header of the request that caused
    them (an anonymous visitor can ask for a new invitation)."""
    return f"{settings.SITE_URL}{path}"


# A person whose care has ended is not invited, and their links stop working.
CARE_ENDED = (PatientStatus.DISCHARGED, PatientStatus.ALUMNI)


# --- The invitation -------------------------------------------------------------------------


def invitation_token(invitation: PatientInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITE_SALT)


def invitation_url(invitation: PatientInvitation, request: HttpRequest | None = None) -> str:
    return _absolute(reverse("joining:join", args=[invitation_token(invitation)]), request)


def open_invitation(patient: Patient) -> PatientInvitation | None:
    return (
        patient.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at", "-id")
        .first()
    )


def invitation_from_token(token: str) -> PatientInvitation:
    """The invitation a link points at, or JoinProblem saying why it cannot be used."""
    try:
        data = signing.loads(token, salt=INVITE_SALT)
        invitation = PatientInvitation.objects.select_related("patient__clinic").get(
            pk=int(data["i"]), nonce=str(data["n"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, PatientInvitation.DoesNotExist):
        raise JoinProblem("invalid") from None
    if invitation.accepted_at is not None:
        raise JoinProblem("used")
    if invitation.revoked_at is not None:
        raise JoinProblem("revoked")
    if invitation.patient.user_id is not None:
        raise JoinProblem("joined")
    if invitation.patient.status in CARE_ENDED:
        raise JoinProblem("revoked")
    if invitation.expires_at <= timezone.now():
        raise JoinProblem("expired")
    return invitation


def _address_for(patient: Patient, channel: str) -> str:
    if channel == Channel.EMAIL:
        if not patient.email:
            raise ValidationError(
                {"channel": _("Add the person's email address to invite them by email.")}
            )
        return patient.email
    if channel == Channel.SMS:
        if not patient.phone:
            raise ValidationError(
                {"channel": _("Add the person's phone number to invite them by text message.")}
            )
        return patient.phone
    raise ValidationError({"channel": _("Choose email or text message.")})


@transaction.atomic
def patient_invitation_send(
    *,
    patient: Patient,
    actor: User | None,
    channel: str = Channel.EMAIL,
    request: HttpRequest | None = None,
) -> PatientInvitation:
    """Invite the person to their own sign-in (or invite again: an earlier link stops working).
    The message goes through the outbox in the same transaction, in the person's language."""
    if patient.user_id is not None:
        raise ValidationError({"channel": _("This person already has a sign-in.")})
    if patient.status in CARE_ENDED:
        raise ValidationError(
            {"channel": _("This person's care has ended; change their status to invite them.")}
        )
    address = _address_for(patient, channel)
    now = timezone.now()
    patient.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    invitation = PatientInvitation.objects.create(
        patient=patient,
        channel=channel,
        address=address,
        nonce=secrets.token_hex(16),
        sent_by=actor,
        expires_at=now + timedelta(days=PatientInvitation.VALID_DAYS),
    )
    _enqueue_invitation(invitation, invitation_url(invitation, request))
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=invitation,
        patient=patient,
        details={"channel": channel},
    )
    return invitation


def _enqueue_invitation(invitation: PatientInvitation, link: str) -> None:
    patient = invitation.patient
    language = patient.message_language
    with translation.override(language):
        context = {"name": patient.first_name, "link": link, "days": PatientInvitation.VALID_DAYS}
        subject = _("Your invitation to Recovery Hub")
        if invitation.channel == Channel.SMS:
            body = (
                _(
                    "Hi %(name)s, your care team invited you to set up your Recovery Hub sign-in "
                    "(valid %(days)s days): %(link)s"
                )
                % context
            )
        else:
            body = render_to_string("joining/email/invitation.txt", context)
    enqueue(
        Message(
            kind=Kind.PATIENT_INVITATION,
            occurrence=f"patient_invitation:{invitation.pk}",
            channel=invitation.channel,
            recipient_key=f"patient:{patient.pk}",
            address=invitation.address,
            subject=subject,
            body=body,
            link=link,
            language=language,
        ),
        clinic=patient.clinic,
        patient=patient,
    )


@transaction.atomic
def patient_invitation_revoke(
    *, invitation: PatientInvitation, actor: User, request: HttpRequest | None = None
) -> PatientInvitation:
    invitation = PatientInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError({"invitation": _("This invitation was already used to join.")})
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            action=Action.UPDATE,
            request=request,
            actor=actor,
            clinic=invitation.patient.clinic,
            target=invitation,
            patient=invitation.patient,
            details={"revoked": True},
        )
    return invitation


@transaction.atomic
def patient_invitation_accept(
    *,
    invitation: PatientInvitation,
    email: str = "",
    password: str = "",
    user: User | None = None,
    language: str = "",
    request: HttpRequest | None = None,
) -> Patient:
    """Join: a new account with this password (or the signed-in `user`), linked to the
    patient's record, with a patient membership of the clinic. Both or neither. A new account
    speaks `language` (chosen on the invitation page), else the language of the record."""
    invitation = PatientInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise JoinProblem("used")
    if invitation.revoked_at is not None:
        raise JoinProblem("revoked")
    patient = (
        Patient.objects.select_for_update().select_related("clinic").get(pk=invitation.patient_id)
    )
    if patient.user_id is not None:
        raise JoinProblem("joined")
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    full_name=patient.legal_name,
                    language=known(language) or patient.message_language,
                    time_zone=patient.time_zone,
                )
                if invitation.channel == Channel.EMAIL:
                    record_proven_email(user)  # the emailed link is the proof
        except IntegrityError:
            raise ValidationError(
                {
                    "email": _(
                        "An account with this email address already exists. Sign in "
                        "with it, then open the invitation link again."
                    )
                }
            ) from None
    elif invitation.channel != Channel.EMAIL or not holds_email(user, invitation.address):
        raise ValidationError(
            {
                "invitation": _(
                    "This invitation was sent to someone else. Sign out, then open "
                    "the link again to set up your own sign-in."
                )
            }
        )
    elif Patient.objects.filter(user=user).exists():
        raise ValidationError(
            {"invitation": _("This account already belongs to a person in recovery.")}
        )
    membership = Membership.objects.filter(user=user, organization_id=patient.clinic_id).first()
    if membership is None:
        Membership.objects.create(user=user, organization_id=patient.clinic_id, role=Role.PATIENT)
    elif membership.role != Role.PATIENT:
        raise ValidationError(
            {
                "invitation": _(
                    "This account already has another role at this clinic. Join with "
                    "a personal email address instead."
                )
            }
        )
    elif not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    patient.user = user
    patient.save(update_fields=["user", "updated_at"])
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=user,
        clinic=patient.clinic,
        target=invitation,
        patient=patient,
        details={"joined": True},
    )
    return patient


# --- One-action check-in --------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinLink:
    patient: Patient
    local_date: date
    digest: str


def checkin_link(patient: Patient, local_date: date) -> str:
    """A check-in for `local_date` (the person's own day) that works without signing in; it
    can be used once, until the end of the next local day."""
    token = signing.dumps({"p": patient.pk, "d": local_date.isoformat()}, salt=CHECKIN_SALT)
    path = _checkin_path(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return _absolute(path.replace(_TOKEN_SLOT, token))


_TOKEN_SLOT = "token-slot"  # noqa: S105  (a placeholder in a path, no secret)


@functools.lru_cache(maxsize=16)
def _checkin_path(_prefix: str, _urlconf: object) -> str:
    """The check-in link's path with a slot for the token, reversed once per script prefix
    and URLconf: the planner writes one for everyone due at 19:00 (50,000 in a large clinic),
    and reverse() was most of the cost. A signed token is URL-safe as it is (letters, digits,
    "-", "_" and ":"), so reverse() would not quote it either."""
    return reverse("joining:checkin", args=[_TOKEN_SLOT])


def _end_of_grace(patient: Patient, local_date: date) -> datetime:
    midnight = datetime.combine(local_date + timedelta(days=2), datetime.min.time())
    return midnight.replace(tzinfo=patient.zone)


def checkin_link_check(token: str, *, at: datetime | None = None) -> CheckinLink:
    try:
        data = signing.loads(token, salt=CHECKIN_SALT)
        local_date = date.fromisoformat(str(data["d"]))
        patient = Patient.objects.select_related("clinic", "user").get(pk=int(data["p"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Patient.DoesNotExist):
        raise JoinProblem("invalid") from None
    digest = hashlib.sha256(f"checkin:{patient.pk}:{local_date}".encode()).hexdigest()
    if LinkUse.objects.filter(digest=digest).exists():
        raise JoinProblem("used")
    if (at or timezone.now()) >= _end_of_grace(patient, local_date):
        raise JoinProblem("expired")
    if patient.status in CARE_ENDED:
        raise JoinProblem("revoked")
    if patient.user_id is not None:
        raise JoinProblem("joined")  # they check in signed in now: an old link changes nothing
    return CheckinLink(patient=patient, local_date=local_date, digest=digest)


def link_use(digest: str) -> None:
    """Mark a one-action link used, in the caller's transaction; JoinProblem("used") if it was
    used meanwhile."""
    try:
        with transaction.atomic():
            LinkUse.objects.create(digest=digest)
    except IntegrityError:
        raise JoinProblem("used") from None


# --- "Open the app" links for people without a sign-in -------------------------------------


def person_link(patient: Patient, path: str) -> str:
    """For a person in recovery without a sign-in: a link that opens their invitation (and,
    once they joined, the page itself)."""
    token = signing.dumps({"p": patient.pk, "n": path}, salt=PERSON_SALT)
    return _absolute(reverse("joining:person", args=[token]))


def _path_link_check(token: str, salt: str, key: str, found: QuerySet) -> tuple[Any, str]:
    """The record a message's link names (under `key`) and the page it leads to."""
    try:
        data = signing.loads(token, salt=salt, max_age=timedelta(days=PERSON_LINK_DAYS))
        record = found.get(pk=int(data[key]))
        path = str(data["n"])
    except signing.SignatureExpired:
        raise JoinProblem("expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError, ObjectDoesNotExist):
        raise JoinProblem("invalid") from None
    return record, path if path.startswith("/") else "/"


def person_link_check(token: str) -> tuple[Patient, str]:
    return _path_link_check(token, PERSON_SALT, "p", Patient.objects.select_related("clinic"))


def invitation_resend_on_request(
    *, patient: Patient, request: HttpRequest | None = None
) -> PatientInvitation | None:
    """The person asked for a fresh invitation from a message's link: it goes to the address
    the clinic has on file (never to one typed on the page), at most once in RESEND_PAUSE.
    Only an invitation that ran out is renewed this way: None when the care team never invited
    the person or withdrew the invitation (the page then says to ask them)."""
    latest = patient.invitations.order_by("-created_at", "-id").first()
    if latest is None or latest.revoked_at is not None or patient.user_id is not None:
        return None
    if latest.accepted_at is None and latest.expires_at > timezone.now():
        return latest  # still open: nothing to renew
    if latest.created_at > timezone.now() - RESEND_PAUSE:
        return latest
    try:
        return patient_invitation_send(
            patient=patient, actor=None, channel=latest.channel, request=request
        )
    except ValidationError:  # care ended, or the address on file was removed meanwhile
        return None


def supporter_link(contact: SupportContact, path: str) -> str:
    """For a supporter who has not joined: a link to their open invitation (then the page)."""
    token = signing.dumps({"c": contact.pk, "n": path}, salt=SUPPORTER_SALT)
    return _absolute(reverse("joining:supporter", args=[token]))


def supporter_link_check(token: str) -> tuple[SupportContact, str]:
    contact, path = _path_link_check(
        token, SUPPORTER_SALT, "c", SupportContact.objects.select_related("patient__clinic")
    )
    if contact.status == ContactStatus.REMOVED:
        raise JoinProblem("revoked")
    return contact, path


def open_supporter_invitation(contact: SupportContact) -> Invitation | None:
    return (
        contact.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )


# --- What the chart shows -------------------------------------------------------------------


@dataclass(frozen=True)
class SignInState:
    """Where the person stands: "joined", "invited", "expired" or "none"."""

    state: str
    invitation: PatientInvitation | None


def sign_in_state(patient: Patient) -> SignInState:
    latest = patient.invitations.order_by("-created_at", "-id").first()
    if patient.user_id is not None:
        return SignInState("joined", latest if latest and latest.accepted_at else None)
    if latest is None or latest.revoked_at is not None:
        return SignInState("none", latest)
    if latest.expires_at <= timezone.now():
        return SignInState("expired", latest)
    return SignInState("invited", latest)


# --- Staff invitations (the clinic admin invites a clinician or clinic admin) -----------------

STAFF_INVITE_SUBJECT_TEMPLATE = "clinic_admin/email/staff_invite_subject.txt"
STAFF_INVITE_BODY_TEMPLATE = "clinic_admin/email/staff_invite_body.txt"
# The salt of links already emailed: kept as it was when these services lived in accounts.
STAFF_INVITE_SALT = "accounts.staff_invitation"


class StaffInvitationProblem(Exception):
    """Why a staff invitation link cannot be used: "invalid", "expired", "used", "revoked", or
    "not_yours" (signed in as an account that does not hold the invited address)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def staff_invitation_token(invitation: StaffInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=STAFF_INVITE_SALT)


def staff_invitation_url(invitation: StaffInvitation) -> str:
    """Always on SITE_URL, never the Host header of the request that sent it."""
    path = reverse("joining:staff", args=[staff_invitation_token(invitation)])
    return f"{settings.SITE_URL}{path}"


def staff_invitation_from_token(token: str) -> StaffInvitation:
    """The invitation a link points at, or StaffInvitationProblem saying why it cannot be used."""
    try:
        data = signing.loads(token, salt=STAFF_INVITE_SALT)
        invitation = StaffInvitation.objects.select_related("clinic").get(
            pk=int(data["i"]), nonce=str(data["n"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, StaffInvitation.DoesNotExist):
        raise StaffInvitationProblem("invalid") from None
    _check_staff_usable(invitation)
    return invitation


def _check_staff_usable(invitation: StaffInvitation) -> None:
    if invitation.accepted_at is not None:
        raise StaffInvitationProblem("used")
    if invitation.revoked_at is not None or not invitation.clinic.is_active:
        raise StaffInvitationProblem("revoked")
    if invitation.is_expired:
        raise StaffInvitationProblem("expired")


def _send_staff_invitation(*, invitation: StaffInvitation, actor: User) -> None:
    """One email, the same whether or not the address has an account anywhere: it names the
    clinic, the role and who invited, and links to the invitation."""
    link = staff_invitation_url(invitation)
    clinic = invitation.clinic
    language = clinic_language(clinic)  # the invitee has not chosen yet: the clinic's default
    with translation.override(language):
        context = {
            "clinic_name": clinic.name,
            "inviter_name": actor.display_name,
            "role": Role(invitation.role).label,
            "link": link,
            "link_days": StaffInvitation.VALID_DAYS,
        }
        subject = " ".join(render_to_string(STAFF_INVITE_SUBJECT_TEMPLATE, context).split())
        body = render_to_string(STAFF_INVITE_BODY_TEMPLATE, context)
    # Through the outbox, in this transaction; sent after commit. Addressed to the invitation,
    # never to an account: the clinic learns nothing about who holds the address.
    enqueue(
        Message(
            kind=Kind.STAFF_INVITATION,
            occurrence=f"staff_invitation:{invitation.pk}:{invitation.nonce}",
            channel=Channel.EMAIL,
            recipient_key=f"staff_invitation:{invitation.pk}",
            address=invitation.email,
            subject=subject,
            body=body,
            link=link,
            language=language,
        ),
        clinic=clinic,
    )


@transaction.atomic
def staff_invite(
    *,
    clinic: Organization,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    request: HttpRequest | None = None,
) -> StaffInvitation:
    """Invite a clinician or clinic admin: one email with a link to accept. Nothing is granted
    until the person accepts, and the clinic keeps only what the admin typed: whether the
    address has an account elsewhere is never looked at, so the answer is the same for every
    address. Someone already in this clinic, in any role and even when deactivated, is refused
    (their membership is changed from the staff list); inviting an address again replaces the
    waiting invitation (and its link)."""
    check_staff_role(role)
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    if not email:
        raise ValidationError({"email": _("Enter an email address.")})
    if not full_name:
        raise ValidationError({"full_name": _("Enter the person's name.")})
    if Membership.objects.filter(organization=clinic, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of this clinic.")})
    now = timezone.now()
    StaffInvitation.objects.waiting().filter(clinic=clinic, email__iexact=email).update(
        revoked_at=now
    )
    invitation = StaffInvitation(
        clinic=clinic, email=email, full_name=full_name, role=role, sent_by=actor
    )
    invitation.renew()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:  # the same address invited at the same moment
        raise ValidationError(
            {"email": _("An invitation to this address was just sent.")}
        ) from None
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=actor,
        clinic=clinic,
        target=invitation,
        details={"role": role, "invited": True},
    )
    _send_staff_invitation(invitation=invitation, actor=actor)
    return invitation


@transaction.atomic
def staff_invitation_resend(
    *, invitation: StaffInvitation, actor: User, request: HttpRequest | None = None
) -> StaffInvitation:
    """Email a fresh link (valid VALID_DAYS again); the earlier link stops working."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted."))
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was withdrawn. Invite the person again."))
    invitation.renew()
    invitation.save(update_fields=["nonce", "sent_at", "expires_at"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=invitation.clinic,
        target=invitation,
        details={"invitation": "sent again"},
    )
    _send_staff_invitation(invitation=invitation, actor=actor)
    return invitation


@transaction.atomic
def staff_invitation_withdraw(
    *, invitation: StaffInvitation, actor: User, request: HttpRequest | None = None
) -> StaffInvitation:
    """The link stops working; nothing was ever granted, so nothing else changes."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            action=Action.UPDATE,
            request=request,
            actor=actor,
            clinic=invitation.clinic,
            target=invitation,
            details={"invitation": "withdrawn"},
        )
    return invitation


@transaction.atomic
def staff_invitation_accept(
    *, invitation: StaffInvitation, user: User, request: HttpRequest | None = None
) -> Membership:
    """The invited person joins the clinic in the invited role: only the account that holds the
    invited address (StaffInvitationProblem "not_yours" otherwise), once."""
    invitation = (
        StaffInvitation.objects.select_for_update().select_related("clinic").get(pk=invitation.pk)
    )
    _check_staff_usable(invitation)
    if not holds_email(user, invitation.email):
        raise StaffInvitationProblem("not_yours")
    if Membership.objects.filter(user=user, organization_id=invitation.clinic_id).exists():
        raise ValidationError(
            {
                "invitation": _(
                    "This account already has a role at this clinic. Ask the clinic "
                    "admin to change it from the staff list."
                )
            }
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, organization_id=invitation.clinic_id, role=invitation.role
            )
    except IntegrityError:
        raise StaffInvitationProblem("used") from None
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.membership = membership
    invitation.save(update_fields=["accepted_at", "accepted_by", "membership"])
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=user,
        clinic=invitation.clinic,
        target=membership,
        details={"role": invitation.role, "invitation": invitation.pk, "accepted": True},
    )
    return membership


@transaction.atomic
def staff_join_new(
    *,
    invitation: StaffInvitation,
    full_name: str,
    password: str,
    language: str = "",
    request: HttpRequest | None = None,
) -> Membership:
    """Someone without an account opened the emailed link: a new account with that address
    (the link is the proof) and the accepted invitation, both or neither. The account speaks
    `language` (chosen on the invitation page); blank follows the clinic's default."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                full_name=full_name.strip(),
                language=known(language) or "",
                time_zone=invitation.clinic.time_zone,
            )
    except IntegrityError:
        raise ValidationError(
            {
                "email": _(
                    "An account with this email address already exists. Sign in with it, "
                    "then open the invitation link again."
                )
            }
        ) from None
    record_proven_email(user)
    return staff_invitation_accept(invitation=invitation, user=user, request=request)
