"""How an occasion of the help calendar reads for a supporter, in the API and in the help-tasks
section of their view of a person (networks.supporter_sections): the day and times in the
supporter's own zone, the places left, whether it is theirs, and the first names of the others
who took it. Never who they are beyond a first name."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from networks.supporter_calendar import CalendarEntry


class SupporterOccasionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The task and the day, as the claim action takes it."))
    task_id = serializers.IntegerField(source="task.pk")
    patient_id = serializers.IntegerField(source="task.patient_id")
    patient_first_name = serializers.CharField()
    kind = serializers.CharField(source="task.kind")
    kind_label = serializers.CharField(source="task.get_kind_display")
    title = serializers.CharField(source="task.title")
    day = serializers.DateField(help_text=_("The day, in your own time zone."))
    occurs_on = serializers.DateField(
        source="occasion.day", help_text=_("The day in the person's calendar.")
    )
    starts_at = serializers.DateTimeField(
        allow_null=True, help_text=_("In your own time zone; null: any time that day.")
    )
    ends_at = serializers.DateTimeField(allow_null=True)
    window = serializers.CharField(help_text=_("The time window as the page writes it."))
    people_needed = serializers.IntegerField(source="task.people_needed")
    open_places = serializers.IntegerField()
    mine = serializers.SerializerMethodField()
    claim_id = serializers.SerializerMethodField()
    others = serializers.ListField(
        child=serializers.CharField(), help_text=_("First names of the others who took it.")
    )

    @extend_schema_field(serializers.BooleanField())
    def get_mine(self, entry: CalendarEntry) -> bool:
        return entry.mine is not None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_claim_id(self, entry: CalendarEntry) -> int | None:
        """Your claim, for giving it back or handing it on."""
        return entry.mine.pk if entry.mine is not None else None

    def to_representation(self, entry: CalendarEntry) -> dict:
        data = super().to_representation(entry)
        # In the supporter's zone, with its offset (DRF would write the server's zone).
        data["starts_at"] = entry.starts.isoformat() if entry.starts else None
        data["ends_at"] = entry.ends.isoformat() if entry.ends else None
        return data
