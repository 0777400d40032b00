"""REST API of the calendar feeds, mounted under /api/v1/.

- GET /calendar/feeds/: the caller's own feeds in the current clinic (`X-Clinic` chooses), each
  with its secret URL: the person's own feed (made on first use) and, for a supporter, one per
  person they support who shares something with them (made on first use). A feed whose consent
  has ended is listed with `active: false` (its URL answers 404). Staff have none.
- POST /calendar/feeds/{feed_id}/rotate/: a new URL for a feed of the caller's own; the old
  URL answers 404 at once. Anyone else's feed is a 404.
"""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView
from accounts.models import Role
from calendars import access, selectors, services
from calendars.models import CalendarFeed, FeedKind
from networks.consent import consented_scopes_of
from networks.selectors import contacts_of_supporter
from patients.selectors import patient_record_for


class FeedFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=FeedKind.choices,
        method="filter_kind",
        label=_("Whose feed: a supporter's or the person's own."),
    )

    class Meta:
        model = CalendarFeed
        fields = ("kind",)

    def filter_kind(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        return rows.filter(contact__isnull=value == FeedKind.PATIENT)


class CalendarFeedSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=FeedKind.choices, read_only=True)
    patient_first_name = serializers.CharField(source="patient.first_name", read_only=True)
    url = serializers.SerializerMethodField(help_text=_("The secret feed URL (https)."))
    webcal_url = serializers.SerializerMethodField(
        help_text=_("The same URL as a webcal:// link, which calendar apps open to subscribe.")
    )
    active = serializers.SerializerMethodField(
        help_text=_("Whether the URL answers now (false once the consent has ended).")
    )

    class Meta:
        model = CalendarFeed
        fields = (
            "id",
            "kind",
            "patient_first_name",
            "url",
            "webcal_url",
            "active",
            "created_at",
            "rotated_at",
            "last_fetched_at",
        )
        read_only_fields = fields

    def get_url(self, feed: CalendarFeed) -> str:
        return selectors.feed_url(feed, self.context.get("request"))

    def get_webcal_url(self, feed: CalendarFeed) -> str:
        return selectors.webcal_url(self.get_url(feed))

    def get_active(self, feed: CalendarFeed) -> bool:
        sharing = self.context.get("sharing")
        return feed.contact_id is None or (sharing is not None and feed.contact_id in sharing)


def _sharing(feeds: list[CalendarFeed]) -> set[int]:
    """Ids of the feeds' contacts who may see something now (one query)."""
    contacts = [feed.contact for feed in feeds if feed.contact_id is not None]
    for feed in feeds:
        if feed.contact_id is not None:
            feed.contact.patient = feed.patient
    return {pk for pk, scopes in consented_scopes_of(contacts).items() if scopes}


class CalendarFeedListView(ApiView):
    """The caller's own calendar feeds, with their secret URLs."""

    serializer_class = CalendarFeedSerializer
    filterset_class = FeedFilterSet
    paginated_methods = ("GET",)

    def ensure_feeds(self, request: Request) -> None:
        """A feed for each owner who may have one now, made on first use (audited)."""
        membership = self.membership()
        if membership is None:
            return
        clinic = membership.organization
        if membership.role == Role.PATIENT:
            patient = patient_record_for(user=request.user, clinic=clinic)
            if patient is not None:
                services.feed_ensure(patient=patient, actor=request.user, request=request)
        elif membership.role == Role.SUPPORTER:
            contacts = list(contacts_of_supporter(request.user, clinic))
            have = set(
                CalendarFeed.objects.filter(contact__in=contacts).values_list(
                    "contact_id", flat=True
                )
            )
            missing = [contact for contact in contacts if contact.pk not in have]
            for contact, scopes in consented_scopes_of(missing).items():
                if scopes:
                    found = next(c for c in missing if c.pk == contact)
                    services.feed_ensure(
                        patient=found.patient, contact=found, actor=request.user, request=request
                    )

    @extend_schema(responses=CalendarFeedSerializer(many=True))
    def get(self, request: Request) -> Response:
        membership = self.membership()
        if membership is None or membership.role not in (Role.PATIENT, Role.SUPPORTER):
            rows = CalendarFeed.objects.none()
        else:
            self.ensure_feeds(request)
            rows = selectors.feeds_of_user(request.user, membership.organization)
        rows = self.filtered(rows)
        page = self.paginate_queryset(rows)
        data = CalendarFeedSerializer(
            page, many=True, context={**self.get_serializer_context(), "sharing": _sharing(page)}
        ).data
        return self.get_paginated_response(data)


class CalendarFeedRotateView(ApiView):
    """A new secret URL for one of the caller's own feeds; the old URL answers 404 at once."""

    serializer_class = CalendarFeedSerializer

    @extend_schema(request=None, responses=CalendarFeedSerializer)
    def post(self, request: Request, feed_id: int) -> Response:
        feed = access.feed_of_owner(self.membership(), feed_id)
        feed = services.feed_rotate(feed=feed, actor=request.user, request=request)
        context = {**self.get_serializer_context(), "sharing": _sharing([feed])}
        return Response(CalendarFeedSerializer(feed, context=context).data)
