from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
            models.UniqueConstraint(fields=["clinic", "mrn"], name="patients_patient_unique_mrn")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name

    def clean(self) -> None:
        super().clean()
        if self.date_of_birth and self.date_of_birth >= timezone.localdate():
            raise ValidationError({"date_of_birth": _("The date of birth must be in the past.")})

    def days_in_recovery(self, today: date | None = None) -> int | None:
        if self.recovery_start is None:
            return None
        return max(((today or timezone.localdate()) - self.recovery_start).days, 0)


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
