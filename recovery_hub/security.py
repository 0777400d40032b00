"""Response headers that Django's SecurityMiddleware and django-csp do not set.

- `Cache-Control: no-store` on every answer the application itself produces (pages, the API,
  exports): they may carry health information, which no browser, proxy or shared computer may
  keep. Static files never reach this middleware (whitenoise answers them before it).
- `Permissions-Policy` from settings.PERMISSIONS_POLICY: browser features the app never uses
  (camera, microphone, location, payment, USB, ...) are denied to every page and frame;
  passkeys (WebAuthn) stay allowed for our own origin.
"""

from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


def permissions_policy_header(features: Mapping[str, list[str]]) -> str:
    """{"camera": [], "usb": ["self"]} -> "camera=(), usb=(self)" (the header's syntax)."""
    return ", ".join(
        f"{feature}=({' '.join(allowed)})" for feature, allowed in sorted(features.items())
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Whatever a view said about caching, nothing it answers is kept: "no-store" wins over
        # any max-age (and private, max-age=0 for old proxies).
        add_never_cache_headers(response)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response
