from django.urls import include, path

app_name = "networks"

urlpatterns = [
    path("", include("networks.supporter_urls")),
    path("", include("networks.manage_urls")),
]
