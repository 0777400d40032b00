"""Personal API tokens (django-rest-knox): issued, listed, revoked, and checked on each request.

Clients send `Authorization: Token <key>` or `Authorization: Bearer <key>`. The key is shown
once, when it is issued; the database keeps only a SHA-512 digest (knox) with a name, an
expiry and when it was last used.
Tests and other code issue tokens with `token_issue`, never through the model.
"""

from datetime import datetime, timedelta
from hmac import compare_digest

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header
from rest_framework.request import Request

from accounts.models import ApiToken, User
from core.api_classes import has_unstorable

# "Last used" is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def token_issue(user: User, name: str, expiry: timedelta | None = None) -> str:
    """A new token for the person; returns the raw key, which is never stored or shown again.
    `expiry` (how long it works) defaults to the setting API_TOKEN_DAYS."""
    return token_create(user, name, expiry)[1]


def token_create(user: User, name: str, expiry: timedelta | None = None) -> tuple[ApiToken, str]:
    """`token_issue`, also giving the stored token (for the page and the audit trail)."""
    return ApiToken.objects.create(
        user=user,
        expiry=knox_settings.TOKEN_TTL if expiry is None else expiry,
        name=name.strip()[:100],
    )


def tokens_revoke_all(user: User) -> int:
    """End every API token of the person; returns how many there were."""
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return deleted


def token_revoke(user: User, token_id: int) -> ApiToken:
    """End one of the person's own tokens; 404 for anyone else's (no existence leak)."""
    token = tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    ApiToken.objects.filter(pk=token.pk).delete()
    return token


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's tokens that still work, newest first."""
    return ApiToken.objects.filter(_unexpired(timezone.now()), user=user)


def _unexpired(now: datetime) -> Q:
    return Q(expiry__isnull=True) | Q(expiry__gt=now)


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token check, with one query: expired tokens are refused by the query itself (not
    loaded and deleted one by one), an undecodable header is a 401 (not a 500), and the
    token's last use is noted (at most once a minute)."""

    # `Authorization: Token <key>` (knox's prefix) or `Authorization: Bearer <key>` (OAuth's).
    prefixes = (b"token", b"bearer")

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in self.prefixes:
            return None  # another scheme, or none: the session may still authenticate
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after the word %(prefix)s, with one space and nothing else.")
                % {"prefix": words[0].decode("latin-1")}
            )
        return self.authenticate_credentials(words[1])

    def authenticate_credentials(self, token: bytes) -> tuple[User, ApiToken]:
        invalid = _("Invalid token.")
        try:
            key = token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(invalid) from None
        if has_unstorable(key):  # a NUL cannot be looked up in PostgreSQL: no such token
            raise exceptions.AuthenticationFailed(invalid)
        now = timezone.now()
        digest = hash_token(key)
        candidates = ApiToken.objects.filter(
            _unexpired(now), token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user")
        for candidate in candidates:
            if compare_digest(digest, candidate.digest):
                if candidate.last_used_at is None or (
                    now - candidate.last_used_at >= LAST_USED_PRECISION
                ):
                    ApiToken.objects.filter(pk=candidate.pk).update(last_used_at=now)
                return self.validate_user(candidate)
        raise exceptions.AuthenticationFailed(invalid)

    def authenticate_header(self, request: Request) -> str:
        return knox_settings.AUTH_HEADER_PREFIX


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's security scheme for these tokens: the same `tokenAuth` as before knox."""

    target_class = "accounts.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'Token-based authentication: "Token <key>" or "Bearer <key>" (the same key).'
            ),
        }
