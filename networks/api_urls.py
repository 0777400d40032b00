"""API routes of the networks app, mounted under /api/v1/."""

urlpatterns: list = []
