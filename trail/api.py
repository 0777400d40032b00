"""The audit trail's API: the clinic's trail for its admins (read only), a patient's access
report for the admin, and "who saw my information" for the person in recovery.

GET /api/v1/audit-events/: the page's filters (`who`, `patient_id`, `patient_name`, `action`,
`date_from`, `date_to`) as a FilterSet, checked by the page's form: a bad value answers 400 with
field errors. Anyone but an admin of the clinic the request acts in gets 404; there is no way to
write, change or remove an event (405). Every read here is itself audited.
"""

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_admin import AdminApiView
from accounts.api_base import ApiView, ClinicApiView, IdFilter
from accounts.models import Membership, Role
from audit.models import Action, AuditEvent
from audit.services import audit_record, list_filters
from patients.access import patient_for_staff
from patients.models import Patient
from patients.selectors import patient_record_for
from patients.serializers import request_zone
from trail.forms import PERIODS, AccessPeriodForm, AuditFilterForm
from trail.selectors import AuditFilters, access_report, events_of_clinic, filter_events


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


class AuditEventFilterSet(django_filters.FilterSet):
    """The trail page's filters; its form checks the dates (1900-2199, end not before start)."""

    who = django_filters.CharFilter(
        label=_("Name or email of the person who acted contains."), max_length=254
    )
    patient_id = IdFilter(label=_("Patient id."))
    patient_name = django_filters.CharFilter(
        label=_("Patient's name contains, or the exact MRN."), max_length=200
    )
    action = django_filters.ChoiceFilter(choices=Action.choices, label=_("Action."))
    date_from = django_filters.DateFilter(label=_("From this day (1900-2199)."))
    date_to = django_filters.DateFilter(label=_("To this day (1900-2199)."))

    class Meta:
        model = AuditEvent
        fields: tuple[str, ...] = ()
        form = AuditFilterForm

    def audit_filters(self) -> AuditFilters:
        data = self.form.cleaned_data
        return AuditFilters(
            who=(data.get("who") or "").strip(),
            patient=(data.get("patient_name") or "").strip(),
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def filter_queryset(self, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """The page's filters (trail.selectors.filter_events): dates are the clinic's days."""
        events = filter_events(queryset, self.audit_filters(), request_zone(self.request))
        patient_id = self.form.cleaned_data.get("patient_id")
        return events.filter(patient_id=patient_id) if patient_id else events


class AuditEventListView(AdminApiView):
    """The clinic's audit trail, newest first (the trail page)."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=AuditEventSerializer(many=True))
    def get(self, request: Request) -> Response:
        clinic = self.clinic()
        events = self.filtered(events_of_clinic(clinic))
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=clinic,
            details={"api": "audit-events", **list_filters(request.query_params)},
        )
        return self.paginated(events)


# --- Who saw the person's information ---------------------------------------------------------


class AccessPeriodSerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=list(PERIODS),
        required=False,
        help_text=_("30, 90 (the default) or 365 days, or all."),
    )


class AccessEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    what = serializers.CharField()
    detail = serializers.CharField()


class AccessGroupSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    is_supporter = serializers.BooleanField()
    emergency = serializers.BooleanField(help_text=_("Opened the chart with emergency access."))
    entries = AccessEntrySerializer(many=True)


class AccessReportSerializer(serializers.Serializer):
    patient = serializers.IntegerField()
    since = serializers.DateTimeField(allow_null=True)
    people = AccessGroupSerializer(many=True)


class AccessReportMixin(ApiView):
    filters = {"GET": AccessPeriodSerializer}

    def report(self, patient: Patient) -> dict[str, object]:
        period = self.query().get("period") or AccessPeriodForm.DEFAULT
        form = AccessPeriodForm({"period": period})
        since = form.since()
        return {"patient": patient.pk, "since": since, "people": access_report(patient, since)}


class PatientAccessReportView(AccessReportMixin, ClinicApiView):
    """Who saw or was sent this patient's information (the clinic admin's access report);
    clinic admins only, like the page (404 for anyone else)."""

    def find_patient(self, membership: Membership | None, patient_id: object) -> Patient:
        if membership is None or membership.role != Role.ADMIN:
            raise NotFound
        return patient_for_staff(membership, patient_id)

    def may_edit(self, patient: Patient) -> bool:
        return False

    @extend_schema(parameters=[AccessPeriodSerializer], responses=AccessReportSerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        report = self.report(patient)
        self.audit_view(patient, "access_report")
        return Response(AccessReportSerializer(report).data)


class MyAccessReportView(AccessReportMixin):
    """Who saw my information: the person in recovery's own access report (404 for anyone
    else)."""

    @extend_schema(parameters=[AccessPeriodSerializer], responses=AccessReportSerializer)
    def get(self, request: Request) -> Response:
        membership = self.membership()
        if membership is None or membership.role != Role.PATIENT:
            raise NotFound
        patient = patient_record_for(user=request.user, clinic=membership.organization)
        if patient is None:
            raise Http404
        report = self.report(patient)
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=membership.organization,
            target=patient,
            patient=patient,
            details={"api": "who_saw_my_information"},
        )
        return Response(AccessReportSerializer(report).data)
