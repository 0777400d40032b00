"""Who reaches a patient's coping plan, check-ins and assessments.

The patient (their own record), the care team and clinicians with emergency access (read and
write), clinic admins (read). Supporters and everyone of another clinic get 404: what a supporter
may see of the plan goes through networks' consent rules, never through these views.
"""

from collections.abc import Callable

from django.http import Http404, HttpResponse

from accounts.models import Membership, Role
from patients.access import ChartAccess, opens_patient, patient_for_staff
from patients.models import Patient


class CopingAccess:
    def __init__(self, membership: Membership, patient: Patient) -> None:
        self.patient = patient
        self.is_patient = membership.role == Role.PATIENT
        self.chart = None if self.is_patient else ChartAccess(membership, patient)

    @property
    def can_edit(self) -> bool:
        return self.is_patient or bool(self.chart and self.chart.can_edit)

    @property
    def is_staff(self) -> bool:
        return not self.is_patient


def coping_patient(membership: Membership | None, patient_id: object) -> Patient:
    """The patient whose coping pages this user may open; 404 otherwise."""
    if membership is None:
        raise Http404
    if membership.role == Role.PATIENT:
        patient = Patient.objects.filter(
            user_id=membership.user_id, clinic_id=membership.organization_id
        ).first()
        if patient is None or str(patient.pk) != str(patient_id):
            raise Http404
        return patient
    return patient_for_staff(membership, patient_id)


def own_patient_record(membership: Membership | None) -> Patient:
    """The signed-in person's own record in the current clinic; 404 if none."""
    if membership is None or membership.role != Role.PATIENT:
        raise Http404
    patient = (
        Patient.objects.filter(user_id=membership.user_id, clinic_id=membership.organization_id)
        .select_related("clinic")
        .first()
    )
    if patient is None:
        raise Http404
    return patient


def patient_page(*, write: bool = False) -> Callable[[Callable[..., HttpResponse]], Callable]:
    """For pages about one patient that the patient and their care team share (progress, the
    coping plan, the network): the one opener of patients.access with the rules above."""
    return opens_patient(
        roles=(Role.PATIENT, Role.CLINICIAN, Role.ADMIN),
        find=coping_patient,
        access_class=CopingAccess,
        write=write,
    )
