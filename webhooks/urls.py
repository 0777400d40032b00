"""Pages of the webhooks app: a clinic admin's endpoints, under /clinic/webhooks/."""

from django.urls import path

from webhooks import views

app_name = "webhooks"

ENDPOINT = "clinic/webhooks/<int:endpoint_id>/"

urlpatterns = [
    path("clinic/webhooks/", views.endpoints, name="endpoints"),
    path("clinic/webhooks/new/", views.endpoint_new, name="endpoint_new"),
    path(ENDPOINT + "created/", views.endpoint_created, name="endpoint_created"),
    path(ENDPOINT + "edit/", views.endpoint_edit, name="endpoint_edit"),
    path(ENDPOINT + "active/", views.endpoint_active, name="endpoint_active"),
    path(ENDPOINT + "delete/", views.endpoint_delete, name="endpoint_delete"),
    path(ENDPOINT + "test/", views.endpoint_test, name="endpoint_test"),
    path(ENDPOINT + "deliveries/", views.deliveries, name="deliveries"),
]
