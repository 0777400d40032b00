"""The base every API endpoint builds on: pagination and the clinic a request acts in.

A client names the clinic with the `X-Clinic` header (its slug); without it, a session user acts
in the clinic chosen in the browser and a token user in their first clinic. A clinic the user
does not belong to answers 404.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from accounts.access import SESSION_KEY, choose_membership, memberships_for
from accounts.models import Membership, Organization

CLINIC_HEADER = "X-Clinic"


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


def api_membership(
    request: Request, memberships: list[Membership] | None = None
) -> Membership | None:
    """The membership the request acts through (None for a user with no clinic)."""
    if memberships is None:
        memberships = memberships_for(request.user)
    requested = request.headers.get(CLINIC_HEADER) or request.query_params.get("clinic")
    if requested:
        for membership in memberships:
            if membership.organization.slug == requested:
                return membership
        raise NotFound(_("No such clinic."))
    session = getattr(request._request, "session", None)
    clinic_id = session.get(SESSION_KEY) if session is not None else None
    return choose_membership(memberships, clinic_id)


def api_clinic(request: Request) -> Organization:
    """The clinic for a clinic-scoped endpoint; 404 when the user belongs to none."""
    membership = api_membership(request)
    if membership is None:
        raise NotFound(_("You are not a member of any clinic."))
    return membership.organization


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's ValidationError into DRF's: a 400 with field errors, never a 500."""
    try:
        yield
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise serializers.ValidationError(exc.message_dict) from None
        raise serializers.ValidationError({"non_field_errors": exc.messages}) from None
