"""API routes of the engagement app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import api_routes

urlpatterns = api_routes()
