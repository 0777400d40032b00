"""Coping plans, daily check-ins and assessments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.bilingual import SpanishVersion
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
    # Plan strategies used today: [{"id": ..., "text": ...}], a snapshot of the plan's wording.
    strategies_used = models.JSONField(_("coping strategies used"), default=list, blank=True)
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
        indexes = [
            # The clinic-wide date ranges of the reports and the dashboard's adherence tile
            # (the unique constraint's index leads with the patient).
            models.Index(fields=["local_date", "patient"], name="coping_checkin_date_patient"),
        ]
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


class StrategyCategory(models.TextChoices):
    STRESS = "stress_management", _("Stress management")
    TRIGGERS = "trigger_management", _("Trigger management")
    ROUTINE = "routine", _("Routine")
    PHYSICAL = "physical_activity", _("Physical activity")
    RELATIONSHIPS = "healthy_relationships", _("Healthy relationships")
    SKILLS = "skill_development", _("Skill development")
    PROFESSIONAL = "professional_guidance", _("Professional guidance")


class TriggerCategory(models.TextChoices):
    PEOPLE = "people", _("People")
    PLACES = "places", _("Places")
    EMOTIONS = "emotions", _("Emotions")
    SITUATIONS = "situations", _("Situations")
    PHYSICAL = "physical", _("Physical")


class Strategy(SpanishVersion, models.Model):
    """A plain-language coping strategy in the clinic's library; clinicians pick from it. Its
    Spanish version sits beside it (core.bilingual: all or nothing, English shown otherwise)."""

    SPANISH_FIELDS = ("title", "description")

    clinic = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="strategies"
    )
    category = models.CharField(_("category"), max_length=30, choices=StrategyCategory.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("how to do it"))
    title_es = models.CharField(_("title in Spanish"), max_length=120, blank=True)
    description_es = models.TextField(_("how to do it, in Spanish"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("coping strategy")
        verbose_name_plural = _("coping strategy library")
        ordering = ["category", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "category", "title"], name="coping_strategy_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CopingPlan(models.Model):
    """One plan per patient; its content lives in versions, newest is current."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="coping_plan")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("coping plan")
        verbose_name_plural = _("coping plans")

    def __str__(self) -> str:
        return f"{self.patient}"


class CopingPlanVersion(models.Model):
    """An immutable snapshot of the whole plan. Every save writes a new one."""

    plan = models.ForeignKey(CopingPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    change_summary = models.CharField(_("what changed"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    restored_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("coping plan version")
        verbose_name_plural = _("coping plan versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="coping_plan_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class Assessment(models.Model):
    """A completed instrument, saved with its answers and its published score."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="assessments")
    instrument = models.CharField(_("instrument"), max_length=20)
    answers = models.JSONField(_("answers"))
    total = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    band = models.CharField(_("band"), max_length=30)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    local_date = models.DateField(_("day"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    on_behalf = models.BooleanField(_("entered by a clinician"), default=False)
    created_at = models.DateTimeField(_("taken"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "instrument", "-created_at"]),
            # the caseload strip's "last questionnaire" lookups (latest local_date per instrument)
            models.Index(
                fields=["patient", "instrument", "-local_date"],
                name="coping_assessment_last_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.total} ({self.local_date})"


class AssessmentSchedule(models.Model):
    """How often a patient completes an instrument; defaults come from the instrument."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="assessment_schedules"
    )
    instrument = models.CharField(_("instrument"), max_length=20)
    interval_days = models.PositiveSmallIntegerField(_("every (days)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("assessment schedule")
        verbose_name_plural = _("assessment schedules")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument"], name="coping_schedule_one_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.instrument} every {self.interval_days}d"


class Currency(models.TextChoices):
    """The few currencies a person may enter what use cost them in (a short list on purpose)."""

    USD = "USD", _("US dollars ($)")
    CAD = "CAD", _("Canadian dollars ($)")
    MXN = "MXN", _("Mexican pesos ($)")
    EUR = "EUR", _("Euros (€)")
    GBP = "GBP", _("Pounds sterling (£)")
    AUD = "AUD", _("Australian dollars ($)")


USE_COST_MAX_PER_WEEK = 100_000  # in the currency; beyond it is a typing slip
HOURS_IN_A_WEEK = 168


class UseCost(models.Model):
    """What use used to cost the person each week, in money and in hours, if they chose to say.
    Theirs alone: shown only on their own milestones page and /api/v1/me/use-cost/, never to
    the care team, supporters, digests, exports or reports. Clearing it deletes the row."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="use_cost")
    amount_per_week = models.DecimalField(
        _("money each week"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    hours_per_week = models.DecimalField(
        _("hours each week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("what use cost")
        verbose_name_plural = _("what use cost")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_per_week__isnull=True)
                | models.Q(amount_per_week__gte=0, amount_per_week__lte=USE_COST_MAX_PER_WEEK),
                name="coping_usecost_amount_range",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_week__isnull=True)
                | models.Q(hours_per_week__gte=0, hours_per_week__lte=HOURS_IN_A_WEEK),
                name="coping_usecost_hours_range",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_per_week__isnull=False)
                | models.Q(hours_per_week__isnull=False),
                name="coping_usecost_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} use cost"
