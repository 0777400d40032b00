"""REST API of the chart's other actions, the twins of its pages: the status, the journey, the
recovery start date, clinical notes (only with a reason), finding a patient by MRN and taking
emergency access. Mounted under /api/v1/ by patients/api_urls.py.

The access rules are the pages' (patients.access): the care team (or emergency access) writes,
clinic admins read (403 on writes), anyone else 404. Clinical notes stay with the care team and
are read or written only with a `reason`, recorded in the audit trail with the read.
"""

from typing import Any

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ClinicApiView, IdFilter, service_errors, with_day_range
from accounts.api_concurrency import (
    IF_MATCH,
    PRECONDITION_FAILED_RESPONSE,
    check_if_match,
    locked,
    with_etag,
)
from accounts.models import Membership, Role
from audit.models import Action
from audit.services import audit_list, audit_record
from patients import selectors, services
from patients.access import ChartAccess
from patients.api import ChartApiView, patient_etag
from patients.journey_forms import JourneyFilterForm
from patients.models import ClinicalNote, Patient
from patients.selectors import with_chart_summary
from patients.serializers import (
    ClinicalNoteSerializer,
    EmergencyAccessRequestSerializer,
    EmergencyAccessSerializer,
    FoundPatientSerializer,
    JourneyQuerySerializer,
    JourneySerializer,
    NoteCreateSerializer,
    NoteReasonSerializer,
    PatientFindSerializer,
    PatientSerializer,
    PatientStatusSerializer,
    RecoveryDateSerializer,
    RecoveryStartSerializer,
)


def _form_errors(form: Any, rename: dict[str, str] | None = None) -> dict[str, list[str]]:
    rename = rename or {}
    return {
        rename.get(name, name): [error["message"] for error in errors]
        for name, errors in form.errors.get_json_data().items()
    }


class PatientStatusView(ChartApiView):
    """Admit, discharge, move to alumni or re-admit (the chart's status buttons). A change of
    the patient: `If-Match` with the patient's ETag refuses it (412) if the record changed."""

    @extend_schema(
        request=PatientStatusSerializer,
        responses={200: PatientSerializer, **PRECONDITION_FAILED_RESPONSE},
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        fields = self.parse(PatientStatusSerializer, request.data)
        with service_errors(), transaction.atomic():
            patient = locked(Patient.objects.select_related("clinic"), patient.pk)
            check_if_match(request, patient_etag(patient))
            services.patient_set_status(
                patient=patient, status=fields["status"], actor=request.user, request=request
            )
        patient = with_chart_summary(Patient.objects.filter(pk=patient.pk)).get()
        return with_etag(Response(PatientSerializer(patient).data), patient_etag(patient))


class JourneyView(ChartApiView):
    """One window of the patient's journey, newest first: the last 30 local days by default,
    at most a year; `kinds` narrows it to some kinds of entry (those the reader may see)."""

    filters = {"GET": JourneyQuerySerializer}

    @extend_schema(parameters=[JourneyQuerySerializer], responses=JourneySerializer)
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        access = ChartAccess(self.staff_membership(), patient)
        query = self.query()
        data: dict[str, Any] = {
            name: query[name].isoformat() for name in ("start", "end") if name in query
        }
        kinds = [kind.strip() for kind in query.get("kinds", "").split(",") if kind.strip()]
        form = JourneyFilterForm(
            {**data, "kind": kinds}, patient=patient, kinds=selectors.journey_kinds(access)
        )
        if not form.is_valid():
            raise serializers.ValidationError(_form_errors(form, {"kind": "kinds"}))
        page = selectors.journey_for(patient, access, form.window())
        return Response(
            JourneySerializer(
                {
                    "window": page.window,
                    "kinds": sorted(page.window.kinds),
                    "first_day": page.first_day,
                    "last_day": page.last_day,
                    "has_earlier": page.has_earlier,
                    "has_later": page.has_later,
                    "events": page.events,
                }
            ).data
        )


class RecoveryStartView(ChartApiView):
    """The recovery start dates the patient has had, newest first, and a change of the date
    (with the reason; the old one is kept)."""

    serializer_class = RecoveryDateSerializer
    paginated_methods = ("GET",)

    @extend_schema(responses=RecoveryDateSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        return self.paginated(selectors.recovery_history(patient))

    @extend_schema(request=RecoveryStartSerializer, responses={201: RecoveryDateSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.editable_patient(patient_id)
        fields = self.parse(RecoveryStartSerializer, request.data)
        with service_errors():
            entry = services.recovery_start_change(
                patient=patient, actor=request.user, request=request, **fields
            )
        return Response(RecoveryDateSerializer(entry).data, status=status.HTTP_201_CREATED)


@with_day_range("created_at__date", _("Notes written (UTC)"))
class NoteFilterSet(django_filters.FilterSet):
    author_id = IdFilter(label=_("Notes by this member of staff (user id)."))

    class Meta:
        model = ClinicalNote
        fields = ("author_id",)


class NotesView(ChartApiView):
    """Clinical notes: the care team's only (and a clinician acting with emergency access); a
    clinic admin or anyone else gets 404, as on the chart. Reading them takes a `reason`
    (a query parameter), writing one takes a `reason` too; each is recorded in the audit trail."""

    serializer_class = ClinicalNoteSerializer
    filters = {"GET": NoteReasonSerializer}
    filterset_class = NoteFilterSet
    paginated_methods = ("GET",)

    def notes_patient(self, patient_id: int) -> Patient:
        # ClinicApiView's: the read is audited below, with the reason, not before it is given.
        patient = ClinicApiView.open_patient(self, patient_id)
        if not ChartAccess(self.staff_membership(), patient).can_read_notes:
            raise NotFound
        return patient

    @extend_schema(parameters=[NoteReasonSerializer], responses=ClinicalNoteSerializer(many=True))
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.notes_patient(patient_id)
        reason = self.query()["reason"].strip()
        self.audit_view(patient, "notes", reason=reason)
        return self.paginated(self.filtered(selectors.notes_of(patient)))

    @extend_schema(request=NoteCreateSerializer, responses={201: ClinicalNoteSerializer})
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.notes_patient(patient_id)
        fields = self.parse(NoteCreateSerializer, request.data)
        with service_errors():
            note = services.note_create(
                patient=patient, author=request.user, body=fields["body"], request=request
            )
            audit_record(
                action=Action.VIEW,
                request=request,
                clinic=patient.clinic,
                target=note,
                patient=patient,
                details={"api": "notes", "reason": fields["reason"].strip()},
            )
        return Response(ClinicalNoteSerializer(note).data, status=status.HTTP_201_CREATED)


# --- Emergency access: a clinician outside the care team --------------------------------------


class ClinicianApiView(ClinicApiView):
    """Clinicians only (the pages' role_required(CLINICIAN)): anyone else gets 404."""

    def clinician_membership(self) -> Membership:
        membership = self.staff_membership()
        if membership.role != Role.CLINICIAN:
            raise NotFound
        return membership

    def find_patient(self, membership: Membership | None, patient_id: object) -> Patient:
        """Any patient of the clinic: emergency access is for charts the clinician cannot open
        yet."""
        membership = self.clinician_membership()
        return get_object_or_404(
            Patient.objects.filter(clinic_id=membership.organization_id), pk=patient_id
        )

    def may_edit(self, patient: Patient) -> bool:
        return True


class PatientFindView(ClinicianApiView):
    """A clinician outside the care team looks a patient up by the exact MRN, to take emergency
    access: nothing but the name and id (none, or one). The MRN typed is not recorded."""

    serializer_class = FoundPatientSerializer
    filters = {"GET": PatientFindSerializer}
    paginated_methods = ("GET",)

    @extend_schema(parameters=[PatientFindSerializer], responses=FoundPatientSerializer(many=True))
    def get(self, request: Request) -> Response:
        membership = self.clinician_membership()
        mrn = self.query()["mrn"].strip()
        found = Patient.objects.filter(
            clinic_id=membership.organization_id, mrn__iexact=mrn
        ).first()
        audit_list(
            list_name="patient_find",
            request=request,
            clinic=membership.organization,
            patient_ids=[found.pk] if found else [],
        )
        rows = [{"id": found.pk, "display_name": found.display_name}] if found else []
        return self.paginated(rows)


class EmergencyAccessView(ClinicianApiView):
    """Open a chart for 24 hours with a reason: recorded, and shown to the clinic's admins."""

    @extend_schema(
        request=EmergencyAccessRequestSerializer, responses={201: EmergencyAccessSerializer}
    )
    def post(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        fields = self.parse(EmergencyAccessRequestSerializer, request.data)
        with service_errors():
            grant = services.emergency_access_grant(
                patient=patient, user=request.user, reason=fields["reason"], request=request
            )
        return Response(EmergencyAccessSerializer(grant).data, status=status.HTTP_201_CREATED)
