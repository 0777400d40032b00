"""Writes of the notifications app: a person's preferences (and their time zone), and a clinic
admin's retry of a failed message. Each runs in one transaction and writes its audit event.

A person in recovery's record follows their own time zone; patients/ registers that with
`register_time_zone_follower` at start-up, so this app never reads a patient itself.
"""

import base64
import binascii
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.services import language_set
from audit.models import Action
from audit.services import audit_record
from notifications import outbox
from notifications.models import (
    Channel,
    Kind,
    Notification,
    NotificationPreference,
    PushSubscription,
    Status,
)
from notifications.preferences import channels_for
from notifications.push import device_label, endpoint_problem
from notifications.selectors import inbox_of

# Called, in the transaction, when a person sets their own time zone: (user, zone, request).
TimeZoneFollower = Callable[[User, str, HttpRequest | None], None]
TIME_ZONE_FOLLOWERS: list[TimeZoneFollower] = []


def register_time_zone_follower(follower: TimeZoneFollower) -> None:
    if follower not in TIME_ZONE_FOLLOWERS:
        TIME_ZONE_FOLLOWERS.append(follower)


@transaction.atomic
def time_zone_set(*, user: User, zone: str, request: HttpRequest | None = None) -> User:
    """The person's own time zone; what follows it (a person in recovery's record, audited as a
    change to the record) is told in the same transaction."""
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    for follower in TIME_ZONE_FOLLOWERS:
        follower(user, zone, request)
    return user


@transaction.atomic
def preference_save(
    *,
    preference: NotificationPreference,
    user: User,
    time_zone: str = "",
    language: str | None = None,
    request: HttpRequest | None = None,
) -> NotificationPreference:
    """Save the person's choices (already applied to `preference`), their time zone when they
    chose a different one, and their language (None: not asked; blank: the clinic's default)."""
    preference.save()
    if language is not None:
        language_set(user=user, language=language)
    if time_zone and time_zone != user.time_zone:
        time_zone_set(user=user, zone=time_zone, request=request)
    return preference


@transaction.atomic
def notification_retry(
    *, notification_id: int, clinic: Organization, request: HttpRequest | None = None
) -> Notification | None:
    """Send a failed message of the clinic again (pending, no attempts, due now), audited with
    its previous attempts; handed to the worker after commit. None when the clinic has no such
    message; a ValidationError when it did not fail."""
    row = Notification.objects.select_for_update().filter(pk=notification_id, clinic=clinic).first()
    if row is None:
        return None
    if row.status != Status.FAILED:
        raise ValidationError(_("Only a failed message can be sent again."))
    Notification.objects.filter(pk=row.pk).update(
        status=Status.PENDING, attempts=0, due_at=timezone.now(), claimed_at=None
    )
    audit_record(
        action=Action.UPDATE,
        request=request,
        target=row,
        patient=row.patient if row.patient_id else None,
        details={
            "change": "notification_retry",
            "kind": row.kind,
            "channel": row.channel,
            "previous_attempts": row.attempts,
        },
    )
    pk, channel = row.pk, row.channel
    transaction.on_commit(lambda: outbox.queue_dispatch(pk, channel))
    return row


def notification_mark_read(*, user: User, notification_id: int) -> Notification | None:
    """Mark one of the person's in-app notifications read (once: a second time keeps the
    first moment). None when they have no such notification."""
    row = inbox_of(user).filter(pk=notification_id).first()
    if row is None:
        return None
    if row.read_at is None:
        row.read_at = timezone.now()
        Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=row.read_at)
    return row


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread in-app notification of the person read; how many were."""
    return inbox_of(user).filter(read_at__isnull=True).update(read_at=timezone.now())


# --- Web Push devices ---------------------------------------------------------------------------


def _b64url_bytes(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, binascii.Error):
        return None


def push_subscribe(
    *,
    user: User,
    endpoint: str,
    p256dh: str,
    auth: str,
    user_agent: str = "",
    request: HttpRequest | None = None,
) -> PushSubscription:
    """Store this browser's push subscription for the person (again: the same row, active).
    A browser that was someone else's before (a shared device) is theirs no more. The first
    device turns push on for every kind that may go to a lock screen; the person narrows it
    per kind in their preferences. A ValidationError with field errors for bad input."""
    errors: dict[str, list[str]] = {}
    problem = endpoint_problem(endpoint or "")
    if problem:
        errors["endpoint"] = [problem]
    if len(endpoint or "") > 1000:
        errors["endpoint"] = [_("The push address is too long.")]
    key = _b64url_bytes(p256dh or "")
    if key is None or len(key) != 65 or key[0] != 4:
        errors["p256dh"] = [_("This is not a browser's push key.")]
    secret = _b64url_bytes(auth or "")
    if secret is None or len(secret) != 16:
        errors["auth"] = [_("This is not a browser's push secret.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        first = not PushSubscription.objects.active().filter(user=user).exists()
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={
                "user": user,
                "p256dh": p256dh,
                "auth": auth,
                "device_label": device_label(user_agent)[:80],
                "revoked_at": None,
                "failures": 0,
            },
        )
        if first:
            preference, _new = NotificationPreference.objects.select_for_update().get_or_create(
                user=user
            )
            preference.channels = {
                kind: [
                    *[c for c in channels_for(preference, kind) if c != Channel.PUSH],
                    *([Channel.PUSH.value] if kind not in outbox.NO_PUSH_KINDS else []),
                ]
                for kind in Kind.values
            }
            preference.save(update_fields=["channels", "updated_at"])
        audit_record(
            action=Action.CREATE,
            request=request,
            actor=user,
            target=subscription,
            details={"change": "push_subscribe", "device": subscription.device_label},
        )
    return subscription


def push_revoke(
    *, user: User, subscription_id: int, request: HttpRequest | None = None
) -> PushSubscription | None:
    """Stop every push to this device of the person (again: nothing changes). None when they
    have no such device."""
    with transaction.atomic():
        subscription = (
            PushSubscription.objects.select_for_update()
            .filter(user=user, pk=subscription_id)
            .first()
        )
        if subscription is None:
            return None
        if subscription.revoked_at is None:
            subscription.revoked_at = timezone.now()
            subscription.save(update_fields=["revoked_at"])
            audit_record(
                action=Action.DELETE,
                request=request,
                actor=user,
                target=subscription,
                details={"change": "push_revoke", "device": subscription.device_label},
            )
    return subscription
