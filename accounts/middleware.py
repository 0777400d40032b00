from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from accounts.access import SESSION_KEY, choose_membership, memberships_of_request
from accounts.languages import clinic_language, known


class ClinicMiddleware:
    """Gives every request `memberships` (the switcher's entries), `membership` (the user's
    role in the clinic they act in, or None) and `clinic`, in one query for a signed-in user.

    A signed-in person's pages are in their own language (their choice, else the clinic's
    default: accounts.languages), whatever the browser asks for; LocaleMiddleware, before this
    one, has already chosen for everyone else (the switch's cookie, else Accept-Language) and
    writes Content-Language from what is active when the response leaves."""

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
            # language_for()'s rule, with the clinic already at hand (no query).
            own = known(request.user.language)
            request.LANGUAGE_CODE = own or clinic_language(request.clinic)
            translation.activate(request.LANGUAGE_CODE)
        else:
            timezone.deactivate()
        return self.get_response(request)
