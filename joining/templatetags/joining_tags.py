"""`{% sign_in_status patient can_edit %}`: where the person stands with their own sign-in
(not invited, invited, expired, joined), for the chart's overview, with a link to manage it."""

from django import template
from django.template.loader import render_to_string

from joining.services import sign_in_state
from patients.models import Patient

register = template.Library()


@register.simple_tag
def sign_in_status(patient: Patient, can_edit: bool = False) -> str:
    return render_to_string(
        "joining/_sign_in_status.html",
        {"patient": patient, "sign_in": sign_in_state(patient), "can_edit": can_edit},
    )
