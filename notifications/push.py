"""Web Push: the channel that reaches a person's own devices.

- `configured()` / `public_key()`: the server's VAPID keys (settings; `make demo` writes a pair).
- `endpoint_problem(url)`: why a browser's push endpoint may not be stored (HTTPS to a known
  push service, never a private or loopback address: no request forgery through a fake
  subscription). `WEB_PUSH_ALLOW_HTTP_ENDPOINTS` lets the tests' local push service through.
- `device_label(user_agent)`: "Chrome on Android", for the person's list of devices.
- `push_text(kind, language)`: the words a push shows. A lock screen is read by anyone who
  picks the phone up, so the text is generic per kind ("You have a new message") and never the
  row's subject or body: no name, diagnosis, substance or treatment.
- `send_push(row)`: the outbox's sender. Every active device of the recipient (the row's user,
  or the account of the support contact it is addressed to) gets the payload
  `{"title", "body", "url", "tag"}` (the service worker's contract), encrypted (aes128gcm) and
  signed with VAPID by pywebpush. 404/410 from the push service: the device unsubscribed, its
  row is revoked. 429/5xx or no answer: transient, the outbox retries with backoff. No device:
  the row is skipped with the reason.
"""

import ipaddress
import json
from functools import cache
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from notifications.hooks import SkipMessage
from notifications.models import Kind, Notification, PushSubscription

TITLE = "Recovery Hub"
# The push services of the browsers in use (Chrome, Edge, Firefox, Safari, Samsung, Opera).
PUSH_SERVICE_SUFFIXES = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
)
BLOCKED_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")
FAILURES_BEFORE_REVOKE = 5


class PushTransient(Exception):
    """No device took the message now, but a later try may work (429, 5xx, no answer)."""


class PushRefused(Exception):
    """No device takes the message, however often it is tried."""


# --- Keys --------------------------------------------------------------------------------------


def configured() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def public_key() -> str:
    return settings.VAPID_PUBLIC_KEY if configured() else ""


@cache
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_string(private_key=private_key)


# --- Endpoints ---------------------------------------------------------------------------------


def endpoint_problem(url: str) -> str:
    """Why this push endpoint may not be stored, or "" when it may."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a bad port raises)
    except ValueError:
        return _("Enter a valid address.")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or parts.username is not None or parts.password is not None:
        return _("Enter a valid address.")
    if settings.WEB_PUSH_ALLOW_HTTP_ENDPOINTS and parts.scheme in ("http", "https"):
        return ""
    if parts.scheme != "https":
        return _("The push address must start with https://.")
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None:
        if not address.is_global:
            return _("The push address must be on the public internet.")
        return _("The push address must belong to a browser's push service.")
    if host == "localhost" or host.endswith(BLOCKED_SUFFIXES) or "." not in host:
        return _("The push address must be on the public internet.")
    if not any(host == s or host.endswith(f".{s}") for s in PUSH_SERVICE_SUFFIXES):
        return _("The push address must belong to a browser's push service.")
    return ""


# --- Devices -----------------------------------------------------------------------------------

_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """ "Chrome on Android" from a User-Agent; a plain "A browser" when it says nothing known."""
    agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in agent), "")
    system = next((name for token, name in _SYSTEMS if token in agent), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("A browser")


# --- The words ---------------------------------------------------------------------------------

# Each kind's words and its tag (the service worker replaces an older push with the same tag);
# neither says more than the words do.
NEW_MESSAGE = ("message", gettext_lazy("You have a new message"))
REMINDER = ("reminder", gettext_lazy("A reminder from Recovery Hub"))
A_HAND = ("network", gettext_lazy("Someone in your network needs a hand"))
SOMETHING_NEW = ("news", gettext_lazy("Something new is waiting for you in Recovery Hub"))
PLAN_CHANGED = ("plan", gettext_lazy("A plan you are part of has changed"))
ON_IT = ("help", gettext_lazy("Someone has seen your request"))

PUSH_TEXTS = {
    Kind.MESSAGE_NEW: NEW_MESSAGE,
    Kind.UPDATE_POSTED: SOMETHING_NEW,
    Kind.UPDATE_RESPONSE: SOMETHING_NEW,
    Kind.HELP_REQUEST: A_HAND,
    Kind.LADDER_SUPPORTER: A_HAND,
    Kind.REACH_OUT: A_HAND,
    Kind.HELP_TASK_NEW: A_HAND,
    Kind.HELP_ACKNOWLEDGED: ON_IT,
    Kind.HELP_SLOT_CHANGED: PLAN_CHANGED,
    Kind.CHECKIN_REMINDER: REMINDER,
    Kind.APPOINTMENT_24H: REMINDER,
    Kind.APPOINTMENT_1H: REMINDER,
    Kind.ASSESSMENT_DUE: REMINDER,
    Kind.HELP_TASK_DUE: REMINDER,
    Kind.HELP_TASK_WEEK: REMINDER,
    Kind.HELP_SLOT_DAY_BEFORE: REMINDER,
    Kind.HELP_SLOT_HOUR_BEFORE: REMINDER,
    Kind.MILESTONE_HEADS_UP: REMINDER,
}


def push_text(kind: str, language: str) -> dict[str, str]:
    """The title, body and tag a push shows for this kind, in the recipient's language."""
    tag, words = PUSH_TEXTS.get(kind, SOMETHING_NEW)
    with translation.override(language or settings.LANGUAGE_CODE):
        return {"title": TITLE, "body": str(words), "tag": f"rh-{tag}"}


def push_path(link: str) -> str:
    """The row's link as a path of this site (the service worker opens only same-origin
    paths); the notification centre when the link leads elsewhere or is missing."""
    site = settings.SITE_URL.rstrip("/")
    if link.startswith(f"{site}/"):
        link = link[len(site) :]
    if link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return reverse("notifications:centre")


def payload(row: Notification) -> dict[str, str]:
    """What the service worker shows: `{"title", "body", "url", "tag"}`."""
    text = push_text(row.kind, row.language)
    return {
        "title": text["title"],
        "body": text["body"],
        "url": push_path(row.link),
        "tag": text["tag"],
    }


# --- Sending -----------------------------------------------------------------------------------


def recipient_user_id(row: Notification) -> int | None:
    """The account whose devices get the row: its user, or its support contact's account."""
    if row.recipient_user_id is not None:
        return row.recipient_user_id
    if row.recipient_contact_id is not None:
        return row.recipient_contact.user_id
    return None


def send_push(row: Notification) -> str:
    """Send the row to every active device of its recipient; the provider id names the devices
    that took it. Raises SkipMessage (nothing to send to), PushTransient or PushRefused."""
    if not configured():
        raise SkipMessage("Web Push is not set up on this server (no VAPID keys).")
    user_id = recipient_user_id(row)
    devices = list(PushSubscription.objects.active().filter(user_id=user_id)) if user_id else []
    if not devices:
        raise SkipMessage("No device of the person takes push notifications.")
    data = json.dumps(payload(row))
    vapid = _vapid(settings.VAPID_PRIVATE_KEY)
    session = requests.Session()
    session.max_redirects = 0  # a push service answers; it never sends us elsewhere
    took, transient, errors = [], [], []
    for device in devices:
        if endpoint_problem(device.endpoint):  # stored before a rule changed: not any more
            errors.append(f"device {device.pk}: {endpoint_problem(device.endpoint)}")
            _revoke(device)
            continue
        try:
            webpush(
                device.subscription_info(),
                data=data,
                vapid_private_key=vapid,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=settings.WEB_PUSH_TTL_SECONDS,
                content_encoding="aes128gcm",
                timeout=10,
                headers={"Urgency": "high" if row.urgent else "normal"},
                requests_session=session,
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            errors.append(f"device {device.pk}: {status or exc}")
            if status in (404, 410):  # the browser unsubscribed: never again
                _revoke(device)
            elif status is None or status == 429 or status >= 500:
                transient.append(device)
            else:  # 400, 403 (another key), 413: this device will not take it
                _failed(device, revoke_now=status == 403)
            continue
        except (OSError, ValueError) as exc:  # no answer, refused connection, a bad key
            errors.append(f"device {device.pk}: {exc!r}")
            transient.append(device)
            continue
        took.append(device)
    session.close()
    now = timezone.now()
    if took:
        PushSubscription.objects.filter(pk__in=[d.pk for d in took]).update(
            last_used_at=now, failures=0
        )
        return "push:" + ",".join(str(d.pk) for d in took)
    if transient:
        raise PushTransient("; ".join(errors))
    if all(d.revoked_at is not None for d in devices):
        raise SkipMessage("Every device of the person unsubscribed from push notifications.")
    raise PushRefused("; ".join(errors))


def _revoke(device: PushSubscription) -> None:
    device.revoked_at = timezone.now()
    PushSubscription.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
        revoked_at=device.revoked_at
    )


def _failed(device: PushSubscription, *, revoke_now: bool) -> None:
    device.failures += 1
    if revoke_now or device.failures >= FAILURES_BEFORE_REVOKE:
        _revoke(device)
    PushSubscription.objects.filter(pk=device.pk).update(failures=device.failures)


def push_user_ids(user_ids: set[int]) -> set[int]:
    """Those of these accounts that have an active device, in one query."""
    if not user_ids:
        return set()
    return set(
        PushSubscription.objects.active()
        .filter(user_id__in=user_ids)
        .values_list("user_id", flat=True)
        .distinct()
    )
