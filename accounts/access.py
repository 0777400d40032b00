"""Which clinic a request acts in, and who may open which role's pages.

A signed-in user acts in one clinic at a time (kept in the session, switchable); every page and
API call is scoped to it. Anything outside the user's own clinics answers 404, never 403, so that
nobody learns another clinic exists.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.models import Membership, Organization, Role, User

SESSION_KEY = "current_clinic_id"

ROLE_HOME = {
    Role.ADMIN: "reports:dashboard",
    Role.CLINICIAN: "patients:caseload",
    Role.PATIENT: "patients:patient_home",
    Role.SUPPORTER: "networks:supporter_home",
}


def memberships_for(user: User) -> list[Membership]:
    """The user's active memberships, clinics loaded, in a stable order (one query). Each
    carries `user_has_totp` (accounts.second_factor decides from them who must enrol)."""
    if not user.is_authenticated:
        return []
    totp = Authenticator.objects.filter(user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP)
    return list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("organization")
        .annotate(user_has_totp=Exists(totp))
        .order_by("organization__name", "organization_id")
    )


def memberships_of_request(request: HttpRequest) -> list[Membership]:
    """memberships_for(request.user), computed once per request: the session user's by
    ClinicMiddleware, an API token user's on first use (DRF authenticates after middleware)."""
    http_request = getattr(request, "_request", request)
    user = request.user
    known = getattr(http_request, "_memberships_of_user", None)
    if known is not None and known[0] == user.pk:
        return known[1]
    memberships = memberships_for(user)
    http_request._memberships_of_user = (user.pk, memberships)
    return memberships


def choose_membership(memberships: list[Membership], clinic_id: object) -> Membership | None:
    """The membership for the clinic kept in the session, else the user's first one."""
    for membership in memberships:
        if membership.organization_id == clinic_id:
            return membership
    return memberships[0] if memberships else None


def membership_in(user: User, clinic: Organization | str) -> Membership:
    """The user's active membership in a clinic given by object or slug; 404 if none."""
    slug = clinic.slug if isinstance(clinic, Organization) else clinic
    membership = (
        Membership.objects.active()
        .filter(user=user, organization__slug=slug)
        .select_related("organization")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def home_url_name(membership: Membership | None) -> str:
    return ROLE_HOME[Role(membership.role)] if membership else "accounts:no_clinic"


def role_required(*roles: str) -> Callable:
    """Sign-in plus a membership with one of `roles` in the current clinic; 404 otherwise."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            membership = request.membership
            if membership is None:
                return redirect("accounts:no_clinic")
            if membership.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
