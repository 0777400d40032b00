"""The clinic admin's imports page, under /clinic/imports/."""

from django.urls import path, re_path

from imports import views

app_name = "imports"

FILE = r"(?P<kind>patients|contacts)\.(?P<file_format>csv|xlsx)$"

urlpatterns = [
    path("clinic/imports/", views.index, name="index"),
    path("clinic/imports/<int:import_id>/", views.preview, name="preview"),
    path("clinic/imports/<int:import_id>/confirm/", views.confirm, name="confirm"),
    path("clinic/imports/<int:import_id>/cancel/", views.cancel, name="cancel"),
    re_path(r"^clinic/imports/template/" + FILE, views.template, name="template"),
    re_path(r"^clinic/imports/export/" + FILE, views.export, name="export"),
]
