"""REST API of the coping app: a patient's daily check-ins, assessments and coping plan, mounted
under /api/v1/patients/{patient_id}/.

Every view opens the patient through coping.access.coping_patient in the clinic the request acts
in (accounts.api_base.api_membership): the person in recovery (their own record), the care team
and clinicians with emergency access read and write; clinic admins read (403 on writes);
supporters and everyone else get 404. Reading is audited here; writes are audited by the
services, which hold the rules (one check-in per local day, scoring, alerts, plan versions).
Lists filter with django-filter (coping/serializers.py); the plan answers an ETag and takes
`If-Match` on every write (accounts/api_concurrency.py). More endpoints: coping/api_extra.py.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ClinicApiView, service_errors
from accounts.api_concurrency import (
    IF_MATCH,
    PRECONDITION_FAILED_RESPONSE,
    check_if_match,
    etag_of,
    locked,
    with_etag,
)
from accounts.models import Membership
from coping.access import CopingAccess, coping_patient
from coping.models import Assessment, CheckIn, CopingPlan, CopingPlanVersion
from coping.serializers import (
    AssessmentFilterSet,
    AssessmentSerializer,
    AssessmentSubmitSerializer,
    CheckInFilterSet,
    CheckInSerializer,
    CheckInSubmitSerializer,
    CurrentPlanSerializer,
    PlanPatchSerializer,
    PlanSaveSerializer,
    PlanVersionDetailSerializer,
    PlanVersionFilterSet,
    PlanVersionSerializer,
    normalized_content,
)
from coping.services import (
    assessment_submit,
    checkin_submit,
    current_version,
    plan_content_or_empty,
    plan_save,
)
from patients.models import Patient

READ_ONLY_MESSAGE = _(
    "Clinic admins can read a patient's check-ins, assessments and coping plan but not change them."
)


class CopingPatientView(ClinicApiView):
    """Opens the patient of the URL through coping.access: the person in recovery (their own
    record), the care team and clinicians with emergency access write, clinic admins read."""

    read_only_message = READ_ONLY_MESSAGE

    def find_patient(self, membership: Membership | None, patient_id: object) -> Patient:
        return coping_patient(membership, patient_id)

    def may_edit(self, patient: Patient) -> bool:
        return CopingAccess(self.membership(), patient).can_edit


# --- Check-ins --------------------------------------------------------------------------------


class CheckInListView(CopingPatientView):
    """Daily check-ins, newest first. POST submits today's, in the patient's own time zone: it
    creates the day's check-in (201) or updates it if there is one already (200)."""

    serializer_class = CheckInSerializer
    filterset_class = CheckInFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=CheckInSerializer(many=True))
    def get(self, request: Request, **kwargs: object) -> Response:
        patient = self.open_patient()
        checkins: QuerySet[CheckIn] = patient.checkins.order_by("-local_date", "-id")
        response = self.paginated(self.filtered(checkins))
        self.audit_view(patient, "checkins")
        return response

    @extend_schema(
        request=CheckInSubmitSerializer,
        responses={
            201: OpenApiResponse(CheckInSerializer, description=_("Today's check-in, created.")),
            200: OpenApiResponse(CheckInSerializer, description=_("Today's check-in, updated.")),
        },
    )
    def post(self, request: Request, **kwargs: object) -> Response:
        patient = self.editable_patient()
        fields = self.parse(CheckInSubmitSerializer, request.data)
        with service_errors():
            checkin, created = checkin_submit(
                patient=patient, actor=request.user, request=request, **fields
            )
        return Response(
            CheckInSerializer(checkin).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# --- Assessments ------------------------------------------------------------------------------


class AssessmentListView(CopingPatientView):
    """Completed assessments (PHQ-9, GAD-7, BRS, BARC-10), newest first; `?instrument=` keeps
    one instrument. POST scores answers as published and raises the alerts they call for (the
    page of one instrument, `assessment_new`, posts the same)."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=AssessmentSerializer(many=True))
    def get(self, request: Request, **kwargs: object) -> Response:
        patient = self.open_patient()
        assessments: QuerySet[Assessment] = patient.assessments.order_by("-created_at", "-id")
        response = self.paginated(self.filtered(assessments))
        self.audit_view(patient, "assessments")
        return response

    @extend_schema(request=AssessmentSubmitSerializer, responses={201: AssessmentSerializer})
    def post(self, request: Request, **kwargs: object) -> Response:
        patient = self.editable_patient()
        fields = self.parse(AssessmentSubmitSerializer, request.data)
        with service_errors():
            assessment = assessment_submit(
                patient=patient, actor=request.user, request=request, **fields
            )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


# --- Coping plan ------------------------------------------------------------------------------


def current_plan_data(patient: Patient, version: CopingPlanVersion | None) -> dict[str, Any]:
    """The current plan as CurrentPlanSerializer shows it; an empty plan before the first save."""
    if version is None:
        return {
            "version": None,
            "content": plan_content_or_empty(patient),
            "change_summary": "",
            "author": None,
            "author_name": None,
            "created_at": None,
            "restored_from": None,
        }
    return {
        "version": version.number,
        "content": version.content,
        "change_summary": version.change_summary,
        "author": version.author_id,
        "author_name": version.author.display_name if version.author else None,
        "created_at": version.created_at,
        "restored_from": version.restored_from.number if version.restored_from else None,
    }


def plan_representation(patient: Patient, version: CopingPlanVersion | None) -> dict[str, Any]:
    """What GET answers for the current plan: its ETag is the hash of exactly this."""
    return CurrentPlanSerializer(current_plan_data(patient, version)).data


@contextmanager
def plan_write(request: Request, patient: Patient) -> Iterator[None]:
    """A write of the plan that keeps `If-Match`: the patient's plan row is locked (created
    first if need be) so two writers queue up, and a stale tag is a 412 with nothing saved."""
    with transaction.atomic():
        plan, _created = CopingPlan.objects.get_or_create(patient=patient)
        locked(CopingPlan.objects.all(), plan.pk)
        check_if_match(request, etag_of(plan_representation(patient, current_version(patient))))
        yield


def plan_response(patient: Patient, version: CopingPlanVersion, status_code: int) -> Response:
    data = plan_representation(patient, version)
    return with_etag(Response(data, status=status_code), etag_of(data))


PLAN_WRITE_RESPONSES = {
    201: OpenApiResponse(CurrentPlanSerializer, description=_("Saved as a new version.")),
    **PRECONDITION_FAILED_RESPONSE,
}


class CopingPlanView(CopingPatientView):
    """The current coping plan, with an `ETag`. PUT (or POST) saves the whole plan as a new
    version, PATCH replaces only the sections it sends; earlier versions never change. Send the
    ETag of your read as `If-Match`: if someone saved since, the answer is 412 and nothing is
    saved (without `If-Match` the save is accepted)."""

    serializer_class = CurrentPlanSerializer

    @extend_schema(responses=CurrentPlanSerializer)
    def get(self, request: Request, **kwargs: object) -> Response:
        patient = self.open_patient()
        data = plan_representation(patient, current_version(patient))
        self.audit_view(patient, "coping-plan")
        return with_etag(Response(data), etag_of(data))

    @extend_schema(
        request=PlanSaveSerializer, parameters=[IF_MATCH], responses=PLAN_WRITE_RESPONSES
    )
    def put(self, request: Request, **kwargs: object) -> Response:
        return self.save(request)

    @extend_schema(
        request=PlanSaveSerializer, parameters=[IF_MATCH], responses=PLAN_WRITE_RESPONSES
    )
    def post(self, request: Request, **kwargs: object) -> Response:
        return self.save(request)

    @extend_schema(
        request=PlanPatchSerializer, parameters=[IF_MATCH], responses=PLAN_WRITE_RESPONSES
    )
    def patch(self, request: Request, **kwargs: object) -> Response:
        patient = self.editable_patient()
        fields = self.parse(PlanPatchSerializer, request.data)
        with plan_write(request, patient), service_errors():
            content = {**plan_content_or_empty(patient), **fields["content"]}
            version = plan_save(
                patient=patient,
                content=normalized_content(content),
                actor=request.user,
                change_summary=fields["change_summary"],
                request=request,
            )
        return plan_response(patient, version, status.HTTP_201_CREATED)

    def save(self, request: Request) -> Response:
        patient = self.editable_patient()
        fields = self.parse(PlanSaveSerializer, request.data)
        with plan_write(request, patient), service_errors():
            version = plan_save(patient=patient, actor=request.user, request=request, **fields)
        return plan_response(patient, version, status.HTTP_201_CREATED)


def plan_versions(patient: Patient) -> QuerySet[CopingPlanVersion]:
    return (
        CopingPlanVersion.objects.filter(plan__patient=patient)
        .select_related("author", "restored_from")
        .order_by("-number")
    )


class PlanVersionListView(CopingPatientView):
    """Every saved version of the plan, newest first (without content)."""

    serializer_class = PlanVersionSerializer
    filterset_class = PlanVersionFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=PlanVersionSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient()
        response = self.paginated(self.filtered(plan_versions(patient)))
        self.audit_view(patient, "coping-plan-versions")
        return response


class PlanVersionDetailView(CopingPatientView):
    """One saved version of the plan, with its content."""

    serializer_class = PlanVersionDetailSerializer

    @extend_schema(responses=PlanVersionDetailSerializer)
    def get(self, request: Request, patient_id: int, number: int) -> Response:
        patient = self.open_patient()
        version = get_object_or_404(plan_versions(patient), number=number)
        self.audit_view(patient, "coping-plan-version", version=version.number)
        return Response(PlanVersionDetailSerializer(version).data)
