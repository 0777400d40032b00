"""API routes of the audit trail, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from trail import api

urlpatterns = api_routes(
    ("audit-events/", api.AuditEventListView, "audit-event-list"),
    (PATIENT + "access-report/", api.PatientAccessReportView, "patient-access-report"),
    ("me/access-report/", api.MyAccessReportView, "me-access-report"),
)
