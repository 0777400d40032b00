"""Serializers of the patients API: they parse and shape data; the rules live in services.py.

Inputs that name other objects (a program, a clinician, staff attendees) are limited to the
request's clinic, so an id from another clinic reads exactly like an id that does not exist.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api_base import IdFilter, TrueFalseFilter, api_membership
from accounts.models import Membership, Organization, User
from patients.models import (
    Alert,
    AlertKind,
    AlertSeverity,
    AlertStatus,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CareTeamMember,
    ClinicalNote,
    EmergencyAccess,
    Milestone,
    Patient,
    PatientStatus,
    Program,
    RecoveryDate,
    Setback,
    TeamRole,
)
from patients.selectors import SORTS, PatientFilters, filter_patients

CLINIC_CONTEXT_KEY = "clinic"
TIME_ZONE_HELP = _("IANA time zone name, such as America/Chicago.")


def _clinic_of(serializer: serializers.Serializer) -> Organization | None:
    return serializer.context.get(CLINIC_CONTEXT_KEY)


def clinic_members(clinic: Organization | None) -> QuerySet[User]:
    """People with an active membership in the clinic (any role); the services check the role."""
    if clinic is None:
        return User.objects.none()
    return User.objects.filter(
        pk__in=Membership.objects.active().filter(organization=clinic).values("user_id")
    )


@extend_schema_field(OpenApiTypes.INT)
class ClinicMemberField(serializers.PrimaryKeyRelatedField):
    """A user id, looked up among the clinic's members only (no leak about other clinics)."""

    default_error_messages = {
        "does_not_exist": _("Choose a member of this clinic's staff."),
        "incorrect_type": _("Give the person's id (a whole number)."),
    }

    def get_queryset(self) -> QuerySet[User]:
        return clinic_members(_clinic_of(self.root))


class ClinicProgramField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("Choose one of this clinic's programs."),
        "incorrect_type": _("Give the program's id (a whole number)."),
    }

    def get_queryset(self) -> QuerySet[Program]:
        clinic = _clinic_of(self.root)
        return Program.objects.filter(clinic=clinic) if clinic else Program.objects.none()


class ChoiceLabelField(serializers.CharField):
    """The label of a choice (what get_FOO_display gives), read from the value: the model's
    get_FOO_display translates every label of the field to find one, and DRF inspects the
    method's signature on every row; a list of 25 paid for both 75 times."""

    def __init__(self, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        self.labels = dict(choices)
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: object) -> str:
        return str(self.labels.get(value, value))


# --- Patients ---------------------------------------------------------------------------------


def request_zone(request: object) -> ZoneInfo:
    """The time zone of the clinic the API request acts in (UTC without one): the days of a
    list's date filters are that clinic's local days, like on the pages."""
    membership = api_membership(request) if request is not None else None
    return ZoneInfo(membership.organization.time_zone) if membership else ZoneInfo("UTC")


class PatientFilterSet(django_filters.FilterSet):
    """The patient list's filters: the caseload's and the clinic admin's patients page's."""

    q = django_filters.CharFilter(label=_("Name or MRN contains."), max_length=200)
    program = IdFilter(label=_("Program id."))
    status = django_filters.ChoiceFilter(choices=PatientStatus.choices, label=_("Patient status."))
    has_alerts = TrueFalseFilter(label=_("Only patients with unresolved alerts."))
    sort = django_filters.ChoiceFilter(
        choices=[(key, key) for key in sorted(SORTS)], label=_("Order of the list.")
    )

    class Meta:
        model = Patient
        fields: tuple[str, ...] = ()

    def filter_queryset(self, queryset: QuerySet[Patient]) -> QuerySet[Patient]:
        """The same search, filters and sorts as the pages (patients.selectors)."""
        data = self.form.cleaned_data
        return filter_patients(
            queryset,
            PatientFilters(
                q=data.get("q") or "",
                program=data.get("program"),
                status=data.get("status") or "",
                has_alerts=bool(data.get("has_alerts")),
                sort=data.get("sort") or "name",
            ),
        )


class PatientSerializer(serializers.ModelSerializer):
    """A patient as the API shows it. Clinical notes are never part of it."""

    display_name = serializers.CharField(read_only=True)
    time_zone = serializers.CharField(read_only=True, help_text=TIME_ZONE_HELP)
    program_name = serializers.CharField(
        source="program.name", read_only=True, default=None, allow_null=True
    )
    status_label = ChoiceLabelField(PatientStatus.choices, source="status")
    days_in_recovery = serializers.SerializerMethodField()
    open_alerts = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    high_alerts = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    next_appointment = serializers.DateTimeField(read_only=True, default=None, allow_null=True)
    last_checkin = serializers.DateField(read_only=True, default=None, allow_null=True)
    # As stored: an address kept before validation existed may not pass today's email format.
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Patient
        fields = (
            "id",
            "mrn",
            "legal_name",
            "preferred_name",
            "display_name",
            "pronouns",
            "date_of_birth",
            "time_zone",
            "preferred_language",
            "phone",
            "email",
            "program",
            "program_name",
            "status",
            "status_label",
            "recovery_start",
            "days_in_recovery",
            "open_alerts",
            "high_alerts",
            "next_appointment",
            "last_checkin",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_days_in_recovery(self, patient: Patient) -> int | None:
        return patient.days_in_recovery()


class PatientUpdateSerializer(serializers.ModelSerializer):
    """What a clinician on the care team may change. The recovery start date moves only with a
    setback (or its own history entry), so it is not part of this form."""

    # Validated by the service, which names a real zone in its message (a choice list of 600).
    time_zone = serializers.CharField(max_length=64, required=False, help_text=TIME_ZONE_HELP)
    program = ClinicProgramField(required=False, allow_null=True)

    class Meta:
        model = Patient
        fields = (
            "mrn",
            "legal_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "time_zone",
            "preferred_language",
            "phone",
            "email",
            "program",
            "status",
        )


class PatientCreateSerializer(PatientUpdateSerializer):
    add_me_to_care_team = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=_("Add the clinician creating the record as primary counselor."),
    )

    class Meta(PatientUpdateSerializer.Meta):
        fields = (*PatientUpdateSerializer.Meta.fields, "recovery_start", "add_me_to_care_team")


# --- Care team --------------------------------------------------------------------------------


class CareTeamMemberSerializer(serializers.ModelSerializer):
    clinician_name = serializers.CharField(source="clinician.display_name", read_only=True)
    team_role_label = serializers.CharField(source="get_team_role_display", read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = CareTeamMember
        fields = (
            "id",
            "clinician",
            "clinician_name",
            "team_role",
            "team_role_label",
            "is_primary",
            "started_on",
            "ended_on",
            "is_current",
        )
        read_only_fields = fields

    def get_is_current(self, member: CareTeamMember) -> bool:
        return member.ended_on is None


class CareTeamAddSerializer(serializers.Serializer):
    clinician = ClinicMemberField()
    team_role = serializers.ChoiceField(choices=TeamRole.choices)
    is_primary = serializers.BooleanField(required=False, default=False)
    started_on = serializers.DateField(required=False)


class CareTeamEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, help_text=_("Defaults to today."))


# --- Setbacks and milestones ------------------------------------------------------------------


class SetbackSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    recorded_by_name = serializers.CharField(
        source="recorded_by.display_name", read_only=True, default=None, allow_null=True
    )
    new_recovery_start = serializers.DateField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text=_("Restart the recovery count from this date (between the setback and today)."),
    )

    class Meta:
        model = Setback
        fields = (
            "id",
            "occurred_on",
            "kind",
            "kind_label",
            "what_happened",
            "what_helped",
            "plan_changes",
            "new_recovery_start",
            "moved_recovery_start",
            "previous_recovery_start",
            "recorded_by",
            "recorded_by_name",
            "recorded_at",
        )
        read_only_fields = (
            "moved_recovery_start",
            "previous_recovery_start",
            "recorded_by",
            "recorded_at",
        )


class MilestoneSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Milestone
        fields = ("id", "kind", "kind_label", "title", "date", "note", "created_by", "created_at")
        read_only_fields = ("created_by", "created_at")


class ComputedMilestoneSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_('Stable name, such as "30d" or "1y".'))
    label = serializers.CharField()
    date = serializers.DateField()
    days = serializers.IntegerField(help_text=_("Days in recovery on that date."))
    years = serializers.IntegerField()
    reached = serializers.BooleanField()


class MilestoneOverviewSerializer(serializers.Serializer):
    recovery_start = serializers.DateField(allow_null=True)
    today = serializers.DateField(help_text=_("Today in the patient's time zone."))
    computed = ComputedMilestoneSerializer(many=True)
    custom = MilestoneSerializer(many=True)


# --- Appointments -----------------------------------------------------------------------------


class AppointmentFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first: date | None = data.get("from")
        last: date | None = data.get("to")
        for name, value in (("from", first), ("to", last)):
            if value is not None and not 1900 <= value.year <= 2199:  # 9999-12-31 + 1 day fails
                self.add_error(name, _("Choose a date between 1900 and 2199."))
        if first and last and last < first and not self.errors:
            self.add_error("to", _("The end day cannot be before the start."))
        return data


class AppointmentFilterSet(django_filters.FilterSet):
    """`from`/`to` are days in the clinic's time zone, both included."""

    patient_id = IdFilter(label=_("Patient id."))
    # "from" is a Python keyword: these two are set in the class namespace by name.
    locals()["from"] = django_filters.DateFilter(
        method="starting_from", label=_("Starting on or after this day (clinic time zone).")
    )
    locals()["to"] = django_filters.DateFilter(
        method="starting_to", label=_("Starting on or before this day (clinic time zone).")
    )

    class Meta:
        model = Appointment
        fields: tuple[str, ...] = ()
        form = AppointmentFilterForm

    def starting_from(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        first = datetime.combine(value, time.min, tzinfo=request_zone(self.request))
        return queryset.filter(starts_at__gte=first)

    def starting_to(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        zone = request_zone(self.request)
        after = datetime.combine(value + timedelta(days=1), time.min, tzinfo=zone)
        return queryset.filter(starts_at__lt=after)


class AppointmentSerializer(serializers.ModelSerializer):
    patient_name = serializers.CharField(source="patient.display_name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    staff_attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    video_url = serializers.CharField(read_only=True, help_text=_("Empty when not a video visit."))

    class Meta:
        model = Appointment
        fields = (
            "id",
            "patient",
            "patient_name",
            "kind",
            "kind_label",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "video_url",
            "status",
            "status_label",
            "staff_attendees",
            "created_by",
            "created_at",
        )
        read_only_fields = fields


class AppointmentUpdateSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=AppointmentKind.choices)
    status = serializers.ChoiceField(choices=AppointmentStatus.choices, required=False)
    staff_attendees = ClinicMemberField(many=True, required=False)

    class Meta:
        model = Appointment
        fields = (
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "video_url",
            "status",
            "staff_attendees",
        )


class AppointmentPatientSerializer(serializers.Serializer):
    """The patient an appointment is for, read first so access is checked before the rest."""

    patient = serializers.IntegerField(min_value=1)


class AppointmentCreateSerializer(AppointmentUpdateSerializer):
    # An id only: the view opens the patient through the access rules (404 when outside).
    patient = serializers.IntegerField(min_value=1)

    class Meta(AppointmentUpdateSerializer.Meta):
        fields = ("patient", *(f for f in AppointmentUpdateSerializer.Meta.fields if f != "status"))


# --- Alerts -----------------------------------------------------------------------------------


class AlertFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices, label=_("Alert status."))
    patient_id = IdFilter(label=_("Patient id."))
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices, label=_("Alert kind."))
    severity = django_filters.ChoiceFilter(
        choices=AlertSeverity.choices, label=_("Alert severity.")
    )

    class Meta:
        model = Alert
        fields = ("status", "patient_id", "kind", "severity")


class AlertSerializer(serializers.ModelSerializer):
    patient_name = serializers.CharField(source="patient.display_name", read_only=True)
    kind_label = ChoiceLabelField(AlertKind.choices, source="kind")
    severity_label = ChoiceLabelField(AlertSeverity.choices, source="severity")
    status_label = ChoiceLabelField(AlertStatus.choices, source="status")
    owner_name = serializers.CharField(
        source="owner.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Alert
        fields = (
            "id",
            "patient",
            "patient_name",
            "kind",
            "kind_label",
            "severity",
            "severity_label",
            "status",
            "status_label",
            "message",
            "owner",
            "owner_name",
            "created_at",
            "acknowledged_at",
            "acknowledged_by",
            "resolved_at",
            "resolved_by",
            "resolution_comment",
        )
        read_only_fields = fields


class AlertResolveSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=2000, help_text=_("How the alert was resolved (required).")
    )


# --- The chart's other actions ----------------------------------------------------------------


class PatientStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PatientStatus.choices)


class RecoveryDateSerializer(serializers.ModelSerializer):
    recorded_by_name = serializers.CharField(
        source="recorded_by.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = RecoveryDate
        fields = ("id", "start_date", "reason", "setback", "recorded_by", "recorded_by_name")
        read_only_fields = fields


class RecoveryStartSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    reason = serializers.CharField(max_length=300, help_text=_("Why the date changes."))


class JourneyQuerySerializer(serializers.Serializer):
    """The journey's days and kinds; the same rules as the journey page's form."""

    start = serializers.DateField(required=False, help_text=_("First local day (patient's zone)."))
    end = serializers.DateField(required=False, help_text=_("Last local day (patient's zone)."))
    kinds = serializers.CharField(
        required=False,
        max_length=500,
        help_text=_("Kinds of entry, separated by commas (none: every kind)."),
    )


class JourneyEventSerializer(serializers.Serializer):
    day = serializers.DateField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)


class JourneySerializer(serializers.Serializer):
    start = serializers.DateField(source="window.start")
    end = serializers.DateField(source="window.end")
    kinds = serializers.ListField(child=serializers.CharField())
    first_day = serializers.DateField(allow_null=True)
    last_day = serializers.DateField(allow_null=True)
    has_earlier = serializers.BooleanField()
    has_later = serializers.BooleanField()
    events = JourneyEventSerializer(many=True)


class NoteReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500,
        help_text=_("Why you read the clinical notes: required, recorded in the audit trail."),
    )


class ClinicalNoteSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = ClinicalNote
        fields = ("id", "body", "author", "author_name", "created_at")
        read_only_fields = ("id", "author", "author_name", "created_at")


class NoteCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    reason = serializers.CharField(
        max_length=500, help_text=_("Why you write in the notes: required, recorded.")
    )


class EmergencyAccessSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    patient_name = serializers.CharField(source="patient.display_name", read_only=True)
    still_active = serializers.SerializerMethodField()

    class Meta:
        model = EmergencyAccess
        fields = (
            "id",
            "patient",
            "patient_name",
            "user",
            "user_name",
            "reason",
            "started_at",
            "expires_at",
            "still_active",
        )
        read_only_fields = fields

    def get_still_active(self, grant: EmergencyAccess) -> bool:
        active = getattr(grant, "still_active", None)
        return bool(active) if active is not None else grant.expires_at > timezone.now()


class EmergencyAccessRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        help_text=_("Recorded, shown to the clinic's admins, and valid for 24 hours."),
    )


class PatientFindSerializer(serializers.Serializer):
    mrn = serializers.CharField(max_length=40, help_text=_("The exact medical record number."))


class FoundPatientSerializer(serializers.Serializer):
    """Nothing but the name before emergency access is taken (like the page)."""

    id = serializers.IntegerField()
    display_name = serializers.CharField()


# --- The clinic admin's programs --------------------------------------------------------------


class EmergencyAccessFilterSet(django_filters.FilterSet):
    patient_id = IdFilter(label=_("Patient id."))
    user_id = IdFilter(label=_("The clinician's user id."))

    class Meta:
        model = EmergencyAccess
        fields: tuple[str, ...] = ()


class ProgramSerializer(serializers.ModelSerializer):
    patient_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    active_patient_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Program
        fields = ("id", "name", "description", "is_active", "patient_count", "active_patient_count")
        read_only_fields = ("id", "patient_count", "active_patient_count")
        # The service checks the name (blank, length, unique in the clinic) and says so.
        extra_kwargs = {"name": {"validators": []}}


class ProgramFilterSet(django_filters.FilterSet):
    is_active = TrueFalseFilter(label=_("Only active (true) or deactivated (false)."))

    class Meta:
        model = Program
        fields: tuple[str, ...] = ()
