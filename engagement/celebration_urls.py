"""The celebration kit's pages: review (patient and care team), the card, and the supporter's
own message (helper-owned module, included by engagement/urls.py)."""

from django.urls import path

from engagement import celebration_views as views

urlpatterns = [
    path("my-recovery/celebrations/", views.my_celebrations, name="my_celebrations"),
    path("patients/<int:patient_id>/celebrations/", views.celebrations_page, name="celebrations"),
    path(
        "patients/<int:patient_id>/celebrations/<int:celebration_id>/review/",
        views.celebration_review,
        name="celebration_review",
    ),
    path(
        "patients/<int:patient_id>/celebrations/<slug:key>/<str:day>/",
        views.celebration_card,
        name="celebration_card",
    ),
    path(
        "support/<int:patient_id>/celebrations/<slug:key>/<str:day>/",
        views.celebration_write,
        name="celebration_write",
    ),
]
