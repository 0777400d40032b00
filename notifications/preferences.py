"""What a person wants to receive, and when not to disturb them.

- `wants(user, kind, channel)`: may this kind go to this person by this channel?
- `contact_wants(contact, kind)`: the same for a support contact (who may have no account).
- `quiet_until(user, at)`: when the person's quiet hours end, if `at` falls inside them
  (in the person's own time zone, DST-correct; a period may cross midnight: 22:00-07:00).
- `unsubscribe_url(row)` / `unsubscribe(row)`: the signed one-click link of an email, and what
  following it does.
"""

from collections.abc import Collection
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from notifications.models import (
    ContactOptOut,
    Kind,
    Notification,
    NotificationPreference,
    default_channels,
)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def preference_for(user: object) -> NotificationPreference:
    """The person's preferences; an unsaved row with the defaults if they never chose."""
    try:
        return NotificationPreference.objects.get(user=user)
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def channels_for(preference: NotificationPreference, kind: str) -> list[str]:
    channels = preference.channels if isinstance(preference.channels, dict) else {}
    if kind in channels and isinstance(channels[kind], list):
        return channels[kind]
    return default_channels().get(kind, [])


def wants(
    user: object, kind: str, channel: str, *, preference: NotificationPreference | None = None
) -> bool:
    """False when the person paused everything, unsubscribed from the kind, or turned the
    channel off for it. (`preference`: the person's, when the caller has read it already.)"""
    if preference is None:
        preference = preference_for(user)
    if preference.refuses(kind):
        return False
    return channel in channels_for(preference, kind)


def contact_wants(contact: object, kind: str, *, opted_out: Collection[str] | None = None) -> bool:
    """False when the contact opted out of this kind from an email link. (`opted_out`: the
    kinds the contact opted out of, when the caller has read them already.)"""
    if opted_out is not None:
        return kind not in opted_out
    return not ContactOptOut.objects.filter(contact=contact, kind=kind).exists()


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _wall_clock(day: object, at: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as an aware datetime; a time skipped by DST (02:30 on the day
    clocks go forward) lands just after the gap, a repeated one on its first occurrence."""
    local = datetime.combine(day, at, tzinfo=zone)
    return local.astimezone(ZoneInfo("UTC")).astimezone(zone)


def quiet_end(
    start: time | None, end: time | None, at: datetime, zone: ZoneInfo
) -> datetime | None:
    """When the quiet period [start, end) containing `at` ends; None if `at` is outside it."""
    if start is None or end is None or start == end:
        return None
    local = at.astimezone(zone)
    now = local.time().replace(tzinfo=None)
    today = local.date()
    if start < end:  # within one day: 13:00-15:00
        if start <= now < end:
            return _wall_clock(today, end, zone)
        return None
    # across midnight: 22:00-07:00
    if now >= start:
        return _wall_clock(today + timedelta(days=1), end, zone)
    if now < end:
        return _wall_clock(today, end, zone)
    return None


def quiet_until(
    user: object, at: datetime, *, preference: NotificationPreference | None = None
) -> datetime | None:
    """The end of the person's quiet hours (aware, in their zone) if `at` falls inside them,
    else None. (`preference`: the person's, when the caller has read it already.)"""
    if preference is None:
        preference = preference_for(user)
    zone = _zone(getattr(user, "time_zone", "UTC"))
    return quiet_end(preference.quiet_hours_start, preference.quiet_hours_end, at, zone)


# --- One-click unsubscribe ----------------------------------------------------------------------


def unsubscribe_token(notification_id: int) -> str:
    return signing.dumps({"n": notification_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(row: Notification) -> str:
    """The absolute, signed link for the email's List-Unsubscribe header and footer."""
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token(row.pk)])
    return f"{settings.SITE_URL}{path}"


def row_from_token(token: str) -> Notification | None:
    """The row a token names; None if the token was altered or the row is gone."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), int):
        return None
    return (
        Notification.objects.select_related("recipient_user", "recipient_contact")
        .filter(pk=data["n"])
        .first()
    )


def unsubscribe(row: Notification) -> bool:
    """No more of this row's kind for its recipient: on the person's preferences, or on the
    contact when they have no account. False if the row has neither (nothing to remember)."""
    if row.recipient_user_id is not None:
        with transaction.atomic():
            preference, _ = NotificationPreference.objects.select_for_update().get_or_create(
                user_id=row.recipient_user_id
            )
            kinds = list(preference.unsubscribed_kinds or [])
            if row.kind not in kinds:
                kinds.append(row.kind)
                preference.unsubscribed_kinds = kinds
                preference.save(update_fields=["unsubscribed_kinds", "updated_at"])
        return True
    if row.recipient_contact_id is not None:
        ContactOptOut.objects.get_or_create(contact_id=row.recipient_contact_id, kind=row.kind)
        return True
    return False


def kind_label(kind: str) -> str:
    try:
        return str(Kind(kind).label)
    except ValueError:
        return kind
