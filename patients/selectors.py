from django.db.models import QuerySet

from accounts.models import Organization, User
from patients.models import Patient


def caseload_for(*, clinician: User, clinic: Organization) -> QuerySet[Patient]:
    """The patients of this clinic whose current care team includes the clinician."""
    return (
        Patient.objects.filter(
            clinic=clinic, care_team__clinician=clinician, care_team__ended_on__isnull=True
        )
        .select_related("program")
        .order_by("legal_name", "pk")
        .distinct()
    )


def patient_record_for(*, user: User, clinic: Organization) -> Patient | None:
    """The person-in-recovery record linked to this sign-in, in this clinic."""
    return Patient.objects.filter(user=user, clinic=clinic).select_related("program").first()
