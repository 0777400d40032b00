"""Clinic administration (programs, staff, all patients, emergency-access log), under /clinic/."""

app_name = "clinic_admin"

urlpatterns: list = []
