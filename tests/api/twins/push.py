"""Twins of Step 14's Web Push pages: the person's devices on the notification settings page
(the page itself keeps its twin, api:my-notification-preferences; the devices it lists are
api:my-push-subscriptions, the key it subscribes with api:push-vapid-public-key)."""

TWINS = {
    "notifications:push_subscribe": ("api:my-push-subscriptions",),
    "notifications:push_revoke": ("api:my-push-subscription",),
}
