"""Serializers and filters of the messaging API."""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api_base import HourMinuteField, IdFilter, TrueFalseFilter
from messaging.models import BODY_MAX_CHARS, AuthorRole, Message, Thread, Weekday


class ReceiptSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("Who read it (for staff: 'Seen')."))
    at = serializers.DateTimeField()


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(help_text=_("Who wrote it, as the reader sees it."))
    seen = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "thread",
            "author",
            "author_role",
            "body",
            "automatic",
            "created_at",
            "seen",
        ]
        read_only_fields = fields

    def get_author(self, message: Message) -> str:
        return str(getattr(message, "who", ""))

    @extend_schema_field(ReceiptSerializer(many=True))
    def get_seen(self, message: Message) -> list[dict[str, Any]]:
        receipts = getattr(message, "seen", [])
        return ReceiptSerializer(receipts, many=True).data  # type: ignore[return-value]


class StaffMessageSerializer(MessageSerializer):
    class Meta(MessageSerializer.Meta):
        fields = [*MessageSerializer.Meta.fields, "note"]
        read_only_fields = fields


class ThreadSerializer(serializers.ModelSerializer):
    patient_id = serializers.IntegerField(read_only=True)
    contact_id = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("The supporter's thread; null: the person's own."),
    )
    contact_name = serializers.SerializerMethodField()
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = ["id", "patient_id", "contact_id", "contact_name", "last_message_at", "unread"]
        read_only_fields = fields

    def get_contact_name(self, thread: Thread) -> str:
        return thread.contact.name if thread.contact_id else ""

    def get_unread(self, thread: Thread) -> bool:
        return bool(getattr(thread, "unread", False))


class ThreadDetailSerializer(serializers.Serializer):
    thread = ThreadSerializer(allow_null=True)
    messages = StaffMessageSerializer(many=True)


class WriterThreadSerializer(serializers.Serializer):
    """The writer's thread (null before their first message), the hours, the crisis link."""

    thread = serializers.IntegerField(allow_null=True)
    messages = MessageSerializer(many=True)
    hours = serializers.ListField(child=serializers.CharField())
    crisis_plan_url = serializers.CharField(allow_blank=True)


class WriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX_CHARS)


class ReadResultSerializer(serializers.Serializer):
    thread = serializers.IntegerField()
    read_at = serializers.DateTimeField()


class NoteResultSerializer(serializers.Serializer):
    note = serializers.IntegerField(help_text=_("The clinical note made of the message."))
    message = serializers.IntegerField()


class OpeningSerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(
        choices=Weekday.choices, help_text=_("0 is Monday, 6 is Sunday.")
    )
    opens = HourMinuteField()
    closes = HourMinuteField()

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["closes"] <= data["opens"]:
            raise serializers.ValidationError(
                {"closes": [_("The closing time must be after the opening time.")]}
            )
        return data


class HoursSerializer(serializers.Serializer):
    hours = OpeningSerializer(many=True)
    time_zone = serializers.CharField(read_only=True)


class ThreadFilterSet(django_filters.FilterSet):
    unread = TrueFalseFilter(label=_("Only threads with messages you have not read (true)."))
    author_role = django_filters.ChoiceFilter(
        method="by_writer",
        choices=[
            (AuthorRole.PATIENT, _("The person's own")),
            (AuthorRole.SUPPORTER, _("Supporters'")),
        ],
        label=_("Whose threads: the person's own, or supporters'."),
    )

    class Meta:
        model = Thread
        fields: list[str] = []

    def by_writer(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(contact__isnull=value == AuthorRole.PATIENT)


class UnreadFilterSet(django_filters.FilterSet):
    patient_id = IdFilter(field_name="patient_id", label=_("Only this person's threads."))

    class Meta:
        model = Thread
        fields: list[str] = []
