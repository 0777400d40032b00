"""{% digest_card contact %}: the supporter's weekly digest settings, on their portal page."""

from typing import Any

from django import template

from engagement.digest_views import subscription_initial
from engagement.digests import subscription_of
from engagement.forms import DigestSubscriptionForm
from networks.models import SupportContact

register = template.Library()


@register.inclusion_tag("engagement/_digest_card.html", takes_context=True)
def digest_card(context: template.Context, contact: SupportContact) -> dict[str, Any]:
    request = context.get("request")
    if request is not None and request.user.pk == contact.user_id:
        contact.user = request.user  # the portal's own account: spare a query
    return {
        "contact": contact,
        "subscription": subscription_of(contact),
        "form": DigestSubscriptionForm(initial=subscription_initial(contact)),
        "csrf_token": context.get("csrf_token"),
        "zone": contact.zone.key,
    }
