"""Writing deliveries and sending them: the webhooks' outbox.

- `subscribed()` finds the clinic's active endpoints for an event (one query); `record_for()`
  writes one delivery row per endpoint, in the transaction of the event itself (a check-in
  rolled back sends nothing), and queues the sends with `transaction.on_commit`.
- `send_one()` claims a due row by a conditional update (its next attempt moves a lease ahead),
  so two workers never post it twice at once, and a worker killed mid-send leaves a row the
  sweep takes again when the lease ends. It resolves and checks the address (webhooks.safety),
  posts the signed body to that very address with a short timeout and no redirects, and saves
  the outcome: delivered (2xx), or failed with an exponential backoff, until MAX_ATTEMPTS, then
  gave up. A refused (private) address gives up at once.
- `sweep()` (a periodic task) hands due rows (retries, and rows whose queueing was lost when
  the broker was down) to workers.

The log keeps the answer's status code and a short error, never the receiver's body.
"""

import http.client
import json
import logging
import socket
import ssl
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.safety import Target, UnsafeAddress, target_for_send
from webhooks.signing import decrypt_secret, signature

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 60  # 1, 2, 4, 8, 16 minutes between the six attempts
TIMEOUT_SECONDS = 5
CLAIM_LEASE = timedelta(minutes=2)  # longer than a send can take (the task's time limit)
SWEEP_BATCH = 500
USER_AGENT = "RecoveryHub-Webhooks/1"
SIGNATURE_HEADER = "X-RecoveryHub-Signature"
EVENT_HEADER = "X-RecoveryHub-Event"
DELIVERY_HEADER = "X-RecoveryHub-Delivery"
BROKER_RETRY_AFTER_SECONDS = 20
_broker_down_until: dict[str, float] = {}


# --- Payloads: ids, times and links only --------------------------------------------------------


def site_link(name: str, **kwargs: object) -> str:
    return f"{settings.SITE_URL}{reverse(f'api:{name}', kwargs=kwargs)}"


def payload(
    *,
    event: str,
    clinic: Organization,
    occurred_at: datetime,
    data: dict[str, Any],
    links: dict[str, str],
) -> dict[str, Any]:
    """The body of an event (the delivery's own id is added when it is written). No clinical
    text ever: a receiver fetches details through the API, where reads are audited."""
    return {
        "event": event,
        "occurred_at": occurred_at.isoformat(),
        "clinic": clinic.slug,
        "data": data,
        "links": links,
    }


# --- Writing deliveries ---------------------------------------------------------------------------


def subscribed(clinic_ids: Iterable[int], event: str) -> dict[int, list[WebhookEndpoint]]:
    """The active endpoints subscribed to `event`, by clinic: one query, whatever the count."""
    found: dict[int, list[WebhookEndpoint]] = {}
    rows = WebhookEndpoint.objects.filter(clinic_id__in=set(clinic_ids), active=True)
    for endpoint in rows.select_related("clinic"):
        if endpoint.wants(event):
            found.setdefault(endpoint.clinic_id, []).append(endpoint)
    return found


def record_for(
    endpoints: list[WebhookEndpoint], *, event: str, body: dict[str, Any]
) -> list[WebhookDelivery]:
    """A delivery of `body` to each endpoint (its own id added), sent after commit."""
    if not endpoints:
        return []
    now = timezone.now()
    rows = []
    for endpoint in endpoints:
        row = WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=now)
        row.payload = {"id": str(row.uid), **body}
        rows.append(row)
    WebhookDelivery.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: [queue_send(pk) for pk in ids])
    return rows


def queue_send(delivery_id: int) -> bool:
    """Hand the row to a worker; when the broker is down the row waits for the sweep. (With
    NOTIFICATIONS_INLINE_DISPATCH, as in the unit tests, it is sent in this process.)"""
    if settings.NOTIFICATIONS_INLINE_DISPATCH:
        send_one(delivery_id)
        return True
    from webhooks.tasks import send_webhook

    broker = send_webhook.app.conf.broker_url
    if time.monotonic() < _broker_down_until.get(broker, 0.0):
        return False
    try:
        send_webhook.apply_async(args=[delivery_id], retry=False)
    except Exception:  # the broker is unreachable: nothing is lost, the sweep sends it later
        _broker_down_until[broker] = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        logger.warning("broker unavailable; webhook delivery %s waits for the sweep", delivery_id)
        return False
    _broker_down_until.pop(broker, None)
    return True


# --- Sending --------------------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to by now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked address; the certificate is verified for the URL's host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST to the URL's checked address; the answer's status (a redirect is not followed)."""
    target = target_for_send(url)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(1024)  # a little of the answer, so the connection closes cleanly; not kept
        return response.status
    finally:
        connection.close()


def claim(delivery_id: int) -> WebhookDelivery | None:
    """The row if this worker won it (due and waiting), its attempt counted; None otherwise."""
    now = timezone.now()
    won = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED),
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + CLAIM_LEASE, attempts=F("attempts") + 1, updated_at=now)
    if won != 1:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def _short_error(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"No answer within {TIMEOUT_SECONDS} seconds."
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "The certificate could not be verified."
    if isinstance(exc, ConnectionRefusedError):
        return "The connection was refused."
    if isinstance(exc, ConnectionError) and exc.args and isinstance(exc.args[0], str):
        return exc.args[0][:200]
    return type(exc).__name__[:200]


def send_one(delivery_id: int) -> str:
    """Claim and send one delivery: "sent", "retried", "gave_up" or "skipped"."""
    row = claim(delivery_id)
    if row is None:
        return "skipped"
    endpoint = row.endpoint
    now = timezone.now()
    if not endpoint.active:
        _save(row, DeliveryStatus.GAVE_UP, error="The endpoint was turned off.")
        return "gave_up"
    body = json.dumps(row.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: row.event,
        DELIVERY_HEADER: str(row.uid),
        SIGNATURE_HEADER: signature(
            decrypt_secret(endpoint.secret_encrypted), int(now.timestamp()), body
        ),
    }
    try:
        code = post(endpoint.url, body, headers)
    except UnsafeAddress as exc:
        _save(row, DeliveryStatus.GAVE_UP, error=str(exc))
        return "gave_up"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return _retry_or_give_up(row, error=_short_error(exc))
    if 200 <= code < 300:
        _save(row, DeliveryStatus.SENT, code=code)
        return "sent"
    error = f"Answered {code}" + (" (redirects are not followed)." if 300 <= code < 400 else ".")
    return _retry_or_give_up(row, error=error, code=code)


def _retry_or_give_up(row: WebhookDelivery, *, error: str, code: int | None = None) -> str:
    if row.attempts >= MAX_ATTEMPTS:
        _save(row, DeliveryStatus.GAVE_UP, code=code, error=error)
        return "gave_up"
    delay = timedelta(seconds=BACKOFF_BASE_SECONDS * 2 ** (row.attempts - 1))
    _save(row, DeliveryStatus.FAILED, code=code, error=error, next_at=timezone.now() + delay)
    return "retried"


def _save(
    row: WebhookDelivery,
    status: str,
    *,
    code: int | None = None,
    error: str = "",
    next_at: datetime | None = None,
) -> None:
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=row.pk).update(
        status=status,
        last_status_code=code,
        last_error=error[:200],
        next_attempt_at=next_at,
        sent_at=now if status == DeliveryStatus.SENT else None,
        updated_at=now,
    )


def sweep(now: datetime | None = None) -> int:
    """Queue every delivery that is due: retries whose time has come, rows whose queueing was
    lost, rows whose worker died (the claim's lease ended). Returns how many."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.FAILED),
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in due:
        queue_send(pk)
    return len(due)


def ping_body(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return payload(
        event=WebhookEvent.PING,
        clinic=endpoint.clinic,
        occurred_at=timezone.now(),
        data={"endpoint_id": endpoint.pk},
        links={"endpoint": site_link("webhook-detail", endpoint_id=endpoint.pk)},
    )
