"""The digest settings pages (included by engagement/urls.py, in its namespace)."""

from django.urls import path

from engagement import digest_views

urlpatterns = [
    path(
        "support/<int:patient_id>/digest/", digest_views.supporter_digest, name="supporter_digest"
    ),
    path("my-recovery/digests/", digest_views.my_digests, name="my_digests"),
]
