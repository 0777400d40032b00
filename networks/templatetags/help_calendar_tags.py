"""The patient's home page block "Help from my people": the gaps of the coming two weeks."""

from django import template

from networks.help_calendar import UPCOMING_DAYS, upcoming_gaps
from patients.models import Patient

register = template.Library()


@register.inclusion_tag("networks/_help_from_my_people.html")
def help_from_my_people(patient: Patient) -> dict[str, object]:
    """How many occasions of the coming two weeks still need someone (two queries)."""
    gaps = upcoming_gaps(patient, patient.local_today())
    return {
        "patient": patient,
        "gap_count": len(gaps),
        "next_gap": gaps[0] if gaps else None,
        "upcoming_days": UPCOMING_DAYS,
    }
