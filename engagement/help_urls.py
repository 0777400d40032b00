"""The help button's pages, in the engagement namespace (included by engagement/urls.py)."""

from django.urls import path

from engagement import help_views

urlpatterns = [
    path("my-recovery/help/", help_views.my_help, name="my_help"),
    path("my-recovery/help/<int:request_id>/", help_views.my_help_status, name="my_help_status"),
    path(
        "support/<int:patient_id>/help/<int:request_id>/on-it/",
        help_views.supporter_on_it,
        name="supporter_on_it",
    ),
    path(
        "patients/<int:patient_id>/help/<int:request_id>/on-it/",
        help_views.staff_on_it,
        name="staff_on_it",
    ),
]
