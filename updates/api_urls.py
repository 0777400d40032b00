"""API routes of the updates app, mounted under /api/v1/ (names in the `api` namespace)."""

urlpatterns: list = []
