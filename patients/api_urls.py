"""API routes of the patients app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from patients import api

urlpatterns = api_routes(
    ("patients/", api.PatientListView, "patient-list"),
    (PATIENT, api.PatientDetailView, "patient-detail"),
    (PATIENT + "care-team/", api.CareTeamView, "patient-care-team"),
    (PATIENT + "care-team/<int:member_id>/end/", api.CareTeamEndView, "patient-care-team-end"),
    (PATIENT + "setbacks/", api.SetbackView, "patient-setbacks"),
    (PATIENT + "milestones/", api.MilestoneView, "patient-milestones"),
    ("appointments/", api.AppointmentListView, "appointment-list"),
    ("appointments/<int:appointment_id>/", api.AppointmentDetailView, "appointment-detail"),
    ("alerts/", api.AlertListView, "alert-list"),
    ("alerts/<int:alert_id>/acknowledge/", api.AlertAcknowledgeView, "alert-acknowledge"),
    ("alerts/<int:alert_id>/resolve/", api.AlertResolveView, "alert-resolve"),
)
