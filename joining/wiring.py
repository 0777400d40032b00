"""What joining/ adds to the floors below it, at start-up: the planner's links for people
without a sign-in, and the intake step that invites the person."""

from datetime import date

from django.http import HttpRequest

from accounts.models import User
from joining import services
from networks.models import SupportContact
from notifications.planner import register_link_makers
from patients.models import Patient
from patients.services import register_intake_step


def _patient_link(patient: Patient, path: str, checkin_day: date | None) -> str:
    if checkin_day is not None:
        return services.checkin_link(patient, checkin_day)
    return services.person_link(patient, path)


def _supporter_link(contact: SupportContact, path: str) -> str:
    return services.supporter_link(contact, path)


def _invite_at_intake(
    *, patient: Patient, actor: User, invite_by: str, request: HttpRequest | None = None
) -> None:
    if invite_by:
        services.patient_invitation_send(
            patient=patient, actor=actor, channel=invite_by, request=request
        )


def register() -> None:
    register_link_makers(patient=_patient_link, supporter=_supporter_link)
    register_intake_step(_invite_at_intake)
