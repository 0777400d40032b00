"""Writing to the outbox and sending from it.

- `enqueue()` writes a row inside the caller's transaction; the idempotency key (kind,
  occurrence, recipient, channel) is a unique constraint, so asking twice plans once. Dispatch is
  queued with `transaction.on_commit`.
- `send_one()` claims a row with a conditional update (pending to sending) before sending: two
  workers, one send. Transient failures go back to pending with exponential backoff; permanent
  ones are marked failed with the error.
- `sweep()` re-queues rows stranded in pending (broker down) or in sending (worker killed).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from smtplib import SMTPException, SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Channel, Notification, Status
from notifications.preferences import contact_wants, quiet_until, unsubscribe_url, wants

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 60
STUCK_AFTER = timedelta(minutes=10)


class PermanentFailure(Exception):
    """The message cannot be delivered however often it is tried."""


@dataclass(frozen=True)
class Message:
    kind: str
    occurrence: str
    channel: str
    recipient_key: str
    address: str
    body: str
    subject: str = ""
    html_body: str = ""
    link: str = ""
    language: str = "en"
    urgent: bool = False  # passes quiet hours for people who allowed urgent messages


def enqueue(
    message: Message,
    *,
    due_at: datetime | None = None,
    clinic: object = None,
    patient: object = None,
    recipient_user: object = None,
    recipient_contact: object = None,
) -> Notification | None:
    """Plan one message; None if this very message was planned before."""
    try:
        with transaction.atomic():
            row = Notification.objects.create(
                kind=message.kind, occurrence=message.occurrence, channel=message.channel,
                recipient_key=message.recipient_key, address=message.address,
                subject=message.subject[:200], body=message.body, html_body=message.html_body,
                link=message.link, language=message.language, urgent=message.urgent,
                due_at=due_at or timezone.now(),
                clinic=clinic, patient=patient, recipient_user=recipient_user,
                recipient_contact=recipient_contact,
            )  # fmt: skip
    except IntegrityError:
        return None
    if row.due_at <= timezone.now():
        transaction.on_commit(lambda: queue_dispatch(row.pk))
    return row


def queue_dispatch(notification_id: int) -> bool:
    """Hand the row to a worker; if the broker is down the row waits for the sweeper. (With
    NOTIFICATIONS_INLINE_DISPATCH, used by the unit tests, the row is sent in this process.)"""
    if settings.NOTIFICATIONS_INLINE_DISPATCH:
        send_one(notification_id)
        return True
    from notifications.tasks import dispatch_notification

    try:
        dispatch_notification.apply_async(args=[notification_id], retry=False)
    except Exception:  # the broker is unreachable: nothing is lost, the sweep sends it later
        logger.warning("broker unavailable; notification %s waits for the sweep", notification_id)
        return False
    return True


def claim(notification_id: int) -> Notification | None:
    """Pending and due to sending, by a conditional update: exactly one worker wins."""
    now = timezone.now()
    won = Notification.objects.filter(
        pk=notification_id, status=Status.PENDING, due_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now)
    if won != 1:
        return None
    return Notification.objects.get(pk=notification_id)


def send_one(notification_id: int, *, email_connection: object = None) -> str:
    """Claim and send one row; returns "sent", "failed", "retried", "deferred" or "skipped".
    A batch passes one open SMTP connection so every email does not open its own."""
    row = claim(notification_id)
    if row is None:
        return "skipped"
    reason = still_wanted(row)
    if reason:
        _finish(row, Status.SKIPPED, reason=reason)
        return "skipped"
    if row.recipient_user_id is not None:
        later = quiet_until(row.recipient_user, timezone.now())
        if later is not None:  # quiet hours defer, never drop
            Notification.objects.filter(pk=row.pk).update(
                status=Status.PENDING, due_at=later, claimed_at=None
            )
            return "deferred"
    try:
        sender = CHANNELS[row.channel]
        if email_connection is not None and sender is _send_email:
            provider_id = _send_email(row, connection=email_connection)
        else:
            provider_id = sender(row)
    except PermanentFailure as exc:
        _finish(row, Status.FAILED, error=str(exc))
        return "failed"
    except Exception as exc:  # transient: try again later, up to a cap
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            _finish(row, Status.FAILED, error=repr(exc), attempts=attempts)
            return "failed"
        delay = timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** (attempts - 1))
        Notification.objects.filter(pk=row.pk).update(
            status=Status.PENDING, attempts=attempts, last_error=repr(exc)[:2000],
            due_at=timezone.now() + delay, claimed_at=None,
        )  # fmt: skip
        return "retried"
    _finish(row, Status.SENT, provider_id=provider_id or "")
    return "sent"


def _finish(row: Notification, status: str, *, reason: str = "", error: str = "",
            attempts: int | None = None, provider_id: str = "") -> None:  # fmt: skip
    Notification.objects.filter(pk=row.pk).update(
        status=status, reason=reason[:300], last_error=error[:2000],
        attempts=attempts if attempts is not None else row.attempts + 1,
        sent_at=timezone.now() if status == Status.SENT else None,
        provider_message_id=provider_id[:200],
    )  # fmt: skip


def still_wanted(row: Notification) -> str:
    """Why a planned message must not go out any more (empty when it still should): a revoked
    consent, a removed contact or a discharged patient cancels it."""
    from networks.consent import consented_scopes
    from networks.models import ContactStatus
    from patients.models import PatientStatus

    if row.recipient_contact_id is not None:
        contact = row.recipient_contact
        if contact.status == ContactStatus.REMOVED:
            return "The contact was removed from the network."
        scope = SCOPE_OF_KIND.get(row.kind)
        scopes = consented_scopes(contact)
        if (scope and scope not in scopes) or (row.kind in ANY_SCOPE_KINDS and not scopes):
            return "No consent in force for this any more."
    # Opting out after a message was planned still stops it (transactional kinds excepted).
    if row.kind not in ALWAYS_SENT_KINDS:
        if row.recipient_user_id is not None and not wants(
            row.recipient_user, row.kind, row.channel
        ):
            return "The person opted out of these messages."
        if row.recipient_contact_id is not None and not contact_wants(
            row.recipient_contact, row.kind
        ):
            return "The person opted out of these messages."
    ended = (PatientStatus.DISCHARGED, PatientStatus.ALUMNI)
    if (
        row.patient_id is not None
        and row.kind in PATIENT_ACTIVE_KINDS
        and row.patient.status in ended
    ):
        return "The patient was discharged."
    return ""


SCOPE_OF_KIND = {
    "milestone_heads_up": "milestones",
    "milestone_day": "milestones",
    "appointment_24h": "appointments",
    "appointment_1h": "appointments",
    "help_task_due": "help_tasks",
}
# Messages a person asked for or needs to use the service: never held back by an opt-out.
ALWAYS_SENT_KINDS = {"invitation", "staff_invitation", "account"}
# Kinds for supporters that any consent in force allows (none when nothing is shared).
ANY_SCOPE_KINDS = {"reach_out_reminder"}
PATIENT_ACTIVE_KINDS = {
    "checkin_reminder", "milestone_heads_up", "milestone_day", "assessment_due", "missed_checkins",
}  # fmt: skip


def _send_email(row: Notification, connection: object = None) -> str:
    if not row.address:
        raise PermanentFailure("No email address.")
    unsubscribe = unsubscribe_url(row)
    email = EmailMultiAlternatives(
        subject=row.subject, body=row.body, to=[row.address], connection=connection,
        headers={
            "Message-ID": row.message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )  # fmt: skip
    email.attach_alternative(row.html_body or html_version(row), "text/html")
    try:
        email.send(fail_silently=False)
    except SMTPRecipientsRefused as exc:
        raise PermanentFailure(f"Recipient refused: {exc}") from exc
    except (SMTPException, OSError):
        raise  # transient: the caller retries with backoff
    return row.message_id


def html_version(row: Notification) -> str:
    """The HTML part of a plain-text message: the same words, links clickable, in the
    recipient's language (the text was rendered in it)."""
    from django.utils.html import escape, linebreaks, urlize

    body = urlize(linebreaks(escape(row.body)), nofollow=True)
    return (
        f'<!doctype html><html lang="{escape(row.language)}"><head><meta charset="utf-8">'
        f"<title>{escape(row.subject)}</title></head>"
        f'<body style="font-family: sans-serif; line-height: 1.5">{body}</body></html>'
    )


def _send_in_app(row: Notification) -> str:
    return f"in-app-{row.pk}"


def _send_sms(row: Notification) -> str:
    """Send through the backend named by SMS_BACKEND (the console in development). Backends
    raise PermanentFailure for undeliverable messages and anything else for transient errors."""
    from notifications.sms import get_backend

    if not row.address:
        raise PermanentFailure("No phone number.")
    return get_backend().send(row.address, row.body)


CHANNELS = {Channel.EMAIL: _send_email, Channel.IN_APP: _send_in_app, Channel.SMS: _send_sms}


def dispatch_due(limit: int = 500) -> dict[str, int]:
    """Send what is due now (the `reminders_dispatch` command and the periodic sweep)."""
    counts = {"sent": 0, "failed": 0, "retried": 0, "skipped": 0, "deferred": 0}
    due = Notification.objects.filter(status=Status.PENDING, due_at__lte=timezone.now())
    ids = list(due.order_by("due_at", "pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return counts
    connection = get_connection()  # one SMTP session for the whole batch
    try:
        connection.open()
    except Exception:  # the server is down: each row retries on its own schedule
        connection = None
    try:
        for pk in ids:
            counts[send_one(pk, email_connection=connection)] += 1
    finally:
        if connection is not None:
            connection.close()
    return counts


def sweep() -> int:
    """Rows stuck in sending (a worker died after claiming) go back to pending; due pending rows
    (the broker was down at commit) are queued again. Returns how many were re-queued."""
    now = timezone.now()
    Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - STUCK_AFTER).update(
        status=Status.PENDING, claimed_at=None
    )
    stranded = Notification.objects.filter(
        Q(status=Status.PENDING) & Q(due_at__lte=now)
    ).values_list("pk", flat=True)[:1000]
    queued = 0
    for pk in stranded:
        if not queue_dispatch(pk):
            break  # the broker is down: try again at the next sweep
        queued += 1
    return queued
