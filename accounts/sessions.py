"""When sessions end: after a while without activity, and all at once for a person.

- Idle timeout (IdleTimeoutMiddleware): a signed-in session ends after STAFF_IDLE_MINUTES
  without activity for anyone who is clinic staff (or has Django admin access), after
  MEMBER_IDLE_MINUTES for people in recovery and supporters. Activity is any request except
  the background ones, so a page that refreshes itself never keeps a session alive: requests
  sent with the header `X-Background: true` (htmx polling and lazy loads declare it with
  hx-headers) and views marked `@background` (the idle status check). The page learns its
  remaining time from the server (`request.idle`, written on <body>); static/js/idle.js warns
  IDLE_WARNING_SECONDS before the end and can keep the session alive. API token requests carry
  no session and are not concerned.
- Everything at once (`sessions_end_all`): signing out, a new password and a deactivation end
  every session of the person on every device (a per-person generation is part of each
  session's check, see User.get_session_auth_hash) and every API token.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import STAFF_ROLES, Membership, User
from accounts.tokens import tokens_revoke_all

ACTIVITY_KEY = "_last_activity"
# The last activity is written at most this often (a session write per request is wasteful);
# the time the page is told is computed from what was written, so it is never too long.
ACTIVITY_PRECISION_SECONDS = 30


def sessions_end_all(user: User) -> None:
    """End every session (all devices) and every API token of the person."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    tokens_revoke_all(user)


@receiver(user_logged_out, dispatch_uid="accounts_sign_out_everywhere")
def _signed_out(sender: object, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        sessions_end_all(user)


@receiver(user_logged_in, dispatch_uid="accounts_idle_clock_starts")
def _signed_in(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    if hasattr(request, "session"):
        request.session[ACTIVITY_KEY] = time.time()


def background(view: Callable) -> Callable:
    """Mark a view whose requests are not the person's activity (polling, status checks)."""
    view.idle_background = True
    return view


def is_background(request: HttpRequest, view_func: Callable) -> bool:
    return (
        getattr(view_func, "idle_background", False)
        or request.headers.get("X-Background") == "true"
    )


def idle_limit_seconds(user: User, memberships: list[Membership]) -> int:
    staff = user.is_staff or user.is_superuser or any(m.role in STAFF_ROLES for m in memberships)
    minutes = settings.STAFF_IDLE_MINUTES if staff else settings.MEMBER_IDLE_MINUTES
    return round(minutes * 60)


def idle_duration_text(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


@dataclass
class IdleClock:
    """A signed-in session's idle limit and its last activity (epoch seconds)."""

    limit: int
    last_activity: float

    @property
    def seconds_left(self) -> int:
        # Rounded up: 0 only once the session has ended (now - last >= limit), so a page told
        # "0" never finds itself still signed in, and a timer set from it ends after the end.
        return max(0, math.ceil(self.limit - (time.time() - self.last_activity)))

    @property
    def warning_seconds(self) -> int:
        return min(settings.IDLE_WARNING_SECONDS, self.limit)


class IdleTimeoutMiddleware:
    """Ends a session that has been idle longer than its limit, and notes activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.idle = None
        if request.user.is_authenticated:
            limit = idle_limit_seconds(request.user, getattr(request, "memberships", []))
            now = time.time()
            last = request.session.get(ACTIVITY_KEY)
            if not isinstance(last, int | float):
                # A session from before this rule (or a forced sign-in): its clock starts now.
                last = request.session[ACTIVITY_KEY] = now
            if now - last >= limit:
                self._end(request, limit)
                if request.headers.get("HX-Request") == "true":
                    # A swap would draw the sign-in page inside a fragment: go there whole.
                    return HttpResponseClientRedirect(reverse("account_login"))
            else:
                request.idle = IdleClock(limit=limit, last_activity=last)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, args: tuple, kwargs: dict
    ) -> None:
        clock = request.idle
        if clock is None or is_background(request, view_func):
            return
        now = time.time()
        if now - clock.last_activity >= ACTIVITY_PRECISION_SECONDS:
            clock.last_activity = request.session[ACTIVITY_KEY] = now

    @staticmethod
    def _end(request: HttpRequest, limit: int) -> None:
        """This session only (the person's other devices keep theirs): no sign-out signal."""
        request.session.flush()
        request.user = AnonymousUser()
        request.memberships, request.membership, request.clinic = [], None, None
        timezone.deactivate()
        messages.info(
            request,
            gettext("You were signed out after %(duration)s without activity.")
            % {"duration": idle_duration_text(limit)},
            fail_silently=True,
        )


def keep_alive(request: HttpRequest) -> None:
    """The person chose to stay signed in: activity now, whatever the precision."""
    if request.idle is not None:
        request.idle.last_activity = request.session[ACTIVITY_KEY] = time.time()
