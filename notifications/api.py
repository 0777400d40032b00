"""REST API of notifications, mounted under /api/v1/: a person's in-app inbox and preferences
(any signed-in member: their own only), and the clinic admin's delivery log with retry (admins
of the clinic the request acts in; 404 for everyone else, as on the page). The views call the
page's services (notifications/services.py).

The one-click unsubscribe link of an email has no twin: a signed link for a mail client, with
no sign-in; a signed-in caller changes `unsubscribed_kinds` in their preferences.
"""

from django.db.models import F
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import ApiView, service_errors
from accounts.models import Membership, User
from audit.services import audit_list, list_filters
from notifications.models import Kind, Notification, NotificationPreference
from notifications.preferences import channels_for, preference_for
from notifications.push import public_key as push_public_key
from notifications.selectors import devices_of, inbox_of, with_recipients
from notifications.serializers import (
    NotificationFilterSet,
    NotificationLogEntrySerializer,
    NotificationLogFilterSet,
    NotificationPreferenceSerializer,
    NotificationSerializer,
    NotificationsMarkedSerializer,
    PushSubscribeSerializer,
    PushSubscriptionSerializer,
    UnreadNotificationsSerializer,
    VapidPublicKeySerializer,
)
from notifications.services import (
    notification_mark_read,
    notification_retry,
    notifications_mark_all_read,
    preference_save,
    push_revoke,
    push_subscribe,
)

# --- The inbox --------------------------------------------------------------------------------


class InboxView(ApiView):
    """The person's in-app notifications, newest first (`unread=true` for the unread ones)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=NotificationSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = inbox_of(request.user).order_by(F("sent_at").desc(nulls_last=True), "-id")
        return self.paginated(self.filtered(rows))


class MarkReadView(ApiView):
    """Mark one of the person's notifications read (again: nothing changes)."""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request: Request, notification_id: int) -> Response:
        row = notification_mark_read(user=request.user, notification_id=notification_id)
        if row is None:
            raise NotFound
        return Response(NotificationSerializer(row).data)


class MarkAllReadView(ApiView):
    """Mark every unread notification of the person read."""

    @extend_schema(request=None, responses=NotificationsMarkedSerializer)
    def post(self, request: Request) -> Response:
        return Response({"marked": notifications_mark_all_read(user=request.user)})


class UnreadCountView(ApiView):
    """How many of the person's notifications are unread (the navbar's badge)."""

    @extend_schema(responses=UnreadNotificationsSerializer)
    def get(self, request: Request) -> Response:
        return Response({"unread": inbox_of(request.user).filter(read_at__isnull=True).count()})


# --- Preferences ------------------------------------------------------------------------------


def preference_data(preference: NotificationPreference, user: User) -> dict:
    return NotificationPreferenceSerializer(
        {
            "paused": preference.paused,
            "quiet_hours_start": preference.quiet_hours_start,
            "quiet_hours_end": preference.quiet_hours_end,
            "urgent_in_quiet_hours": preference.urgent_in_quiet_hours,
            "unsubscribed_kinds": list(preference.unsubscribed_kinds or []),
            "channels": {kind: channels_for(preference, kind) for kind in Kind.values},
            "time_zone": user.time_zone,
            "language": user.language,
        }
    ).data


class PreferenceView(ApiView):
    """What the person wants to receive, by which channels, and when not to disturb them."""

    @extend_schema(responses=NotificationPreferenceSerializer)
    def get(self, request: Request) -> Response:
        return Response(preference_data(preference_for(request.user), request.user))

    @extend_schema(
        request=NotificationPreferenceSerializer, responses=NotificationPreferenceSerializer
    )
    def put(self, request: Request) -> Response:
        user = request.user
        preference = preference_for(user)
        fields = self.parse(NotificationPreferenceSerializer, request.data)
        preference.paused = fields["paused"]
        preference.quiet_hours_start = fields["quiet_hours_start"]
        preference.quiet_hours_end = fields["quiet_hours_end"]
        preference.urgent_in_quiet_hours = fields["urgent_in_quiet_hours"]
        preference.unsubscribed_kinds = list(dict.fromkeys(fields["unsubscribed_kinds"]))
        channels = {kind: channels_for(preference, kind) for kind in Kind.values}
        preference.channels = {**channels, **fields.get("channels", {})}
        with service_errors():
            preference_save(
                preference=preference,
                user=user,
                time_zone=fields.get("time_zone", ""),
                language=fields.get("language"),
                request=request,
            )
        user.refresh_from_db(fields=["time_zone", "language"])
        return Response(preference_data(preference, user))


# --- The delivery log -------------------------------------------------------------------------


class AdminApiView(ApiView):
    def admin(self) -> Membership:
        membership = self.membership()
        if membership is None or not membership.is_admin:
            raise NotFound
        return membership


class DeliveryLogView(AdminApiView):
    """Every message of the clinic's outbox, by due time (newest first), each recipient named
    in words, and what became of it. The read is audited as a list of the patients it names."""

    serializer_class = NotificationLogEntrySerializer
    filterset_class = NotificationLogFilterSet
    paginated_methods = ("GET",)

    @extend_schema(responses=NotificationLogEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        clinic = self.admin().organization
        rows = self.filtered(Notification.objects.filter(clinic=clinic))
        page = self.paginate_queryset(with_recipients(rows, clinic).order_by("-due_at", "-id"))
        audit_list(
            list_name="notifications_log",
            request=request,
            clinic=clinic,
            filters=list_filters(request.query_params),
            patient_ids=[row.patient_id for row in page],
            rows=len(page),
        )
        return self.get_paginated_response(NotificationLogEntrySerializer(page, many=True).data)


class RetryView(AdminApiView):
    """Send a failed message again (pending, no attempts, due now); a message that did not
    fail is a 400."""

    @extend_schema(request=None, responses=NotificationLogEntrySerializer)
    def post(self, request: Request, notification_id: int) -> Response:
        clinic = self.admin().organization
        with service_errors():
            row = notification_retry(
                notification_id=notification_id, clinic=clinic, request=request
            )
        if row is None:
            raise NotFound
        shown = with_recipients(Notification.objects.filter(pk=row.pk), clinic).get()
        return Response(NotificationLogEntrySerializer(shown).data)


# --- Web Push devices -------------------------------------------------------------------------


class PushSubscriptionListView(ApiView):
    """The person's devices that take push notifications (GET), and this browser's
    subscription (POST, as `PushSubscription.toJSON()` gives it; again: the same device)."""

    serializer_class = PushSubscriptionSerializer
    paginated_methods = ("GET",)

    @extend_schema(responses=PushSubscriptionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return self.paginated(devices_of(request.user))

    @extend_schema(request=PushSubscribeSerializer, responses={201: PushSubscriptionSerializer})
    def post(self, request: Request) -> Response:
        fields = self.parse(PushSubscribeSerializer, request.data)
        if not push_public_key():
            raise ValidationError({"endpoint": [_("Push notifications are not set up here.")]})
        with service_errors():
            subscription = push_subscribe(
                user=request.user,
                endpoint=fields["endpoint"],
                p256dh=fields["keys"]["p256dh"],
                auth=fields["keys"]["auth"],
                user_agent=request.headers.get("User-Agent", ""),
                request=request,
            )
        return Response(PushSubscriptionSerializer(subscription).data, status=201)


class PushSubscriptionDetailView(ApiView):
    """Remove one of the person's devices: no more pushes to it (again: nothing changes)."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, subscription_id: int) -> Response:
        if push_revoke(user=request.user, subscription_id=subscription_id, request=request) is None:
            raise NotFound
        return Response(status=204)


class VapidPublicKeyView(ApiView):
    """The server's VAPID public key, the `applicationServerKey` a browser subscribes with."""

    @extend_schema(responses=VapidPublicKeySerializer)
    def get(self, request: Request) -> Response:
        key = push_public_key()
        return Response({"public_key": key, "configured": bool(key)})
