"""Template tags of the support network."""

from django import template

from networks.selectors import encouragements_for_patient
from patients.models import Patient

register = template.Library()

LATEST_ENCOURAGEMENTS = 5


@register.inclusion_tag("networks/_encouragements_for_patient.html")
def patient_encouragements(patient: Patient) -> dict[str, object]:
    """The latest words of encouragement from the patient's network (one query)."""
    notes = list(encouragements_for_patient(patient)[:LATEST_ENCOURAGEMENTS])
    for note in notes:
        note.sender_first_name = note.contact.first_name
    return {"encouragements": notes}
