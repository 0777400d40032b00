"""Serializers and filters of the updates API (updates/api.py)."""

from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from updates.models import Reaction, ReactionKind, Reply, Update

# The photo's path on this site (the API serves it to those who may read the update), or null.
PHOTO_URL_FIELD = serializers.CharField(
    allow_null=True,
    read_only=True,
    help_text=_("The photo's path on this site (with your credentials); null: no photo."),
)


def photo_url(update: Update) -> str | None:
    return reverse("api:update-photo", args=[update.pk]) if update.photo else None


def posted_by(update: Update) -> str:
    """The author's name when a clinician posted for the person, else the person's first name."""
    return update.author.display_name if update.on_behalf else update.patient.first_name


class ReplySerializer(serializers.ModelSerializer):
    written_by = serializers.SerializerMethodField(help_text=_("The writer's first name."))
    hidden = serializers.BooleanField(read_only=True)

    class Meta:
        model = Reply
        fields = ("id", "text", "written_by", "created_at", "hidden")
        read_only_fields = fields

    def get_written_by(self, reply: Reply) -> str:
        return reply.contact.first_name


class ReactionSerializer(serializers.ModelSerializer):
    by = serializers.SerializerMethodField(help_text=_("The supporter's first name."))

    class Meta:
        model = Reaction
        fields = ("kind", "by")
        read_only_fields = fields

    def get_by(self, reaction: Reaction) -> str:
        return reaction.contact.first_name


class UpdateSerializer(serializers.ModelSerializer):
    """An update as the person and their care team read it: every reaction and every reply
    (hidden ones marked) and who it was shared with."""

    posted_at = serializers.DateTimeField(source="created_at", read_only=True)
    posted_by = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()
    audience = serializers.SerializerMethodField(help_text=_("Contact ids it is shared with."))
    reactions = ReactionSerializer(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)

    class Meta:
        model = Update
        fields = (
            "id",
            "text",
            "posted_at",
            "on_behalf",
            "posted_by",
            "photo_url",
            "audience",
            "reactions",
            "replies",
        )
        read_only_fields = fields

    def get_posted_by(self, update: Update) -> str:
        return posted_by(update)

    @extend_schema_field(PHOTO_URL_FIELD)
    def get_photo_url(self, update: Update) -> str | None:
        return photo_url(update)

    def get_audience(self, update: Update) -> list[int]:
        return [contact.pk for contact in update.audience.all()]


class FeedUpdateSerializer(serializers.ModelSerializer):
    """An update as a supporter reads it: the replies they may read (not hidden, and their
    own), the reactions counted, their own reaction."""

    patient = serializers.SerializerMethodField()
    posted_at = serializers.DateTimeField(source="created_at", read_only=True)
    posted_by = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()
    reaction_counts = serializers.SerializerMethodField()
    my_reaction = serializers.SerializerMethodField()
    replies = ReplySerializer(many=True, read_only=True)

    class Meta:
        model = Update
        fields = (
            "id",
            "patient",
            "text",
            "posted_at",
            "on_behalf",
            "posted_by",
            "photo_url",
            "reaction_counts",
            "my_reaction",
            "replies",
        )
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "first_name": {"type": "string"}},
        }
    )
    def get_patient(self, update: Update) -> dict[str, Any]:
        return {"id": update.patient_id, "first_name": update.patient.first_name}

    def get_posted_by(self, update: Update) -> str:
        return posted_by(update)

    @extend_schema_field(PHOTO_URL_FIELD)
    def get_photo_url(self, update: Update) -> str | None:
        return photo_url(update)

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_reaction_counts(self, update: Update) -> dict[str, int]:
        counts = dict.fromkeys(ReactionKind.values, 0)
        for reaction in update.reactions.all():
            counts[reaction.kind] += 1
        return counts

    def get_my_reaction(self, update: Update) -> str:
        return getattr(update, "my_reaction", "")


@extend_schema_field(OpenApiTypes.BINARY)
class PhotoField(serializers.FileField):
    """An uploaded image (multipart/form-data)."""


class UpdateCreateSerializer(serializers.Serializer):
    """A new update. JSON without a photo, or multipart/form-data with `photo` (and `audience`
    given once per person)."""

    text = serializers.CharField(max_length=Update.MAX_LENGTH)
    audience = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=200,
        help_text=_("Contact ids; each must have a consent in force that includes updates."),
    )
    everyone = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Share with everyone who may see updates (instead of `audience`)."),
    )
    photo = PhotoField(
        required=False,
        allow_null=True,
        default=None,
        max_length=200,
        help_text=_("A JPEG, PNG or WebP image of at most 8 MB; re-encoded without metadata."),
    )


class ReactionSetSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReactionKind.choices)


class ReplyCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=Reply.MAX_LENGTH)


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, turned to UTC: an offset the database cannot hold (beyond ±15:59)
    or a moment outside the calendar is a 400, not a 500."""

    def to_python(self, value: Any) -> Any:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class UpdateFilterSet(django_filters.FilterSet):
    posted_after = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("Posted at or after (ISO 8601).")
    )

    class Meta:
        model = Update
        fields: tuple[str, ...] = ()


class FeedFilterSet(UpdateFilterSet):
    patient = django_filters.NumberFilter(
        field_name="patient_id", label=_("Only the updates of this person (their id).")
    )

    class Meta:
        model = Update
        fields: tuple[str, ...] = ()
