"""The installable app's files, at the root of the site (see recovery_hub/pwa.py)."""

from django.urls import path

from recovery_hub import pwa

app_name = "pwa"

urlpatterns = [
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
]
