"""Template tags of updates: the small block on the person's home page."""

from datetime import timedelta

from django import template
from django.utils import timezone

from patients.models import Patient
from updates.selectors import new_replies_count

register = template.Library()

NEW_FOR_DAYS = 7  # "new" replies: those of the last week


@register.inclusion_tag("updates/_home_block.html")
def patient_updates_block(patient: Patient) -> dict[str, object]:
    """A link to the person's updates with the replies of the last week counted (one query)."""
    since = timezone.now() - timedelta(days=NEW_FOR_DAYS)
    return {"new_replies": new_replies_count(patient, since)}
