"""API routes of the reports app, mounted under /api/v1/."""

from django.urls import path

from reports import api

urlpatterns = [
    path("reports/<slug:slug>/", api.ReportView.as_view(), name="api-report"),
]
