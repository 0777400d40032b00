from django.urls import include, path

from engagement import views

app_name = "engagement"

urlpatterns = [
    path("a/<str:token>/", views.act, name="act"),
    path("", include("engagement.help_urls")),
    path("", include("engagement.digest_urls")),
    path("", include("engagement.ladder_urls")),
    path("", include("engagement.celebration_urls")),
]
