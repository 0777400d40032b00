"""Serializers of the coping API: they parse and shape data; the rules live in services.py and
plan.py (the serializers only check types, so a wrong type is a 400 and never reaches them)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coping.instruments import INSTRUMENTS
from coping.models import Assessment, CheckIn, CopingPlanVersion
from coping.plan import normalize_plan

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
