"""Imports of patients and support contacts from a spreadsheet: every row checked before
anything is saved (the dry run), then every row saved in one transaction, or none.

Each record is created as its service creates one (patients.services.patient_create,
networks.services.contact_add): the same checks (the plan's, and the model's own), the same
defaults, the recovery start recorded as at intake, a CREATE audit event each; but in batches
of a thousand rows. Row by row through the services, a 5,000-row file took 72 s of patients and
20 to 34 s of contacts on a loaded machine (four to eight queries a row); in batches, a few
seconds (bench/imports.py). One more audit event per import records the counts, saved or
refused.

Validation loads what it compares against once per import (the clinic's record numbers, emails,
programs, each patient's contacts), not once per row.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.languages import clinic_language
from accounts.models import Organization, User
from audit.models import Action, AuditEvent
from audit.services import audit_record
from imports.columns import CONTACTS, OFFER_SEPARATOR, PATIENTS, names
from imports.tables import FIRST_ROW, unescape
from networks.models import ContactStatus, Offer, Relationship, SupportContact
from networks.services import CONTACT_FIELDS
from notifications.models import Channel
from patients.models import Patient, PatientStatus, Program, RecoveryDate
from patients.services import PATIENT_FIELDS, program_save

ZONES = frozenset(available_timezones())
LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(:00)?$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BATCH = 1000  # rows per INSERT
RACE_MESSAGE = gettext_lazy(
    "Another import or intake saved the same record numbers; upload the file again."
)
EMAIL_LIMIT = 254  # Patient.email and SupportContact.email


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: `row` is the sheet's row number (the headers are row 1)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Plan:
    """What an import would do: the rows it would create (cleaned, with their row number) and
    every error found; nothing is created while `errors` is not empty."""

    kind: str
    total: int
    valid: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_programs: list[str] = field(default_factory=list)
    source: list[dict[str, str]] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.total,
            "created": 0,
            "would_create": len(self.valid) if self.ok else 0,
            "errors": len(self.errors),
        }


class ImportRefused(Exception):
    """The import saved nothing: `plan.errors` says why, row by row."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(f"{len(plan.errors)} errors")
        self.plan = plan


# --- Cleaning one cell ------------------------------------------------------------------------


class CellError(Exception):
    pass


def _max_length(model: type[models.Model], name: str) -> int:
    return model._meta.get_field(name).max_length


def _text(value: str, model: type[models.Model], name: str) -> str:
    limit = _max_length(model, name)
    if len(value) > limit:
        raise CellError(_("Keep this under %(n)s characters.") % {"n": limit + 1})
    return value


def _date(value: str) -> date:
    try:
        if not DATE_PATTERN.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD, such as 1990-04-23.")
            % {"value": value[:40]}
        ) from None


def _time(value: str) -> time:
    match = TIME_PATTERN.match(value)
    if not match:
        raise CellError(
            _("“%(value)s” is not a time; write it as HH:MM, such as 19:00.")
            % {"value": value[:40]}
        )
    return time(int(match.group(1)), int(match.group(2)))


def _email(value: str) -> str:
    if len(value) > EMAIL_LIMIT:
        raise CellError(_("Keep this under %(n)s characters.") % {"n": EMAIL_LIMIT + 1})
    try:
        validate_email(value)
    except ValidationError:
        raise CellError(_("“%(value)s” is not an email address.") % {"value": value[:80]}) from None
    return value.lower()


def _choice(value: str, allowed: Sequence[str]) -> str:
    chosen = value.strip().lower()
    if chosen not in allowed:
        raise CellError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": value[:40], "allowed": ", ".join(allowed)}
        )
    return chosen


def _zone(value: str) -> str:
    if value not in ZONES:
        raise CellError(
            _("“%(value)s” is not a time zone; use a name such as America/Chicago.")
            % {"value": value[:64]}
        )
    return value


class Row:
    """The cells of one row, cleaned one column at a time; each problem is kept, not raised,
    so one pass names every bad cell of the file."""

    def __init__(self, number: int, cells: dict[str, str], errors: list[RowError]) -> None:
        self.number = number
        self.cells = {name: unescape(value.strip()) for name, value in cells.items()}
        self.errors = errors
        self.failed = False
        if cells.get("__extra__"):
            self.error("", _("This row has more cells than there are columns."))

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))
        self.failed = True

    def get(self, column: str, clean: Any = None, *, required: bool = False) -> Any:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.error(column, _("This column must not be empty."))
            return None
        if clean is None:
            return value
        try:
            return clean(value)
        except CellError as exc:
            self.error(column, str(exc))
            return None


# --- Patients ---------------------------------------------------------------------------------


def plan_patients(clinic: Organization, rows: list[dict[str, str]]) -> Plan:
    plan = Plan(PATIENTS, len(rows), source=rows)
    mrns = {
        mrn.lower() for mrn in Patient.objects.filter(clinic=clinic).values_list("mrn", flat=True)
    }
    emails = set(
        Patient.objects.filter(clinic=clinic)
        .exclude(email="")
        .annotate(lowered=Lower("email"))
        .values_list("lowered", flat=True)
    )
    programs = {
        name.lower(): name
        for name in Program.objects.filter(clinic=clinic).values_list("name", flat=True)
    }
    seen_mrns: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    new_programs: dict[str, str] = {}
    zone_default = clinic.time_zone
    language_default = clinic_language(clinic)
    statuses = PatientStatus.values
    for index, cells in enumerate(rows):
        row = Row(FIRST_ROW + index, cells, plan.errors)
        mrn = row.get("mrn", lambda v: _text(v, Patient, "mrn"), required=True)
        if mrn:
            key = mrn.lower()
            if key in mrns:
                row.error("mrn", _("A patient of this clinic already has this record number."))
            elif key in seen_mrns:
                row.error(
                    "mrn",
                    _("Row %(row)s has the same record number.") % {"row": seen_mrns[key]},
                )
            else:
                seen_mrns[key] = row.number
        legal_name = row.get("legal_name", lambda v: _text(v, Patient, "legal_name"), required=True)
        zone = row.get("time_zone", _zone) or zone_default
        birth = row.get("date_of_birth", _date, required=True)
        today = timezone.localdate(timezone=ZoneInfo(zone))
        if birth and birth >= today:
            row.error("date_of_birth", _("The date of birth must be in the past."))
        start = row.get("recovery_start", _date)
        if start and start > today:
            row.error("recovery_start", _("The recovery start date cannot be ahead."))
        email = row.get("email", _email) or ""
        if email:
            if email in emails:
                row.error("email", _("A patient of this clinic already has this email address."))
            elif email in seen_emails:
                row.error(
                    "email",
                    _("Row %(row)s has the same email address.") % {"row": seen_emails[email]},
                )
            else:
                seen_emails[email] = row.number
        program = row.get("program", lambda v: _text(v, Program, "name"))
        if program:
            key = program.lower()
            program = programs.get(key) or new_programs.setdefault(key, program)
        fields = {
            "mrn": mrn,
            "legal_name": legal_name,
            "preferred_name": row.get(
                "preferred_name", lambda v: _text(v, Patient, "preferred_name")
            )
            or "",
            "pronouns": row.get("pronouns", lambda v: _text(v, Patient, "pronouns")) or "",
            "date_of_birth": birth,
            "time_zone": zone,
            "preferred_language": row.get(
                "preferred_language", lambda v: _choice(v, LANGUAGES_SORTED)
            )
            or language_default,
            "phone": row.get("phone", lambda v: _text(v, Patient, "phone")) or "",
            "email": email,
            "program": program,
            "status": row.get("status", lambda v: _choice(v, statuses)) or PatientStatus.INTAKE,
            "recovery_start": start,
        }
        reminder = row.get("checkin_reminder_time", _time)
        if reminder is not None:
            fields["checkin_reminder_time"] = reminder
        if not row.failed:
            plan.valid.append((row.number, fields))
    plan.new_programs = sorted(new_programs.values(), key=str.lower)
    return plan


LANGUAGES_SORTED = tuple(sorted(LANGUAGES))


def _save_patients(
    plan: Plan, clinic: Organization, actor: User, request: HttpRequest | None
) -> list[models.Model]:
    """What patients.services.patient_create does for one patient (the model's own checks, the
    record, its recovery start as at intake, an audit event each), for every row at once: one
    INSERT per thousand rows instead of eight queries a row. The service's duplicate check is
    the plan's, done once for the file; the database's unique record number guards a race."""
    programs = {program.name.lower(): program for program in Program.objects.filter(clinic=clinic)}
    for name in plan.new_programs:
        programs[name.lower()] = program_save(
            clinic=clinic, actor=actor, request=request, name=name
        )
    built: list[Patient] = []
    for number, fields in plan.valid:
        values = {name: value for name, value in fields.items() if name in PATIENT_FIELDS}
        if values.get("program"):
            values["program"] = programs[values["program"].lower()]
        patient = Patient(clinic=clinic, recovery_start=fields["recovery_start"], **values)
        try:
            # The zone was checked against the same names (ZONES); the model would compare it
            # with its 600 choices one by one, a few milliseconds a row.
            patient.full_clean(
                exclude=["clinic", "user", "program", "time_zone"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:  # a rule only the model knows
            _refuse_from(plan, number, exc)
        built.append(patient)
    try:
        with transaction.atomic():
            Patient.objects.bulk_create(built, batch_size=BATCH)
    except IntegrityError:  # a record number saved meanwhile by someone else
        again = plan_patients(clinic, plan.source)
        plan.errors.extend(again.errors or [RowError(0, "mrn", str(RACE_MESSAGE))])
        raise ImportRefused(plan) from None
    reason = _("Recovery start at intake")
    RecoveryDate.objects.bulk_create(
        [
            RecoveryDate(
                patient=patient,
                start_date=patient.recovery_start,
                reason=reason,
                recorded_by=actor,
            )
            for patient in built
            if patient.recovery_start
        ],
        batch_size=BATCH,
    )
    return list(built)


# --- Contacts ---------------------------------------------------------------------------------


def plan_contacts(clinic: Organization, rows: list[dict[str, str]]) -> Plan:
    plan = Plan(CONTACTS, len(rows), source=rows)
    patients = {
        mrn.lower(): pk
        for pk, mrn in Patient.objects.filter(clinic=clinic).values_list("pk", "mrn")
    }
    existing = set(
        SupportContact.objects.filter(patient__clinic=clinic)
        .exclude(status=ContactStatus.REMOVED)
        .exclude(email="")
        .annotate(lowered=Lower("email"))
        .values_list("patient_id", "lowered")
    )
    seen: dict[tuple[int, str], int] = {}
    language_default = clinic_language(clinic)
    relationships = Relationship.values
    channels = Channel.values
    offers = Offer.values
    for index, cells in enumerate(rows):
        row = Row(FIRST_ROW + index, cells, plan.errors)
        mrn = row.get("patient_mrn", required=True)
        patient_id = None
        if mrn:
            patient_id = patients.get(mrn.lower())
            if patient_id is None:
                row.error("patient_mrn", _("No patient of this clinic has this record number."))
        name = row.get("name", lambda v: _text(v, SupportContact, "name"), required=True)
        email = row.get("email", _email) or ""
        if email and patient_id is not None:
            key = (patient_id, email)
            if key in existing:
                row.error("email", _("This patient already has a contact with this email address."))
            elif key in seen:
                row.error(
                    "email",
                    _("Row %(row)s has the same email address for this patient.")
                    % {"row": seen[key]},
                )
            else:
                seen[key] = row.number
        phone = row.get("phone", lambda v: _text(v, SupportContact, "phone")) or ""
        channel = row.get("preferred_channel", lambda v: _choice(v, channels)) or Channel.EMAIL
        if channel == Channel.EMAIL and not row.cells.get("email"):
            row.error("email", _("An email address is needed to reach them by email."))
        if channel == Channel.SMS and not phone:
            row.error("phone", _("A phone number is needed to reach them by text message."))
        chosen_offers = row.get("offers", lambda v: _offers(v, offers)) or []
        fields = {
            "name": name,
            "relationship": row.get(
                "relationship", lambda v: _choice(v, relationships), required=True
            ),
            "email": email,
            "phone": phone,
            "preferred_channel": channel,
            "language": row.get("language", lambda v: _choice(v, LANGUAGES_SORTED))
            or language_default,
            "offers": chosen_offers,
            "playbook_step": row.get("playbook_step") or "",
            "reach_out_weekday": row.get("reach_out_weekday", _weekday),
            "reach_out_time": row.get("reach_out_time", _time),
        }
        if not row.failed:
            plan.valid.append(
                (row.number, {"patient_id": patient_id, "patient_mrn": mrn, **fields})
            )
    return plan


def _offers(value: str, allowed: Sequence[str]) -> list[str]:
    chosen = [part.strip().lower() for part in value.split(OFFER_SEPARATOR) if part.strip()]
    unknown = [part for part in chosen if part not in allowed]
    if unknown:
        raise CellError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": unknown[0][:40], "allowed": ", ".join(allowed)}
        )
    return list(dict.fromkeys(chosen))


def _weekday(value: str) -> int:
    if value not in {"0", "1", "2", "3", "4", "5", "6"}:
        raise CellError(_("Write a day as a number from 0 (Monday) to 6 (Sunday)."))
    return int(value)


def _save_contacts(
    plan: Plan, clinic: Organization, actor: User, request: HttpRequest | None
) -> list[models.Model]:
    """What networks.services.contact_add does for one contact (its checks, which the plan made
    for every row, the row as invited and added by the admin, a CREATE audit event), for every
    row at once: through the service, four queries a row took 20 to 34 s for 5,000 rows on a
    loaded machine, past a web worker's 30 s."""
    ids = {fields["patient_id"] for _number, fields in plan.valid}
    patients = Patient.objects.in_bulk(ids)
    built: list[SupportContact] = []
    for number, fields in plan.valid:
        values = {name: value for name, value in fields.items() if name in CONTACT_FIELDS}
        contact = SupportContact(patient=patients[fields["patient_id"]], added_by=actor, **values)
        try:
            contact.full_clean(
                exclude=["patient", "user", "added_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:  # a rule only the model knows
            _refuse_from(plan, number, exc)
        built.append(contact)
    SupportContact.objects.bulk_create(built, batch_size=BATCH)
    return list(built)


# --- Running an import ------------------------------------------------------------------------

PLANNERS = {PATIENTS: plan_patients, CONTACTS: plan_contacts}
SAVERS = {PATIENTS: _save_patients, CONTACTS: _save_contacts}


def _refuse_from(plan: Plan, number: int, exc: ValidationError) -> None:
    """A service refused a row the dry run passed: the whole import stops, naming it."""
    known = set(names(plan.kind))
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    for name, texts in messages.items():
        column = name if name in known else ""
        plan.errors.extend(RowError(number, column, text) for text in texts)
    raise ImportRefused(plan)


def _audit_each(created: list[models.Model], summary: AuditEvent) -> None:
    """The CREATE event each record would have had from its service, as the service writes it
    (who, clinic, patient, object, and where from: the summary's address and browser)."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action=Action.CREATE,
                actor=summary.actor,
                clinic=summary.clinic,
                patient=record if isinstance(record, Patient) else getattr(record, "patient", None),
                object_type=record._meta.label,
                object_id=str(record.pk),
                ip_address=summary.ip_address,
                user_agent=summary.user_agent,
            )
            for record in created
        ],
        batch_size=BATCH,
    )


def import_plan(*, kind: str, clinic: Organization, rows: list[dict[str, str]]) -> Plan:
    """The dry run: what importing `rows` would create, and every error."""
    return PLANNERS[kind](clinic, rows)


def import_save(
    *,
    kind: str,
    clinic: Organization,
    actor: User,
    rows: list[dict[str, str]],
    file_name: str = "",
    request: HttpRequest | None = None,
) -> Plan:
    """Check every row again, then create them all in one transaction, or none (ImportRefused,
    with each error). Either way one audit event records the counts."""
    details = {"import": kind, "file": file_name[:200], "rows": len(rows)}
    try:
        with transaction.atomic():
            plan = import_plan(kind=kind, clinic=clinic, rows=rows)
            if not plan.ok:
                raise ImportRefused(plan)
            unaudited = SAVERS[kind](plan, clinic, actor, request)
            created = len(plan.valid)
            summary = audit_record(
                action=Action.CREATE,
                request=request,
                actor=actor,
                clinic=clinic,
                details={
                    **details,
                    "created": created,
                    "errors": 0,
                    "new_programs": len(plan.new_programs),
                },
            )
            _audit_each(unaudited, summary)
    except ImportRefused as refused:
        audit_record(  # outside the rolled-back transaction: the refusal stays on record
            action=Action.CREATE,
            request=request,
            actor=actor,
            clinic=clinic,
            details={**details, "created": 0, "errors": len(refused.plan.errors)},
        )
        raise
    return plan
