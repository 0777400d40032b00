"""Serializers of the coping API: they parse and shape data; the rules live in services.py and
plan.py (the serializers only check types, so a wrong type is a 400 and never reaches them)."""

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api_base import HourMinuteField, IdFilter, TrueFalseFilter, with_day_range
from coping.instruments import INSTRUMENTS
from coping.models import Assessment, CheckIn, CopingPlanVersion, Strategy, StrategyCategory
from coping.plan import LIST_SECTIONS, normalize_plan

INSTRUMENT_CHOICES = [(slug, INSTRUMENTS[slug].short_name) for slug in sorted(INSTRUMENTS)]
PLAN_CONTENT_HELP = _(
    "The whole plan: lists triggers, warning_signs, strategies, routine, reasons and people, "
    "and the crisis_plan object. Items keep their 32-character hex id across versions."
)

# --- Check-ins --------------------------------------------------------------------------------


class StrategyUsedSerializer(serializers.Serializer):
    id = serializers.CharField(help_text=_("The plan item's id."))
    text = serializers.CharField(help_text=_("The strategy's wording when it was ticked."))


class CheckInSerializer(serializers.ModelSerializer):
    sleep_hours = serializers.DecimalField(
        max_digits=3, decimal_places=1, coerce_to_string=False, allow_null=True, read_only=True
    )
    strategies_used = StrategyUsedSerializer(many=True, read_only=True)

    class Meta:
        model = CheckIn
        fields = (
            "id",
            "local_date",
            "mood",
            "craving",
            "stress",
            "sleep_hours",
            "used_since_last",
            "use_details",
            "strategies_used",
            "note",
            "on_behalf",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


def _zero_to_ten(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=10, help_text=help_text)


class CheckInSubmitSerializer(serializers.Serializer):
    """Today's check-in, in the patient's own time zone; sent again the same day, it updates."""

    mood = _zero_to_ten(_("0 (very low) to 10 (very good)."))
    craving = _zero_to_ten(_("0 (none) to 10 (strongest)."))
    stress = _zero_to_ten(_("0 (none) to 10 (highest)."))
    sleep_hours = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        min_value=0,
        max_value=24,
        coerce_to_string=False,
        required=False,
        allow_null=True,
        default=None,
    )
    used_since_last = serializers.BooleanField(required=False, default=False)
    use_details = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What was used; kept only when used_since_last is true."),
    )
    strategies_used = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        default=list,
        max_length=50,
        help_text=_("Ids of strategies from the current coping plan."),
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- Assessments ------------------------------------------------------------------------------


class AssessmentFilterSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(
        choices=INSTRUMENT_CHOICES, required=False, allow_blank=True
    )


class AssessmentSerializer(serializers.ModelSerializer):
    answers = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    total = serializers.SerializerMethodField(
        help_text=_("The published score: the mean with 2 decimals for BRS, a sum otherwise.")
    )
    flags = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_('Such as "self_harm" (PHQ-9 item 9 above 0).'),
    )

    class Meta:
        model = Assessment
        fields = (
            "id",
            "instrument",
            "answers",
            "total",
            "band",
            "flags",
            "local_date",
            "on_behalf",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.NUMBER)
    def get_total(self, assessment: Assessment) -> int | float:
        instrument = INSTRUMENTS.get(assessment.instrument)
        if instrument is not None and instrument.mean:
            return float(round(assessment.total, 2))
        return int(assessment.total)


class AssessmentSubmitSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(choices=INSTRUMENT_CHOICES)
    answers = serializers.ListField(
        child=serializers.IntegerField(),
        max_length=50,
        help_text=_("One whole number per item, in item order."),
    )


# --- Coping plan ------------------------------------------------------------------------------


class PlanVersionSerializer(serializers.ModelSerializer):
    """A version in the list (no content)."""

    author_name = serializers.CharField(
        source="author.display_name", read_only=True, default=None, allow_null=True
    )
    restored_from = serializers.IntegerField(
        source="restored_from.number",
        read_only=True,
        default=None,
        allow_null=True,
        help_text=_("The number of the version this one restored, if any."),
    )

    class Meta:
        model = CopingPlanVersion
        fields = (
            "number",
            "change_summary",
            "author",
            "author_name",
            "created_at",
            "restored_from",
        )
        read_only_fields = fields


class PlanVersionDetailSerializer(PlanVersionSerializer):
    content = serializers.JSONField(read_only=True, help_text=PLAN_CONTENT_HELP)

    class Meta(PlanVersionSerializer.Meta):
        fields = (*PlanVersionSerializer.Meta.fields, "content")
        read_only_fields = fields


class CurrentPlanSerializer(serializers.Serializer):
    """The current plan. Before the first save, `version` and the rest are null and `content`
    is an empty plan with the clinic's local emergency number."""

    version = serializers.IntegerField(allow_null=True, help_text=_("Current version number."))
    content = serializers.JSONField(help_text=PLAN_CONTENT_HELP)
    change_summary = serializers.CharField(allow_blank=True)
    author = serializers.IntegerField(allow_null=True)
    author_name = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)
    restored_from = serializers.IntegerField(allow_null=True)


class PlanSaveSerializer(serializers.Serializer):
    content = serializers.DictField(help_text=PLAN_CONTENT_HELP)
    change_summary = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )

    def validate_content(self, value: dict[str, Any]) -> dict[str, Any]:
        # The plan's own rules (plan.normalize_plan), run here so their errors sit under
        # "content" with the section named; plan_save runs them again inside its transaction.
        try:
            return normalize_plan(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None


# --- Filters of the lists (django-filter: documented in the schema, a bad value is a 400) ------


@with_day_range("local_date", _("Check-ins of the person's own day"))
class CheckInFilterSet(django_filters.FilterSet):
    used_since_last = TrueFalseFilter(label=_("Only check-ins that report use (true) or not."))
    on_behalf = TrueFalseFilter(label=_("Only check-ins a clinician entered (true) or not."))

    class Meta:
        model = CheckIn
        fields = ("used_since_last", "on_behalf")


@with_day_range("local_date", _("Questionnaires taken"))
class AssessmentFilterSet(django_filters.FilterSet):
    instrument = django_filters.ChoiceFilter(
        choices=INSTRUMENT_CHOICES, label=_("One instrument (its slug).")
    )
    band = django_filters.CharFilter(max_length=30, label=_("One score band (its slug)."))
    flagged = TrueFalseFilter(
        method="filter_flagged", label=_("Only questionnaires with a flag (true) or without.")
    )

    class Meta:
        model = Assessment
        fields = ("instrument", "band")

    def filter_flagged(self, rows: QuerySet, name: str, value: bool) -> QuerySet:
        return rows.exclude(flags=[]) if value else rows.filter(flags=[])


@with_day_range("created_at__date", _("Versions saved (UTC)"))
class PlanVersionFilterSet(django_filters.FilterSet):
    author = IdFilter(field_name="author_id", label=_("Saved by this user (id)."))
    restored = TrueFalseFilter(
        method="filter_restored", label=_("Only versions that restored an earlier one (true).")
    )

    class Meta:
        model = CopingPlanVersion
        fields = ("author",)

    def filter_restored(self, rows: QuerySet, name: str, value: bool) -> QuerySet:
        return rows.filter(restored_from__isnull=not value)


class StrategyFilterSet(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        choices=StrategyCategory.choices, label=_("One category.")
    )
    is_active = TrueFalseFilter(label=_("Offered to clinicians (true) or switched off (false)."))
    q = django_filters.CharFilter(
        method="filter_text", max_length=100, label=_("Words in the title or description.")
    )

    class Meta:
        model = Strategy
        fields = ("category", "is_active")

    def filter_text(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return rows
        return rows.filter(Q(title__icontains=value) | Q(description__icontains=value))


# --- Trends (the progress page) ---------------------------------------------------------------


class TrendsQuerySerializer(serializers.Serializer):
    days = serializers.ChoiceField(
        choices=[(30, "30"), (90, "90")],
        required=False,
        default=30,
        help_text=_("How many of the person's local days the series covers."),
    )


class TrendPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    mood = serializers.IntegerField()
    craving = serializers.IntegerField()
    stress = serializers.IntegerField()
    sleep = serializers.FloatField(allow_null=True, help_text=_("Hours of sleep."))
    use = serializers.BooleanField(help_text=_("Reported use since the check-in before."))


class ScorePointSerializer(serializers.Serializer):
    date = serializers.DateField()
    total = serializers.FloatField()
    band = serializers.CharField()
    band_label = serializers.CharField()


class DueSerializer(serializers.Serializer):
    """When one questionnaire is next due for the person."""

    instrument = serializers.CharField(help_text=_("The instrument's slug."))
    name = serializers.CharField()
    interval_days = serializers.IntegerField()
    is_active = serializers.BooleanField(help_text=_("False: the care team turned it off."))
    custom = serializers.BooleanField(help_text=_("The care team set this interval."))
    last = serializers.DateField(allow_null=True)
    next_due = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    due_today = serializers.BooleanField()


class TrendsSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    today = serializers.DateField(help_text=_("Today in the person's own time zone."))
    checked_in_today = serializers.BooleanField()
    streak = serializers.IntegerField(help_text=_("Days in a row with a check-in."))
    series = TrendPointSerializer(many=True, help_text=_("Oldest first."))
    assessments = serializers.DictField(
        child=ScorePointSerializer(many=True),
        help_text=_("Each instrument's scores (by slug), oldest first."),
    )
    schedule = DueSerializer(many=True)


# --- Questionnaire schedule -------------------------------------------------------------------


class ScheduleSetSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(choices=INSTRUMENT_CHOICES)
    interval_days = serializers.IntegerField(min_value=1, max_value=365)
    is_active = serializers.BooleanField(required=False, default=True)


# --- The person's reminder time ---------------------------------------------------------------


class ReminderTimeSerializer(serializers.Serializer):
    checkin_reminder_time = HourMinuteField(help_text=_("HH:MM, in the person's own time zone."))
    time_zone = serializers.CharField(read_only=True)


# --- Plan: partial save, compare --------------------------------------------------------------


PLAN_SECTIONS = ("crisis_plan", *LIST_SECTIONS)


class PlanPatchSerializer(serializers.Serializer):
    content = serializers.DictField(
        help_text=_(
            "Only the sections to replace (triggers, warning_signs, strategies, routine, "
            "reasons, people, crisis_plan); the others stay as they are."
        )
    )
    change_summary = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )

    def validate_content(self, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(PLAN_SECTIONS))
        if unknown:
            raise serializers.ValidationError(
                _("No such section: %(names)s.") % {"names": ", ".join(unknown)}
            )
        if not value:
            raise serializers.ValidationError(_("Give at least one section."))
        return value


def normalized_content(content: object) -> dict[str, Any]:
    """plan.normalize_plan, its errors under `content` with the section named (a 400)."""
    try:
        return normalize_plan(content)
    except DjangoValidationError as exc:
        raise serializers.ValidationError({"content": exc.message_dict}) from None


class CompareQuerySerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword, so both are added here rather than as attributes.
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField(min_value=1, help_text=_("The older version."))
        fields["to"] = serializers.IntegerField(min_value=1, help_text=_("The newer version."))
        return fields


class DiffRowSerializer(serializers.Serializer):
    left = serializers.CharField(allow_blank=True, help_text=_("The line in `from`."))
    right = serializers.CharField(allow_blank=True, help_text=_("The line in `to`."))
    change = serializers.ChoiceField(choices=["same", "added", "removed", "changed"])


class DiffSectionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    changes = serializers.IntegerField(help_text=_("Rows that are not the same."))
    rows = DiffRowSerializer(many=True)


class PlanCompareSerializer(serializers.Serializer):
    from_version = PlanVersionSerializer(source="old")
    to_version = PlanVersionSerializer(source="new")
    sections = DiffSectionSerializer(many=True)


# --- The clinic's strategy library -----------------------------------------------------------


class StrategySerializer(serializers.ModelSerializer):
    category_label = serializers.SerializerMethodField()

    class Meta:
        model = Strategy
        fields = (
            "id",
            "category",
            "category_label",
            "title",
            "description",
            "title_es",
            "description_es",
            "is_active",
            "created_at",
        )
        read_only_fields = fields

    def get_category_label(self, strategy: Strategy) -> str:
        return str(CATEGORY_LABELS.get(strategy.category, strategy.category))


CATEGORY_LABELS = dict(StrategyCategory.choices)


class StrategyAddSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=StrategyCategory.choices)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000)
    title_es = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    description_es = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
