"""Writes on clinic staff: invitations, role changes, deactivation. Each service runs in one
transaction, validates the rule it owns (raising ValidationError with field names, or a plain
message for a rule about the whole membership) and writes its audit event."""

import secrets

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES, Membership, Organization, Role, User
from audit.models import Action
from audit.services import audit_record
from notifications.outbox import Message, enqueue

INVITE_SUBJECT_TEMPLATE = "clinic_admin/email/staff_invite_subject.txt"
INVITE_BODY_TEMPLATE = "clinic_admin/email/staff_invite_body.txt"


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


def _absolute(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _invitation_link(user: User, request: HttpRequest | None) -> str:
    """A link that lets a new staff member choose their password (allauth's password reset
    from key), or the sign-in page for someone who already has one."""
    if user.has_usable_password():
        return _absolute(request, reverse("account_login"))
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return _absolute(request, path)


def _send_invitation(
    *, user: User, clinic: Organization, actor: User, role: str, link: str, membership_id: int
) -> None:
    # In the invitee's own language; the email names the clinic and the role, nothing else.
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "clinic_name": clinic.name,
            "inviter_name": actor.display_name,
            "role": Role(role).label,
            "link": link,
            "sets_password": not user.has_usable_password(),
            "link_days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
        }
        subject = " ".join(render_to_string(INVITE_SUBJECT_TEMPLATE, context).split())
        body = render_to_string(INVITE_BODY_TEMPLATE, context)
    # Through the outbox, in this transaction; sent after commit.
    enqueue(
        Message(
            kind="staff_invitation", occurrence=f"staff:{membership_id}:{secrets.token_hex(4)}",
            channel="email", recipient_key=f"user:{user.pk}", address=user.email,
            subject=subject, body=body, link=link, language=user.language or "en",
        ),
        clinic=clinic, recipient_user=user,
    )  # fmt: skip


@transaction.atomic
def staff_invite(
    *,
    clinic: Organization,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    request: HttpRequest | None = None,
) -> Membership:
    """Add a clinician or clinic admin to the clinic and email them an invitation.

    A new email address gets a user with no usable password (the invitation link sets one); an
    address that already has an account is reused. Someone already in this clinic, in any role
    and even when deactivated, is refused: their membership is changed from the staff list.
    """
    _check_staff_role(role)
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    if not email:
        raise ValidationError({"email": _("Enter an email address.")})
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, password=None, full_name=full_name)
        except IntegrityError:  # the same address invited twice at the same moment
            user = User.objects.get(email__iexact=email)
        else:
            audit_record(
                action=Action.CREATE, request=request, actor=actor, clinic=clinic, target=user,
                details={"invited": True},
            )  # fmt: skip
    elif full_name and not user.full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    already = _("This person is already a member of this clinic.")
    if Membership.objects.filter(user=user, organization=clinic).exists():
        raise ValidationError({"email": already})
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, organization=clinic, role=role)
    except IntegrityError:
        raise ValidationError({"email": already}) from None
    audit_record(
        action=Action.CREATE, request=request, actor=actor, clinic=clinic, target=membership,
        details={"role": role, "invited": True},
    )  # fmt: skip
    link = _invitation_link(user, request)
    _send_invitation(user=user, clinic=clinic, actor=actor, role=role, link=link,
                     membership_id=membership.pk)  # fmt: skip
    return membership


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
        action=Action.UPDATE, request=request, actor=actor, clinic=membership.organization,
        target=membership, details={"role": role, "previous_role": previous},
    )  # fmt: skip
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
    audit_record(
        action=Action.UPDATE, request=request, actor=actor, clinic=membership.organization,
        target=membership, details={"is_active": is_active},
    )  # fmt: skip
    return membership


def staff_invitation_pending(user: User) -> bool:
    """Invited and not yet joined: the person has not chosen a password yet."""
    return not user.has_usable_password()


@transaction.atomic
def staff_invitation_resend(
    *, membership: Membership, actor: User, request: HttpRequest | None = None
) -> Membership:
    """Email a staff member who has not joined yet a fresh link to choose their password."""
    if membership.role not in STAFF_ROLES:
        raise ValidationError(_("Only clinic admins and clinicians are invited here."))
    if not membership.is_active:
        raise ValidationError(_("Reactivate this person before sending the invitation again."))
    user = membership.user
    if not staff_invitation_pending(user):
        raise ValidationError(
            _("%(name)s has already chosen a password and can sign in.")
            % {"name": user.display_name}
        )
    link = _invitation_link(user, request)
    _send_invitation(user=user, clinic=membership.organization, actor=actor,
                     role=membership.role, link=link, membership_id=membership.pk)  # fmt: skip
    audit_record(
        action=Action.UPDATE, request=request, actor=actor, clinic=membership.organization,
        target=membership, details={"invitation": "sent again"},
    )  # fmt: skip
    return membership
