"""Who reaches what of engagement's features: each helper scopes first and answers 404 for
anything outside (a help request of another person, a step of another ladder, a message of
another chart), so a view never fetches an id from the URL itself."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Membership, User
from coping.access import CopingAccess
from engagement.models import CelebrationMessage, HelpRequest, LadderStep
from engagement.models import HelpRequestRecipient as Asked
from networks.models import SupportContact
from patients.access import ChartAccess, is_on_care_team, patient_for_staff
from patients.models import Patient

# --- the help button ------------------------------------------------------------------------


def own_help_request(patient: Patient, request_id: int) -> HelpRequest:
    """One of the person's own help requests."""
    return get_object_or_404(patient.help_requests, pk=request_id)


def open_ask_for_supporter(contact: SupportContact, request_id: int, open_for: timedelta) -> Asked:
    """The supporter's place on a request that asked them and is still open."""
    return get_object_or_404(
        Asked.objects.select_related("request", "request__patient"),
        request_id=request_id,
        contact=contact,
        request__created_at__gt=timezone.now() - open_for,
    )


def help_request_on_chart(patient: Patient, request_id: int) -> HelpRequest:
    """A help request of the chart the view opened (through its access rules)."""
    return get_object_or_404(
        HelpRequest.objects.select_related("alert", "patient"), patient=patient, pk=request_id
    )


# --- the celebration kit --------------------------------------------------------------------


def may_review(user: User, patient: Patient) -> bool:
    """The patient themself, or a clinician on their current care team."""
    if not user.is_authenticated:
        return False
    return patient.user_id == user.pk or is_on_care_team(user, patient)


def can_review(access: CopingAccess) -> bool:
    """The same rule for a page opened through the coping access: the person, or the care
    team (a clinic admin or emergency access only reads)."""
    return access.is_patient or bool(access.chart and access.chart.on_team)


def celebration_to_review(
    access: CopingAccess, patient: Patient, celebration_id: int
) -> CelebrationMessage:
    """A message written for this person, for someone who may review it; 404 otherwise."""
    if not can_review(access):
        raise Http404
    return get_object_or_404(
        CelebrationMessage.objects.select_related("patient__clinic"),
        pk=celebration_id,
        patient=patient,
    )


# --- the escalation ladder ------------------------------------------------------------------


def ladder_step_for_staff(
    membership: Membership, patient_id: int, step_id: int
) -> tuple[Patient, LadderStep]:
    """A step of this patient's ladder, for a member of staff who may write on the chart."""
    patient = patient_for_staff(membership, patient_id)
    if not ChartAccess(membership, patient).can_edit:
        raise Http404
    step = get_object_or_404(
        LadderStep.objects.select_related("ladder__patient__clinic").filter(
            ladder__patient=patient
        ),
        pk=step_id,
    )
    return patient, step
