"""API routes of the reports app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import api_routes
from reports import api

urlpatterns = api_routes(
    # Before the reports: "settings" would otherwise read as a report's slug.
    ("reports/settings/", api.ReportSettingsView, "report-settings"),
    ("reports/<slug:slug>/", api.ReportView, "report"),
)
