"""The supporter's help calendar in the API, /api/v1/supporter/help-calendar/: the occasions
they may take or took across everyone they support who shares help tasks with them (the twin of
the page networks:supporter_calendar). The page's three actions have their twins in
networks.api_help_calendar, one person at a time: `patient-help-occasion-claim`,
`patient-help-slot-give-back` and `patient-help-slot-swap`.

Not a supporter in the current clinic: 404. A person who does not share help tasks with them
now is left out, as if they did not exist."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView
from accounts.models import Membership, Role
from audit.services import audit_list
from networks.calendar_serializers import SupporterOccasionSerializer
from networks.supporter_calendar import (
    LIST_DAYS,
    MAX_SPAN_DAYS,
    entries_for,
    sharing_contacts,
)


class CalendarQuerySerializer(serializers.Serializer):
    # Not a FilterSet: the occasions are computed from each task's rule (networks.recurrence),
    # not rows of a queryset; the span is bounded and read whole, so there is nothing to page.
    def get_fields(self) -> dict:
        return {
            "from": serializers.DateField(
                required=False, help_text=_("First day, YYYY-MM-DD (default: today).")
            ),
            "to": serializers.DateField(
                required=False,
                help_text=_("Last day, YYYY-MM-DD (default: two weeks from the first day)."),
            ),
        }

    def validate(self, attrs: dict) -> dict:
        first = attrs.get("from") or timezone.localdate()
        last = attrs.get("to") or first + timedelta(days=LIST_DAYS - 1)
        if last < first:
            raise serializers.ValidationError({"to": [_("The last day is before the first.")]})
        if (last - first).days + 1 > MAX_SPAN_DAYS:
            raise serializers.ValidationError(
                {"to": [_("Ask for at most %(days)s days at once.") % {"days": MAX_SPAN_DAYS}]}
            )
        return {"from": first, "to": last}


class SupporterCalendarView(ApiView):
    def supporter_membership(self) -> Membership:
        membership = self.membership()
        if membership is None or membership.role != Role.SUPPORTER:
            raise NotFound
        return membership


class SupporterCalendarListView(SupporterCalendarView):
    """The occasions between `from` and `to` (at most 62 days; default the coming two weeks)
    that still have a place open or that you took, in time order, times in your own zone."""

    filters = {"GET": CalendarQuerySerializer}
    serializer_class = SupporterOccasionSerializer
    pagination_class = None  # bounded by the range (MAX_SPAN_DAYS), read whole like a calendar

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="The first day."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="The last day, included."),
        ],
        responses=SupporterOccasionSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        clinic = self.supporter_membership().organization
        query = self.query()
        contacts = sharing_contacts(request.user, clinic)
        entries = entries_for(contacts, query["from"], query["to"])
        audit_list(
            list_name="supporter_help_calendar",
            request=request,
            clinic=clinic,
            patient_ids=[c.patient_id for c in contacts],
            filters={"from": query["from"].isoformat(), "to": query["to"].isoformat()},
            rows=len(entries),
        )
        return Response(SupporterOccasionSerializer(entries, many=True).data)
