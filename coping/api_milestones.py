"""The milestones page's twins under /api/v1/me/: the countdown and badges, and what use cost
(the money and hours regained). The person in recovery only, everyone else 404, as on the page.

What use cost is the person's alone: no staff, supporter, export or report endpoint reads it.
"""

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_base import service_errors
from coping import badges
from coping.api import CopingPatientView
from coping.api_extra import OwnRecordMixin
from coping.models import HOURS_IN_A_WEEK, USE_COST_MAX_PER_WEEK, Currency, UseCost
from coping.services import use_cost_clear, use_cost_set
from patients.models import Patient

# --- Serializers -----------------------------------------------------------------------------


class BadgeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(badges.BADGE_KINDS), read_only=True)
    key = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    icon = serializers.CharField(read_only=True, help_text=_("Decorative: the title says it."))
    earned_on = serializers.DateField(read_only=True, allow_null=True)
    due_on = serializers.DateField(
        read_only=True, allow_null=True, help_text=_("A milestone still ahead: its date.")
    )
    times = serializers.IntegerField(read_only=True)


class CountdownSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True, help_text=_('Stable name: "30d", "1y".'))
    label = serializers.CharField(read_only=True)
    date = serializers.DateField(read_only=True)
    days_left = serializers.IntegerField(read_only=True, help_text=_("0 on the day itself."))
    when = serializers.CharField(read_only=True, help_text=_('"today", "tomorrow", "in 5 days".'))
    since = serializers.DateField(read_only=True, help_text=_("The recovery start it counts from."))
    previous_date = serializers.DateField(read_only=True)
    previous_label = serializers.CharField(read_only=True)
    done_days = serializers.IntegerField(read_only=True)
    total_days = serializers.IntegerField(read_only=True)
    after_setback = serializers.BooleanField(read_only=True)


class MilestonesSerializer(serializers.Serializer):
    today = serializers.DateField(read_only=True, help_text=_("The person's own local day."))
    countdown = CountdownSerializer(read_only=True, allow_null=True)
    best_streak = serializers.IntegerField(read_only=True)
    earned = BadgeSerializer(many=True, read_only=True)
    ahead = BadgeSerializer(many=True, read_only=True)


class UseCostSerializer(serializers.Serializer):
    amount_per_week = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=0,
        max_value=USE_COST_MAX_PER_WEEK,
        allow_null=True,
        required=False,
        coerce_to_string=False,
    )
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    hours_per_week = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=HOURS_IN_A_WEEK,
        allow_null=True,
        required=False,
        coerce_to_string=False,
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("amount_per_week") is None and attrs.get("hours_per_week") is None:
            raise serializers.ValidationError(
                {"amount_per_week": [_("Enter money, hours or both; or DELETE to clear.")]}
            )
        return attrs


class RegainedSerializer(serializers.Serializer):
    since = serializers.DateField(read_only=True)
    days = serializers.IntegerField(read_only=True)
    money = serializers.DecimalField(
        max_digits=14, decimal_places=0, read_only=True, allow_null=True, coerce_to_string=False
    )
    currency = serializers.CharField(read_only=True)
    hours = serializers.IntegerField(read_only=True, allow_null=True)
    sentence = serializers.CharField(read_only=True)


class UseCostAnswerSerializer(serializers.Serializer):
    entered = serializers.BooleanField(read_only=True)
    use_cost = UseCostSerializer(read_only=True, allow_null=True)
    regained = RegainedSerializer(read_only=True, allow_null=True)


# --- Views -------------------------------------------------------------------------------------


class MyMilestonesView(OwnRecordMixin, CopingPatientView):
    """The countdown to the next milestone and the badges: earned (newest first, with the day)
    and still ahead. The same as the milestones page."""

    @extend_schema(responses=MilestonesSerializer)
    def get(self, request: Request) -> Response:
        patient = self.open_patient()
        achievements = badges.achievements_for(patient, patient.local_today())
        data = MilestonesSerializer(achievements.as_dict()).data
        self.audit_view(patient, "milestones")
        return Response(data)


def use_cost_answer(patient: Patient, use_cost: UseCost | None, today: date) -> dict[str, Any]:
    return UseCostAnswerSerializer(
        {
            "entered": use_cost is not None,
            "use_cost": use_cost,
            "regained": badges.regained(use_cost, patient.recovery_start, today),
        }
    ).data


class MyUseCostView(OwnRecordMixin, CopingPatientView):
    """What use cost each week (money, hours or both) and what is back since the current
    recovery start. PUT saves it (400 with field errors), DELETE clears it. The person's own:
    nobody else reads it, anywhere."""

    @extend_schema(responses=UseCostAnswerSerializer)
    def get(self, request: Request) -> Response:
        patient = self.open_patient()
        data = use_cost_answer(patient, badges.use_cost_of(patient), patient.local_today())
        self.audit_view(patient, "use-cost")
        return Response(data)

    @extend_schema(request=UseCostSerializer, responses=UseCostAnswerSerializer)
    def put(self, request: Request) -> Response:
        patient = self.editable_patient()
        fields = self.parse(UseCostSerializer, request.data)
        fields.setdefault("currency", badges.clinic_currency(patient.clinic))
        with service_errors():
            use_cost = use_cost_set(patient=patient, actor=request.user, request=request, **fields)
        return Response(use_cost_answer(patient, use_cost, patient.local_today()))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        patient = self.editable_patient()
        use_cost_clear(patient=patient, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
