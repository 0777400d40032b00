from django.db.models import Count, Q

from accounts.models import Membership, Organization, Role
from patients.models import Patient, PatientStatus
from recovery_hub.models import WorkerHeartbeat


def clinic_overview(*, clinic: Organization) -> dict[str, object]:
    """The admin dashboard's figures for one clinic, counted in the database."""
    patients = Patient.objects.filter(clinic=clinic).aggregate(
        active=Count("pk", filter=Q(status=PatientStatus.ACTIVE)),
        intake=Count("pk", filter=Q(status=PatientStatus.INTAKE)),
        total=Count("pk"),
    )
    people = (
        Membership.objects.active()
        .filter(organization=clinic)
        .aggregate(
            clinicians=Count("pk", filter=Q(role=Role.CLINICIAN)),
            supporters=Count("pk", filter=Q(role=Role.SUPPORTER)),
        )
    )
    return {
        "patients": patients,
        "people": people,
        "last_heartbeat": WorkerHeartbeat.objects.order_by("-ran_at").first(),
    }
