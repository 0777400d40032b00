"""Who may open which patient. Scope first, then fetch: anything outside answers 404.

- clinic admins read every patient of their clinic, but never clinical notes;
- clinicians open the patients whose current care team they are on, or a chart they opened
  with emergency access (24 hours, with a reason, audited and shown to the admins);
- people in recovery and supporters never reach these staff views.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Membership, Role, User
from patients.models import CareTeamMember, EmergencyAccess, Patient


def _on_team(user: User) -> Q:
    return Q(
        Exists(
            CareTeamMember.objects.filter(
                patient=OuterRef("pk"), clinician=user, ended_on__isnull=True
            )
        )
    )


def _emergency(user: User) -> Q:
    return Q(
        Exists(
            EmergencyAccess.objects.filter(
                patient=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
            )
        )
    )


def patients_for_staff(membership: Membership | None) -> QuerySet[Patient]:
    """Every patient this staff member may open in their current clinic."""
    if membership is None:
        return Patient.objects.none()
    qs = Patient.objects.filter(clinic_id=membership.organization_id)
    if membership.role == Role.ADMIN:
        return qs
    if membership.role == Role.CLINICIAN:
        return qs.filter(_on_team(membership.user) | _emergency(membership.user))
    return Patient.objects.none()


def care_team_patients(membership: Membership | None) -> QuerySet[Patient]:
    """The patients this staff member may pick from a list to act for (invite to an event, ...):
    a clinic admin, every patient of the clinic; a clinician, those on their current care team
    (emergency access opens one chart, it does not put the person on anyone's lists)."""
    if membership is None:
        return Patient.objects.none()
    qs = Patient.objects.filter(clinic_id=membership.organization_id)
    if membership.role == Role.ADMIN:
        return qs
    if membership.role == Role.CLINICIAN:
        return qs.filter(_on_team(membership.user))
    return Patient.objects.none()


def patient_for_staff(membership: Membership | None, patient_id: object) -> Patient:
    """The patient if this staff member may open the chart; 404 otherwise (no existence leak)."""
    try:
        pk = int(patient_id)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(patients_for_staff(membership).select_related("program"), pk=pk)


def is_on_care_team(user: User, patient: Patient) -> bool:
    return CareTeamMember.objects.filter(
        patient=patient, clinician=user, ended_on__isnull=True
    ).exists()


def has_emergency_access(user: User, patient: Patient) -> bool:
    return EmergencyAccess.objects.filter(
        patient=patient, user=user, expires_at__gt=timezone.now()
    ).exists()


class ChartAccess:
    """What one staff member may do on one chart; computed once per request."""

    def __init__(self, membership: Membership, patient: Patient) -> None:
        self.membership = membership
        self.patient = patient
        is_clinician = membership.role == Role.CLINICIAN
        self.on_team = is_clinician and is_on_care_team(membership.user, patient)
        self.emergency = (
            is_clinician and not self.on_team and has_emergency_access(membership.user, patient)
        )
        self.is_admin = membership.role == Role.ADMIN

    @property
    def can_edit(self) -> bool:
        """Clinicians on the team, or with emergency access, change the chart; admins read."""
        return self.on_team or self.emergency

    @property
    def can_read_notes(self) -> bool:
        """Clinical notes stay with the care team (and a clinician acting in an emergency)."""
        return self.on_team or self.emergency
