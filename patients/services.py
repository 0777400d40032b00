"""Writes on patients and their charts. Every service runs in one transaction, validates the
rule it owns (raising ValidationError with field names), and writes its audit event."""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, Role, User
from audit.models import Action
from audit.services import audit_record
from patients.models import (
    Alert,
    AlertSeverity,
    AlertStatus,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CareTeamMember,
    ClinicalNote,
    EmergencyAccess,
    Milestone,
    MilestoneKind,
    Patient,
    PatientStatus,
    Program,
    RecoveryDate,
    Setback,
    SetbackKind,
    TeamRole,
)
from patients.signals import alerts_raised

PATIENT_FIELDS = (
    "mrn",
    "legal_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "time_zone",
    "preferred_language",
    "phone",
    "email",
    "program",
    "status",
    "checkin_reminder_time",
)


def _check_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        message = _("Choose a real time zone, such as America/Chicago.")
        raise ValidationError({"time_zone": message}) from None


def _check_patient(patient: Patient) -> None:
    errors: dict[str, list[str]] = {}
    if patient.time_zone:
        try:
            _check_time_zone(patient.time_zone)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if patient.date_of_birth and patient.date_of_birth >= timezone.localdate(
        timezone=_zone(patient)
    ):
        errors["date_of_birth"] = [_("The date of birth must be in the past.")]
    if patient.program_id and patient.program.clinic_id != patient.clinic_id:
        errors["program"] = [_("Choose one of this clinic's programs.")]
    duplicate = Patient.objects.filter(clinic_id=patient.clinic_id, mrn__iexact=patient.mrn)
    if patient.pk:
        duplicate = duplicate.exclude(pk=patient.pk)
    if patient.mrn and duplicate.exists():
        errors["mrn"] = [_("Another patient of this clinic already has this record number.")]
    if errors:
        raise ValidationError(errors)
    try:
        patient.full_clean(exclude=["clinic", "user", "program"], validate_unique=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


# Steps a higher floor adds to intake, run in the intake's transaction with the choices made on
# the form (joining/ invites the person to their own sign-in).
INTAKE_STEPS: list[Callable[..., None]] = []


def register_intake_step(step: Callable[..., None]) -> None:
    if step not in INTAKE_STEPS:
        INTAKE_STEPS.append(step)


def intake_steps_run(
    *, patient: Patient, actor: User, request: HttpRequest | None = None, **choices: object
) -> None:
    for step in INTAKE_STEPS:
        step(patient=patient, actor=actor, request=request, **choices)


@transaction.atomic
def patient_create(
    *,
    clinic: Organization,
    actor: User,
    request: HttpRequest | None = None,
    recovery_start: date | None = None,
    **fields: object,
) -> Patient:
    patient = Patient(clinic=clinic, **{k: v for k, v in fields.items() if k in PATIENT_FIELDS})
    patient.mrn = (patient.mrn or "").strip()
    patient.recovery_start = recovery_start
    if recovery_start and recovery_start > timezone.localdate(timezone=_zone(patient)):
        raise ValidationError({"recovery_start": _("The recovery start date cannot be ahead.")})
    _check_patient(patient)
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError:  # two intakes racing for one MRN
        raise ValidationError(
            {"mrn": _("Another patient of this clinic already has this record number.")}
        ) from None
    if recovery_start:
        RecoveryDate.objects.create(
            patient=patient,
            start_date=recovery_start,
            reason=_("Recovery start at intake"),
            recorded_by=actor,
        )
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=actor,
        clinic=clinic,
        target=patient,
        patient=patient,
    )
    return patient


def _zone(patient: Patient) -> ZoneInfo:
    try:
        return ZoneInfo(patient.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@transaction.atomic
def patient_update(
    *, patient: Patient, actor: User, request: HttpRequest | None = None, **fields: object
) -> Patient:
    changed = []
    if isinstance(fields.get("mrn"), str):
        fields["mrn"] = fields["mrn"].strip()
    for name, value in fields.items():
        if name in PATIENT_FIELDS and name != "status" and getattr(patient, name) != value:
            setattr(patient, name, value)
            changed.append(name)
    _check_patient(patient)
    patient.save()
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=patient,
        patient=patient,
        details={"fields": changed},
    )
    return patient


ALLOWED_STATUS_CHANGES = {
    PatientStatus.INTAKE: {PatientStatus.ACTIVE, PatientStatus.DISCHARGED},
    PatientStatus.ACTIVE: {PatientStatus.DISCHARGED, PatientStatus.ALUMNI},
    PatientStatus.DISCHARGED: {PatientStatus.ACTIVE, PatientStatus.ALUMNI},
    PatientStatus.ALUMNI: {PatientStatus.ACTIVE},
}


@transaction.atomic
def patient_set_status(
    *, patient: Patient, status: str, actor: User, request: HttpRequest | None = None
) -> Patient:
    """Admit (intake to active), discharge, move to alumni, or re-admit."""
    if status not in ALLOWED_STATUS_CHANGES.get(patient.status, set()):
        raise ValidationError(
            {
                "status": _("A patient who is %(current)s cannot move to %(new)s.")
                % {"current": patient.get_status_display(), "new": PatientStatus(status).label}
            }
        )
    previous = patient.status
    patient.status = status
    patient.save(update_fields=["status", "updated_at"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=patient,
        patient=patient,
        details={"status": [previous, status]},
    )
    return patient


def _active_clinician(clinic: Organization, user: User) -> bool:
    return (
        Membership.objects.active()
        .filter(organization=clinic, user=user, role=Role.CLINICIAN)
        .exists()
    )


@transaction.atomic
def care_team_add(
    *,
    patient: Patient,
    clinician: User,
    team_role: str,
    is_primary: bool = False,
    started_on: date | None = None,
    actor: User,
    request: HttpRequest | None = None,
) -> CareTeamMember:
    if not _active_clinician(patient.clinic, clinician):
        raise ValidationError({"clinician": _("Choose a clinician of this clinic.")})
    if team_role not in TeamRole.values:
        raise ValidationError({"team_role": _("Choose a role on the team.")})
    if CareTeamMember.objects.current().filter(patient=patient, clinician=clinician).exists():
        raise ValidationError({"clinician": _("This clinician is already on the care team.")})
    if is_primary:
        CareTeamMember.objects.current().filter(patient=patient, is_primary=True).update(
            is_primary=False
        )
    try:
        with transaction.atomic():
            member = CareTeamMember.objects.create(
                patient=patient,
                clinician=clinician,
                team_role=team_role,
                is_primary=is_primary,
                started_on=started_on or timezone.localdate(),
            )
    except IntegrityError:  # a concurrent add took the seat or the primary flag first
        raise ValidationError(
            {"clinician": _("The care team changed meanwhile; reload and try again.")}
        ) from None
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=member,
        patient=patient,
    )
    return member


@transaction.atomic
def patient_intake(
    *,
    clinic: Organization,
    actor: User,
    primary_clinician: User | None,
    request: HttpRequest | None = None,
    recovery_start: date | None = None,
    invite_by: str = "",
    **fields: object,
) -> Patient:
    """A new patient, the one way in for the intake page and the API: the record (with its
    recovery start), its primary counselor when one is named, and the steps the floors above
    add (joining/ invites the person by `invite_by`). All or nothing."""
    patient = patient_create(
        clinic=clinic, actor=actor, request=request, recovery_start=recovery_start, **fields
    )
    if primary_clinician is not None:
        care_team_add(
            patient=patient,
            clinician=primary_clinician,
            team_role=TeamRole.PRIMARY_COUNSELOR,
            is_primary=True,
            actor=actor,
            request=request,
        )
    intake_steps_run(patient=patient, actor=actor, request=request, invite_by=invite_by)
    return patient


@transaction.atomic
def care_team_end(
    *,
    member: CareTeamMember,
    actor: User,
    ended_on: date | None = None,
    request: HttpRequest | None = None,
) -> CareTeamMember:
    ended_on = ended_on or timezone.localdate()
    if member.ended_on is not None:
        raise ValidationError({"ended_on": _("This person has already left the care team.")})
    if ended_on < member.started_on:
        raise ValidationError({"ended_on": _("The end date cannot be before the start date.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The end date cannot be in the future.")})
    member.ended_on = ended_on
    member.is_primary = False
    member.save(update_fields=["ended_on", "is_primary"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=member.patient.clinic,
        target=member,
        patient=member.patient,
        details={"ended_on": ended_on.isoformat()},
    )
    return member


@transaction.atomic
def recovery_start_change(
    *,
    patient: Patient,
    start_date: date,
    reason: str,
    actor: User,
    setback: Setback | None = None,
    request: HttpRequest | None = None,
) -> RecoveryDate:
    """Move the recovery start date; the old dates stay in the history."""
    if start_date > patient.local_today():
        raise ValidationError({"recovery_start": _("The recovery start date cannot be ahead.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the date changes.")})
    entry = RecoveryDate.objects.create(
        patient=patient,
        start_date=start_date,
        reason=reason.strip(),
        setback=setback,
        recorded_by=actor,
    )
    previous = patient.recovery_start
    patient.recovery_start = start_date
    patient.save(update_fields=["recovery_start", "updated_at"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=entry,
        patient=patient,
        details={"recovery_start": [previous.isoformat() if previous else None, str(start_date)]},
    )
    return entry


@transaction.atomic
def setback_record(
    *,
    patient: Patient,
    occurred_on: date,
    kind: str,
    what_happened: str,
    actor: User,
    what_helped: str = "",
    plan_changes: str = "",
    new_recovery_start: date | None = None,
    request: HttpRequest | None = None,
) -> Setback:
    """Record a lapse or relapse; optionally restart the recovery count from a new date."""
    today = patient.local_today()
    errors = {}
    if occurred_on > today:
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    if kind not in SetbackKind.values:
        errors["kind"] = [_("Choose lapse or relapse.")]
    if not what_happened.strip():
        errors["what_happened"] = [_("Describe what happened, in the person's own words.")]
    if new_recovery_start is not None and not (occurred_on <= new_recovery_start <= today):
        errors["new_recovery_start"] = [
            _("The new start date must be between the setback and today.")
        ]
    if errors:
        raise ValidationError(errors)
    setback = Setback.objects.create(
        patient=patient,
        occurred_on=occurred_on,
        kind=kind,
        what_happened=what_happened.strip(),
        what_helped=what_helped.strip(),
        plan_changes=plan_changes.strip(),
        moved_recovery_start=new_recovery_start is not None,
        previous_recovery_start=patient.recovery_start,
        recorded_by=actor,
    )
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=setback,
        patient=patient,
    )
    if new_recovery_start is not None:
        recovery_start_change(
            patient=patient,
            start_date=new_recovery_start,
            reason=_("New start date after a setback on %(date)s") % {"date": occurred_on},
            setback=setback,
            actor=actor,
            request=request,
        )
    return setback


@transaction.atomic
def milestone_create(
    *,
    patient: Patient,
    kind: str,
    title: str,
    date: date,
    actor: User,
    note: str = "",
    request: HttpRequest | None = None,
) -> Milestone:
    if kind not in MilestoneKind.values:
        raise ValidationError({"kind": _("Choose a kind of milestone.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the milestone a name.")})
    milestone = Milestone.objects.create(
        patient=patient, kind=kind, title=title.strip(), date=date, note=note, created_by=actor
    )
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=milestone,
        patient=patient,
    )
    return milestone


def _check_appointment(
    patient: Patient,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    video_url: str,
    attendees: Iterable[User],
    already_attending: Iterable[int] = (),
) -> None:
    """Attendees newly added must be on the current care team; someone who has since left the
    team stays on an existing appointment's record."""
    errors: dict[str, list[str]] = {}
    if kind not in AppointmentKind.values:
        errors["kind"] = [_("Choose a kind of appointment.")]
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The end must be after the start.")]
    elif ends_at - starts_at > timedelta(hours=12):
        errors["ends_at"] = [_("An appointment cannot last more than 12 hours.")]
    if kind == AppointmentKind.TELEHEALTH and not video_url:
        errors["video_url"] = [_("A telehealth appointment needs a video link.")]
    team = set(
        CareTeamMember.objects.current()
        .filter(patient=patient)
        .values_list("clinician_id", flat=True)
    )
    kept = set(already_attending)
    if any(user.pk not in team and user.pk not in kept for user in attendees):
        errors["staff_attendees"] = [_("Attendees must be on the patient's care team.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def appointment_create(
    *,
    patient: Patient,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    actor: User,
    title: str = "",
    location: str = "",
    video_url: str = "",
    staff_attendees: Iterable[User] = (),
    request: HttpRequest | None = None,
) -> Appointment:
    attendees = list(staff_attendees)
    _check_appointment(patient, kind, starts_at, ends_at, video_url, attendees)
    appointment = Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        video_url=video_url,
        created_by=actor,
    )
    appointment.staff_attendees.set(attendees)
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=actor,
        clinic=patient.clinic,
        target=appointment,
        patient=patient,
    )
    return appointment


@transaction.atomic
def appointment_update(
    *,
    appointment: Appointment,
    actor: User,
    request: HttpRequest | None = None,
    staff_attendees: Iterable[User] | None = None,
    **fields: object,
) -> Appointment:
    editable = {"kind", "title", "starts_at", "ends_at", "location", "video_url", "status"}
    for name, value in fields.items():
        if name in editable:
            setattr(appointment, name, value)
    current = list(appointment.staff_attendees.all())
    attendees = list(staff_attendees) if staff_attendees is not None else current
    _check_appointment(
        appointment.patient,
        appointment.kind,
        appointment.starts_at,
        appointment.ends_at,
        appointment.video_url,
        attendees,
        already_attending=[user.pk for user in current],
    )
    if appointment.status not in AppointmentStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    appointment.save()
    if staff_attendees is not None:
        appointment.staff_attendees.set(attendees)
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=appointment.clinic,
        target=appointment,
        patient=appointment.patient,
    )
    return appointment


@transaction.atomic
def note_create(
    *, patient: Patient, author: User, body: str, request: HttpRequest | None = None
) -> ClinicalNote:
    if not body.strip():
        raise ValidationError({"body": _("Write the note before saving.")})
    note = ClinicalNote.objects.create(patient=patient, author=author, body=body.strip())
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=author,
        clinic=patient.clinic,
        target=note,
        patient=patient,
    )
    return note


def alert_raise(
    *,
    patient: Patient,
    kind: str,
    message: str,
    source: str,
    severity: str = AlertSeverity.MEDIUM,
) -> Alert | None:
    """Raise an alert for the patient's care team, once per event (`source`). Returns None when
    this event already raised one. Call inside the transaction of the event."""
    primary = (
        CareTeamMember.objects.current()
        .filter(patient=patient, is_primary=True)
        .values_list("clinician_id", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                clinic_id=patient.clinic_id,
                patient=patient,
                kind=kind,
                severity=severity,
                message=message[:300],
                source=source,
                owner_id=primary,
            )
    except IntegrityError:
        return None
    alerts_raised.send(sender=Alert, alerts=[alert])
    return alert


@transaction.atomic
def alert_acknowledge(*, alert: Alert, actor: User, request: HttpRequest | None = None) -> Alert:
    if alert.status != AlertStatus.OPEN:
        raise ValidationError({"status": _("Only an open alert can be acknowledged.")})
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    if alert.owner_id is None:
        alert.owner = actor
    alert.save()
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=alert.clinic,
        target=alert,
        patient=alert.patient,
        details={"status": AlertStatus.ACKNOWLEDGED},
    )
    return alert


@transaction.atomic
def alert_resolve(
    *, alert: Alert, actor: User, comment: str, request: HttpRequest | None = None
) -> Alert:
    if alert.status == AlertStatus.RESOLVED:
        raise ValidationError({"status": _("This alert is already resolved.")})
    if not comment.strip():
        raise ValidationError({"comment": _("Say how the alert was resolved.")})
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, actor
    alert.status = AlertStatus.RESOLVED
    alert.resolved_at = now
    alert.resolved_by = actor
    alert.resolution_comment = comment.strip()
    alert.save()
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=actor,
        clinic=alert.clinic,
        target=alert,
        patient=alert.patient,
        details={"status": AlertStatus.RESOLVED},
    )
    return alert


@transaction.atomic
def emergency_access_grant(
    *, patient: Patient, user: User, reason: str, request: HttpRequest | None = None
) -> EmergencyAccess:
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": _("Give the reason in a sentence; it is recorded and shown to admins.")}
        )
    grant = EmergencyAccess.objects.create(
        patient=patient,
        user=user,
        reason=reason.strip(),
        expires_at=timezone.now() + timedelta(hours=EmergencyAccess.DURATION_HOURS),
    )
    audit_record(
        action=Action.EMERGENCY_ACCESS,
        request=request,
        actor=user,
        clinic=patient.clinic,
        target=grant,
        patient=patient,
        details={"reason": grant.reason},
    )
    return grant


@transaction.atomic
def program_save(
    *,
    clinic: Organization,
    actor: User,
    program: Program | None = None,
    request: HttpRequest | None = None,
    **fields: object,
) -> Program:
    if program is not None and program.clinic_id != clinic.pk:
        raise ValidationError({"program": _("This program belongs to another clinic.")})
    name = str(fields.get("name", program.name if program else "") or "").strip()
    max_length = Program._meta.get_field("name").max_length
    duplicate = Program.objects.filter(clinic=clinic, name__iexact=name)
    if program is not None:
        duplicate = duplicate.exclude(pk=program.pk)
    if not name:
        raise ValidationError({"name": _("Give the program a name.")})
    if len(name) > max_length:
        raise ValidationError(
            {"name": _("Keep the name under %(n)s characters.") % {"n": max_length}}
        )
    if duplicate.exists():
        raise ValidationError({"name": _("This clinic already has a program with this name.")})
    program = program or Program(clinic=clinic)
    created = program.pk is None
    program.name = name
    for field in ("description", "is_active"):
        if field in fields:
            setattr(program, field, fields[field])
    try:
        with transaction.atomic():
            program.save()
    except IntegrityError:  # two admins saving the same name at the same moment
        raise ValidationError(
            {"name": _("This clinic already has a program with this name.")}
        ) from None
    audit_record(
        action=Action.CREATE if created else Action.UPDATE,
        request=request,
        actor=actor,
        clinic=clinic,
        target=program,
    )
    return program


def patient_time_zone_follow(user: User, zone: str, request: HttpRequest | None = None) -> None:
    """A person in recovery set their own time zone: their record follows it (their check-in
    reminders and milestones are at their local times), audited as a change to the record.
    Registered with notifications.services at start-up; runs in its transaction."""
    for patient in Patient.objects.filter(user=user).exclude(time_zone=zone):
        before = patient.time_zone
        patient.time_zone = zone
        patient.save(update_fields=["time_zone"])
        audit_record(
            action=Action.UPDATE,
            request=request,
            clinic=patient.clinic,
            target=patient,
            patient=patient,
            details={"field": "time_zone", "from": before, "to": zone},
        )
