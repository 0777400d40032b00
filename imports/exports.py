"""The clinic's patients and contacts written in the import's own columns, so an export imports
back as it is (into another clinic, or this one after a move). Each export is an audited read
naming every patient it holds."""

from collections.abc import Iterator

from django.db import transaction
from django.http import HttpRequest

from accounts.models import Organization
from audit.models import Action, ListedPatient
from audit.services import audit_record
from imports.columns import CONTACTS, OFFER_SEPARATOR, PATIENTS, names
from imports.tables import write_csv, write_xlsx
from networks.models import ContactStatus, SupportContact
from patients.models import Patient

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _time(value: object) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def _date(value: object) -> str:
    return value.isoformat() if value is not None else ""


def patient_rows(clinic: Organization) -> Iterator[tuple[int, list[str]]]:
    """(patient id, cells) of each patient of the clinic, by record number."""
    patients = (
        Patient.objects.filter(clinic=clinic)
        .select_related("program")
        .order_by("mrn", "pk")
        .iterator(chunk_size=2000)
    )
    for patient in patients:
        yield (
            patient.pk,
            [
                patient.mrn,
                patient.legal_name,
                patient.preferred_name,
                patient.pronouns,
                _date(patient.date_of_birth),
                patient.time_zone,
                patient.preferred_language,
                patient.phone,
                patient.email,
                patient.program.name if patient.program_id else "",
                patient.status,
                _date(patient.recovery_start),
                _time(patient.checkin_reminder_time),
            ],
        )


def contact_rows(clinic: Organization) -> Iterator[tuple[int, list[str]]]:
    """(patient id, cells) of each contact still in a network (removed ones are history)."""
    contacts = (
        SupportContact.objects.filter(patient__clinic=clinic)
        .exclude(status=ContactStatus.REMOVED)
        .select_related("patient")
        .order_by("patient__mrn", "name", "pk")
        .iterator(chunk_size=2000)
    )
    for contact in contacts:
        yield (
            contact.patient_id,
            [
                contact.patient.mrn,
                contact.name,
                contact.relationship,
                contact.email,
                contact.phone,
                contact.preferred_channel,
                contact.language,
                OFFER_SEPARATOR.join(contact.offers or []),
                contact.playbook_step,
                "" if contact.reach_out_weekday is None else str(contact.reach_out_weekday),
                _time(contact.reach_out_time),
            ],
        )


ROWS = {PATIENTS: patient_rows, CONTACTS: contact_rows}


def export_file(
    *, kind: str, file_format: str, clinic: Organization, request: HttpRequest
) -> bytes:
    """The file, and one audit event (an export) naming each patient in it."""
    found = list(ROWS[kind](clinic))
    rows = [cells for _patient_id, cells in found]
    columns = names(kind)
    data = (
        write_csv(columns, rows) if file_format == "csv" else write_xlsx(columns, rows, title=kind)
    )
    shown = sorted({patient_id for patient_id, _cells in found})
    with transaction.atomic():
        event = audit_record(
            action=Action.EXPORT,
            request=request,
            clinic=clinic,
            details={"export": kind, "format": file_format, "rows": len(rows)},
        )
        ListedPatient.objects.bulk_create(
            [ListedPatient(event=event, patient_id=patient_id) for patient_id in shown],
            batch_size=2000,
        )
    return data


def template_file(*, kind: str, file_format: str) -> bytes:
    """An empty file with the headers of `kind`."""
    columns = names(kind)
    return write_csv(columns, []) if file_format == "csv" else write_xlsx(columns, [], title=kind)
