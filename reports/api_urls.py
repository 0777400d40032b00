"""API routes of the reports app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import api_routes
from reports import api

urlpatterns = api_routes(("reports/<slug:slug>/", api.ReportView, "report"))
