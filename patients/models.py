from datetime import date, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import clinic_language, known
from accounts.models import Organization, timezone_choices


class Program(models.Model):
    """A treatment program of a clinic: outpatient, intensive outpatient, residential, ..."""

    clinic = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="patients_program_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PatientStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("Active")
    DISCHARGED = "discharged", _("Discharged")
    ALUMNI = "alumni", _("Alumni")


# Care has ended: what ends a consent "at discharge" and the care reminders.
CARE_ENDED = (PatientStatus.DISCHARGED, PatientStatus.ALUMNI)


class Patient(models.Model):
    """A person in recovery, cared for by one clinic."""

    clinic = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField(_("medical record number"), max_length=40)
    legal_name = models.CharField(_("legal name"), max_length=200)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", choices=timezone_choices
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patients",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PatientStatus.choices, default=PatientStatus.INTAKE
    )
    recovery_start = models.DateField(_("recovery start date"), null=True, blank=True)
    checkin_reminder_time = models.TimeField(
        _("daily check-in reminder at"),
        default=time(19, 0),
        help_text=_("In the patient's own time zone."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sign-in account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient_record",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint("clinic", Lower("mrn"), name="patients_patient_unique_mrn_ci")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name

    @property
    def first_name(self) -> str:
        """Only the first name: the least a supporter (or an invitee) needs to know who it is."""
        return self.display_name.strip().split(" ")[0]

    def clean(self) -> None:
        super().clean()
        if self.date_of_birth and self.date_of_birth >= timezone.localdate():
            raise ValidationError({"date_of_birth": _("The date of birth must be in the past.")})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def message_language(self) -> str:
        """What the person reads: the language they chose in their own settings, else the one
        their record gives, else the clinic's default (accounts.languages)."""
        own = known(self.user.language) if self.user_id else None
        return own or known(self.preferred_language) or clinic_language(self.clinic)

    @property
    def care_ended(self) -> bool:
        """Discharged or alumni (CARE_ENDED)."""
        return self.status in CARE_ENDED

    def local_today(self) -> date:
        """Today in the patient's own time zone: "today" for a patient is their local day."""
        return timezone.localdate(timezone=self.zone)

    def days_in_recovery(self, today: date | None = None) -> int | None:
        if self.recovery_start is None:
            return None
        return max(((today or self.local_today()) - self.recovery_start).days, 0)


class TeamRole(models.TextChoices):
    PRIMARY_COUNSELOR = "primary_counselor", _("Primary counselor")
    PRESCRIBER = "prescriber", _("Prescriber")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    PEER_SPECIALIST = "peer_specialist", _("Peer recovery specialist")
    CASE_MANAGER = "case_manager", _("Case manager")


class CareTeamMemberQuerySet(models.QuerySet["CareTeamMember"]):
    def current(self) -> "CareTeamMemberQuerySet":
        return self.filter(ended_on__isnull=True)


class CareTeamMember(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_team")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_roles"
    )
    team_role = models.CharField(_("role on the team"), max_length=30, choices=TeamRole.choices)
    is_primary = models.BooleanField(_("primary clinician"), default=False)
    started_on = models.DateField(_("started"), default=timezone.localdate)
    ended_on = models.DateField(_("ended"), null=True, blank=True)

    objects = CareTeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("care team member")
        verbose_name_plural = _("care team members")
        ordering = ["-is_primary", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "clinician"],
                condition=models.Q(ended_on__isnull=True),
                name="patients_careteam_one_current_seat",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(ended_on__isnull=True, is_primary=True),
                name="patients_careteam_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinician} ({self.get_team_role_display()})"


class RecoveryDate(models.Model):
    """Each recovery start date a patient has had, and why it changed. Never deleted."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="recovery_dates")
    start_date = models.DateField(_("recovery start date"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    setback = models.ForeignKey(
        "Setback", on_delete=models.SET_NULL, null=True, blank=True, related_name="recovery_dates"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("recovery date")
        verbose_name_plural = _("recovery dates")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.patient} from {self.start_date}"


class SetbackKind(models.TextChoices):
    LAPSE = "lapse", _("Lapse (a brief return to use)")
    RELAPSE = "relapse", _("Relapse (a return to a pattern of use)")


class Setback(models.Model):
    """A lapse or relapse, told as part of the story: what happened, what helped, what changes.
    Recording one never erases history; it may move the recovery start date forward."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="setbacks")
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=SetbackKind.choices)
    what_happened = models.TextField(_("what happened"))
    what_helped = models.TextField(_("what helped"), blank=True)
    plan_changes = models.TextField(_("changes to the plan"), blank=True)
    moved_recovery_start = models.BooleanField(_("recovery start date moved"), default=False)
    previous_recovery_start = models.DateField(_("previous recovery start"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("setback")
        verbose_name_plural = _("setbacks")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class MilestoneKind(models.TextChoices):
    PROGRAM_COMPLETION = "program_completion", _("Program completion")
    PERSONAL_GOAL = "personal_goal", _("Personal goal")


class Milestone(models.Model):
    """A custom milestone; the day-count ones are computed from the recovery start date."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=30, choices=MilestoneKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return self.title


class AppointmentKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual session")
    GROUP = "group", _("Group session")
    FAMILY = "family_therapy", _("Family therapy")
    PEER_SUPPORT = "peer_support", _("Peer support group")
    WORKSHOP = "workshop", _("Education workshop")
    TELEHEALTH = "telehealth", _("Telehealth")


class AppointmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    ATTENDED = "attended", _("Attended")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(models.Model):
    clinic = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField(_("kind"), max_length=20, choices=AppointmentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.SCHEDULED,
    )
    staff_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("care team attending"),
        blank=True,
        related_name="appointments_attending",
    )
    network_attendees = models.ManyToManyField(
        "networks.SupportContact",
        verbose_name=_("supporters invited"),
        blank=True,
        related_name="appointments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="patients_appointment_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["patient", "starts_at"])]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()


class ClinicalNote(models.Model):
    """Care-team only: never shown to the patient, supporters or clinic admins."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="clinical_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("clinical note")
        verbose_name_plural = _("clinical notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.patient} {self.created_at:%Y-%m-%d}"


class AlertKind(models.TextChoices):
    MISSED_CHECKINS = "missed_checkins", _("Missed check-ins")
    HIGH_CRAVING = "high_craving", _("High craving")
    REPORTED_USE = "reported_use", _("Reported use")
    SELF_HARM = "self_harm", _("PHQ-9 item 9 (thoughts of self-harm)")
    RESILIENCE_DROP = "resilience_drop", _("Falling resilience score")
    SCORE_RISE = "score_rise", _("Rising depression or anxiety score")
    HELP_REQUESTED = "help_requested", _("Asked for help")
    SETBACK_SHARED = "setback_shared", _("Shared a setback")
    OTHER = "other", _("Other")


class AlertSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


class AlertQuerySet(models.QuerySet["Alert"]):
    def unresolved(self) -> "AlertQuerySet":
        return self.exclude(status=AlertStatus.RESOLVED)


class Alert(models.Model):
    clinic = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="alerts")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=AlertSeverity.choices, default=AlertSeverity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    message = models.CharField(_("what happened"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_alerts",
    )
    # The event that raised it ("checkin:42"); with the kind it makes an alert once per event.
    source = models.CharField(_("raised by"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_comment = models.TextField(_("how it was resolved"), blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "source"],
                condition=~models.Q(source=""),
                name="patients_alert_once_per_event",
            )
        ]
        indexes = [models.Index(fields=["clinic", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.patient}"


class EmergencyAccess(models.Model):
    """A clinician outside the care team opened the chart, for 24 hours, giving a reason."""

    DURATION_HOURS = 24

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="emergency_access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("opened"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency access")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.patient} until {self.expires_at:%Y-%m-%d %H:%M}"
