"""Who must have a second factor, and holding them to it (allauth.mfa's TOTP with recovery codes).

Clinic admins and clinicians (any active staff membership) must enrol TOTP before they reach
anything else; a clinic may extend the rule to its supporters (Organization.
supporters_need_second_factor). Everyone else may add one, or a passkey, on Account security.
allauth asks for the code at every sign-in of a person who has one.
"""

from collections.abc import Callable
from functools import cache

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.access import memberships_of_request
from accounts.models import STAFF_ROLES, Membership, Role

ENROL_FIRST = _(
    "Set up two-step sign-in (an authenticator app) first: your account can open health "
    "records, so it needs more than a password."
)


def has_totp(user: AbstractBaseUser) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def requires_second_factor(memberships: list[Membership]) -> bool:
    """True when any of these (active) memberships asks for a second factor: a staff role, or a
    supporter of a clinic that asks its supporters for one."""
    return any(
        membership.role in STAFF_ROLES
        or (
            membership.role == Role.SUPPORTER
            and membership.organization.supporters_need_second_factor
        )
        for membership in memberships
    )


def must_enrol(memberships: list[Membership]) -> bool:
    """True for a person who must enrol TOTP and has not (from memberships_for's rows)."""
    return requires_second_factor(memberships) and not memberships[0].user_has_totp


@transaction.atomic
def totp_enrol(user: AbstractBaseUser, *, secret: str) -> Authenticator:
    """Give `user` TOTP with `secret` and a set of recovery codes, as allauth's enrolment page
    does (the demo and the tests use a known secret; people enrol on the page)."""
    totp = TOTP.activate(user, secret).instance
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)
    return totp


@cache
def exempt_prefixes() -> tuple[str, ...]:
    """Pages a person who must enrol can still open: enrolment itself (all of allauth's
    two-factor pages, passkeys included), confirming the password before enrolling, signing
    out, static files, the language switch and the health check."""
    return (
        reverse("mfa_index"),
        reverse("account_reauthenticate"),
        reverse("account_logout"),
        reverse("accounts:session_status"),  # and keep-alive below it: the idle warning
        "/" + settings.STATIC_URL.lstrip("/"),
        "/i18n/",
        reverse("healthz"),
    )


def is_page_navigation(request: HttpRequest) -> bool:
    """A person opening a page or sending a page's form (not the API, htmx or a script's
    fetch): they are shown the enrolment page rather than a bare refusal."""
    return (
        not request.path_info.startswith("/api/")
        and "HX-Request" not in request.headers
        and request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate"
    )


class SecondFactorMiddleware:
    """Sends a person who must have a second factor and has none to allauth's TOTP enrolment,
    from every page but the exempt ones; an API call answers 403 with a `detail`. Needs
    ClinicMiddleware before it (request.memberships; no extra query)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if must_enrol(request.memberships) and not request.path_info.startswith(exempt_prefixes()):
            if is_page_navigation(request):
                return redirect("mfa_activate_totp")
            # An API call, or a page's background request (htmx, fetch): never redirected, as
            # following the redirect would load the enrolment page, which draws a new secret.
            return JsonResponse({"detail": str(ENROL_FIRST)}, status=403)
        return self.get_response(request)


class SecondFactorEnrolled(BasePermission):
    """The same rule for API calls authenticated by token (DRF authenticates them after the
    middleware has run). Uses the request's memberships, which the clinic lookup reuses."""

    message = ENROL_FIRST

    def has_permission(self, request: HttpRequest, view: object) -> bool:
        if not request.user or not request.user.is_authenticated:
            return True  # IsAuthenticated answers for anonymous callers
        return not must_enrol(memberships_of_request(request))


class ClinicMFAAdapter(DefaultMFAAdapter):
    """A person who must have TOTP cannot remove it (they may still add a passkey or new
    recovery codes)."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type != Authenticator.Type.TOTP:
            return super().can_delete_authenticator(authenticator)
        memberships = list(
            Membership.objects.active()
            .filter(user_id=authenticator.user_id)
            .select_related("organization")
        )
        return not requires_second_factor(memberships)
