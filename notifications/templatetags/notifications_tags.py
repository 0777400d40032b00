from django import template

from notifications.models import Channel, Notification, Status

register = template.Library()


def unread_count(user: object) -> int:
    """Unread in-app notifications of a person (one query)."""
    return Notification.objects.filter(
        recipient_user=user, channel=Channel.IN_APP, status=Status.SENT, read_at__isnull=True
    ).count()


@register.inclusion_tag("notifications/_unread_badge.html", takes_context=True)
def unread_badge(context: template.Context, oob: bool = False, lazy: bool = False) -> dict:
    """A bell link to the notification centre with the unread count; nothing when signed out.
    `oob=True` renders it for an htmx out-of-band swap (after marking one read)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    if lazy:  # the page itself makes no query: htmx fetches the count after load
        return {"show": True, "lazy": True}
    return {"show": True, "count": unread_count(user), "oob": oob}
