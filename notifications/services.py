"""Writes of the notifications app: a person's preferences (and their time zone), and a clinic
admin's retry of a failed message. Each runs in one transaction and writes its audit event.

A person in recovery's record follows their own time zone; patients/ registers that with
`register_time_zone_follower` at start-up, so this app never reads a patient itself.
"""

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
from notifications.models import Notification, NotificationPreference, Status
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
