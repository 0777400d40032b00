"""REST API of the webhooks app, mounted under /api/v1/: a clinic admin's endpoints and each
one's delivery log. Anyone else (clinicians included) gets 404, as on the pages. The views
parse with a serializer and call one service (webhooks.services), which audits."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView, TrueFalseFilter, service_errors
from accounts.models import Membership, Role
from webhooks import services
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.selectors import deliveries_of, endpoint_of, endpoints_of

EVENT_CHOICES = WebhookEvent.subscribable()


class EndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_CHOICES))
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)

    class Meta:
        model = WebhookEndpoint
        fields = (
            "id",
            "url",
            "description",
            "events",
            "active",
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class EndpointCreatedSerializer(EndpointSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text=_("The signing secret, shown this once: store it where the receiver runs."),
    )

    class Meta(EndpointSerializer.Meta):
        fields = (*EndpointSerializer.Meta.fields, "secret")
        read_only_fields = fields


class EndpointCreateSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=500, help_text=_("An https:// address on the public internet.")
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES), allow_empty=False, max_length=10
    )
    description = serializers.CharField(max_length=120, required=False, allow_blank=True)


class EndpointUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_CHOICES),
        allow_empty=False,
        max_length=10,
        required=False,
    )
    description = serializers.CharField(max_length=120, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "uid",
            "event",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "sent_at",
            "payload",
        )
        read_only_fields = fields


class DeliveryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=DeliveryStatus.choices, label=_("Delivery status.")
    )
    event = django_filters.ChoiceFilter(choices=WebhookEvent.choices, label=_("Event type."))

    class Meta:
        model = WebhookDelivery
        fields = ("status", "event")


class EndpointFilterSet(django_filters.FilterSet):
    active = TrueFalseFilter(label=_("true: only endpoints that are on; false: only off."))

    class Meta:
        model = WebhookEndpoint
        fields = ("active",)


class WebhookApiView(ApiView):
    """A clinic admin's endpoint; 404 for everyone else and for another clinic's endpoint."""

    def admin_membership(self) -> Membership:
        membership = self.membership()
        if membership is None or membership.role != Role.ADMIN:
            raise exceptions.NotFound
        return membership

    def endpoint(self) -> WebhookEndpoint:
        membership = self.admin_membership()
        return endpoint_of(membership.organization, self.kwargs["endpoint_id"])


class EndpointListView(WebhookApiView):
    """The clinic's webhook endpoints, newest first; POST adds one (its secret answered once)."""

    serializer_class = EndpointSerializer
    filterset_class = EndpointFilterSet
    paginated_methods = ("GET",)

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return endpoints_of(self.admin_membership().organization)

    @extend_schema(responses=EndpointSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(self.filtered(self.get_queryset()))

    @extend_schema(request=EndpointCreateSerializer, responses={201: EndpointCreatedSerializer})
    def post(self, request: Request) -> Response:
        membership = self.admin_membership()
        fields = self.parse(EndpointCreateSerializer, request.data)
        with service_errors():
            endpoint, secret = services.endpoint_create(
                clinic=membership.organization, actor=request.user, request=request, **fields
            )
        endpoint.secret = secret
        return Response(EndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class EndpointDetailView(WebhookApiView):
    """One endpoint: read, change (events, address, description, on or off), remove."""

    serializer_class = EndpointSerializer

    @extend_schema(responses=EndpointSerializer)
    def get(self, request: Request, endpoint_id: int) -> Response:
        return Response(EndpointSerializer(self.endpoint()).data)

    @extend_schema(request=EndpointUpdateSerializer, responses=EndpointSerializer)
    def patch(self, request: Request, endpoint_id: int) -> Response:
        endpoint = self.endpoint()
        fields = self.parse(EndpointUpdateSerializer, request.data)
        with service_errors():
            endpoint = services.endpoint_update(
                endpoint=endpoint, actor=request.user, request=request, **fields
            )
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(request=None, responses={204: OpenApiResponse(description=_("Removed."))})
    def delete(self, request: Request, endpoint_id: int) -> Response:
        endpoint = self.endpoint()
        services.endpoint_delete(endpoint=endpoint, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointTestView(WebhookApiView):
    """Send a test event (`ping`) to the endpoint now; the delivery is answered (202)."""

    @extend_schema(request=None, responses={202: DeliverySerializer})
    def post(self, request: Request, endpoint_id: int) -> Response:
        endpoint = self.endpoint()
        with service_errors():
            row = services.endpoint_test(endpoint=endpoint, actor=request.user, request=request)
        return Response(DeliverySerializer(row).data, status=status.HTTP_202_ACCEPTED)


class DeliveryListView(WebhookApiView):
    """The endpoint's delivery log, newest first: status, attempts, next attempt, last answer."""

    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilterSet
    paginated_methods = ("GET",)

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        return WebhookDelivery.objects.none()  # the schema's model; get() scopes by endpoint

    @extend_schema(responses=DeliverySerializer(many=True))
    def get(self, request: Request, endpoint_id: int) -> Response:
        return self.paginated(self.filtered(deliveries_of(self.endpoint())))
