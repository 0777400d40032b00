from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("my-recovery/", views.patient_home, name="patient_home"),
]
