from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest

from audit.models import Action, AuditEvent, ListedPatient
from core.api_classes import UNSTORABLE

if TYPE_CHECKING:  # audit sits below accounts: the record names its models only as types
    from accounts.models import Organization, User

# A filter value longer than this is cut: the trail records what was asked, not a document.
FILTER_VALUE_LIMIT = 100


def _client_ip(request: HttpRequest) -> str | None:
    """The address the trail records. X-Forwarded-For is the client's to write, so only the
    entries our own proxies appended count: with TRUSTED_PROXY_COUNT proxies in front, the
    client is that many entries from the right (the same rule as the sign-in limits); with none,
    the connection's own address. A value that is not an address is ignored."""
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    candidates = [hops[-proxies]] if proxies and len(hops) >= proxies else []
    candidates.append(request.META.get("REMOTE_ADDR") or "")
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if not getattr(address, "scope_id", None):  # PostgreSQL's inet has no "%eth0"
            return str(address)
    return None


def _user_agent(request: HttpRequest) -> str:
    return UNSTORABLE.sub("", request.META.get("HTTP_USER_AGENT", ""))[:300]


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
        user_agent=_user_agent(request) if request is not None else "",
        details=details or {},
    )


def audit_about(
    action: str,
    request: HttpRequest | None,
    actor: User | None,
    patient: models.Model,
    target: models.Model | None,
    **details: object,
) -> AuditEvent:
    """An event about one patient's data, in the patient's clinic (the common case of the apps'
    services: `audit_about(Action.CREATE, request, actor, patient, row, day=...)`)."""
    return audit_record(
        action=action,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=target,
        patient=patient,
        details=details,
    )


def list_filters(query: Mapping[str, object], *, leave_out: Iterable[str] = ("page",)) -> dict:
    """The filters of a list as they are recorded: the query's values (cut to a readable
    length), without paging and empty values."""
    skipped = set(leave_out)
    recorded: dict[str, object] = {}
    getlist = getattr(query, "getlist", None)
    for key in query:
        if key in skipped:
            continue
        values = getlist(key) if getlist is not None else [query[key]]
        shown = [str(value)[:FILTER_VALUE_LIMIT] for value in values if value not in (None, "")]
        if shown:
            recorded[str(key)[:FILTER_VALUE_LIMIT]] = shown[0] if len(shown) == 1 else shown
    return recorded


def audit_list(
    *,
    list_name: str,
    patient_ids: Iterable[int | None],
    request: HttpRequest | None = None,
    actor: User | None = None,
    clinic: Organization | None = None,
    filters: Mapping[str, object] | None = None,
    rows: int | None = None,
) -> AuditEvent:
    """One event for one read of a list of patient data, not one per row: which list
    (audit.targets.LISTS names it), the filters, how many patients it showed, and which ones
    (a ListedPatient row each, only those on the page shown), so "who saw my information"
    finds it."""
    shown = sorted({patient_id for patient_id in patient_ids if patient_id is not None})
    details: dict[str, object] = {"list": list_name, "patients": len(shown)}
    if rows is not None and rows != len(shown):
        details["rows"] = rows
    if filters:
        details["filters"] = dict(filters)
    # One transaction for the event and its rows: one commit (one flush to disk) per read.
    with transaction.atomic(savepoint=False):
        event = audit_record(
            action=Action.LIST, request=request, actor=actor, clinic=clinic, details=details
        )
        ListedPatient.objects.bulk_create(
            [ListedPatient(event=event, patient_id=patient_id) for patient_id in shown]
        )
    return event
