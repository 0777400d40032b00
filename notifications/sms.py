"""Pluggable SMS backends, chosen by the `SMS_BACKEND` setting (a dotted path).

Every backend has `send(to, body, *, idempotency_key="") -> str`, returning the provider's message
id. The outbox passes the row's Message-ID as the idempotency key: a re-send of the same row (a
worker killed after the provider accepted the text, before the outcome was saved) carries the
same key, so a provider that honours it sends the text once. A backend raises
`notifications.outbox.PermanentFailure` when the message can never be delivered (the outbox marks
the row failed) and any other exception, e.g. `ConnectionError`, when trying again later may work
(the outbox retries with backoff).

- `ConsoleBackend` (the default) writes the text to the log: development.
- `FileBackend` appends one JSON line per message to `SMS_FILE_PATH` (default var/sms.log).
- `HttpProviderBackend` posts JSON {"to", "body"} to `SMS_HTTP_URL` with
  `Authorization: Bearer <SMS_HTTP_TOKEN>` and `Idempotency-Key: <key>`, and expects a 2xx
  answer with JSON {"id": "..."}.
"""

import json
import logging
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "notifications.sms.ConsoleBackend"
# Two GSM-7 segments; longer texts are split into more (billed) parts or truncated by carriers.
SMS_MAX_CHARS = 320


def sms_text_ok(body: str) -> bool:
    """Whether a text fits the length SMS bodies are kept to (at most SMS_MAX_CHARS)."""
    return len(body) <= SMS_MAX_CHARS


def get_backend() -> "SmsBackend":
    """An instance of the backend class named by the SMS_BACKEND setting."""
    path = getattr(settings, "SMS_BACKEND", "") or DEFAULT_BACKEND
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SMS_BACKEND {path!r} cannot be imported: {exc}") from exc
    return backend_class()


def _permanent_failure(message: str) -> Exception:
    # Imported here: notifications.outbox imports this module to send SMS.
    from notifications.outbox import PermanentFailure

    return PermanentFailure(message)


class SmsBackend:
    def send(self, to: str, body: str, *, idempotency_key: str = "") -> str:
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    """Development: the text goes to the log, nothing is sent."""

    def send(self, to: str, body: str, *, idempotency_key: str = "") -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        logger.info("SMS to %s (%s, key %s): %s", to, message_id, idempotency_key, body)
        return message_id


class FileBackend(SmsBackend):
    """Appends one JSON line per message to SMS_FILE_PATH (default var/sms.log)."""

    _lock = threading.Lock()

    def path(self) -> Path:
        configured = getattr(settings, "SMS_FILE_PATH", "")
        return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "sms.log"

    def send(self, to: str, body: str, *, idempotency_key: str = "") -> str:
        message_id = f"file-{uuid.uuid4().hex}"
        line = json.dumps(
            {
                "id": message_id,
                "to": to,
                "body": body,
                "key": idempotency_key,
                "at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        )
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return message_id


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a misconfigured URL; following it would re-send the POST as a GET."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        return None


class HttpProviderBackend(SmsBackend):
    """An HTTP SMS provider: POST JSON {"to", "body"} to SMS_HTTP_URL with a bearer token and
    the idempotency key in an `Idempotency-Key` header (when there is one).

    2xx with JSON {"id": "..."} gives the id. 408 and 429 (try later), 5xx, timeouts and
    connection errors are transient (ConnectionError); any other 4xx and 3xx are permanent.
    """

    timeout = 10  # seconds
    max_response_bytes = 64 * 1024

    def send(self, to: str, body: str, *, idempotency_key: str = "") -> str:
        url = getattr(settings, "SMS_HTTP_URL", "")
        token = getattr(settings, "SMS_HTTP_TOKEN", "")
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("SMS_HTTP_URL must be an http:// or https:// URL.")
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            url,
            data=json.dumps({"to": to, "body": body}).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {token}",
                **({"Idempotency-Key": idempotency_key} if idempotency_key else {}),
            },
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                status = response.status
                raw = response.read(self.max_response_bytes)
        except urllib.error.HTTPError as exc:
            status = exc.code
            detail = _snippet(exc.read(2000) if exc.fp else b"")
            exc.close()
            if status >= 500 or status in (408, 429):
                raise ConnectionError(f"SMS provider answered {status}: {detail}") from None
            raise _permanent_failure(f"SMS provider refused ({status}): {detail}") from None
        except (TimeoutError, OSError) as exc:  # URLError, refused, reset, timed out, DNS
            reason = getattr(exc, "reason", exc)
            raise ConnectionError(f"SMS provider unreachable: {reason}") from exc
        # The provider accepted the message: retrying could send it twice, so a reply without
        # an id is recorded as a failure rather than retried.
        try:
            message_id = json.loads(raw)["id"]
        except (ValueError, TypeError, KeyError) as exc:
            raise _permanent_failure(
                f"SMS provider answered {status} without a message id: {_snippet(raw)}"
            ) from exc
        if not isinstance(message_id, str | int) or message_id == "":
            raise _permanent_failure(f"SMS provider answered {status} with a bad id.")
        return str(message_id)


def _snippet(raw: bytes) -> str:
    return raw[:200].decode("utf-8", "replace")
