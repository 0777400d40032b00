"""REST API of the patients app: patients, care teams, setbacks, milestones, appointments and
alerts, mounted under /api/v1/.

Every view opens objects through patients.access in the clinic the request acts in (see
accounts.api_base.api_membership), so anything outside answers 404. Clinicians on the care team
(or acting with emergency access) change a chart; clinic admins read it (403 on writes). The
views parse with a serializer and call one service; the rules live in patients/services.py.
Clinical notes are not part of this API.
"""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ClinicApiView, service_errors
from accounts.models import Membership, Role
from audit.models import Action
from audit.services import audit_record
from patients import services
from patients.access import ChartAccess, patient_for_staff, patients_for_staff
from patients.milestones import anniversary, milestones_between, reached_milestones
from patients.models import Alert, Appointment, CareTeamMember, Patient, Setback
from patients.selectors import (
    PatientFilters,
    care_team_of,
    filter_patients,
    with_chart_summary,
)
from patients.serializers import (
    CLINIC_CONTEXT_KEY,
    AlertFilterSet,
    AlertResolveSerializer,
    AlertSerializer,
    AppointmentCreateSerializer,
    AppointmentFilterSerializer,
    AppointmentPatientSerializer,
    AppointmentSerializer,
    AppointmentUpdateSerializer,
    CareTeamAddSerializer,
    CareTeamEndSerializer,
    CareTeamMemberSerializer,
    MilestoneOverviewSerializer,
    MilestoneSerializer,
    PatientCreateSerializer,
    PatientFilterSerializer,
    PatientSerializer,
    PatientUpdateSerializer,
    SetbackSerializer,
)

READ_ONLY_MESSAGE = _("Clinic admins can read charts but not change them.")


class ChartApiView(ClinicApiView):
    """A chart endpoint: clinic staff open the patient through patients.access (404 outside
    it), the care team (or emergency access) writes, clinic admins read; opening is audited."""

    read_only_message = READ_ONLY_MESSAGE

    def find_patient(self, membership: Membership | None, patient_id: object) -> Patient:
        return patient_for_staff(membership, patient_id)

    def may_edit(self, patient: Patient) -> bool:
        return ChartAccess(self.staff_membership(), patient).can_edit

    def open_patient(self, patient_id: object = None) -> Patient:
        """The patient through the access rules (404 outside them); a read is audited."""
        patient = super().open_patient(patient_id)
        if self.request.method == "GET":
            self.audit_view(patient, type(self).__name__)
        return patient

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        membership = self.membership() if getattr(self, "request", None) else None
        context[CLINIC_CONTEXT_KEY] = membership.organization if membership else None
        return context


# --- Patients ---------------------------------------------------------------------------------


class PatientListView(ChartApiView):
    """Patients the user may open in the current clinic: a clinician's care-team patients (and
    emergency access), every patient for a clinic admin."""

    serializer_class = PatientSerializer
    filters = {"GET": PatientFilterSerializer}
    paginated_methods = ("GET",)

    def get_queryset(self) -> QuerySet[Patient]:
        return with_chart_summary(patients_for_staff(self.membership()))

    @extend_schema(parameters=[PatientFilterSerializer], responses=PatientSerializer(many=True))
    def get(self, request: Request) -> Response:
        self.staff_membership()  # like every chart endpoint: 404 for anyone but clinic staff
        filters = PatientFilters(**self.query())
        patients = filter_patients(patients_for_staff(self.membership()), filters)
        return self.paginated(patients, audited="api_patients")

    @extend_schema(request=PatientCreateSerializer, responses={201: PatientSerializer})
    def post(self, request: Request) -> Response:
        membership = self.staff_membership()
        if membership.role != Role.CLINICIAN:
            raise PermissionDenied(_("Only clinicians can add a patient."))
        fields = self.parse(PatientCreateSerializer, request.data)
        add_me = fields.pop("add_me_to_care_team")
        with service_errors():
            patient = services.patient_intake(
                clinic=membership.organization,
                actor=request.user,
                request=request,
                primary_clinician=request.user if add_me else None,
                **fields,
            )
        patient = with_chart_summary(Patient.objects.filter(pk=patient.pk)).get()
        return Response(PatientSerializer(patient).data, status=status.HTTP_201_CREATED)


class PatientDetailView(ChartApiView):
    """One patient. Reading the chart is audited; writes are audited by the services."""

    serializer_class = PatientSerializer

    def get_queryset(self) -> QuerySet[Patient]:
        return with_chart_summary(patients_for_staff(self.membership()))

    def summary(self, patient_id: int) -> Patient:
        return get_object_or_404(self.get_queryset(), pk=patient_id)

    @extend_schema(responses=PatientSerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.summary(patient_id)
        audit_record(
            action=Action.VIEW,
            request=request,
            clinic=self.membership().organization,
            target=patient,
            patient=patient,
        )
        return Response(PatientSerializer(patient).data)

    @extend_schema(request=PatientUpdateSerializer, responses=PatientSerializer)
    def put(self, request: Request, patient_id: int) -> Response:
        return self.update(request, patient_id, partial=False)

    @extend_schema(request=PatientUpdateSerializer, responses=PatientSerializer)
    def patch(self, request: Request, patient_id: int) -> Response:
        return self.update(request, patient_id, partial=True)

    def update(self, request: Request, patient_id: int, *, partial: bool) -> Response:
        patient = self.editable_patient(patient_id)
        fields = self.parse(PatientUpdateSerializer, request.data, partial=partial)
        new_status = fields.pop("status", None)
        with service_errors(), transaction.atomic():
            services.patient_update(patient=patient, actor=request.user, request=request, **fields)
            if new_status and new_status != patient.status:
                services.patient_set_status(
                    patient=patient, status=new_status, actor=request.user, request=request
                )
        return Response(PatientSerializer(self.summary(patient_id)).data)


# --- Care team --------------------------------------------------------------------------------


class CareTeamView(ChartApiView):
    """The patient's care team, current and past members."""

    serializer_class = CareTeamMemberSerializer
    paginated_methods = ("GET",)

    @extend_schema(responses=CareTeamMemberSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        return self.paginated(care_team_of(patient, include_past=True))

    @extend_schema(request=CareTeamAddSerializer, responses={201: CareTeamMemberSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        fields = self.parse(CareTeamAddSerializer, request.data)
        with service_errors():
            member = services.care_team_add(
                patient=patient, actor=request.user, request=request, **fields
            )
        return Response(CareTeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class CareTeamEndView(ChartApiView):
    """End a care-team membership (today unless `ended_on` is given); history is kept."""

    serializer_class = CareTeamMemberSerializer

    @extend_schema(request=CareTeamEndSerializer, responses=CareTeamMemberSerializer)
    def post(self, request: Request, patient_id: int, member_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        member: CareTeamMember = get_object_or_404(
            care_team_of(patient, include_past=True), pk=member_id
        )
        fields = self.parse(CareTeamEndSerializer, request.data)
        with service_errors():
            member = services.care_team_end(
                member=member, actor=request.user, request=request, **fields
            )
        return Response(CareTeamMemberSerializer(member).data)


# --- Setbacks and milestones ------------------------------------------------------------------


class SetbackView(ChartApiView):
    """Lapses and relapses, newest first. Recording one may restart the recovery count."""

    serializer_class = SetbackSerializer
    paginated_methods = ("GET",)

    @extend_schema(responses=SetbackSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        setbacks: QuerySet[Setback] = patient.setbacks.select_related("recorded_by")
        return self.paginated(setbacks)

    @extend_schema(request=SetbackSerializer, responses={201: SetbackSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        fields = self.parse(SetbackSerializer, request.data)
        with service_errors():
            setback = services.setback_record(
                patient=patient, actor=request.user, request=request, **fields
            )
        return Response(SetbackSerializer(setback).data, status=status.HTTP_201_CREATED)


def milestone_overview(patient: Patient) -> dict[str, Any]:
    """Day-count milestones reached so far and those of the coming year, in the patient's own
    local days, beside the custom ones (program completion, personal goals)."""
    today = patient.local_today()
    start = patient.recovery_start
    reached = reached_milestones(start, today)
    upcoming = milestones_between(start, today + timedelta(days=1), anniversary(today, 1))
    computed = [
        {
            "key": milestone.key,
            "label": milestone.label,
            "date": milestone.date,
            "days": milestone.days,
            "years": milestone.years,
            "reached": milestone in reached,
        }
        for milestone in [*reached, *upcoming]
    ]
    return {
        "recovery_start": start,
        "today": today,
        "computed": computed,
        "custom": list(patient.milestones.all()),
    }


class MilestoneView(ChartApiView):
    """Milestones computed from the recovery start date (reached, and those of the coming
    year), and the custom ones; POST adds a custom milestone."""

    serializer_class = MilestoneSerializer

    @extend_schema(responses=MilestoneOverviewSerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        return Response(MilestoneOverviewSerializer(milestone_overview(patient)).data)

    @extend_schema(request=MilestoneSerializer, responses={201: MilestoneSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        fields = self.parse(MilestoneSerializer, request.data)
        with service_errors():
            milestone = services.milestone_create(
                patient=patient, actor=request.user, request=request, **fields
            )
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


# --- Appointments -----------------------------------------------------------------------------


class AppointmentScopedView(ChartApiView):
    """Appointments of the patients the user may open in the current clinic."""

    serializer_class = AppointmentSerializer

    def get_queryset(self) -> QuerySet[Appointment]:
        membership = self.membership()
        if membership is None:
            return Appointment.objects.none()
        return (
            Appointment.objects.filter(
                clinic_id=membership.organization_id, patient__in=patients_for_staff(membership)
            )
            .select_related("patient")
            .prefetch_related("staff_attendees")
        )


class AppointmentListView(AppointmentScopedView):
    """Appointments of the patients the user may open. `from`/`to` are days in the clinic's
    time zone, both included."""

    filters = {"GET": AppointmentFilterSerializer}
    paginated_methods = ("GET",)

    @extend_schema(
        parameters=[AppointmentFilterSerializer], responses=AppointmentSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        self.staff_membership()
        filters = self.query()
        appointments = self.get_queryset()
        if "patient" in filters:
            appointments = appointments.filter(patient_id=filters["patient"])
        membership = self.membership()
        zone = ZoneInfo(membership.organization.time_zone) if membership else ZoneInfo("UTC")
        if "from" in filters:
            first = datetime.combine(filters["from"], time.min, tzinfo=zone)
            appointments = appointments.filter(starts_at__gte=first)
        if "to" in filters:
            after = datetime.combine(filters["to"] + timedelta(days=1), time.min, tzinfo=zone)
            appointments = appointments.filter(starts_at__lt=after)
        return self.paginated(appointments, audited="api_appointments")

    @extend_schema(request=AppointmentCreateSerializer, responses={201: AppointmentSerializer})
    def post(self, request: Request) -> Response:
        self.staff_membership()
        # Permission first: the patient named in the body is opened (404 outside the access
        # rules, 403 for a clinic admin) before the rest of the body is read.
        named = self.parse(AppointmentPatientSerializer, request.data)["patient"]
        patient = self.editable_patient(named)
        fields = self.parse(AppointmentCreateSerializer, request.data)
        fields.pop("patient")
        with service_errors():
            appointment = services.appointment_create(
                patient=patient, actor=request.user, request=request, **fields
            )
        appointment = self.get_queryset().get(pk=appointment.pk)
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class AppointmentDetailView(AppointmentScopedView):
    """One appointment; the care team (or emergency access) changes it, admins read it."""

    def get_object(self) -> Appointment:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["appointment_id"])

    @extend_schema(responses=AppointmentSerializer)
    def get(self, request: Request, appointment_id: int) -> Response:
        return Response(AppointmentSerializer(self.get_object()).data)

    @extend_schema(request=AppointmentUpdateSerializer, responses=AppointmentSerializer)
    def put(self, request: Request, appointment_id: int) -> Response:
        return self.update(request, partial=False)

    @extend_schema(request=AppointmentUpdateSerializer, responses=AppointmentSerializer)
    def patch(self, request: Request, appointment_id: int) -> Response:
        return self.update(request, partial=True)

    def update(self, request: Request, *, partial: bool) -> Response:
        appointment = self.get_object()
        self.check_can_edit(appointment.patient)
        fields = self.parse(AppointmentUpdateSerializer, request.data, partial=partial)
        with service_errors():
            services.appointment_update(
                appointment=appointment, actor=request.user, request=request, **fields
            )
        return Response(AppointmentSerializer(self.get_object()).data)


# --- Alerts -----------------------------------------------------------------------------------


class AlertScopedView(ChartApiView):
    """Alerts of the patients the user may open in the current clinic."""

    serializer_class = AlertSerializer

    def get_queryset(self) -> QuerySet[Alert]:
        membership = self.membership()
        if membership is None:
            return Alert.objects.none()
        return Alert.objects.filter(
            clinic_id=membership.organization_id, patient__in=patients_for_staff(membership)
        ).select_related("patient", "owner")  # the other people are given by id only

    def editable_alert(self, alert_id: int) -> Alert:
        alert = get_object_or_404(self.get_queryset().select_related("clinic"), pk=alert_id)
        self.check_can_edit(alert.patient)
        return alert


class AlertListView(AlertScopedView):
    """Alerts of the patients the user may open, newest first."""

    filterset_class = AlertFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=AlertSerializer(many=True))
    def get(self, request: Request) -> Response:
        self.staff_membership()
        return self.paginated(self.filtered(self.get_queryset()), audited="api_alerts")


class AlertAcknowledgeView(AlertScopedView):
    """Acknowledge an open alert: someone on the care team is looking at it."""

    @extend_schema(request=None, responses=AlertSerializer)
    def post(self, request: Request, alert_id: int) -> Response:
        alert = self.editable_alert(alert_id)
        with service_errors():
            alert = services.alert_acknowledge(alert=alert, actor=request.user, request=request)
        return Response(AlertSerializer(alert).data)


class AlertResolveView(AlertScopedView):
    """Resolve an alert, saying how (`comment` is required)."""

    @extend_schema(request=AlertResolveSerializer, responses=AlertSerializer)
    def post(self, request: Request, alert_id: int) -> Response:
        alert = self.editable_alert(alert_id)
        fields = self.parse(AlertResolveSerializer, request.data)
        with service_errors():
            alert = services.alert_resolve(
                alert=alert, actor=request.user, comment=fields["comment"], request=request
            )
        return Response(AlertSerializer(alert).data)
