"""Writes on clinic staff: role changes and deactivation (staff invitations, which send an
email, are joining.services'). Each service runs in one transaction, validates the rule it owns
(raising ValidationError with field names, or a plain message for a rule about the whole
membership) and writes its audit event."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES, Membership, Organization, Role, User
from accounts.sessions import sessions_end_all
from audit.models import Action
from audit.services import audit_record


def check_staff_role(role: str) -> None:
    """A ValidationError on "role" unless it is a staff role (clinic admin or clinician)."""
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


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, actor: User, request: HttpRequest | None = None
) -> Membership:
    """Switch a staff member between clinic admin and clinician. An admin may hand over and
    become a clinician, but the clinic always keeps an active admin."""
    check_staff_role(role)
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


@transaction.atomic
def clinic_settings_save(
    *,
    clinic: Organization,
    changes: dict[str, Any],
    actor: User,
    request: HttpRequest | None = None,
) -> Organization:
    """Change the clinic's own settings (validated by ClinicSettingsForm); the audit event names
    the fields that changed."""
    clinic = Organization.objects.select_for_update().get(pk=clinic.pk)
    changed = [name for name, value in changes.items() if getattr(clinic, name) != value]
    for name, value in changes.items():
        setattr(clinic, name, value)
    clinic.full_clean()
    clinic.save()
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=clinic,
        target=clinic,
        details={"fields": changed},
    )
    return clinic


def language_set(*, user: User, language: str) -> User:
    """The person's own language (blank: follow the clinic's default); a code the product does
    not speak is refused."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a language.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
