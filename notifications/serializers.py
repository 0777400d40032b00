"""Serializers of the notifications API: a person's in-app inbox and preferences, and the clinic
admin's delivery log. They parse and shape; the rules live in notifications/services.py."""

from datetime import datetime, time, timedelta
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api_base import HourMinuteField, TrueFalseFilter
from accounts.languages import language_names
from accounts.models import timezone_choices
from notifications.models import Channel, Kind, Notification, PushSubscription, Status
from notifications.preferences import kind_label
from notifications.selectors import recipient_label, recipient_matches

KIND_LABELS = dict(Kind.choices)
CHANNEL_LABELS = dict(Channel.choices)
STATUS_LABELS = dict(Status.choices)


# --- The inbox --------------------------------------------------------------------------------


class NotificationFilterSet(django_filters.FilterSet):
    unread = TrueFalseFilter(method="by_unread", label=_("true: only unread; false: only read."))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Kind of notification."))

    class Meta:
        model = Notification
        fields = ("kind",)

    def by_unread(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


class NotificationSerializer(serializers.ModelSerializer):
    # Plain strings: the choice sets are documented on the filters and the preferences.
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ("id", "kind", "kind_label", "subject", "body", "link", "sent_at", "read_at")
        read_only_fields = fields

    def get_kind_label(self, row: Notification) -> str:
        return kind_label(row.kind)


class NotificationsMarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many were marked read."))


class UnreadNotificationsSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


# --- Preferences ------------------------------------------------------------------------------


class NotificationPreferenceSerializer(serializers.Serializer):
    """What the person wants to receive. `channels` maps a kind to the channels it may use: the
    kinds named are set, the others keep what they had. `time_zone` and `language` are left
    as they are when absent (an empty `language`: the clinic's default)."""

    paused = serializers.BooleanField()
    quiet_hours_start = HourMinuteField(allow_null=True)
    quiet_hours_end = HourMinuteField(allow_null=True)
    urgent_in_quiet_hours = serializers.BooleanField()
    unsubscribed_kinds = serializers.ListField(child=serializers.ChoiceField(Kind.choices))
    channels = serializers.DictField(
        child=serializers.ListField(child=serializers.ChoiceField(Channel.choices)),
        required=False,
        help_text=_("Kind -> channels (email, sms, in_app, push)."),
    )
    time_zone = serializers.CharField(
        max_length=64, required=False, help_text=_("IANA time zone name, such as America/Chicago.")
    )
    language = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text=_("A language code, or empty.")
    )

    def validate_channels(self, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(Kind.values))
        if unknown:
            raise serializers.ValidationError(
                _("No such kind: %(kinds)s.") % {"kinds": ", ".join(unknown)}
            )
        return {kind: list(dict.fromkeys(channels)) for kind, channels in value.items()}

    def validate_time_zone(self, value: str) -> str:
        if value not in {name for name, _label in timezone_choices()}:
            raise serializers.ValidationError(_("Choose a time zone such as America/Chicago."))
        return value

    def validate_language(self, value: str) -> str:
        if value and value not in {code for code, _name in language_names()}:
            raise serializers.ValidationError(_("Choose one of the site's languages."))
        return value

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if (start is None) != (end is None):
            missing = "quiet_hours_end" if end is None else "quiet_hours_start"
            raise serializers.ValidationError(
                {missing: [_("Give both times, or neither for no quiet hours.")]}
            )
        if start is not None and start == end:
            raise serializers.ValidationError(
                {"quiet_hours_end": [_("The end must differ from the start.")]}
            )
        return data


# --- The delivery log -------------------------------------------------------------------------


class NotificationLogFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Kind of message."))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel."))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Delivery status."))
    recipient = django_filters.CharFilter(
        method="by_recipient", max_length=120, label=_("Recipient name or address contains.")
    )
    due_from = django_filters.DateFilter(method="by_due_from", label=_("Due on or after (day)."))
    due_to = django_filters.DateFilter(method="by_due_to", label=_("Due on or before (day)."))

    class Meta:
        model = Notification
        fields = ("kind", "channel", "status")

    def by_recipient(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return queryset.filter(recipient_matches(text)) if text else queryset

    def by_due_from(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if value is None:
            return queryset
        zone = timezone.get_current_timezone()
        return queryset.filter(due_at__gte=datetime.combine(value, time.min, zone))

    def by_due_to(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if value is None:
            return queryset
        zone = timezone.get_current_timezone()
        return queryset.filter(
            due_at__lt=datetime.combine(value + timedelta(days=1), time.min, zone)
        )


class NotificationLogEntrySerializer(serializers.ModelSerializer):
    """One message of the outbox, its recipient in words, and what became of it."""

    kind = serializers.CharField(read_only=True)
    kind_label = serializers.SerializerMethodField()
    channel = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    recipient = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = (
            "id",
            "kind",
            "kind_label",
            "channel",
            "status",
            "recipient",
            "patient",
            "due_at",
            "sent_at",
            "attempts",
            "reason",
            "last_error",
        )
        read_only_fields = fields

    def get_kind_label(self, row: Notification) -> str:
        return kind_label(row.kind)

    def get_recipient(self, row: Notification) -> str:
        return str(recipient_label(row))


# --- Web Push devices ---------------------------------------------------------------------------


class PushSubscriptionSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = PushSubscription
        fields = ("id", "device_label", "created_at", "last_used_at", "active")
        read_only_fields = fields


class PushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(
        max_length=200, help_text=_("The browser's public key (base64url, 65 bytes).")
    )
    auth = serializers.CharField(
        max_length=100, help_text=_("The browser's auth secret (base64url, 16 bytes).")
    )


class PushSubscribeSerializer(serializers.Serializer):
    """The browser's PushSubscription as `subscription.toJSON()` gives it."""

    endpoint = serializers.CharField(
        max_length=1000, help_text=_("The push service address (https://).")
    )
    keys = PushKeysSerializer()
    expirationTime = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("Ignored; browsers send it.")
    )


class VapidPublicKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(
        help_text=_("The applicationServerKey (base64url); empty when push is not set up.")
    )
    configured = serializers.BooleanField()
