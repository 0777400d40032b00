"""Pages of the audit trail: the clinic admin's (under /clinic/) and the person's own."""

from django.urls import path

from trail import views

app_name = "audit"

urlpatterns = [
    path("clinic/audit/", views.trail, name="trail"),
    path("clinic/audit/export.csv", views.trail_csv, name="trail_csv"),
    path(
        "clinic/patients/<int:patient_id>/access-report/",
        views.access_report_page,
        name="access_report",
    ),
    path(
        "clinic/patients/<int:patient_id>/access-report.csv",
        views.access_report_csv,
        name="access_report_csv",
    ),
    path("my-recovery/who-saw-my-information/", views.who_saw_me, name="who_saw_me"),
]
