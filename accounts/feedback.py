"""Confirmations shown where the action happened, not at the top of a long page.

A view says where its confirmation belongs and sends the person back to that place:

    return feedback_redirect(request, url, _("Sent."), at="encouragement")

The message carries the tag `at-encouragement`; the page renders it with
`{% feedback_at "encouragement" %}` next to the control that was used, inside an element whose id
is the anchor, so the browser scrolls there and static/js/app.js moves focus to it (announced by
screen readers through role="status"). Messages without a place show at the top as before.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect

PLACE_PREFIX = "at-"


def place_of(message: object) -> str:
    for tag in (getattr(message, "extra_tags", "") or "").split():
        if tag.startswith(PLACE_PREFIX):
            return tag[len(PLACE_PREFIX) :]
    return ""


def feedback(request: HttpRequest, text: str, *, at: str, level: int = messages.SUCCESS) -> None:
    messages.add_message(request, level, text, extra_tags=f"{PLACE_PREFIX}{at}")


def feedback_redirect(
    request: HttpRequest, url: str, text: str, *, at: str, level: int = messages.SUCCESS
) -> HttpResponseRedirect:
    feedback(request, text, at=at, level=level)
    return HttpResponseRedirect(f"{url.split('#')[0]}#{at}")
