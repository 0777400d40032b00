"""REST API of education articles, the community directory and a person's attached resources,
mounted under /api/v1/. The pages' rules (resources.access) and services (resources/services.py,
which audit every write) are used as they are.

- resources/articles/ and resources/community/: every member of the clinic reads published
  articles and listed entries; the clinic's admins also see drafts and unlisted entries, and
  are the only ones who write (403 for the others, who may read).
- patients/{patient_id}/resources/: the person themself and the staff who may open the chart
  (coping access): the person and the care team attach and remove, clinic admins read (403).
"""

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView, service_errors
from accounts.models import Membership
from coping.api import CopingPatientView
from resources import access, selectors, services
from resources.models import Article, CommunityResource, PatientResource
from resources.serializers import (
    ATTACHABLE_CONTEXT_KEY,
    ArticleFilterSet,
    ArticlePublishSerializer,
    ArticleSerializer,
    ArticleSummarySerializer,
    CommunityResourceActiveSerializer,
    CommunityResourceFilterSet,
    CommunityResourceSerializer,
    PatientResourceAttachSerializer,
    PatientResourceFilterSet,
    PatientResourceSerializer,
)

ADMINS_MANAGE = _("Only the clinic's admins manage articles and the community directory.")
PATIENT_READ_ONLY = _(
    "Clinic admins can read a patient's resources but not change them. The person in recovery "
    "or their care team makes changes."
)


class LibraryApiView(ApiView):
    """Articles and the directory: members read, admins write (403 for a reader)."""

    def member(self) -> Membership:
        membership = self.membership()
        if membership is None:
            raise NotFound
        return membership

    def admin(self) -> Membership:
        membership = self.member()
        if not membership.is_admin:
            raise PermissionDenied(ADMINS_MANAGE)
        return membership


# --- Articles ---------------------------------------------------------------------------------


class ArticleListView(LibraryApiView):
    """The clinic's articles by title, without their bodies: published ones for readers
    (`audience` narrows to those written for a group), drafts too for admins. POST writes an
    article (admins)."""

    serializer_class = ArticleSummarySerializer
    filterset_class = ArticleFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=ArticleSummarySerializer(many=True))
    def get(self, request: Request) -> Response:
        membership = self.member()
        clinic = membership.organization
        if membership.is_admin:
            rows = selectors.articles_for_admin(clinic)
        else:
            rows = selectors.published_articles(clinic)
        return self.paginated(self.filtered(rows))

    @extend_schema(request=ArticleSerializer, responses={201: ArticleSerializer})
    def post(self, request: Request) -> Response:
        membership = self.admin()
        fields = self.parse(ArticleSerializer, request.data)
        with service_errors():
            article = services.article_save(
                clinic=membership.organization, actor=request.user, values=fields, request=request
            )
        return Response(ArticleSerializer(article).data, status=status.HTTP_201_CREATED)


class ArticleDetailView(LibraryApiView):
    """One article with its body (a reader: published ones only). PUT/PATCH change it
    (admins)."""

    serializer_class = ArticleSerializer

    def open_article(self, membership: Membership, article_id: int) -> Article:
        rows = Article.objects.filter(clinic_id=membership.organization_id)
        if not membership.is_admin:
            rows = rows.filter(is_published=True)
        return get_object_or_404(rows, pk=article_id)

    @extend_schema(responses=ArticleSerializer)
    def get(self, request: Request, article_id: int) -> Response:
        return Response(ArticleSerializer(self.open_article(self.member(), article_id)).data)

    @extend_schema(request=ArticleSerializer, responses=ArticleSerializer)
    def put(self, request: Request, article_id: int) -> Response:
        return self.update(request, article_id, partial=False)

    @extend_schema(request=ArticleSerializer, responses=ArticleSerializer)
    def patch(self, request: Request, article_id: int) -> Response:
        return self.update(request, article_id, partial=True)

    def update(self, request: Request, article_id: int, *, partial: bool) -> Response:
        membership = self.member()
        article = self.open_article(membership, article_id)
        self.admin()
        fields = self.parse(ArticleSerializer, request.data, partial=partial)
        with service_errors():
            article = services.article_save(
                clinic=membership.organization,
                actor=request.user,
                values=fields,
                article=article,
                request=request,
            )
        return Response(ArticleSerializer(article).data)


class ArticlePublishView(LibraryApiView):
    """Publish an article, or take it back to draft (admins)."""

    @extend_schema(request=ArticlePublishSerializer, responses=ArticleSerializer)
    def post(self, request: Request, article_id: int) -> Response:
        membership = self.admin()
        article = access.article_for_admin(membership, article_id)
        fields = self.parse(ArticlePublishSerializer, request.data)
        with service_errors():
            article = services.article_publish(
                article=article, actor=request.user, published=fields["published"], request=request
            )
        return Response(ArticleSerializer(article).data)


# --- The community directory ------------------------------------------------------------------


class CommunityResourceListView(LibraryApiView):
    """The clinic's directory of community partners by name: listed entries for everyone
    (`kind`, `q` for a name in either language), unlisted ones too for admins. POST adds an
    entry (admins)."""

    serializer_class = CommunityResourceSerializer
    filterset_class = CommunityResourceFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=CommunityResourceSerializer(many=True))
    def get(self, request: Request) -> Response:
        membership = self.member()
        clinic = membership.organization
        if membership.is_admin:
            rows = selectors.resources_for_admin(clinic)
        else:
            rows = selectors.directory(clinic)
        return self.paginated(self.filtered(rows))

    @extend_schema(
        request=CommunityResourceSerializer, responses={201: CommunityResourceSerializer}
    )
    def post(self, request: Request) -> Response:
        membership = self.admin()
        fields = self.parse(CommunityResourceSerializer, request.data)
        with service_errors():
            resource = services.resource_save(
                clinic=membership.organization, actor=request.user, values=fields, request=request
            )
        return Response(CommunityResourceSerializer(resource).data, status=status.HTTP_201_CREATED)


class CommunityResourceDetailView(LibraryApiView):
    """One directory entry (a reader: listed ones only). PUT/PATCH change it (admins)."""

    serializer_class = CommunityResourceSerializer

    def open_resource(self, membership: Membership, resource_id: int) -> CommunityResource:
        rows = CommunityResource.objects.filter(clinic_id=membership.organization_id)
        if not membership.is_admin:
            rows = rows.filter(is_active=True)
        return get_object_or_404(rows, pk=resource_id)

    @extend_schema(responses=CommunityResourceSerializer)
    def get(self, request: Request, resource_id: int) -> Response:
        resource = self.open_resource(self.member(), resource_id)
        return Response(CommunityResourceSerializer(resource).data)

    @extend_schema(request=CommunityResourceSerializer, responses=CommunityResourceSerializer)
    def put(self, request: Request, resource_id: int) -> Response:
        return self.update(request, resource_id, partial=False)

    @extend_schema(request=CommunityResourceSerializer, responses=CommunityResourceSerializer)
    def patch(self, request: Request, resource_id: int) -> Response:
        return self.update(request, resource_id, partial=True)

    def update(self, request: Request, resource_id: int, *, partial: bool) -> Response:
        membership = self.member()
        resource = self.open_resource(membership, resource_id)
        self.admin()
        fields = self.parse(CommunityResourceSerializer, request.data, partial=partial)
        with service_errors():
            resource = services.resource_save(
                clinic=membership.organization,
                actor=request.user,
                values=fields,
                resource=resource,
                request=request,
            )
        return Response(CommunityResourceSerializer(resource).data)


class CommunityResourceActiveView(LibraryApiView):
    """List an entry in the directory again, or take it off (admins). History is kept: an
    entry attached to someone stays on their list."""

    @extend_schema(request=CommunityResourceActiveSerializer, responses=CommunityResourceSerializer)
    def post(self, request: Request, resource_id: int) -> Response:
        membership = self.admin()
        resource = access.resource_for_admin(membership, resource_id)
        fields = self.parse(CommunityResourceActiveSerializer, request.data)
        with service_errors():
            resource = services.resource_set_active(
                resource=resource, actor=request.user, active=fields["active"], request=request
            )
        return Response(CommunityResourceSerializer(resource).data)


# --- One person's resources -------------------------------------------------------------------


class PatientResourceListView(CopingPatientView):
    """The community resources suggested to the person, newest first. POST attaches an active
    entry of the clinic's directory not on the list yet."""

    read_only_message = PATIENT_READ_ONLY
    serializer_class = PatientResourceSerializer
    filterset_class = PatientResourceFilterSet
    paginated_methods = ("GET",)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context[ATTACHABLE_CONTEXT_KEY] = getattr(self, "attachable", None)
        return context

    @extend_schema(responses=PatientResourceSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        response = self.paginated(self.filtered(selectors.patient_resources(patient)))
        self.audit_view(patient, "resources")
        return response

    @extend_schema(
        request=PatientResourceAttachSerializer, responses={201: PatientResourceSerializer}
    )
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        self.attachable = selectors.attachable_resources(patient)
        fields = self.parse(PatientResourceAttachSerializer, request.data)
        with service_errors():
            link = services.patient_resource_attach(
                patient=patient,
                resource=fields["resource"],
                actor=request.user,
                note=fields["note"],
                request=request,
            )
        link = selectors.patient_resources(patient).get(pk=link.pk)
        return Response(PatientResourceSerializer(link).data, status=status.HTTP_201_CREATED)


class PatientResourceDetailView(CopingPatientView):
    """One resource on the person's list; DELETE takes it off the list (the directory entry
    stays)."""

    read_only_message = PATIENT_READ_ONLY

    def link(self, patient_id: int, link_id: int) -> PatientResource:
        patient = self.open_patient(patient_id)
        link = get_object_or_404(selectors.patient_resources(patient), pk=link_id)
        link.patient = patient  # opened above, with its clinic
        return link

    @extend_schema(responses=PatientResourceSerializer)
    def get(self, request: Request, patient_id: int, link_id: int) -> Response:
        link = self.link(patient_id, link_id)
        self.audit_view(link.patient, "resource", link=link.pk)
        return Response(PatientResourceSerializer(link).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, patient_id: int, link_id: int) -> Response:
        link = self.link(patient_id, link_id)
        self.check_can_edit(link.patient)
        services.patient_resource_detach(link=link, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
