from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.access import memberships_for
from accounts.api_base import ApiView, api_membership
from accounts.languages import language_for
from accounts.models import Membership, User


class ClinicRoleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organization.id")
    slug = serializers.CharField(source="organization.slug")
    name = serializers.CharField(source="organization.name")
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    preferred_name = serializers.CharField()
    language = serializers.CharField(
        help_text=_("The language of their pages and messages: their own, else the clinic's.")
    )
    time_zone = serializers.CharField()
    current_clinic = ClinicRoleSerializer(allow_null=True)
    clinics = ClinicRoleSerializer(many=True)


class MeView(ApiView):
    """The signed-in user, the clinics they belong to and their role in each."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user: User = request.user
        memberships: list[Membership] = memberships_for(user)
        current = api_membership(request, memberships)
        data = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "preferred_name": user.preferred_name,
            "language": language_for(user, current.organization if current else None),
            "time_zone": user.time_zone,
            "current_clinic": current,
            "clinics": memberships,
        }
        return Response(MeSerializer(data).data)


def me_moved(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """`/api/v1/me` is `/api/v1/me/`: a permanent redirect that keeps the method, the body
    (308) and the query string."""
    url = reverse("api:me")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url, preserve_request=True)
