from django.urls import path

from reports import settings_views, views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/<slug:slug>/", views.report_page, name="report"),
    path("reports/<slug:slug>.csv", views.report_csv, name="report_csv"),
    path("clinic/settings/reports/", settings_views.report_settings, name="report_settings"),
]
