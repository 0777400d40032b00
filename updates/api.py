"""REST API of updates, mounted under /api/v1/. Each view opens what it touches through
updates.access (404 outside it, as on the pages) and calls the page's service
(updates/services.py), which checks the rules and audits the write.

- me/updates/...: the person's own updates (post, read, delete) and hiding a reply.
- patients/{patient_id}/updates/: the care team reads them and posts on the person's behalf
  (clinic admins read).
- supporter/updates/...: a supporter's feed across the people who share updates with them, a
  reaction (PUT/DELETE) and a reply. Without `updates` in a consent in force: nothing, 404.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView, StrictJSONParser, StrictMultiPartParser, service_errors
from accounts.models import Membership, Role
from audit.models import Action
from audit.services import audit_record
from coping.access import own_patient_record
from networks.serializers import REDISCLOSURE_NOTICE
from patients.api import ChartApiView
from patients.models import Patient
from updates import access, selectors, services
from updates.serializers import (
    FeedFilterSet,
    FeedUpdateSerializer,
    ReactionSetSerializer,
    ReplyCreateSerializer,
    ReplySerializer,
    UpdateCreateSerializer,
    UpdateFilterSet,
    UpdateSerializer,
)


def _post(view: ApiView, patient: Patient, *, on_behalf: bool) -> Response:
    """Parse and post an update for `patient` (the page's rule, through the service)."""
    fields = view.parse(UpdateCreateSerializer, view.request.data)
    allowed = access.allowed_audience(patient)
    if fields["everyone"]:
        audience = allowed
    else:
        wanted = set(fields["audience"])
        audience = list(patient.contacts.filter(pk__in=wanted))
        if len(audience) != len(wanted):
            raise_field("audience", _("Choose only people of this person's network."))
    with service_errors():
        update = services.update_post(
            patient=patient,
            author=view.request.user,
            text=fields["text"],
            audience=audience,
            photo=fields.get("photo"),
            on_behalf=on_behalf,
            request=view.request,
        )
    update = selectors.updates_of_patient(patient).get(pk=update.pk)
    return Response(UpdateSerializer(update).data, status=status.HTTP_201_CREATED)


def raise_field(name: str, text: object) -> None:
    with service_errors():
        raise ValidationError({name: [str(text)]})


# --- The person's own ------------------------------------------------------------------------


class MyUpdatesView(ApiView):
    def own_patient(self) -> Patient:
        patient = own_patient_record(self.membership())
        patient.clinic = self.membership().organization
        return patient

    def audit_read(self, patient: Patient, api: str) -> None:
        audit_record(
            action=Action.VIEW,
            request=self.request,
            clinic=patient.clinic,
            target=patient,
            patient=patient,
            details={"api": api},
        )


class MyUpdateListView(MyUpdatesView):
    """The person's own updates, newest first, with reactions and replies (hidden ones
    marked). POST shares a new one with chosen people of their network."""

    serializer_class = UpdateSerializer
    filterset_class = UpdateFilterSet
    paginated_methods = ("GET",)
    parser_classes = [StrictJSONParser, StrictMultiPartParser]

    @extend_schema(responses=UpdateSerializer(many=True))
    def get(self, request: Request) -> Response:
        patient = self.own_patient()
        response = self.paginated(self.filtered(selectors.updates_of_patient(patient)))
        self.audit_read(patient, "my-updates")
        return response

    @extend_schema(request=UpdateCreateSerializer, responses={201: UpdateSerializer})
    def post(self, request: Request) -> Response:
        return _post(self, self.own_patient(), on_behalf=False)


class MyUpdateDetailView(MyUpdatesView):
    """One of the person's updates. DELETE takes it down (no one sees it any more)."""

    serializer_class = UpdateSerializer

    @extend_schema(responses=UpdateSerializer)
    def get(self, request: Request, update_id: int) -> Response:
        patient = self.own_patient()
        update = access.update_of_patient(patient, update_id)
        update = selectors.updates_of_patient(patient).get(pk=update.pk)
        self.audit_read(patient, "my-update")
        return Response(UpdateSerializer(update).data)

    @extend_schema(responses={204: OpenApiResponse(description=_("Deleted."))})
    def delete(self, request: Request, update_id: int) -> Response:
        update = access.update_of_patient(self.own_patient(), update_id)
        services.update_delete(update=update, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyReplyHideView(MyUpdatesView):
    """POST hides a reply from everyone but its writer; DELETE shows it again."""

    serializer_class = ReplySerializer

    def reply(self, update_id: int, reply_id: int) -> Any:
        update = access.update_of_patient(self.own_patient(), update_id)
        reply = access.reply_of_update(update, reply_id)
        reply.update = update
        return reply

    @extend_schema(request=None, responses=ReplySerializer)
    def post(self, request: Request, update_id: int, reply_id: int) -> Response:
        reply = services.reply_hide(
            reply=self.reply(update_id, reply_id), actor=request.user, request=request
        )
        return Response(ReplySerializer(reply).data)

    @extend_schema(responses=ReplySerializer)
    def delete(self, request: Request, update_id: int, reply_id: int) -> Response:
        reply = services.reply_unhide(
            reply=self.reply(update_id, reply_id), actor=request.user, request=request
        )
        return Response(ReplySerializer(reply).data)


# --- The care team ------------------------------------------------------------------------------


class PatientUpdateListView(ChartApiView):
    """A patient's updates on the chart. POST (the care team) posts one on their behalf,
    marked as posted by you for them."""

    serializer_class = UpdateSerializer
    filterset_class = UpdateFilterSet
    paginated_methods = ("GET",)
    parser_classes = [StrictJSONParser, StrictMultiPartParser]

    @extend_schema(responses=UpdateSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient()
        return self.paginated(self.filtered(selectors.updates_of_patient(patient)))

    @extend_schema(request=UpdateCreateSerializer, responses={201: UpdateSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        return _post(self, self.editable_patient(), on_behalf=True)


# --- Supporters -----------------------------------------------------------------------------------


class SupporterUpdatesView(ApiView):
    def supporter(self) -> Membership:
        membership = self.membership()
        if membership is None or membership.role != Role.SUPPORTER:
            raise NotFound
        return membership

    def shared_update(self, update_id: int) -> tuple[Any, Any]:
        membership = self.supporter()
        return access.update_for_supporter(self.request.user, membership.organization, update_id)


class SupporterFeedView(SupporterUpdatesView):
    """The updates shared with this supporter, newest first, across the people who share
    them (a consent in force that includes updates, and chosen for the update). Reading them
    marks them seen (the weekly digest lists the others). The replies are those not hidden,
    and their own. The confidentiality notice applies to everything here."""

    serializer_class = FeedUpdateSerializer
    filterset_class = FeedFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=FeedUpdateSerializer(many=True))
    def get(self, request: Request) -> Response:
        membership = self.supporter()
        contacts = access.supporter_contacts(request.user, membership.organization)
        page = self.paginate_queryset(self.filtered(selectors.feed_rows(contacts)))
        updates = selectors.decorate(list(page), contacts)
        services.updates_mark_seen(
            contact_updates=[(u.contact.pk, u.pk) for u in updates if u.contact]
        )
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=membership.organization,
            details={"api": "supporter-updates", "updates": [u.pk for u in updates]},
        )
        response = self.get_paginated_response(FeedUpdateSerializer(updates, many=True).data)
        response.data["redisclosure_notice"] = str(REDISCLOSURE_NOTICE)
        return response


class SupporterReactionView(SupporterUpdatesView):
    """PUT sets this supporter's reaction to the update (one each, changeable); DELETE
    removes it."""

    serializer_class = ReactionSetSerializer

    @extend_schema(request=ReactionSetSerializer, responses=ReactionSetSerializer)
    def put(self, request: Request, update_id: int) -> Response:
        update, contact = self.shared_update(update_id)
        fields = self.parse(ReactionSetSerializer, request.data)
        with service_errors():
            reaction = services.reaction_set(
                update=update, contact=contact, kind=fields["kind"], request=request
            )
        return Response({"kind": reaction.kind})

    @extend_schema(responses={204: OpenApiResponse(description=_("Removed, or there was none."))})
    def delete(self, request: Request, update_id: int) -> Response:
        update, contact = self.shared_update(update_id)
        with service_errors():
            services.reaction_remove(update=update, contact=contact, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SupporterReplyView(SupporterUpdatesView):
    """A few encouraging words in answer to the update (280 characters at most)."""

    serializer_class = ReplySerializer

    @extend_schema(request=ReplyCreateSerializer, responses={201: ReplySerializer})
    def post(self, request: Request, update_id: int) -> Response:
        update, contact = self.shared_update(update_id)
        fields = self.parse(ReplyCreateSerializer, request.data)
        with service_errors():
            reply = services.reply_post(
                update=update, contact=contact, text=fields["text"], request=request
            )
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)


# --- The photo --------------------------------------------------------------------------------


class JpegRenderer(BaseRenderer):
    """Accepts `Accept: image/jpeg`; the photo itself is a file response, and errors are JSON in
    the one error shape."""

    media_type = "image/jpeg"
    format = "jpg"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return b""


class UpdatePhotoView(ApiView):
    """An update's photo (a JPEG re-encoded without metadata), for those who may read the
    update: the person, their care team (clinic admins read) and the supporters it was shared
    with while `updates` is in force. Audited; never cached."""

    renderer_classes = [JSONRenderer, JpegRenderer]

    @extend_schema(
        responses={
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description=_("The photo."))
        }
    )
    def get(self, request: Request, update_id: int) -> FileResponse:
        update = access.update_for_viewer(self.membership(), request.user, update_id)
        if not update.photo:
            raise NotFound
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=self.membership().organization,
            target=update,
            patient=update.patient,
            details={"api": "update-photo", "photo": update.pk},
        )
        response = FileResponse(update.photo.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, no-store"
        return response
