from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/<slug:slug>/", views.report_page, name="report"),
    path("reports/<slug:slug>.csv", views.report_csv, name="report_csv"),
]
