"""Pages of the interop app: the clinic admin's FHIR export (under /clinic/)."""

from django.urls import path

from interop import views

app_name = "interop"

urlpatterns = [
    path("clinic/fhir-export/", views.fhir_export, name="fhir_export"),
]
