"""Writes of the interop app: the audit events of its exports (an export is an audited read)."""

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest

from accounts.models import Organization
from audit.models import Action, AuditEvent, ListedPatient
from audit.services import audit_record
from patients.models import Patient


def fhir_record_audit(
    *, patient: Patient, request: HttpRequest, resources: int, scopes: Iterable[str] | None
) -> AuditEvent:
    """One patient's FHIR bundle was read (`scopes`: a supporter's, with what they hold)."""
    details: dict[str, object] = {"api": "fhir", "format": "fhir-r4-bundle", "resources": resources}
    if scopes is not None:
        details["scopes"] = sorted(scopes)
    return audit_record(
        action=Action.EXPORT,
        request=request,
        clinic=patient.clinic,
        target=patient,
        patient=patient,
        details=details,
    )


def fhir_export_audit(
    *, clinic: Organization, request: HttpRequest, patient_ids: list[int]
) -> AuditEvent:
    """The clinic's whole FHIR export: one event naming every patient in it (a ListedPatient
    row each, so "who saw my information" finds it)."""
    with transaction.atomic():
        event = audit_record(
            action=Action.EXPORT,
            request=request,
            clinic=clinic,
            details={
                "api": "fhir-export",
                "format": "fhir-r4-ndjson",
                "patients": len(patient_ids),
            },
        )
        ListedPatient.objects.bulk_create(
            [ListedPatient(event=event, patient_id=patient_id) for patient_id in patient_ids]
        )
    return event
