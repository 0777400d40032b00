"""The FHIR R4 export of the API, mounted under /api/v1/.

- GET /patients/{patient_id}/fhir/: the patient's record as a FHIR R4 Bundle (type
  `collection`, `application/fhir+json`), for those interop.access lets read it: the whole record
  for the person themself and the staff who may open the chart, a supporter's consented view for
  a supporter (404 while nothing is shared). An audited read (Action.EXPORT).
- GET /fhir/export/: every resource of every patient of the clinic, one a line, grouped by type
  (`application/fhir+ndjson`, a $export-style download). Clinic admins only (404 for everyone
  else, like the audit trail's API); audited, naming every patient exported.
"""

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView, ClinicApiView
from accounts.models import Membership
from interop.access import fhir_reader
from interop.fhir import export_lines, patient_bundle
from interop.selectors import clinic_patients_for_fhir, patient_for_fhir
from interop.services import fhir_export_audit, fhir_record_audit
from networks.selectors import SupporterView
from patients.models import Patient

FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"


class FhirJSONRenderer(JSONRenderer):
    """A client asking for `application/fhir+json` gets the same JSON under that name."""

    media_type = FHIR_JSON
    format = "fhir"


class NdjsonRenderer(JSONRenderer):
    """Accepts `Accept: application/fhir+ndjson`; the download itself is a streamed response,
    and errors are JSON in the one error shape."""

    media_type = FHIR_NDJSON
    format = "ndjson"


class PatientFhirView(ClinicApiView):
    """The patient's record as a FHIR R4 Bundle of type `collection`: Patient, CareTeam,
    RelatedPerson, Consent, Observation, QuestionnaireResponse, Appointment, Goal and CarePlan.
    A supporter gets only what the consent in force shares with them (404 with nothing shared).
    Clinical notes are never part of it."""

    renderer_classes = [JSONRenderer, FhirJSONRenderer]
    supporter_view: SupporterView | None = None

    def find_patient(self, membership: Membership | None, patient_id: object) -> Patient:
        patient, self.supporter_view = fhir_reader(membership, patient_id)
        return patient

    def may_edit(self, patient: Patient) -> bool:
        return False  # read only

    @extend_schema(
        responses={
            (200, FHIR_JSON): OpenApiResponse(
                OpenApiTypes.OBJECT, description=_("A FHIR R4 Bundle (type collection).")
            )
        }
    )
    def get(self, request: Request, patient_id: int) -> Response:
        patient = self.open_patient(patient_id)
        view = self.supporter_view
        if view is None:
            patient = patient_for_fhir(patient)
        bundle = patient_bundle(patient, supporter_view=view)
        fhir_record_audit(
            patient=patient,
            request=request,
            resources=len(bundle["entry"]),
            scopes=view.scopes if view is not None else None,
        )
        return Response(bundle, content_type=FHIR_JSON)


class FhirExportView(ApiView):
    """Every resource of every patient of the clinic as NDJSON (one FHIR R4 resource a line,
    grouped by type: Organization, Practitioner, Patient, CareTeam, ...). Clinic admins only."""

    renderer_classes = [JSONRenderer, NdjsonRenderer]

    @extend_schema(
        responses={
            (200, FHIR_NDJSON): OpenApiResponse(
                OpenApiTypes.STR,
                description=_("One FHIR R4 resource per line (newline-delimited JSON)."),
            )
        }
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        membership = self.membership()
        if membership is None or not membership.is_admin:
            raise NotFound
        clinic = membership.organization
        patient_ids = list(clinic.patients.order_by("pk").values_list("pk", flat=True))
        fhir_export_audit(clinic=clinic, request=request, patient_ids=patient_ids)
        response = StreamingHttpResponse(
            export_lines(clinic_patients_for_fhir(clinic)), content_type=FHIR_NDJSON
        )
        response["Content-Disposition"] = f'attachment; filename="{clinic.slug}-fhir.ndjson"'
        return response
