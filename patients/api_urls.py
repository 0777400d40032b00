"""API routes of the patients app, mounted under /api/v1/."""

urlpatterns: list = []
