from django.urls import path

from patients import views

app_name = "patients"

chart = "patients/<int:patient_id>/"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("my-recovery/", views.patient_home, name="patient_home"),
    path("patients/new/", views.patient_new, name="new"),
    path("patients/find/", views.patient_find, name="find"),
    path(f"{chart}emergency-access/", views.emergency_access, name="emergency_access"),
    path(chart, views.chart, name="chart"),
    path(f"{chart}edit/", views.patient_edit, name="edit"),
    path(f"{chart}status/", views.patient_status, name="status"),
    path(f"{chart}journey/", views.chart_journey, name="journey"),
    path(f"{chart}care-team/", views.chart_care_team, name="care_team"),
    path(f"{chart}care-team/add/", views.care_team_add, name="care_team_add"),
    path(f"{chart}care-team/<int:member_id>/end/", views.care_team_end, name="care_team_end"),
    path(f"{chart}setbacks/new/", views.setback_new, name="setback_new"),
    path(f"{chart}recovery-start/", views.recovery_start_edit, name="recovery_start"),
    path(f"{chart}milestones/new/", views.milestone_new, name="milestone_new"),
    path(f"{chart}appointments/", views.chart_appointments, name="appointments"),
    path(f"{chart}appointments/new/", views.appointment_new, name="appointment_new"),
    path(
        f"{chart}appointments/<int:appointment_id>/edit/",
        views.appointment_edit,
        name="appointment_edit",
    ),
    path(f"{chart}notes/", views.chart_notes, name="notes"),
    path(f"{chart}alerts/", views.chart_alerts, name="alerts"),
    path(
        f"{chart}alerts/<int:alert_id>/acknowledge/",
        views.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path(f"{chart}alerts/<int:alert_id>/resolve/", views.alert_resolve, name="alert_resolve"),
]
