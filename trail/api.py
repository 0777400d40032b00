"""GET /api/v1/audit-events/: the clinic's audit trail for its admins, read only.

The same filters as the page (`who`, `patient`, `action`, `date_from`, `date_to`), validated by
the same form: a bad value answers 400 with field errors. Anyone but an admin of the clinic the
request acts in gets 404; there is no way to write, change or remove an event (405).
"""

from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound

from accounts.api_base import CLINIC_PARAMETER, ApiView, api_membership
from audit.models import Action, AuditEvent
from audit.services import audit_record
from trail.forms import AuditFilterForm
from trail.selectors import events_of_clinic, filter_events


class AuditEventSerializer(serializers.ModelSerializer):
    actor_email = serializers.SerializerMethodField()
    actor_name = serializers.SerializerMethodField()
    actor_role = serializers.CharField(read_only=True, allow_null=True)
    patient_mrn = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor",
            "actor_email",
            "actor_name",
            "actor_role",
            "action",
            "patient",
            "patient_mrn",
            "object_type",
            "object_id",
            "ip_address",
            "details",
        ]
        read_only_fields = fields

    def get_actor_email(self, event: AuditEvent) -> str:
        return event.actor.email if event.actor_id else ""

    def get_actor_name(self, event: AuditEvent) -> str:
        return event.actor.full_name if event.actor_id else ""

    def get_patient_mrn(self, event: AuditEvent) -> str:
        return event.patient.mrn if event.patient_id else ""


FILTER_PARAMETERS = [
    OpenApiParameter("who", str, description="Name or email of the person who acted contains."),
    OpenApiParameter("patient", str, description="Patient's name or MRN contains."),
    OpenApiParameter("action", str, enum=Action.values),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="From this day (1900-2199)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="To this day (1900-2199)."),
]


@extend_schema_view(get=extend_schema(parameters=FILTER_PARAMETERS))
class AuditEventListView(ApiView, generics.ListAPIView):
    serializer_class = AuditEventSerializer
    paginated_methods = ("GET",)

    def query_parameters(self, method: str) -> set[str]:
        filters = {CLINIC_PARAMETER, *AuditFilterForm.base_fields}
        return super().query_parameters(method) | filters

    def blank_parameters(self, method: str) -> set[str]:
        return {"who", "patient"}

    def get_queryset(self) -> QuerySet[AuditEvent]:
        membership = api_membership(self.request)
        if membership is None or not membership.is_admin:
            raise NotFound
        form = AuditFilterForm(self.request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    name: [error["message"] for error in errors]
                    for name, errors in form.errors.get_json_data().items()
                }
            )
        clinic = membership.organization
        filters = form.filters()
        audit_record(
            action=Action.VIEW,
            request=self.request,
            clinic=clinic,
            details={"api": "audit-events", **filters.as_details()},
        )
        return filter_events(events_of_clinic(clinic), filters, ZoneInfo(clinic.time_zone))
