"""API routes of the notifications app, mounted under /api/v1/ (names in the `api` namespace)."""

from accounts.api_base import api_routes
from notifications import api

urlpatterns = api_routes(
    ("me/notifications/", api.InboxView, "my-notifications"),
    ("me/notifications/<int:notification_id>/read/", api.MarkReadView, "my-notification-read"),
    ("me/notifications/read-all/", api.MarkAllReadView, "my-notifications-read-all"),
    ("me/notifications/unread-count/", api.UnreadCountView, "my-notifications-unread-count"),
    ("me/notification-preferences/", api.PreferenceView, "my-notification-preferences"),
    ("me/push-subscriptions/", api.PushSubscriptionListView, "my-push-subscriptions"),
    (
        "me/push-subscriptions/<int:subscription_id>/",
        api.PushSubscriptionDetailView,
        "my-push-subscription",
    ),
    ("push/vapid-public-key/", api.VapidPublicKeyView, "push-vapid-public-key"),
    ("notifications/log/", api.DeliveryLogView, "notification-log"),
    ("notifications/log/<int:notification_id>/retry/", api.RetryView, "notification-retry"),
)
