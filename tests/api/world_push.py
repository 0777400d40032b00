"""The push area of the API test world: a device of the person in recovery that takes push
notifications (`subscription_id`; only they reach it, under /api/v1/me/)."""

from notifications.models import PushSubscription


def extend(world) -> dict[str, int]:
    subscription = PushSubscription.objects.create(
        user=world.person,
        endpoint="https://push.example.org/send/world-device",
        p256dh="BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U",
        auth="tBHItJI5svbpez7KI4CCXg",
        device_label="Phone",
    )
    return {"subscription_id": subscription.pk}
