from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("support/", views.supporter_home, name="supporter_home"),
]
