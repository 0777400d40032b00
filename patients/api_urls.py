"""API routes of the patients app, mounted under /api/v1/."""

from django.urls import path

from patients import api

urlpatterns = [
    path("patients/", api.PatientListView.as_view(), name="api-patient-list"),
    path("patients/<int:patient_id>/", api.PatientDetailView.as_view(), name="api-patient-detail"),
    path(
        "patients/<int:patient_id>/care-team/",
        api.CareTeamView.as_view(),
        name="api-patient-care-team",
    ),
    path(
        "patients/<int:patient_id>/care-team/<int:member_id>/end/",
        api.CareTeamEndView.as_view(),
        name="api-patient-care-team-end",
    ),
    path(
        "patients/<int:patient_id>/setbacks/",
        api.SetbackView.as_view(),
        name="api-patient-setbacks",
    ),
    path(
        "patients/<int:patient_id>/milestones/",
        api.MilestoneView.as_view(),
        name="api-patient-milestones",
    ),
    path("appointments/", api.AppointmentListView.as_view(), name="api-appointment-list"),
    path(
        "appointments/<int:appointment_id>/",
        api.AppointmentDetailView.as_view(),
        name="api-appointment-detail",
    ),
    path("alerts/", api.AlertListView.as_view(), name="api-alert-list"),
    path(
        "alerts/<int:alert_id>/acknowledge/",
        api.AlertAcknowledgeView.as_view(),
        name="api-alert-acknowledge",
    ),
    path(
        "alerts/<int:alert_id>/resolve/",
        api.AlertResolveView.as_view(),
        name="api-alert-resolve",
    ),
]
