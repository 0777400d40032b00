"""Writes of the reports app: the clinic's report settings. Each runs in one transaction and
writes its audit event."""

from django.db import transaction
from django.http import HttpRequest

from accounts.models import Organization, User
from audit.models import Action
from audit.services import audit_record
from reports.models import ReportSettings


@transaction.atomic
def report_settings_save(
    *, clinic: Organization, threshold: int, actor: User, request: HttpRequest | None = None
) -> ReportSettings:
    """Set the clinic's small-number threshold; the change is audited with both values."""
    settings, _created = ReportSettings.objects.select_for_update().get_or_create(clinic=clinic)
    before = settings.small_number_threshold
    settings.small_number_threshold = threshold
    settings.full_clean()
    settings.save()
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=clinic,
        target=settings,
        details={"small_number_threshold": {"from": before, "to": threshold}},
    )
    return settings
