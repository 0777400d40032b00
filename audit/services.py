from django.db import models
from django.http import HttpRequest

from accounts.models import Organization, User
from audit.models import AuditEvent


def _client_ip(request: HttpRequest) -> str | None:
    # Behind the compose proxy the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: User | None = None,
    clinic: Organization | None = None,
    target: models.Model | None = None,
    patient: models.Model | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Write one audit event. Call it inside the transaction of the change it describes."""
    if request is not None:
        if actor is None and request.user.is_authenticated:
            actor = request.user
        if clinic is None:
            clinic = getattr(request, "clinic", None)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        clinic=clinic,
        patient=patient,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        ip_address=_client_ip(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
        details=details or {},
    )
