"""Reads of the webhooks app, already scoped to the clinic and joined for their pages."""

from django.db.models import Count, Max, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Organization
from webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoints_of(clinic: Organization) -> QuerySet[WebhookEndpoint]:
    """The clinic's endpoints, each with its delivery count and last delivery time."""
    return (
        WebhookEndpoint.objects.filter(clinic=clinic)
        .select_related("created_by")
        .annotate(
            delivery_count=Count("deliveries"), last_delivery_at=Max("deliveries__created_at")
        )
        .order_by("-created_at", "-id")
    )


def endpoint_of(clinic: Organization, endpoint_id: int) -> WebhookEndpoint:
    """One endpoint of this clinic; 404 for another clinic's or none."""
    return get_object_or_404(
        WebhookEndpoint.objects.filter(clinic=clinic).select_related("clinic"), pk=endpoint_id
    )


def deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's delivery log, newest first (no per-row query: the endpoint is known)."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")
