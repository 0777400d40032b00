"""Where a webhook may be sent: HTTPS to a public address only (no server-side request
forgery into the clinic's or our own network).

Checked when an endpoint is saved (the URL, and the addresses its name resolves to now) and
again before every send: the name is resolved then, every address must be public, and the
connection goes to the address that was checked (webhooks.delivery pins it), so a name that
changes its answer between the check and the connection (DNS rebinding) gains nothing.

`WEBHOOKS_ALLOW_INSECURE_HOSTS` (a setting, default empty) lists host names or addresses that
may be plain HTTP and private, e.g. ["127.0.0.1"] for the tests' local receiver."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

BLOCKED_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")


class UnsafeAddress(Exception):
    """The URL may not be called; the message says why, for the admin."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str  # the checked IP address to connect to


def allowed_insecure_hosts() -> set[str]:
    return {str(host).lower() for host in getattr(settings, "WEBHOOKS_ALLOW_INSECURE_HOSTS", [])}


def _parts(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeAddress(_("Enter a valid address.")) from None
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise UnsafeAddress(_("Enter a valid address."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeAddress(_("Leave names and passwords out of the address."))
    insecure_ok = host in allowed_insecure_hosts()
    if parts.scheme != "https" and not (insecure_ok and parts.scheme == "http"):
        raise UnsafeAddress(_("The address must start with https://."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def _refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _resolve(host: str, port: int) -> list[str]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


PRIVATE_MESSAGE = gettext_lazy("Private, local and internal addresses cannot receive webhooks.")


def check_url(url: str) -> None:
    """At registration: the address is HTTPS and not private. A name that does not resolve
    yet is accepted (it is resolved again before each send)."""
    _scheme, host, port, _path = _parts(url)
    if host in allowed_insecure_hosts():
        return
    if host == "localhost" or host.endswith(BLOCKED_SUFFIXES):
        raise UnsafeAddress(str(PRIVATE_MESSAGE))
    literal = _literal(host)
    addresses = [literal] if literal else _resolve(host, port)
    if any(_refused_address(address) for address in addresses):
        raise UnsafeAddress(str(PRIVATE_MESSAGE))


def target_for_send(url: str) -> Target:
    """Before a send: the address to connect to, checked now. UnsafeAddress when it may not be
    called (final); ConnectionError when the name does not resolve now (tried again later)."""
    scheme, host, port, path = _parts(url)
    allowed = host in allowed_insecure_hosts()
    if not allowed and (host == "localhost" or host.endswith(BLOCKED_SUFFIXES)):
        raise UnsafeAddress(str(PRIVATE_MESSAGE))
    literal = _literal(host)
    addresses = [literal] if literal else _resolve(host, port)
    if not addresses:
        raise ConnectionError("The address's name could not be found (DNS).")  # try later
    if not allowed and any(_refused_address(address) for address in addresses):
        raise UnsafeAddress(str(PRIVATE_MESSAGE))
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
