"""Writes on clinic staff: invitations, role changes, deactivation. Each service runs in one
transaction, validates the rule it owns (raising ValidationError with field names, or a plain
message for a rule about the whole membership) and writes its audit event."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.identity import holds_email, record_proven_email
from accounts.models import STAFF_ROLES, Membership, Organization, Role, StaffInvitation, User
from accounts.sessions import sessions_end_all
from audit.models import Action
from audit.services import audit_record
from notifications.outbox import Message, enqueue

INVITE_SUBJECT_TEMPLATE = "clinic_admin/email/staff_invite_subject.txt"
INVITE_BODY_TEMPLATE = "clinic_admin/email/staff_invite_body.txt"
STAFF_INVITE_SALT = "accounts.staff_invitation"


def _check_staff_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise ValidationError({"role": _("Choose clinic admin or clinician.")})


def _lock_clinic(clinic: Organization) -> None:
    """Serialise staff changes of one clinic, so two admins removing each other at the same
    moment cannot leave the clinic without an admin."""
    Organization.objects.select_for_update().filter(pk=clinic.pk).first()


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organization_id=membership.organization_id,
            role=Role.ADMIN,
            is_active=True,
            user__is_active=True,
        )
        .exclude(pk=membership.pk)
        .exists()
    )


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
    _check_usable(invitation)
    return invitation


def _check_usable(invitation: StaffInvitation) -> None:
    if invitation.accepted_at is not None:
        raise StaffInvitationProblem("used")
    if invitation.revoked_at is not None or not invitation.clinic.is_active:
        raise StaffInvitationProblem("revoked")
    if invitation.is_expired:
        raise StaffInvitationProblem("expired")


def _send_invitation(*, invitation: StaffInvitation, actor: User) -> None:
    """One email, the same whether or not the address has an account anywhere: it names the
    clinic, the role and who invited, and links to the invitation."""
    link = staff_invitation_url(invitation)
    clinic = invitation.clinic
    language = translation.get_language() or settings.LANGUAGE_CODE  # the inviting admin's
    with translation.override(language):
        context = {
            "clinic_name": clinic.name,
            "inviter_name": actor.display_name,
            "role": Role(invitation.role).label,
            "link": link,
            "link_days": StaffInvitation.VALID_DAYS,
        }
        subject = " ".join(render_to_string(INVITE_SUBJECT_TEMPLATE, context).split())
        body = render_to_string(INVITE_BODY_TEMPLATE, context)
    # Through the outbox, in this transaction; sent after commit. Addressed to the invitation,
    # never to an account: the clinic learns nothing about who holds the address.
    enqueue(
        Message(
            kind="staff_invitation",
            occurrence=f"staff_invitation:{invitation.pk}:{invitation.nonce}",
            channel="email",
            recipient_key=f"staff_invitation:{invitation.pk}",
            address=invitation.email,
            subject=subject,
            body=body,
            link=link,
            language=language,
        ),
        clinic=clinic,
    )


def _renew(invitation: StaffInvitation) -> None:
    """A fresh link (the earlier one stops working) valid for VALID_DAYS from now."""
    now = timezone.now()
    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=StaffInvitation.VALID_DAYS)


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
    _check_staff_role(role)
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
    _renew(invitation)
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
    _send_invitation(invitation=invitation, actor=actor)
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
    _renew(invitation)
    invitation.save(update_fields=["nonce", "sent_at", "expires_at"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=invitation.clinic,
        target=invitation,
        details={"invitation": "sent again"},
    )
    _send_invitation(invitation=invitation, actor=actor)
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
    _check_usable(invitation)
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
    request: HttpRequest | None = None,
) -> Membership:
    """Someone without an account opened the emailed link: a new account with that address
    (the link is the proof) and the accepted invitation, both or neither."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                full_name=full_name.strip(),
                language=translation.get_language() or "en",
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


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, actor: User, request: HttpRequest | None = None
) -> Membership:
    """Switch a staff member between clinic admin and clinician. An admin may hand over and
    become a clinician, but the clinic always keeps an active admin."""
    _check_staff_role(role)
    if membership.role not in STAFF_ROLES:
        raise ValidationError(_("Only clinic admins and clinicians have a staff role."))
    if membership.role == role:
        return membership
    _lock_clinic(membership.organization)
    membership.refresh_from_db(fields=["role", "is_active"])
    if (
        membership.role == Role.ADMIN
        and membership.is_active
        and not _other_active_admins(membership)
    ):
        raise ValidationError(
            _("This is the clinic's only active admin. Make someone else an admin first.")
        )
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=membership.organization,
        target=membership,
        details={"role": role, "previous_role": previous},
    )
    return membership


@transaction.atomic
def membership_set_active(
    *, membership: Membership, is_active: bool, actor: User, request: HttpRequest | None = None
) -> Membership:
    """Deactivate or reactivate a staff member in this clinic. Nobody deactivates themself, and
    the clinic always keeps an active admin."""
    if membership.role not in STAFF_ROLES:
        raise ValidationError(_("Only clinic admins and clinicians are managed here."))
    if membership.is_active == is_active:
        return membership
    if not is_active:
        if membership.user_id == actor.pk:
            raise ValidationError(
                _("You cannot deactivate yourself. Ask another clinic admin to do it.")
            )
        _lock_clinic(membership.organization)
        membership.refresh_from_db(fields=["role", "is_active"])
        if membership.role == Role.ADMIN and not _other_active_admins(membership):
            raise ValidationError(
                _("This is the clinic's only active admin. Make someone else an admin first.")
            )
    membership.is_active = is_active
    membership.save(update_fields=["is_active"])
    if not is_active:
        # Their sessions (every device) and API tokens end now, not at their next sign-in.
        sessions_end_all(membership.user)
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=membership.organization,
        target=membership,
        details={"is_active": is_active},
    )
    return membership
