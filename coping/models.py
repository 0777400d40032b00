"""Coping plans, daily check-ins and assessments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from patients.models import Patient


def _zero_to_ten(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": 0, f"{field}__lte": 10}),
        name=f"coping_checkin_{field}_0_10",
    )


class CheckIn(models.Model):
    """One per patient per local day (the patient's own time zone); a second submission the
    same day updates it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="checkins")
    local_date = models.DateField(_("day"))
    mood = models.PositiveSmallIntegerField(_("mood"))
    craving = models.PositiveSmallIntegerField(_("craving"))
    stress = models.PositiveSmallIntegerField(_("stress"))
    sleep_hours = models.DecimalField(
        _("hours of sleep"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    used_since_last = models.BooleanField(_("any use since the last check-in"), default=False)
    use_details = models.CharField(_("what was used"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    on_behalf = models.BooleanField(
        _("entered by a clinician on the patient's behalf"), default=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-local_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "local_date"], name="coping_checkin_one_per_local_day"
            ),
            _zero_to_ten("mood"),
            _zero_to_ten("craving"),
            _zero_to_ten("stress"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.local_date}"
