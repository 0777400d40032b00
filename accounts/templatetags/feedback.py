"""`{% feedback_at "place" %}`: the confirmations meant for this place on the page (see
accounts/feedback.py). Messages meant for a place are left out of the top of the page."""

from django import template
from django.template.loader import render_to_string

from accounts.feedback import place_of

register = template.Library()


@register.simple_tag(takes_context=True)
def feedback_at(context: template.Context, place: str) -> str:
    request = context.get("request")
    if request is not None:  # remembered, so a message whose place is not drawn still shows
        request.feedback_places = {*getattr(request, "feedback_places", ()), place}
    here = [m for m in context.get("messages") or [] if place_of(m) == place]
    return render_to_string("includes/_feedback.html", {"place": place, "messages_here": here})


@register.simple_tag(takes_context=True)
def feedback_unplaced(context: template.Context) -> str:
    """Confirmations meant for a place this page did not draw (a person on another page of a
    list, a section now hidden): shown at the end of the page rather than lost."""
    request = context.get("request")
    drawn = getattr(request, "feedback_places", set()) if request is not None else set()
    left = [m for m in context.get("messages") or [] if place_of(m) and place_of(m) not in drawn]
    if not left:
        return ""
    return render_to_string("includes/_feedback.html", {"place": "page", "messages_here": left})


@register.filter
def without_place(messages: object) -> list:
    """The messages that have no place of their own (shown at the top of the page)."""
    return [m for m in messages or [] if not place_of(m)]
