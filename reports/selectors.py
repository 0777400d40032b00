from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Membership, Organization, Role
from core.models import WorkerHeartbeat
from notifications.models import Notification, Status
from patients.models import Alert, EmergencyAccess, Patient, PatientStatus
from reports.definitions.adherence import adherence_totals
from reports.definitions.network import engagement_totals
from reports.filters import default_filters
from reports.registry import REPORTS

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


def dashboard_tiles(*, clinic: Organization) -> dict[str, object]:
    """The last 30 days at a glance, each figure from the report it links to (a constant number
    of queries whatever the clinic's size)."""
    filters = default_filters(clinic)
    now = timezone.now()
    alerts = (
        Alert.objects.unresolved()
        .filter(clinic=clinic)
        .aggregate(
            day=Count("pk", filter=Q(created_at__gte=now - timedelta(days=1))),
            week=Count(
                "pk",
                filter=Q(
                    created_at__lt=now - timedelta(days=1), created_at__gte=now - timedelta(days=7)
                ),
            ),
            older=Count("pk", filter=Q(created_at__lt=now - timedelta(days=7))),
        )
    )
    delivery = Notification.objects.filter(
        clinic=clinic, due_at__gte=now - timedelta(days=30), due_at__lte=now
    ).aggregate(
        sent=Count("pk", filter=Q(status=Status.SENT)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        total=Count("pk"),
    )
    # Only the totals rows the tiles show: the reports' other tables (per clinician, the named
    # list, outcomes) cost most of the time and are not shown here.
    adherence = adherence_totals(clinic, filters)
    milestones = REPORTS["milestones"].build(clinic, filters).table("milestones").totals or {}
    network = engagement_totals(clinic, filters)
    return {
        "milestones": milestones,
        "network": network,
        "since": filters.start,
        "adherence30": adherence.get("rate30"),
        "adherence_patients": adherence.get("patients", 0),
        "alerts": alerts,
        "delivery": delivery,
    }
