"""API routes of the coping app, mounted under /api/v1/."""

urlpatterns: list = []
