"""Reports run by clinic admins: the clinic's own report settings."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

DEFAULT_SMALL_NUMBER_THRESHOLD = 5


class ReportSettings(models.Model):
    """How a clinic's reports behave. A clinic without a row uses the defaults."""

    clinic = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="report_settings"
    )
    small_number_threshold = models.PositiveSmallIntegerField(
        _("suppress counts of fewer patients than"),
        default=DEFAULT_SMALL_NUMBER_THRESHOLD,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text=_(
            "In exports shared outside the clinic, a cell counting fewer patients than this is "
            "shown as a range, so no one can be recognised."
        ),
    )

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(small_number_threshold__gte=2),
                name="reports_settings_threshold_at_least_2",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinic} reports"


def small_number_threshold(clinic: Organization) -> int:
    value = (
        ReportSettings.objects.filter(clinic=clinic)
        .values_list("small_number_threshold", flat=True)
        .first()
    )
    return value or DEFAULT_SMALL_NUMBER_THRESHOLD


class CheckInWeek(models.Model):
    """Each person's check-ins of one week (starting Monday): how many, and the sums of mood,
    craving and stress. Kept by PostgreSQL itself (statement triggers on the check-in table,
    reports migration 0002), so every insert, edit and delete counts, the ORM's bulk ones and
    raw SQL included. The trends report reads whole weeks here: one row per person and week
    rather than one per day."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    week = models.DateField()
    checkins = models.PositiveIntegerField()
    mood_sum = models.IntegerField()
    craving_sum = models.IntegerField()
    stress_sum = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "week"], name="reports_checkinweek_once")
        ]
        indexes = [models.Index(fields=["week"], name="reports_checkinweek_week")]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.week}"
