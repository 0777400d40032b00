"""Whether a signed-in account holds the address an invitation was sent to, and what the wrong
person is told about it.

An invitation binds to its address. It is accepted by:
- the account whose email is that address (case-insensitive; when allauth verifies addresses,
  the address must be verified on that account), or
- someone who is signed out and opens the emailed, signed, single-use link to create an account
  with that address (opening the link is the proof).
A text-message invitation proves a phone number, which no account holds: it only ever creates a
new account, while signed out, and is never bound to an existing one.
Anyone else sees whose invitation it is (masked), can sign out, and nothing is linked or saved;
the attempt is audited.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Organization, User
from audit.models import Action
from audit.services import audit_record

# Signing a person in right after they set up their account from an invitation link goes through
# the one authentication backend every sign-in uses.
SIGN_IN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _same(first: str, second: str) -> bool:
    return first.strip().lower() == second.strip().lower()


def holds_email(user: User, address: str) -> bool:
    """True when `address` is this account's email (verified, where allauth verifies)."""
    if not user.is_authenticated or not address or not _same(user.email, address):
        return False
    rows = EmailAddress.objects.filter(user=user, email__iexact=address)
    if getattr(settings, "ACCOUNT_EMAIL_VERIFICATION", "none") == "none":
        # Addresses are not verified on this installation: the account's own email, as the
        # clinic or an invitation link set it. An address the person typed in on allauth's
        # email page and made primary themselves (an unverified primary row) proves nothing.
        # (allauth also keeps an unverified, non-primary row of the account's own email once
        # the email page or a password reset is used: that one still counts.)
        return not rows.filter(verified=False, primary=True).exists()
    return rows.filter(verified=True).exists()


def record_proven_email(user: User) -> None:
    """The person opened an emailed, signed, single-use link to create this account: their
    address is proven, and allauth is told so (it matters once verification is switched on)."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def masked(address: str) -> str:
    """Enough of an address for its owner to recognise it, and no more: j•••@example.org, or
    the last two digits of a phone number."""
    if "@" in address:
        name, domain = address.split("@", 1)
        return f"{name[:1]}•••@{domain}"
    digits = [c for c in address if c.isdigit()]
    return "•••" + "".join(digits[-2:])


def not_yours(
    request: HttpRequest,
    *,
    address: str,
    clinic: Organization,
    target: models.Model,
    patient: models.Model | None = None,
    kind: str,
) -> HttpResponse:
    """The page for an invitation opened while signed in as another account: it names the
    invited address (masked), offers to sign out and come back, and records the attempt.
    Nothing is linked or saved."""
    audit_record(
        action=Action.VIEW,
        request=request,
        actor=request.user,
        clinic=clinic,
        target=target,
        patient=patient,
        details={
            "invitation": kind,
            "refused": "signed in as another account",
            "method": request.method,
        },
    )
    return render(
        request,
        "accounts/invitation_not_yours.html",
        {"to": masked(address), "back": request.path},
        status=403,
    )
