"""API routes of the accounts app, mounted under /api/v1/ (names in the `api` namespace)."""

from django.urls import path

from accounts import api
from accounts.api_base import api_routes

urlpatterns = [
    *api_routes(("me/", api.MeView, "me")),
    # The old path, without the slash every other route has, moved for good (308).
    path("me", api.me_moved, name="me-moved"),
]
