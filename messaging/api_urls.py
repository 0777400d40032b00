"""API routes of the messaging app, mounted under /api/v1/ (names in the `api` namespace)."""

urlpatterns: list = []
