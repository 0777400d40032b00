"""API routes of the webhooks app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import api_routes
from webhooks import api

ENDPOINT = "webhooks/<int:endpoint_id>/"

urlpatterns = api_routes(
    ("webhooks/", api.EndpointListView, "webhook-list"),
    (ENDPOINT, api.EndpointDetailView, "webhook-detail"),
    (ENDPOINT + "test/", api.EndpointTestView, "webhook-test"),
    (ENDPOINT + "deliveries/", api.DeliveryListView, "webhook-deliveries"),
)
