from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.access import SESSION_KEY, choose_membership, memberships_of_request


class ClinicMiddleware:
    """Gives every request `memberships` (the switcher's entries), `membership` (the user's
    role in the clinic they act in, or None) and `clinic`, in one query for a signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.memberships = memberships_of_request(request)
        request.membership = choose_membership(
            request.memberships, request.session.get(SESSION_KEY)
        )
        request.clinic = request.membership.organization if request.membership else None
        if request.user.is_authenticated:
            # Times are stored in UTC and shown in the viewer's own zone.
            try:
                timezone.activate(ZoneInfo(request.user.time_zone))
            except (ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
