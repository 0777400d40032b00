from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.access import SESSION_KEY, choose_membership, memberships_for


class ClinicMiddleware:
    """Gives every request `memberships` (the switcher's entries), `membership` (the user's
    role in the clinic they act in, or None) and `clinic`, in one query for a signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.memberships = memberships_for(request.user)
        request.membership = choose_membership(
            request.memberships, request.session.get(SESSION_KEY)
        )
        request.clinic = request.membership.organization if request.membership else None
        return self.get_response(request)
