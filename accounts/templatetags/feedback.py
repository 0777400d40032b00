"""`{% feedback_at "place" %}`: the confirmations meant for this place on the page (see
accounts/feedback.py). Messages meant for a place are left out of the top of the page."""

from django import template
from django.template.loader import render_to_string

from accounts.feedback import place_of

register = template.Library()


@register.simple_tag(takes_context=True)
def feedback_at(context: template.Context, place: str) -> str:
    here = [m for m in context.get("messages") or [] if place_of(m) == place]
    return render_to_string("includes/_feedback.html", {"place": place, "messages_here": here})


@register.filter
def without_place(messages: object) -> list:
    """The messages that have no place of their own (shown at the top of the page)."""
    return [m for m in messages or [] if not place_of(m)]
