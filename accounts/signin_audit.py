"""Sign-in, sign-out and failed sign-ins written to the audit trail. The receivers live in
accounts (they read its Membership and Organization) and are connected by AccountsConfig.ready;
audit, below accounts, only keeps the record."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import Membership, Organization
from audit.models import Action
from audit.services import audit_record


def only_clinic(memberships: object) -> Organization | None:
    """The clinic when the memberships name exactly one. Signing in happens before a clinic is
    chosen: the event of a person who belongs to one clinic is that clinic's, and carries it
    (the trail then finds it through the clinic's index); a person in several clinics, or an
    address nobody has, leaves an event without a clinic (see trail.selectors)."""
    clinics = list(memberships.values_list("organization_id", flat=True).distinct()[:2])
    if len(clinics) != 1:
        return None
    return Organization(pk=clinics[0])


@receiver(user_logged_in, dispatch_uid="audit_login")
def _on_login(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    clinic = only_clinic(Membership.objects.filter(user=user))
    audit_record(action=Action.LOGIN, request=request, actor=user, clinic=clinic)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _on_logout(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    if user is not None:  # signed out from a clinic's page: the request names the clinic
        audit_record(action=Action.LOGOUT, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _on_login_failed(
    sender: object, credentials: dict, request: HttpRequest | None = None, **kwargs: object
) -> None:
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254]
    # Accounts store their email in lower case (User.save).
    clinic = only_clinic(Membership.objects.filter(user__email=attempted.lower()))
    audit_record(
        action=Action.LOGIN_FAILED, request=request, clinic=clinic, details={"email": attempted}
    )
