"""Kinds whose text is built when the message is sent, not when it is planned (the weekly
digest is made from the consents in force at that moment). The outbox calls the renderer after
its own checks; `SkipMessage` marks the row skipped with the reason."""

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
