"""API routes of the patients app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import PATIENT_ROUTE as PATIENT
from accounts.api_base import api_routes
from patients import api, api_admin, api_chart

urlpatterns = api_routes(
    ("patients/", api.PatientListView, "patient-list"),
    ("patients/find/", api_chart.PatientFindView, "patient-find"),
    (PATIENT, api.PatientDetailView, "patient-detail"),
    (PATIENT + "status/", api_chart.PatientStatusView, "patient-status"),
    (PATIENT + "journey/", api_chart.JourneyView, "patient-journey"),
    (PATIENT + "recovery-start/", api_chart.RecoveryStartView, "patient-recovery-start"),
    (PATIENT + "notes/", api_chart.NotesView, "patient-notes"),
    (PATIENT + "emergency-access/", api_chart.EmergencyAccessView, "patient-emergency-access"),
    (PATIENT + "care-team/", api.CareTeamView, "patient-care-team"),
    (PATIENT + "care-team/<int:member_id>/end/", api.CareTeamEndView, "patient-care-team-end"),
    (PATIENT + "setbacks/", api.SetbackView, "patient-setbacks"),
    (PATIENT + "milestones/", api.MilestoneView, "patient-milestones"),
    ("appointments/", api.AppointmentListView, "appointment-list"),
    ("appointments/<int:appointment_id>/", api.AppointmentDetailView, "appointment-detail"),
    ("alerts/", api.AlertListView, "alert-list"),
    ("alerts/<int:alert_id>/acknowledge/", api.AlertAcknowledgeView, "alert-acknowledge"),
    ("alerts/<int:alert_id>/resolve/", api.AlertResolveView, "alert-resolve"),
    # The clinic admin's pages (under /clinic/ on the site).
    ("clinic/programs/", api_admin.ProgramListView, "clinic-program-list"),
    ("clinic/programs/<int:program_id>/", api_admin.ProgramDetailView, "clinic-program-detail"),
    (
        "clinic/programs/<int:program_id>/active/",
        api_admin.ProgramActiveView,
        "clinic-program-active",
    ),
    ("clinic/emergency-access/", api_admin.EmergencyAccessLogView, "clinic-emergency-access"),
)
