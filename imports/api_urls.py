"""API routes of the imports app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import api_routes
from imports import api

urlpatterns = api_routes(
    ("imports/patients/", api.PatientImportView, "import-patients"),
    ("imports/contacts/", api.ContactImportView, "import-contacts"),
)
