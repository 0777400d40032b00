"""What upper apps plug into the outbox, which imports none of them.

- Renderers: kinds whose text is built when the message is sent, not when it is planned (the
  weekly digest is made from the consents in force at that moment). The outbox calls the
  renderer after its own checks; `SkipMessage` marks the row skipped with the reason.
- Send guards: asked at send time, before the recipient's own choices, why a planned row must
  not go out any more (networks: a removed contact, a consent no longer in force)."""

from collections.abc import Callable
from dataclasses import dataclass

from notifications.models import Notification


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    html_body: str = ""


class SkipMessage(Exception):
    """Nothing to send any more; the message is the row's reason."""


RENDER_AT_SEND: dict[str, Callable[[Notification], Rendered]] = {}


def register_renderer(kind: str, renderer: Callable[[Notification], Rendered]) -> None:
    RENDER_AT_SEND[kind] = renderer


# A send guard returns why the row must not go out any more, or "" when it still may.
SEND_GUARDS: list[Callable[[Notification], str]] = []


def register_send_guard(guard: Callable[[Notification], str]) -> None:
    """Ask `guard` about every row at send time (once, whatever the number of calls)."""
    if guard not in SEND_GUARDS:
        SEND_GUARDS.append(guard)
