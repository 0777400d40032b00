"""REST API of the patients app: patients, care teams, setbacks, milestones, appointments and
alerts, mounted under /api/v1/.

Every view opens objects through patients.access in the clinic the request acts in (see
accounts.api_base.api_membership), so anything outside answers 404. Clinicians on the care team
(or acting with emergency access) change a chart; clinic admins read it (403 on writes). The
views parse with a serializer and call one service; the rules live in patients/services.py.
Clinical notes are not part of these views: patients/api_chart.py serves them, only with a
reason. The patient and the care team answer an ETag; a write with a stale `If-Match` is a 412
(accounts/api_concurrency.py).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import django_filters
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ClinicApiView, service_errors, with_day_range
from accounts.api_concurrency import (
    IF_MATCH,
    PRECONDITION_FAILED_RESPONSE,
    check_if_match,
    etag_of,
    locked,
    with_etag,
)
from accounts.models import Membership, Role
from audit.models import Action
from audit.services import audit_record
from patients import services
from patients.access import ChartAccess, patient_for_staff, patients_for_staff
from patients.milestones import anniversary, milestones_between, reached_milestones
from patients.models import Alert, Appointment, CareTeamMember, Patient, Setback, SetbackKind
from patients.selectors import care_team_of, with_chart_summary
from patients.serializers import (
    CLINIC_CONTEXT_KEY,
    AlertFilterSet,
    AlertResolveSerializer,
    AlertSerializer,
    AppointmentCreateSerializer,
    AppointmentFilterSet,
    AppointmentPatientSerializer,
    AppointmentSerializer,
    AppointmentUpdateSerializer,
    CareTeamAddSerializer,
    CareTeamEndSerializer,
    CareTeamMemberSerializer,
    MilestoneOverviewSerializer,
    MilestoneSerializer,
    PatientCreateSerializer,
    PatientFilterSet,
    PatientSerializer,
    PatientUpdateSerializer,
    SetbackSerializer,
)

READ_ONLY_MESSAGE = _("Clinic admins can read charts but not change them.")


def patient_etag(patient: Patient) -> str:
    """The version of what a write changes (not the list's counts of alerts or check-ins, which
    move without anyone editing the record)."""
    version = dict(PatientUpdateSerializer(patient).data)
    version["recovery_start"] = patient.recovery_start
    return etag_of(version)


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
    emergency access), every patient for a clinic admin (the clinic admin's patients page)."""

    serializer_class = PatientSerializer
    filterset_class = PatientFilterSet
    paginated_methods = ("GET",)

    def get_queryset(self) -> QuerySet[Patient]:
        return with_chart_summary(patients_for_staff(self.membership()))

    @extend_schema(responses=PatientSerializer(many=True))
    def get(self, request: Request) -> Response:
        self.staff_membership()  # like every chart endpoint: 404 for anyone but clinic staff
        patients = self.filtered(patients_for_staff(self.membership()))
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
        return with_etag(Response(PatientSerializer(patient).data), patient_etag(patient))

    @extend_schema(
        request=PatientUpdateSerializer,
        responses={200: PatientSerializer, **PRECONDITION_FAILED_RESPONSE},
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, patient_id: int) -> Response:
        return self.update(request, patient_id, partial=False)

    @extend_schema(
        request=PatientUpdateSerializer,
        responses={200: PatientSerializer, **PRECONDITION_FAILED_RESPONSE},
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, patient_id: int) -> Response:
        return self.update(request, patient_id, partial=True)

    def update(self, request: Request, patient_id: int, *, partial: bool) -> Response:
        patient = self.editable_patient(patient_id)
        fields = self.parse(PatientUpdateSerializer, request.data, partial=partial)
        new_status = fields.pop("status", None)
        with service_errors(), transaction.atomic():
            # Locked, so the If-Match check and the write see the same version of the row.
            patient = locked(Patient.objects.select_related("clinic"), patient.pk)
            check_if_match(request, patient_etag(patient))
            services.patient_update(patient=patient, actor=request.user, request=request, **fields)
            if new_status and new_status != patient.status:
                services.patient_set_status(
                    patient=patient, status=new_status, actor=request.user, request=request
                )
        patient = self.summary(patient_id)
        return with_etag(Response(PatientSerializer(patient).data), patient_etag(patient))


# --- Care team --------------------------------------------------------------------------------


def care_team_etag(patient: Patient) -> str:
    """The version of the whole care team (current and past members): any add or end, by
    anyone, changes it."""
    rows = CareTeamMember.objects.filter(patient=patient).order_by("pk")
    return etag_of(
        list(
            rows.values_list(
                "pk", "clinician_id", "team_role", "is_primary", "started_on", "ended_on"
            )
        )
    )


@contextmanager
def care_team_write(request: Request, patient: Patient) -> Iterator[None]:
    """A change to the care team, refused with 412 when `If-Match` names an older team. The
    patient's row is locked so two changes to the same team queue up."""
    with service_errors(), transaction.atomic():
        locked(Patient.objects.all(), patient.pk)
        check_if_match(request, care_team_etag(patient))
        yield


class CareTeamView(ChartApiView):
    """The patient's care team, current and past members. The answer's ETag is the version of
    the whole team; a change sent with `If-Match` is refused (412) if the team changed since."""

    serializer_class = CareTeamMemberSerializer
    paginated_methods = ("GET",)

    @extend_schema(responses=CareTeamMemberSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        response = self.paginated(care_team_of(patient, include_past=True))
        return with_etag(response, care_team_etag(patient))

    @extend_schema(
        request=CareTeamAddSerializer,
        responses={201: CareTeamMemberSerializer, **PRECONDITION_FAILED_RESPONSE},
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        fields = self.parse(CareTeamAddSerializer, request.data)
        with care_team_write(request, patient):
            member = services.care_team_add(
                patient=patient, actor=request.user, request=request, **fields
            )
        response = Response(CareTeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)
        return with_etag(response, care_team_etag(patient))


class CareTeamEndView(ChartApiView):
    """End a care-team membership (today unless `ended_on` is given); history is kept."""

    serializer_class = CareTeamMemberSerializer

    @extend_schema(
        request=CareTeamEndSerializer,
        responses={200: CareTeamMemberSerializer, **PRECONDITION_FAILED_RESPONSE},
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, patient_id: int, member_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        member: CareTeamMember = get_object_or_404(
            care_team_of(patient, include_past=True), pk=member_id
        )
        fields = self.parse(CareTeamEndSerializer, request.data)
        with care_team_write(request, patient):
            member = services.care_team_end(
                member=member, actor=request.user, request=request, **fields
            )
        return with_etag(Response(CareTeamMemberSerializer(member).data), care_team_etag(patient))


# --- Setbacks and milestones ------------------------------------------------------------------


@with_day_range("occurred_on", _("Setbacks"))
class SetbackFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SetbackKind.choices, label=_("Kind of setback."))

    class Meta:
        model = Setback
        fields = ("kind",)


class SetbackView(ChartApiView):
    """Lapses and relapses, newest first. Recording one may restart the recovery count."""

    serializer_class = SetbackSerializer
    filterset_class = SetbackFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=SetbackSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        setbacks: QuerySet[Setback] = patient.setbacks.select_related("recorded_by")
        return self.paginated(self.filtered(setbacks))

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

    filterset_class = AppointmentFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=AppointmentSerializer(many=True))
    def get(self, request: Request) -> Response:
        self.staff_membership()
        appointments = self.filtered(self.get_queryset())
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
