"""/api/v1/reports/<slug>/: a report's figures as JSON, for clinic admins only (404 otherwise)."""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_admin import AdminApiView
from accounts.api_base import CLINIC_PARAMETER, ApiView, api_membership, service_errors
from accounts.models import Organization, Role
from audit.models import Action
from audit.services import audit_record
from patients.models import PatientStatus
from reports.filters import ReportFilterForm
from reports.forms import HIGHEST, LOWEST
from reports.models import small_number_threshold
from reports.registry import REPORTS, SLUGS, Result, database_ready
from reports.services import report_settings_save


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Promise) else value


def result_json(result: Result) -> dict[str, Any]:
    chart = result.chart
    return {
        "tables": [
            {
                "key": table.key,
                "title": str(table.title),
                "columns": [
                    {"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns
                ],
                "rows": [{k: _plain(v) for k, v in row.items()} for row in table.rows],
                "totals": (
                    {k: _plain(v) for k, v in table.totals.items()}
                    if table.totals is not None
                    else None
                ),
            }
            for table in result.tables
        ],
        "chart": None
        if chart is None
        else {"kind": chart.kind, "labels": chart.labels, "datasets": chart.datasets},
        "notes": [str(note) for note in result.notes],
    }


FILTER_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day, YYYY-MM-DD (default: 29 days ago)"
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, YYYY-MM-DD (default: today)"),
    OpenApiParameter("program", int, description="A program id of the clinic"),
    OpenApiParameter("clinician", int, description="A clinician's user id"),
    OpenApiParameter(
        "status", str, enum=PatientStatus.values, description="intake, active, discharged or alumni"
    ),
]


class ReportView(ApiView):
    def query_parameters(self, method: str) -> set[str]:
        return {CLINIC_PARAMETER, *(parameter.name for parameter in FILTER_PARAMETERS)}

    @extend_schema(
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH, enum=list(SLUGS)),
            *FILTER_PARAMETERS,
        ],
        responses={
            200: dict,
            503: OpenApiResponse(description="Reports need PostgreSQL; this one runs on SQLite."),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        membership = api_membership(request)
        report = REPORTS.get(slug)
        if membership is None or membership.role != Role.ADMIN or report is None:
            raise NotFound
        clinic = membership.organization
        form = ReportFilterForm(request.query_params, clinic=clinic)
        if not form.is_valid():
            raise ValidationError(form.field_errors())
        if not database_ready():
            detail = _("Reports need PostgreSQL; this installation runs on SQLite.")
            return Response({"detail": detail}, status=503)
        filters = form.filters()
        result = report.build(clinic, filters)
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=clinic,
            details={"report": slug, "filters": filters.as_dict(), "api": True},
        )
        return Response(
            {
                "report": slug,
                "title": str(report.title),
                "filters": filters.as_dict(),
                **result_json(result),
            }
        )


# --- The clinic's report settings -------------------------------------------------------------


class ReportSettingsSerializer(serializers.Serializer):
    small_number_threshold = serializers.IntegerField(
        min_value=LOWEST,
        max_value=HIGHEST,
        help_text=_lazy(
            "In exports shared outside the clinic, counts of fewer patients than this are shown "
            "as a range."
        ),
    )


class ReportSettingsView(AdminApiView):
    """The clinic's report settings (the small-number threshold of exports shared outside the
    clinic), a section of the clinic settings page; clinic admins only (404 otherwise)."""

    serializer_class = ReportSettingsSerializer

    @extend_schema(responses=ReportSettingsSerializer)
    def get(self, request: Request) -> Response:
        clinic = self.clinic()
        return Response({"small_number_threshold": small_number_threshold(clinic)})

    @extend_schema(request=ReportSettingsSerializer, responses=ReportSettingsSerializer)
    def patch(self, request: Request) -> Response:
        return self.update(request)

    @extend_schema(request=ReportSettingsSerializer, responses=ReportSettingsSerializer)
    def put(self, request: Request) -> Response:
        return self.update(request)

    def update(self, request: Request) -> Response:
        clinic = Organization.objects.get(pk=self.clinic().pk)
        threshold = self.parse(ReportSettingsSerializer, request.data)["small_number_threshold"]
        with service_errors():
            saved = report_settings_save(
                clinic=clinic, threshold=threshold, actor=request.user, request=request
            )
        return Response({"small_number_threshold": saved.small_number_threshold})
