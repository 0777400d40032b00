from django.urls import path

from engagement import views

app_name = "engagement"

urlpatterns = [
    path("a/<str:token>/", views.act, name="act"),
]
