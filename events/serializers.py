"""Serializers of the events API: events, invitations and answers, stories of recovery. They
parse and shape; the rules live in events/services.py."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import (
    STORY_MAX_CHARS,
    DisplayNameChoice,
    Event,
    EventInvitation,
    EventKind,
    Rsvp,
    Story,
    StoryStatus,
)
from patients.models import Patient
from patients.serializers import ChoiceLabelField

# The patients a staff member may invite (events.selectors.inviteable_patients), put in the
# serializer's context by the view: any other id reads like one that does not exist.
INVITEABLE_CONTEXT_KEY = "inviteable"


# --- Events -----------------------------------------------------------------------------------


class EventFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("Kind of event."))
    starts_after = django_filters.IsoDateTimeFilter(
        field_name="starts_at", lookup_expr="gte", label=_("Starting at or after (ISO 8601).")
    )
    ends_after = django_filters.IsoDateTimeFilter(
        field_name="ends_at", lookup_expr="gte", label=_("Ending at or after (ISO 8601).")
    )

    class Meta:
        model = Event
        fields = ("kind",)


class EventSerializer(serializers.ModelSerializer):
    """An event, with how many were invited and how they answered (staff lists). As a body,
    the event form's fields; the rules (end after start, a place or a video link, a Spanish
    version whole or absent) are the service's."""

    kind_label = ChoiceLabelField(EventKind.choices, source="kind")
    invited = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    yes = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    no = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    maybe = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    pending = serializers.IntegerField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Event
        fields = (
            "id",
            "kind",
            "kind_label",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "video_link",
            "capacity",
            "title_es",
            "description_es",
            "place_es",
            "created_at",
            "invited",
            "yes",
            "no",
            "maybe",
            "pending",
        )
        read_only_fields = ("id", "created_at")
        extra_kwargs = {"description": {"max_length": 4000}}


class EventCountsSerializer(serializers.Serializer):
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    maybe = serializers.IntegerField()
    pending = serializers.IntegerField()
    others = serializers.IntegerField(
        help_text=_("Invitations of people you may not see by name (counted, never named).")
    )


class EventDetailSerializer(serializers.Serializer):
    event = EventSerializer()
    counts = EventCountsSerializer()


# --- Invitations ------------------------------------------------------------------------------


class EventInvitationFilterSet(django_filters.FilterSet):
    rsvp = django_filters.ChoiceFilter(choices=Rsvp.choices, label=_("Answer."))

    class Meta:
        model = EventInvitation
        fields = ("rsvp",)


class EventInvitationSerializer(serializers.ModelSerializer):
    """One invitation of an event, as staff see it: the patient, or the supporter and whose
    network they came through."""

    invitee = serializers.SerializerMethodField()
    for_patient = serializers.SerializerMethodField()
    rsvp_label = ChoiceLabelField(Rsvp.choices, source="rsvp")

    class Meta:
        model = EventInvitation
        fields = (
            "id",
            "event",
            "patient",
            "contact",
            "invitee",
            "for_patient",
            "rsvp",
            "rsvp_label",
            "responded_at",
            "created_at",
        )
        read_only_fields = fields

    def get_invitee(self, invitation: EventInvitation) -> str:
        if invitation.patient_id:
            return invitation.patient.display_name
        return invitation.contact.name

    @extend_schema_field(OpenApiTypes.INT)
    def get_for_patient(self, invitation: EventInvitation) -> int:
        return invitation.patient_id or invitation.contact.patient_id


@extend_schema_field(OpenApiTypes.INT)
class InviteablePatientField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("You can invite only the people on your care team."),
        "incorrect_type": _("Give the patient's id (a whole number)."),
    }

    def get_queryset(self) -> QuerySet[Patient]:
        inviteable = self.root.context.get(INVITEABLE_CONTEXT_KEY)
        return Patient.objects.none() if inviteable is None else inviteable


class EventInviteSerializer(serializers.Serializer):
    patients = serializers.ListField(child=InviteablePatientField(), min_length=1)
    include_supporters = serializers.BooleanField(default=False)


class EventInviteResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text=_("How many were newly invited."))


class MyEventInvitationSerializer(serializers.ModelSerializer):
    """An invitation of the signed-in patient or supporter, with the event."""

    event = EventSerializer(read_only=True)
    # A plain string: the choice set is documented once, on Invitation.
    rsvp = serializers.CharField(read_only=True)
    yes_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    for_patient_name = serializers.SerializerMethodField()

    class Meta:
        model = EventInvitation
        fields = ("id", "event", "rsvp", "responded_at", "yes_count", "for_patient_name")
        read_only_fields = fields

    def get_for_patient_name(self, invitation: EventInvitation) -> str:
        """Whose network a supporter's invitation came through (their first name)."""
        return invitation.contact.patient.first_name if invitation.contact_id else ""


class EventRsvpSerializer(serializers.Serializer):
    rsvp = serializers.ChoiceField(
        choices=[
            (Rsvp.YES, Rsvp.YES.label),
            (Rsvp.NO, Rsvp.NO.label),
            (Rsvp.MAYBE, Rsvp.MAYBE.label),
        ]
    )


# --- Stories ----------------------------------------------------------------------------------


class PublishedStoryFilterSet(django_filters.FilterSet):
    published_after = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", label=_("Published at or after (ISO 8601).")
    )

    class Meta:
        model = Story
        fields: tuple[str, ...] = ()


class StoryFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=StoryStatus.choices, label=_("Story status."))

    class Meta:
        model = Story
        fields = ("status",)


class PublishedStorySerializer(serializers.ModelSerializer):
    """What every member of the clinic reads: the byline fixed at consent, never the patient."""

    class Meta:
        model = Story
        fields = ("id", "title", "body", "byline", "published_at")
        read_only_fields = fields


class StorySerializer(serializers.ModelSerializer):
    """A story as its author (or the staff shaping or publishing it) sees it."""

    status_label = ChoiceLabelField(StoryStatus.choices, source="status")

    class Meta:
        model = Story
        fields = (
            "id",
            "patient",
            "title",
            "body",
            "display_name_choice",
            "chosen_name",
            "status",
            "status_label",
            "byline",
            "consented_at",
            "published_at",
            "withdrawn_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class StoryWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=STORY_MAX_CHARS)
    display_name_choice = serializers.ChoiceField(choices=DisplayNameChoice.choices)
    chosen_name = serializers.CharField(max_length=60, required=False, allow_blank=True)


class StoryConsentSerializer(serializers.Serializer):
    signed_name = serializers.CharField(
        max_length=200, help_text=_("The person's full name, as on their record.")
    )
    agree = serializers.BooleanField()


class StoryConsentTextSerializer(serializers.Serializer):
    story = StorySerializer()
    consent_text = serializers.CharField()
    byline = serializers.CharField(help_text=_("The name readers will see; empty: anonymous."))
    can_consent = serializers.BooleanField()


def story_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The service's keyword arguments from a parsed story."""
    return {"chosen_name": "", **fields}
