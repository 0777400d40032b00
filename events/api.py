"""REST API of events and stories of recovery, mounted under /api/v1/. Each view opens what it
touches through events.access (404 outside it, as on the pages) and calls the page's service
(events/services.py), which audits the write.

- events/...: the clinic's events, for its staff (clinicians and admins); who is named in an
  event's invitations follows the care team (events.selectors.invitations_of_event).
- me/event-invitations/...: the signed-in patient's or supporter's invitations and answers.
- stories/: published stories for every member; stories/review/ and publishing for staff.
- me/stories/...: the person's own stories, their written consent and its withdrawal.
- patients/{patient_id}/stories/: staff start a draft for a patient to read and consent to.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView, service_errors
from accounts.models import Membership, Role
from audit.models import Action
from audit.services import audit_list, audit_record, list_filters
from coping.access import own_patient_record
from events import access, selectors, services
from events.models import Event, EventInvitation, Rsvp, Story, StoryStatus
from events.serializers import (
    INVITEABLE_CONTEXT_KEY,
    EventDetailSerializer,
    EventFilterSet,
    EventInvitationFilterSet,
    EventInvitationSerializer,
    EventInviteResultSerializer,
    EventInviteSerializer,
    EventRsvpSerializer,
    EventSerializer,
    MyEventInvitationSerializer,
    PublishedStoryFilterSet,
    PublishedStorySerializer,
    StoryConsentSerializer,
    StoryConsentTextSerializer,
    StoryFilterSet,
    StorySerializer,
    StoryWriteSerializer,
    story_fields,
)
from patients.access import patient_for_staff
from patients.api import ChartApiView

STAFF_EDIT_DRAFTS_ONLY = _(
    "Staff can shape a draft only: once the person consented or withdrew, only they change it."
)


class EventsApiView(ApiView):
    def member(self) -> Membership:
        membership = self.membership()
        if membership is None:
            raise NotFound
        return membership

    def staff(self) -> Membership:
        """Clinicians and admins of the clinic; 404 for everyone else, as on the pages."""
        membership = self.member()
        if not membership.is_staff_role:
            raise NotFound
        return membership

    def audit_page(self, **details: Any) -> None:
        membership = self.membership()
        audit_record(
            action=Action.VIEW,
            request=self.request,
            clinic=membership.organization if membership else None,
            details=details,
        )


# --- Events -----------------------------------------------------------------------------------


class EventListView(EventsApiView):
    """The clinic's events, newest first, with how many were invited and how they answered
    (staff). POST creates one; invite people to it with its invitations endpoint."""

    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=EventSerializer(many=True))
    def get(self, request: Request) -> Response:
        membership = self.staff()
        events = self.filtered(selectors.events_for_staff(membership.organization))
        response = self.paginated(events)
        self.audit_page(api="events_staff")
        return response

    @extend_schema(request=EventSerializer, responses={201: EventSerializer})
    def post(self, request: Request) -> Response:
        membership = self.staff()
        fields = self.parse(EventSerializer, request.data)
        with service_errors():
            event = services.event_create(
                clinic=membership.organization, actor=request.user, **fields
            )
        event = selectors.events_for_staff(membership.organization).get(pk=event.pk)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


class EventDetailView(EventsApiView):
    """One event, with the answers counted for everyone invited (numbers only); `others`
    counts the invitations of people this staff member may not see by name."""

    @extend_schema(responses=EventDetailSerializer)
    def get(self, request: Request, event_id: int) -> Response:
        membership = self.staff()
        event = access.event_for_staff(membership, event_id)
        event = selectors.events_for_staff(membership.organization).get(pk=event.pk)
        visible = selectors.invitations_of_event(event, membership).count()
        counts = dict.fromkeys(Rsvp.values, 0)
        for answer in event.invitations.values_list("rsvp", flat=True):
            counts[answer] += 1
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=membership.organization,
            target=event,
            details={"api": "event_detail", "invitations": visible},
        )
        data = {"event": event, "counts": {**counts, "others": sum(counts.values()) - visible}}
        return Response(EventDetailSerializer(data).data)


class EventInvitationListView(EventsApiView):
    """The event's invitations this staff member may see by name (a clinician: their care
    team's patients and those patients' supporters; an admin: all). POST invites patients (a
    clinician only their care team's) and, if asked, their active supporters; someone already
    invited stays as they were."""

    serializer_class = EventInvitationSerializer
    filterset_class = EventInvitationFilterSet
    paginated_methods = ("GET",)

    def open_event(self, event_id: object) -> tuple[Membership, Event]:
        membership = self.staff()
        return membership, access.event_for_staff(membership, event_id)

    @extend_schema(responses=EventInvitationSerializer(many=True))
    def get(self, request: Request, event_id: int) -> Response:
        membership, event = self.open_event(event_id)
        rows = self.filtered(selectors.invitations_of_event(event, membership))
        page = self.paginate_queryset(rows)
        audit_list(
            list_name="event_detail",
            patient_ids=[row.patient_id or row.contact.patient_id for row in page],
            request=request,
            clinic=membership.organization,
            filters={"event": event.pk, **list_filters(request.query_params)},
        )
        return self.get_paginated_response(EventInvitationSerializer(page, many=True).data)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        membership = self.membership() if getattr(self, "request", None) else None
        if membership is not None and membership.is_staff_role:
            context[INVITEABLE_CONTEXT_KEY] = selectors.inviteable_patients(membership)
        return context

    @extend_schema(request=EventInviteSerializer, responses={201: EventInviteResultSerializer})
    def post(self, request: Request, event_id: int) -> Response:
        _membership, event = self.open_event(event_id)
        fields = self.parse(EventInviteSerializer, request.data)
        with service_errors():
            created = services.event_invite(
                event=event,
                actor=request.user,
                patients=list(dict.fromkeys(fields["patients"])),
                include_supporters=fields["include_supporters"],
            )
        return Response({"created": created}, status=status.HTTP_201_CREATED)


class MyInvitationListView(EventsApiView):
    """The signed-in patient's or supporter's invitations to events that have not ended, in
    date order (staff: 404)."""

    serializer_class = MyEventInvitationSerializer
    filterset_class = EventInvitationFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=MyEventInvitationSerializer(many=True))
    def get(self, request: Request) -> Response:
        membership = self.member()
        if membership.role not in (Role.PATIENT, Role.SUPPORTER):
            raise NotFound
        rows = selectors.my_invitations(membership).select_related("contact__patient")
        page = self.paginate_queryset(self.filtered(rows))
        self.audit_page(api="events_invited", invitations=[row.pk for row in page])
        return self.get_paginated_response(MyEventInvitationSerializer(page, many=True).data)


class RsvpView(EventsApiView):
    """Answer an invitation: yes, no or maybe. A "yes" over the event's capacity is a 400
    and the answer stays as it was."""

    @extend_schema(request=EventRsvpSerializer, responses=MyEventInvitationSerializer)
    def post(self, request: Request, event_invitation_id: int) -> Response:
        membership = self.member()
        if membership.role not in (Role.PATIENT, Role.SUPPORTER):
            raise NotFound
        invitation = access.invitation_for_member(membership, event_invitation_id)
        fields = self.parse(EventRsvpSerializer, request.data)
        with service_errors():
            services.rsvp_set(invitation=invitation, answer=fields["rsvp"], actor=request.user)
        invitation = (
            selectors.my_invitations(membership)
            .select_related("contact__patient")
            .filter(pk=invitation.pk)
            .first()
        ) or EventInvitation.objects.select_related("event", "contact__patient").get(
            pk=invitation.pk
        )
        return Response(MyEventInvitationSerializer(invitation).data)


# --- Stories of recovery ----------------------------------------------------------------------


class PublishedStoryListView(EventsApiView):
    """Published stories of the clinic, newest first: every member reads them, under the
    byline the author chose (never their record)."""

    serializer_class = PublishedStorySerializer
    filterset_class = PublishedStoryFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=PublishedStorySerializer(many=True))
    def get(self, request: Request) -> Response:
        membership = self.member()
        rows = self.filtered(selectors.published_stories(membership.organization))
        page = self.paginate_queryset(rows)
        self.audit_page(api="stories", stories=[story.pk for story in page])
        return self.get_paginated_response(PublishedStorySerializer(page, many=True).data)


class MyStoryListView(EventsApiView):
    """The person's own stories (drafts staff wrote for them too). POST writes a new one as a
    draft: it is shared only after they consent and the clinic publishes it."""

    serializer_class = StorySerializer
    filterset_class = StoryFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=StorySerializer(many=True))
    def get(self, request: Request) -> Response:
        patient = own_patient_record(self.membership())
        response = self.paginated(self.filtered(selectors.stories_of_patient(patient)))
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=patient.clinic,
            patient=patient,
            details={"api": "my_stories"},
        )
        return response

    @extend_schema(request=StoryWriteSerializer, responses={201: StorySerializer})
    def post(self, request: Request) -> Response:
        patient = own_patient_record(self.membership())
        fields = self.parse(StoryWriteSerializer, request.data)
        with service_errors():
            story = services.story_save(patient=patient, actor=request.user, **story_fields(fields))
        return Response(StorySerializer(story).data, status=status.HTTP_201_CREATED)


class PatientStoryDraftView(ChartApiView):
    """Staff start a draft for a patient whose chart they may open; the patient reads it and
    consents (or not) before it can be published."""

    @extend_schema(request=StoryWriteSerializer, responses={201: StorySerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        self.staff_membership()
        patient = patient_for_staff(self.membership(), patient_id)
        fields = self.parse(StoryWriteSerializer, request.data)
        with service_errors():
            story = services.story_save(patient=patient, actor=request.user, **story_fields(fields))
        return Response(StorySerializer(story).data, status=status.HTTP_201_CREATED)


class StoryReviewListView(EventsApiView):
    """For staff: stories waiting to be published and published ones, and the drafts this
    staff member started for patients."""

    serializer_class = StorySerializer
    filterset_class = StoryFilterSet
    paginated_methods = ("GET",)

    def rows(self, membership: Membership) -> QuerySet[Story]:
        clinic, user_id = membership.organization, membership.user_id
        waiting = selectors.stories_for_review(clinic).values("pk")
        drafts = selectors.drafts_started_by(clinic, user_id).values("pk")
        return Story.objects.filter(Q(pk__in=waiting) | Q(pk__in=drafts)).order_by(
            "-status", "-updated_at", "-pk"
        )

    @extend_schema(responses=StorySerializer(many=True))
    def get(self, request: Request) -> Response:
        membership = self.staff()
        page = self.paginate_queryset(self.filtered(self.rows(membership)))
        self.audit_page(api="story_review", stories=[story.pk for story in page])
        return self.get_paginated_response(StorySerializer(page, many=True).data)


class StoryDetailView(EventsApiView):
    """One story: its author, or staff who may open the patient's chart. PUT rewrites it and
    makes it a draft again (the consent covered the old words). Staff change a draft only
    (403 otherwise); supporters: 404."""

    def open_story(self) -> Story:
        membership = self.member()
        story_id = self.kwargs["story_id"]
        if membership.role == Role.PATIENT:
            return access.story_for_author(membership, story_id)
        if membership.role == Role.SUPPORTER:
            raise NotFound
        story = access.story_for_staff(membership, story_id)
        patient_for_staff(membership, story.patient_id)  # 404 off the chart
        return story

    @extend_schema(responses=StorySerializer)
    def get(self, request: Request, story_id: int) -> Response:
        story = self.open_story()
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=story.patient.clinic,
            target=story,
            patient=story.patient,
            details={"api": "story"},
        )
        return Response(StorySerializer(story).data)

    @extend_schema(request=StoryWriteSerializer, responses=StorySerializer)
    def put(self, request: Request, story_id: int) -> Response:
        story = self.open_story()
        if self.membership().role != Role.PATIENT and not access.story_editable_by_staff(story):
            raise PermissionDenied(STAFF_EDIT_DRAFTS_ONLY)
        fields = self.parse(StoryWriteSerializer, request.data)
        with service_errors():
            story = services.story_save(
                patient=story.patient, actor=request.user, story=story, **story_fields(fields)
            )
        return Response(StorySerializer(story).data)


class StoryConsentView(EventsApiView):
    """The person's written consent to share their story: GET shows the words they agree to
    and the byline readers will see; POST with their full name and `agree` gives it. The
    story then waits for the clinic to publish it."""

    @extend_schema(responses=StoryConsentTextSerializer)
    def get(self, request: Request, story_id: int) -> Response:
        story = access.story_for_author(self.membership(), story_id)
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=story.patient.clinic,
            target=story,
            patient=story.patient,
            details={"api": "story_consent"},
        )
        data = {
            "story": story,
            "consent_text": services.consent_text_for(story),
            "byline": services.byline_for(story),
            "can_consent": story.status in {StoryStatus.DRAFT, StoryStatus.WITHDRAWN},
        }
        return Response(StoryConsentTextSerializer(data).data)

    @extend_schema(request=StoryConsentSerializer, responses=StorySerializer)
    def post(self, request: Request, story_id: int) -> Response:
        story = access.story_for_author(self.membership(), story_id)
        fields = self.parse(StoryConsentSerializer, request.data)
        with service_errors():
            story = services.story_consent(story=story, actor=request.user, **fields)
        return Response(StorySerializer(story).data)


class StoryWithdrawView(EventsApiView):
    """The person takes their story back, at any time: it leaves the published list at once
    and the consent ends."""

    @extend_schema(request=None, responses=StorySerializer)
    def post(self, request: Request, story_id: int) -> Response:
        story = access.story_for_author(self.membership(), story_id)
        with service_errors():
            story = services.story_withdraw(story=story, actor=request.user)
        return Response(StorySerializer(story).data)


class StoryPublishView(EventsApiView):
    """Publish a story the person consented to (staff); without that consent, a 400."""

    @extend_schema(request=None, responses=StorySerializer)
    def post(self, request: Request, story_id: int) -> Response:
        story = access.story_for_staff(self.staff(), story_id)
        with service_errors():
            story = services.story_publish(story=story, actor=request.user)
        return Response(StorySerializer(story).data)
