import logging
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Membership, Organization, Role
from coping.models import CheckIn
from core.models import WorkerHeartbeat
from networks.models import (
    Consent,
    Encouragement,
    HelpTask,
    Invitation,
    ReachOut,
    SupportContact,
)
from notifications.models import Notification, Status
from patients.models import Alert, EmergencyAccess, Milestone, Patient, PatientStatus, Setback
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
    emergency = _emergency_access_and_data_version(clinic)
    return {
        "patients": patients,
        "people": people,
        "emergency_access_recent": emergency["emergency_access"],
        "data_version": emergency["data_version"],
        "emergency_access_days": EMERGENCY_ACCESS_DAYS,
        "last_heartbeat": WorkerHeartbeat.objects.order_by("-ran_at").first(),
    }


# The tables the 30-day tiles count rows of: a new row in any of them is a new data version.
VERSIONED = (
    CheckIn,
    Notification,
    Patient,
    Setback,
    Milestone,
    SupportContact,
    Invitation,
    Consent,
    HelpTask,
    ReachOut,
    Encouragement,
)
# The longest the tiles are kept: rows changed in place (a message sent, a contact ended, a
# task done) show within this time; new rows at once (they change the data version).
DASHBOARD_TILES_SECONDS = 120

logger = logging.getLogger(__name__)


def _emergency_access_and_data_version(clinic: Organization) -> dict[str, object]:
    """The emergency-access count and the data version of the tiles, in one query: the newest
    id of each table in VERSIONED (an index's last entry each)."""
    since = timezone.now() - timedelta(days=EMERGENCY_ACCESS_DAYS)
    recent = (
        EmergencyAccess.objects.filter(patient__clinic=OuterRef("pk"), started_at__gte=since)
        .order_by()
        .values("patient__clinic")
        .annotate(n=Count("pk"))
        .values("n")
    )
    newest = {
        f"v{n}": Subquery(model.objects.order_by("-pk").values("pk")[:1])
        for n, model in enumerate(VERSIONED)
    }
    row = (
        Organization.objects.filter(pk=clinic.pk)
        .annotate(
            emergency_access=Coalesce(Subquery(recent, output_field=IntegerField()), 0),
            **newest,
        )
        .values("emergency_access", *newest)
        .get()
    )
    version = ".".join(str(row[name] or 0) for name in newest)
    return {"emergency_access": row["emergency_access"], "data_version": version}


def dashboard_tiles(*, clinic: Organization, data_version: str | None = None) -> dict[str, object]:
    """The last 30 days at a glance, each figure from the report it links to (a constant number
    of queries whatever the clinic's size). The open alerts are counted on every view; the
    report figures are kept per clinic, day and data version (the same for every admin of the
    clinic: they hold counts, nobody's record) for at most DASHBOARD_TILES_SECONDS."""
    filters = default_filters(clinic)
    now = timezone.now()
    key = None
    if data_version is not None:
        key = f"reports:dashboard:{clinic.pk}:{filters.start}:{filters.end}:{data_version}"
    figures = _cached(key)
    if figures is None:
        figures = _report_figures(clinic, filters, now)
        _keep(key, figures)
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
    return {**figures, "since": filters.start, "alerts": alerts}


def _report_figures(clinic: Organization, filters: object, now: object) -> dict[str, object]:
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
        "milestones": dict(milestones),
        "network": dict(network),
        "adherence30": adherence.get("rate30"),
        "adherence_patients": adherence.get("patients", 0),
        "delivery": delivery,
    }


def _cached(key: str | None) -> dict[str, object] | None:
    """The kept figures, or None (none kept, or the cache is unreachable: count them now)."""
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # Redis down: the page still works, uncached
        logger.warning("dashboard tiles: cache unreachable", exc_info=True)
        return None


def _keep(key: str | None, figures: dict[str, object]) -> None:
    if key is None:
        return
    try:
        cache.set(key, figures, DASHBOARD_TILES_SECONDS)
    except Exception:
        logger.warning("dashboard tiles: cache unreachable", exc_info=True)
