from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Membership, Organization, Role
from patients.models import EmergencyAccess, Patient, PatientStatus
from recovery_hub.models import WorkerHeartbeat

# The dashboard's emergency-access tile looks back this far.
EMERGENCY_ACCESS_DAYS = 7


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
    emergency_access = EmergencyAccess.objects.filter(
        patient__clinic=clinic,
        started_at__gte=timezone.now() - timedelta(days=EMERGENCY_ACCESS_DAYS),
    ).count()
    return {
        "patients": patients,
        "people": people,
        "emergency_access_recent": emergency_access,
        "emergency_access_days": EMERGENCY_ACCESS_DAYS,
        "last_heartbeat": WorkerHeartbeat.objects.order_by("-ran_at").first(),
    }
