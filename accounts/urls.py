from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.clinic_list, name="clinic_list"),
    path("none/", views.no_clinic, name="no_clinic"),
    path("<slug:slug>/", views.clinic_detail, name="clinic_detail"),
    path("<slug:slug>/switch/", views.clinic_switch, name="clinic_switch"),
]
