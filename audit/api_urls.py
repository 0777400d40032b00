"""API routes of the audit app, mounted under /api/v1/."""

from django.urls import path

from audit import api

urlpatterns = [
    path("audit-events/", api.AuditEventListView.as_view(), name="api-audit-event-list"),
]
