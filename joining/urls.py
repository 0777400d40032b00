from django.urls import path

from joining import views

app_name = "joining"

urlpatterns = [
    path("join/<str:token>/", views.join, name="join"),
    path("join/check-in/<str:token>/", views.checkin_now, name="checkin"),
    path("join/open/<str:token>/", views.person, name="person"),
    path("join/supporter/<str:token>/", views.supporter, name="supporter"),
    path("join/staff/<str:token>/", views.staff, name="staff"),
    path("patients/<int:patient_id>/sign-in/", views.sign_in_page, name="sign_in"),
]
