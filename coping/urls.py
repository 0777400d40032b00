from django.urls import include, path

app_name = "coping"

urlpatterns = [
    path("", include("coping.plan_urls")),
]
