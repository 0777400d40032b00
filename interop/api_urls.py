"""API routes of the interop app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from interop import api

urlpatterns = api_routes(
    (PATIENT + "fhir/", api.PatientFhirView, "patient-fhir"),
    ("fhir/export/", api.FhirExportView, "fhir-export"),
)
