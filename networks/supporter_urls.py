"""Supporter-facing pages and the invitation link (helper-owned module)."""

from django.urls import path

from networks import views

urlpatterns = [
    path("support/", views.supporter_home, name="supporter_home"),
    path("invite/<str:token>/", views.supporter_home, name="invitation"),
]
