"""Who reaches which thread and message. Everything outside answers 404 (no existence leak).

- The person in recovery: their own thread, in the current clinic.
- A supporter: their own thread about a patient, only while a consent in force shares
  Scope.MESSAGES with them.
- A clinician: the threads of patients whose current care team they are on. Clinic admins
  and clinicians off the team do not read messages (they are care, like clinical notes).
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Membership, Role
from coping.access import own_patient_record
from messaging.models import Message, Thread
from networks.consent import consented_scopes
from networks.models import Scope, SupportContact
from networks.selectors import contact_for_supporter
from patients.access import care_team_patients
from patients.models import Patient


def _pk(value: object) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def own_patient(membership: Membership | None) -> Patient:
    """The signed-in person's own record (404 for anyone else)."""
    return own_patient_record(membership)


def supporter_contact(membership: Membership | None, patient_id: object) -> SupportContact:
    """The supporter's contact row for the patient, when their consent in force shares
    messages with the care team; 404 otherwise."""
    if membership is None or membership.role != Role.SUPPORTER:
        raise Http404
    contact = contact_for_supporter(membership.user, membership.organization, patient_id)
    if Scope.MESSAGES not in consented_scopes(contact):
        raise Http404
    return contact


def team_patients(membership: Membership | None) -> QuerySet[Patient]:
    """The patients whose messages this clinician reads: their current care teams'."""
    if membership is None or membership.role != Role.CLINICIAN:
        return Patient.objects.none()
    return care_team_patients(membership)


def team_patient(membership: Membership | None, patient_id: object) -> Patient:
    return get_object_or_404(team_patients(membership).select_related("clinic"), pk=_pk(patient_id))


def thread_of(patient: Patient, thread_id: object) -> Thread:
    return get_object_or_404(
        Thread.objects.filter(patient=patient).select_related("contact"), pk=_pk(thread_id)
    )


def message_of(patient: Patient, message_id: object) -> Message:
    return get_object_or_404(
        Message.objects.filter(thread__patient=patient).select_related("thread"),
        pk=_pk(message_id),
    )
