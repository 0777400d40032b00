"""One-action links: a signed, expiring, single-use URL that does one thing for one supporter
without signing in, and nothing else.

- `make_link()` writes an ActionLink row (in the caller's transaction) and returns its absolute
  URL. The URL carries the row's random nonce signed with the secret key, so a link cannot be
  made up or altered; the row makes it single-use and names what it is about.
- `check_link()` turns a token into its live link, or raises LinkProblem with a reason the page
  explains (tampered, unknown, used, expired, no longer shared, ...).
- Each action has a handler, registered by the feature that owns it (`register()`): the consent
  scope it needs, the words on its confirmation page, an optional form, and `perform()`.
- Opening a link (GET) only shows what it will do; the action happens on POST, so a mail
  scanner that follows links changes nothing. `use()` marks the row used with a conditional
  update: a second use, even at the same moment, does nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from engagement.models import ActionLink
from networks.consent import consented_scopes
from networks.models import SupportContact
from patients.models import Patient

SALT = "engagement.action-link"
DEFAULT_VALID_FOR = timedelta(days=7)
ANY_SCOPE = "*"  # the action needs some consent in force, whichever


class LinkProblem(Exception):
    """Why a link does nothing now. `code` names the page's message."""

    def __init__(self, code: str, link: ActionLink | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.link = link


@dataclass(frozen=True)
class Handler:
    """What one action needs and does.

    - scope: the consent scope the supporter must still have when the link is used
      (ANY_SCOPE for any consent in force, "" for none needed).
    - title / button: the confirmation page's heading and its button (lazy translations).
    - perform(link, request, cleaned_data) -> the thank-you text; raise ValidationError for a
      clear message on the page when it cannot be done (the link stays unused).
    - form: an optional Django form class the page shows (a short message, say).
    - describe(link) -> one line about what the link is for (optional).
    """

    scope: str
    title: Promise | str
    button: Promise | str
    perform: Callable[[ActionLink, HttpRequest, dict[str, Any]], str]
    form: type[forms.Form] | None = None
    describe: Callable[[ActionLink], str] | None = None


HANDLERS: dict[str, Handler] = {}


def register(action: str, handler: Handler) -> None:
    HANDLERS[action] = handler


def make_link(
    action: str,
    *,
    contact: SupportContact,
    patient: Patient | None = None,
    target: dict[str, Any] | None = None,
    valid_for: timedelta = DEFAULT_VALID_FOR,
) -> str:
    """A new link for `contact` to do `action`; returns the absolute URL."""
    link = ActionLink.objects.create(
        nonce=secrets.token_urlsafe(32),
        action=action,
        contact=contact,
        patient=patient or contact.patient,
        target=target or {},
        expires_at=timezone.now() + valid_for,
    )
    return absolute_url(link)


def token_of(link: ActionLink) -> str:
    return signing.Signer(salt=SALT).sign(link.nonce)


def absolute_url(link: ActionLink) -> str:
    return f"{settings.SITE_URL}{reverse('engagement:act', args=[token_of(link)])}"


def check_link(token: str, *, at: Any = None) -> ActionLink:
    """The live link for this token, or LinkProblem."""
    try:
        nonce = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        raise LinkProblem("tampered") from None
    link = (
        ActionLink.objects.select_related("contact", "contact__patient", "patient__clinic")
        .filter(nonce=nonce)
        .first()
    )
    if link is None:
        raise LinkProblem("unknown")
    if link.action not in HANDLERS:
        raise LinkProblem("unknown", link)
    if link.used_at is not None:
        raise LinkProblem("used", link)
    if (at or timezone.now()) >= link.expires_at:
        raise LinkProblem("expired", link)
    needed = HANDLERS[link.action].scope
    scopes = consented_scopes(link.contact)
    if (needed == ANY_SCOPE and not scopes) or (
        needed not in ("", ANY_SCOPE) and needed not in scopes
    ):
        raise LinkProblem("not_shared", link)
    return link


def use(link: ActionLink, request: HttpRequest, data: dict[str, Any]) -> str:
    """Do the action once: mark the link used and perform it in one transaction. A link used
    meanwhile raises LinkProblem("used"); a ValidationError from the handler rolls back, so
    the link can be tried again."""
    with transaction.atomic():
        won = ActionLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if won != 1:
            raise LinkProblem("used", link)
        return HANDLERS[link.action].perform(link, request, data)
