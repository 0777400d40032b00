"""Serializers of the engagement API: the help button, celebration messages, digest settings and
the escalation ladder. They parse and shape; the rules live in engagement/services.py."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api_base import HourMinuteField
from engagement import celebrations
from engagement.models import (
    CelebrationMessage,
    CelebrationStatus,
    DigestMode,
    HelpRequest,
    LadderPolicy,
    LadderStep,
    Rung,
    Weekday,
)
from networks.models import SupportContact
from patients.serializers import ChoiceLabelField

# The view puts the contacts a body may name (the person's askable supporters, the ladder's
# candidates) in the serializer's context under this key; any other id reads as unknown.
CONTACTS_CONTEXT_KEY = "contacts"


@extend_schema_field(OpenApiTypes.INT)
class ContextContactField(serializers.PrimaryKeyRelatedField):
    """A support contact's id, chosen among the contacts the view allows (404-like otherwise)."""

    default_error_messages = {
        "does_not_exist": _("Choose from the people listed."),
        "incorrect_type": _("Give the person's id (a whole number)."),
    }

    def get_queryset(self) -> QuerySet[SupportContact]:
        allowed = self.root.context.get(CONTACTS_CONTEXT_KEY) or []
        return SupportContact.objects.filter(pk__in=[contact.pk for contact in allowed])


# --- The help button --------------------------------------------------------------------------


class HelpRequestFilterSet(django_filters.FilterSet):
    asked_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("Asked at or after (ISO 8601).")
    )
    asked_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label=_("Asked before (ISO 8601).")
    )

    class Meta:
        model = HelpRequest
        fields: tuple[str, ...] = ()


class HelpRequestCreateSerializer(serializers.Serializer):
    contacts = serializers.ListField(
        child=ContextContactField(),
        required=False,
        default=list,
        help_text=_(
            "Ids of the supporters to ask (see `askable`); none: the care team only is told."
        ),
    )


class HelpAskedSerializer(serializers.Serializer):
    name = serializers.CharField()
    on_it_at = serializers.DateTimeField(allow_null=True)


class HelpTeamOnItSerializer(serializers.Serializer):
    name = serializers.SerializerMethodField()
    on_it_at = serializers.DateTimeField(source="created_at")

    def get_name(self, ack: Any) -> str:
        return ack.user.get_short_name() if ack.user_id else ""


class HelpRequestSerializer(serializers.ModelSerializer):
    """A help request and who is on it (engagement.selectors.help_status)."""

    asked = serializers.SerializerMethodField()
    team_on_it = serializers.SerializerMethodField()
    alert = serializers.IntegerField(source="alert_id", read_only=True, allow_null=True)

    class Meta:
        model = HelpRequest
        fields = ("id", "patient", "created_at", "alert", "asked", "team_on_it")
        read_only_fields = fields

    @extend_schema_field(HelpAskedSerializer(many=True))
    def get_asked(self, help_request: HelpRequest) -> list[dict[str, Any]]:
        """Who was asked, by name (prefetched: engagement.api.with_status)."""
        rows = [
            {"name": row.contact.name, "on_it_at": row.acknowledged_at}
            for row in help_request.recipients.all()
        ]
        return HelpAskedSerializer(rows, many=True).data

    @extend_schema_field(HelpTeamOnItSerializer(many=True))
    def get_team_on_it(self, help_request: HelpRequest) -> list[dict[str, Any]]:
        return HelpTeamOnItSerializer(getattr(help_request, "team_acks", []), many=True).data


class HelpRequestSentSerializer(HelpRequestSerializer):
    reused = serializers.BooleanField(
        read_only=True, help_text=_("A press within minutes of the last one reuses its request.")
    )
    newly_asked = serializers.SerializerMethodField()

    class Meta(HelpRequestSerializer.Meta):
        fields = (*HelpRequestSerializer.Meta.fields, "reused", "newly_asked")
        read_only_fields = fields

    def get_newly_asked(self, help_request: HelpRequest) -> list[int]:
        return [contact.pk for contact in getattr(help_request, "newly_asked", [])]


class HelpAskableSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    how = serializers.CharField(help_text=_("How the ask reaches them, in words."))
    refused = serializers.BooleanField(help_text=_("They turned these messages off."))


class HelpOnItSerializer(serializers.Serializer):
    request = serializers.IntegerField(source="request_id")
    on_it_at = serializers.DateTimeField(source="created_at")
    is_new = serializers.BooleanField(help_text=_("False when this person had already answered."))


# --- Celebrations -----------------------------------------------------------------------------


class CelebrationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=CelebrationStatus.choices, label=_("Review status.")
    )
    milestone_key = django_filters.CharFilter(label=_("Milestone key, such as 30d or 1y."))
    milestone_date = django_filters.DateFilter(label=_("Milestone day (YYYY-MM-DD)."))

    class Meta:
        model = CelebrationMessage
        fields = ("status", "milestone_key", "milestone_date")


class CelebrationSerializer(serializers.ModelSerializer):
    """A supporter's message, with what the reviewer needs: the words flagged for review and
    `seen`, the fingerprint of the words to send back with a decision."""

    writer = serializers.CharField(source="contact.name", read_only=True)
    milestone_label = serializers.SerializerMethodField()
    status_label = ChoiceLabelField(CelebrationStatus.choices, source="status")
    seen = serializers.SerializerMethodField()

    class Meta:
        model = CelebrationMessage
        fields = (
            "id",
            "patient",
            "contact",
            "writer",
            "milestone_key",
            "milestone_label",
            "milestone_date",
            "message",
            "flags",
            "status",
            "status_label",
            "seen",
            "reviewed_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_milestone_label(self, celebration: CelebrationMessage) -> str:
        return celebrations.label_of(celebration.milestone_key)

    def get_seen(self, celebration: CelebrationMessage) -> str:
        return celebrations.digest(celebration.message)


class CelebrationReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))]
    )
    seen = serializers.CharField(
        max_length=64, help_text=_("The message's `seen` fingerprint, as read.")
    )


class OwnCelebrationSerializer(serializers.ModelSerializer):
    """A supporter's own message: no flags, no reviewer."""

    # A plain string here: the choice set is documented once, on CelebrationMessage.
    status = serializers.CharField(read_only=True)
    status_label = ChoiceLabelField(CelebrationStatus.choices, source="status")

    class Meta:
        model = CelebrationMessage
        fields = (
            "id",
            "milestone_key",
            "milestone_date",
            "message",
            "status",
            "status_label",
            "created_at",
        )
        read_only_fields = fields


class WritableMilestoneSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    date = serializers.DateField()
    message = OwnCelebrationSerializer(allow_null=True)
    editable = serializers.BooleanField()


class CelebrationWriteSerializer(serializers.Serializer):
    milestone_key = serializers.CharField(max_length=60)
    milestone_date = serializers.DateField()
    message = serializers.CharField(max_length=CelebrationMessage.MAX_LENGTH)


# --- Digests ----------------------------------------------------------------------------------


class DigestSubscriptionSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    weekday = serializers.ChoiceField(choices=Weekday.choices)
    send_time = HourMinuteField()
    time_zone = serializers.CharField(read_only=True, help_text=_("The supporter's own zone."))
    digest_mode = serializers.CharField(
        read_only=True, help_text=_("What the person chose to share in digests.")
    )


class DigestModeSerializer(serializers.Serializer):
    digest_mode = serializers.ChoiceField(choices=DigestMode.choices)


# --- The escalation ladder --------------------------------------------------------------------


class LadderStepSerializer(serializers.ModelSerializer):
    rung_label = ChoiceLabelField(Rung.choices, source="rung")
    contact_name = serializers.CharField(
        source="contact.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = LadderStep
        fields = (
            "id",
            "rung",
            "rung_label",
            "taken_at",
            "contact",
            "contact_name",
            "assigned_to",
            "note",
            "acted_at",
            "acted_by_user",
            "acted_by_contact",
        )
        read_only_fields = fields


class LadderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="ladder.id", allow_null=True, default=None)
    streak = serializers.CharField(source="ladder.streak", allow_null=True, default=None)
    opened_at = serializers.DateTimeField(source="ladder.opened_at", allow_null=True, default=None)
    closed_at = serializers.DateTimeField(source="ladder.closed_at", allow_null=True, default=None)
    is_open = serializers.BooleanField()
    days = serializers.DictField(child=serializers.IntegerField())
    steps = LadderStepSerializer(many=True)


class ReachOutCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LadderContactSerializer(serializers.Serializer):
    contact = ContextContactField(
        allow_null=True,
        help_text=_("Who may be asked to reach out (one of `candidates`); null: nobody."),
    )


class LadderContactStateSerializer(serializers.Serializer):
    contact = serializers.IntegerField(allow_null=True)
    contact_name = serializers.CharField(allow_null=True)
    unavailable = serializers.BooleanField(
        help_text=_("The chosen person can no longer be asked (their consent changed).")
    )
    candidates = ReachOutCandidateSerializer(many=True)


class LadderPolicySerializer(serializers.ModelSerializer):
    first_nudge_after_days = serializers.SerializerMethodField()

    # A clinic that never saved its policy has the defaults and no date yet.
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = LadderPolicy
        fields = (
            "enabled",
            "supporter_after_days",
            "clinician_after_days",
            "first_nudge_after_days",
            "updated_at",
        )
        read_only_fields = ("updated_at", "first_nudge_after_days")
        extra_kwargs = {
            "enabled": {"required": True},
            "supporter_after_days": {"required": True},
            "clinician_after_days": {"required": True},
        }

    def get_first_nudge_after_days(self, policy: LadderPolicy) -> int:
        return policy.clinic.missed_checkin_days
