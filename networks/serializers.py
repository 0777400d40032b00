"""Serializers of the networks API: they parse and shape data. The rules (who signs a consent,
which expiry is valid, one claim per task) live in networks/services.py; these only check
types and sizes, so a wrong type is a 400 and never reaches a service.

What a supporter sees is shaped by SupporterPatientSerializer from a SupporterView only
(networks.selectors.supporter_view): a section whose scope is not granted is left out of the
JSON altogether, never sent as null.
"""

from typing import Any

import django_filters
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api_base import HourMinuteField, IdFilter, TrueFalseFilter
from coping.plan import LIST_SECTIONS, SECTION_LABELS
from networks.consent import consent_state
from networks.models import (
    Consent,
    ContactStatus,
    Encouragement,
    ExpiryEvent,
    HelpKind,
    HelpStatus,
    HelpTask,
    Invitation,
    Offer,
    ReachOut,
    ReachOutChannel,
    Relationship,
    Repeat,
    Scope,
    SignatureMethod,
    SupportContact,
    SupporterWellbeing,
)
from networks.sections import sections_for
from networks.selectors import SupporterView
from notifications.models import Channel
from patients.models import SetbackKind

REDISCLOSURE_NOTICE = _(
    "Confidentiality notice: information shared with you here is protected by federal "
    "confidentiality rules for substance use treatment records (42 CFR Part 2). You may not "
    "share it with anyone else, or use it for any other purpose, unless the person in recovery "
    "agrees in writing or the law allows it. It may never be used to investigate or prosecute "
    "them."
)

# --- Contacts ---------------------------------------------------------------------------------


# The patients API names this choice set PreferredLanguageEnum; a plain list here keeps the
# schema free of a second name for the same set.
@extend_schema_field({"type": "string", "enum": [code for code, _name in settings.LANGUAGES]})
class LanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=settings.LANGUAGES, **kwargs)


class ConsentSummarySerializer(serializers.Serializer):
    """The consent in force for a contact (not revoked, not replaced)."""

    id = serializers.IntegerField()
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))
    expires_on = serializers.DateField(allow_null=True)
    expires_on_event = serializers.CharField(
        allow_blank=True, help_text=_('"discharge", or empty when the consent ends on a date.')
    )


class ContactSerializer(serializers.ModelSerializer):
    offers = serializers.ListField(
        child=serializers.ChoiceField(choices=Offer.choices), read_only=True
    )
    language = LanguageField(read_only=True)
    has_account = serializers.SerializerMethodField(
        help_text=_("Whether the person accepted the invitation and signs in as a supporter.")
    )
    consent = serializers.SerializerMethodField(
        help_text=_("The consent in force, or null when nothing is shared with this person.")
    )

    class Meta:
        model = SupportContact
        fields = (
            "id",
            "name",
            "relationship",
            "email",
            "phone",
            "preferred_channel",
            "language",
            "status",
            "offers",
            "playbook_step",
            "has_account",
            "consent",
        )
        read_only_fields = fields

    def get_has_account(self, contact: SupportContact) -> bool:
        return contact.user_id is not None

    @extend_schema_field(ConsentSummarySerializer(allow_null=True))
    def get_consent(self, contact: SupportContact) -> dict[str, Any] | None:
        # `current` is set by networks.selectors.network_of (one prefetch for the whole page);
        # a contact just created has no consent yet.
        current = getattr(contact, "current", None)
        return ConsentSummarySerializer(current).data if current is not None else None


class ContactCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    preferred_channel = serializers.ChoiceField(
        choices=Channel.choices, required=False, default=Channel.EMAIL
    )
    language = LanguageField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Empty: the clinic's default language."),
    )
    offers = serializers.ListField(
        child=serializers.ChoiceField(choices=Offer.choices),
        required=False,
        default=list,
        max_length=len(Offer.values),
    )
    playbook_step = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("When I'm struggling, how this person can help."),
    )
    reach_out_weekday = serializers.IntegerField(
        min_value=0,
        max_value=6,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("0 is Monday, 6 is Sunday."),
    )
    reach_out_time = serializers.TimeField(required=False, allow_null=True, default=None)
    invite = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Email an invitation to join as a supporter (needs an email address)."),
    )


# --- Consents ---------------------------------------------------------------------------------


class ConsentState:
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    CHOICES = (
        (ACTIVE, _("In force")),
        (EXPIRED, _("Ended by its date or event")),
        (REVOKED, _("Revoked")),
        (SUPERSEDED, _("Replaced by a newer consent")),
    )


class ConsentSerializer(serializers.ModelSerializer):
    """One consent with the 42 CFR Part 2 elements and what became of it."""

    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))
    state = serializers.SerializerMethodField()
    recorded_by_name = serializers.CharField(
        source="recorded_by.display_name", read_only=True, default=None, allow_null=True
    )
    has_paper_form = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = (
            "id",
            "contact",
            "scopes",
            "purpose",
            "expires_on",
            "expires_on_event",
            "signature_method",
            "signed_name",
            "signed_at",
            "recorded_by",
            "recorded_by_name",
            "has_paper_form",
            "state",
            "revoked_at",
            "revocation_reason",
            "superseded_by",
            "superseded_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ConsentState.CHOICES))
    def get_state(self, consent: Consent) -> str:
        # The view reads each consent with `in_force` (Consent.objects.with_in_force()): the
        # rule answered in the same query, never a query per consent.
        if not hasattr(consent, "in_force"):
            raise ImproperlyConfigured(
                "ConsentSerializer needs consents read with Consent.objects.with_in_force()."
            )
        return consent_state(consent, in_force=consent.in_force)

    def get_has_paper_form(self, consent: Consent) -> bool:
        return bool(consent.paper_form)


PAPER_FORM_MAX_BYTES = 5 * 1024 * 1024
# The file's first bytes decide, not its name or the type the client claims.
PAPER_FORM_SIGNATURES = {
    b"%PDF-": ".pdf",
    b"\xff\xd8\xff": ".jpg",
    b"\x89PNG\r\n\x1a\n": ".png",
}


def paper_form_extension(upload: UploadedFile) -> str | None:
    """ ".pdf", ".jpg" or ".png" from the file's content; None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, extension in PAPER_FORM_SIGNATURES.items():
        if head.startswith(magic):
            return extension
    return None


@extend_schema_field(OpenApiTypes.BINARY)
class PaperFormField(serializers.FileField):
    """An uploaded file (multipart/form-data)."""


class ConsentGrantSerializer(serializers.Serializer):
    """A new consent; the one in force is replaced (never edited). Send JSON for a consent
    signed in the app, multipart/form-data with `paper_form` for a signed paper form."""

    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=Scope.choices),
        max_length=len(Scope.values),
        help_text=_("What may be shared; at least one."),
    )
    purpose = serializers.CharField(max_length=300)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    expires_on_event = serializers.ChoiceField(
        choices=ExpiryEvent.choices, required=False, allow_blank=True, default=""
    )
    signed_name = serializers.CharField(max_length=200)
    signature_method = serializers.ChoiceField(choices=SignatureMethod.choices)
    paper_form = PaperFormField(
        required=False,
        allow_null=True,
        default=None,
        max_length=100,
        help_text=_("The signed paper form: a PDF, JPEG or PNG of at most 5 MB."),
    )

    def validate_paper_form(self, upload: UploadedFile | None) -> UploadedFile | None:
        if upload is None:
            return None
        if upload.size > PAPER_FORM_MAX_BYTES:
            raise serializers.ValidationError(
                _("The file is too large (at most %(size)s).")
                % {"size": filesizeformat(PAPER_FORM_MAX_BYTES)}
            )
        extension = paper_form_extension(upload)
        if extension is None:
            raise serializers.ValidationError(_("Attach a PDF, JPEG or PNG file."))
        # A name of our own: the stored file never carries what the client called it.
        upload.name = f"consent{extension}"
        return upload


class ConsentRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# --- Help tasks -------------------------------------------------------------------------------


class HelpTaskSerializer(serializers.ModelSerializer):
    """A help task as the patient and the care team see it (and create it): one day, or a
    series (`repeat`: daily or weekly on `weekdays`, Monday 0 to Sunday 6, ending by
    `repeat_until` or `repeat_count`, else after HelpTask.MAX_OCCURRENCES times), with an
    optional time window in the patient's zone and `people_needed` each time. For a dated
    task, who takes which day is on the help calendar (`help-tasks/coverage/`)."""

    claimed_by_name = serializers.CharField(
        source="claimed_by.name", read_only=True, default=None, allow_null=True
    )
    repeat = serializers.ChoiceField(choices=Repeat.choices, required=False)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        max_length=7,
        help_text=_("For a weekly series: the days, Monday 0 to Sunday 6."),
    )
    repeat_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=HelpTask.MAX_OCCURRENCES
    )
    starts_at = HourMinuteField(required=False, allow_null=True)
    ends_at = HourMinuteField(required=False, allow_null=True)
    people_needed = serializers.IntegerField(
        required=False, min_value=1, max_value=HelpTask.MAX_PEOPLE
    )

    class Meta:
        model = HelpTask
        fields = (
            "id",
            "kind",
            "title",
            "details",
            "due_on",
            "weekly",
            "repeat",
            "weekdays",
            "repeat_until",
            "repeat_count",
            "starts_at",
            "ends_at",
            "people_needed",
            "status",
            "claimed_by",
            "claimed_by_name",
            "claimed_at",
            "done_at",
            "created_at",
        )
        read_only_fields = (
            "id",
            "status",
            "claimed_by",
            "claimed_by_name",
            "claimed_at",
            "done_at",
            "created_at",
        )
        extra_kwargs = {"details": {"max_length": 2000}}


class SupporterHelpTaskSerializer(serializers.Serializer):
    """A help task as a supporter sees it: never who else claimed it."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=_("ride, meal, company, session, call or other."))
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    details = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    weekly = serializers.BooleanField()
    repeat = serializers.CharField(help_text=_("once, daily or weekly."))
    weekdays = serializers.ListField(child=serializers.IntegerField())
    repeat_until = serializers.DateField(allow_null=True)
    repeat_count = serializers.IntegerField(allow_null=True)
    starts_at = HourMinuteField(allow_null=True)
    ends_at = HourMinuteField(allow_null=True)
    people_needed = serializers.IntegerField()
    status = serializers.CharField(help_text=_("open, claimed (by you), done or cancelled."))


# --- The supporter's view ---------------------------------------------------------------------


class SupportedPatientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()


class SharedMilestoneSerializer(serializers.Serializer):
    label = serializers.CharField()
    date = serializers.DateField()


BANDS = [
    ("steady", _("Steady")),
    ("improving", _("Improving")),
    ("extra_support", _("Could use extra support")),
    ("quiet", _("Not enough check-ins this week to tell")),
]


class SharedCheckinSummarySerializer(serializers.Serializer):
    """A band and a sentence in plain words; never a number, an answer or a note."""

    band = serializers.ChoiceField(choices=BANDS)
    label = serializers.CharField()
    sentence = serializers.CharField()


class SharedPlanSectionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("crisis_plan, triggers, warning_signs, ..."))
    label = serializers.CharField()
    items = serializers.ListField(child=serializers.DictField())


class SharedCopingPlanSerializer(serializers.Serializer):
    sections = SharedPlanSectionSerializer(
        many=True, help_text=_("Only what the patient marked shareable; empty sections left out.")
    )
    playbook_step = serializers.CharField(
        allow_blank=True, help_text=_("When I'm struggling, how you can help.")
    )


class SharedAppointmentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField(source="label")
    starts_at = serializers.DateTimeField()
    location = serializers.CharField()
    video_url = serializers.CharField()


class SharedHelpTasksSerializer(serializers.Serializer):
    open = SupporterHelpTaskSerializer(many=True)
    mine = SupporterHelpTaskSerializer(many=True)


def shared_plan(view: SupporterView) -> dict[str, Any]:
    sections = []
    content = view.plan or {}
    for key in ("crisis_plan", *LIST_SECTIONS):
        items = [
            {k: v for k, v in item.items() if k != "shareable"} for item in content.get(key, [])
        ]
        if items:
            sections.append({"key": key, "label": SECTION_LABELS[key], "items": items})
    return {"sections": sections, "playbook_step": view.playbook_step}


class SupporterPatientSerializer(serializers.Serializer):
    """One person a supporter supports, built from networks.selectors.supporter_view only.
    Every key but `patient` and `scopes` is present only with its consented scope (and the
    notice only when something is shared)."""

    patient = SupportedPatientSerializer()
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))
    milestones = SharedMilestoneSerializer(many=True, required=False)
    celebrate = SharedMilestoneSerializer(
        required=False,
        allow_null=True,
        help_text=_("A milestone in the coming week; with the milestones scope."),
    )
    checkin_summary = SharedCheckinSummarySerializer(required=False)
    coping_plan = SharedCopingPlanSerializer(required=False)
    appointments = SharedAppointmentSerializer(many=True, required=False)
    help_tasks = SharedHelpTasksSerializer(required=False)
    # Sections the upper apps register (updates, messaging): documented by shape here.
    updates = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text=_("Updates the person shared with this supporter; with the updates scope."),
    )
    care_team_messages = serializers.DictField(
        required=False,
        help_text=_("Where to write to the care team; with the care team messages scope."),
    )
    redisclosure_notice = serializers.CharField(required=False)

    def to_representation(self, view: SupporterView) -> dict[str, Any]:
        scopes = view.scopes
        data: dict[str, Any] = {
            "patient": {"id": view.patient.pk, "first_name": view.first_name},
            "scopes": sorted(scopes),
        }
        if not scopes:
            return data
        for section in sections_for(scopes):
            data.update(section.serialize(view))
        data["redisclosure_notice"] = str(REDISCLOSURE_NOTICE)
        return data


# --- Filters of the lists (django-filter; documented by accounts.api_base.ApiAutoSchema) -------


class ContactFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ContactStatus.choices, label=_("Keep the people in one state.")
    )
    relationship = django_filters.ChoiceFilter(
        choices=Relationship.choices, label=_("Keep one kind of relationship.")
    )

    class Meta:
        model = SupportContact
        fields = ("status", "relationship")


class ConsentFilterSet(django_filters.FilterSet):
    in_force = TrueFalseFilter(
        field_name="in_force", label=_("true: only the consent in force; false: only the others.")
    )
    signature_method = django_filters.ChoiceFilter(
        choices=SignatureMethod.choices, label=_("How the consent was signed.")
    )

    class Meta:
        model = Consent
        fields = ("in_force", "signature_method")


class InvitationState:
    PENDING = "pending"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    CHOICES = (
        (PENDING, _("Sent, waiting for an answer")),
        (EXPIRED, _("The link expired")),
        (ACCEPTED, _("Accepted")),
        (REVOKED, _("Withdrawn, or replaced by a newer invitation")),
    )


def invitation_state_q(state: str) -> Q:
    now = timezone.now()
    return {
        InvitationState.ACCEPTED: Q(accepted_at__isnull=False),
        InvitationState.REVOKED: Q(accepted_at__isnull=True, revoked_at__isnull=False),
        InvitationState.EXPIRED: Q(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
        ),
        InvitationState.PENDING: Q(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ),
    }[state]


class InvitationFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=InvitationState.CHOICES, method="by_state", label=_("Keep one state.")
    )

    class Meta:
        model = Invitation
        fields = ("state",)

    def by_state(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        return rows.filter(invitation_state_q(value))


class EncouragementFilterSet(django_filters.FilterSet):
    contact_id = IdFilter(label=_("Messages of one supporter (the contact's id)."))
    hidden = TrueFalseFilter(
        field_name="hidden_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("true: only hidden messages; false: only those shown (the care team)."),
    )

    class Meta:
        model = Encouragement
        fields = ("contact_id", "hidden")


class HelpTaskFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=HelpStatus.choices,
        label=_("Keep tasks in one state (a supporter sees open tasks and their own)."),
    )
    kind = django_filters.ChoiceFilter(choices=HelpKind.choices, label=_("Keep one kind of help."))

    class Meta:
        model = HelpTask
        fields = ("status", "kind")


class SupportedPatientFilterSet(django_filters.FilterSet):
    patient_id = IdFilter(label=_("Patient id."))

    class Meta:
        model = SupportContact
        fields = ("patient_id",)


class SentEncouragementFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("Sent on or after this day.")
    )

    class Meta:
        model = Encouragement
        fields = ("since",)


class ReachOutFilterSet(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(
        choices=ReachOutChannel.choices, label=_("Keep one way of reaching out.")
    )
    since = django_filters.DateFilter(
        field_name="happened_on", lookup_expr="gte", label=_("On or after this day.")
    )

    class Meta:
        model = ReachOut
        fields = ("channel", "since")


class WellbeingFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(
        field_name="month", lookup_expr="gte", label=_("Months from this day on.")
    )

    class Meta:
        model = SupporterWellbeing
        fields = ("since",)


# --- Contacts: one person, edited or paused -----------------------------------------------------


class ContactUpdateSerializer(ContactCreateSerializer):
    """The fields to change (PATCH: only those sent). Inviting is its own endpoint."""

    invite = None


class ContactStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            (ContactStatus.ACTIVE, _("Resume")),
            (ContactStatus.PAUSED, _("Pause")),
            (ContactStatus.REMOVED, _("Remove")),
        ],
        help_text=_(
            "paused: they see nothing until resumed; active: resume; removed: every consent "
            "ends and the history is kept."
        ),
    )


# --- Invitations --------------------------------------------------------------------------------


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation to join as a supporter; never its link (only the invitee's email has it)."""

    state = serializers.SerializerMethodField()
    sent_by_name = serializers.CharField(
        source="sent_by.display_name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Invitation
        fields = (
            "id",
            "contact",
            "email",
            "state",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "sent_by",
            "sent_by_name",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=InvitationState.CHOICES))
    def get_state(self, invitation: Invitation) -> str:
        if invitation.accepted_at is not None:
            return InvitationState.ACCEPTED
        if invitation.revoked_at is not None:
            return InvitationState.REVOKED
        if invitation.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.PENDING


# --- Consents: switching what one supporter sees --------------------------------------------------


class ConsentChangeSerializer(serializers.Serializer):
    """A new version of the consent in force with these scopes; its purpose and end are kept.
    The patient signs in the app (JSON); a clinician records the signed paper form
    (multipart/form-data with `paper_form`)."""

    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=Scope.choices),
        max_length=len(Scope.values),
        help_text=_("What they see from now on; at least one (to stop everything, revoke)."),
    )
    signed_name = serializers.CharField(max_length=200)
    signature_method = serializers.ChoiceField(choices=SignatureMethod.choices)
    paper_form = PaperFormField(
        required=False,
        allow_null=True,
        default=None,
        max_length=100,
        help_text=_("The signed paper form: a PDF, JPEG or PNG of at most 5 MB."),
    )

    validate_paper_form = ConsentGrantSerializer.validate_paper_form

    def validate_scopes(self, scopes: list[str]) -> list[str]:
        if not scopes:
            raise serializers.ValidationError(
                _("To stop sharing everything, revoke the consent instead.")
            )
        return scopes


# --- Encouragement ------------------------------------------------------------------------------


class EncouragementSerializer(serializers.ModelSerializer):
    """A message of encouragement as the person and the care team see it."""

    contact_name = serializers.CharField(source="contact.name", read_only=True)
    hidden = serializers.SerializerMethodField()
    hidden_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Encouragement
        fields = (
            "id",
            "contact",
            "contact_name",
            "message",
            "created_at",
            "hidden",
            "hidden_at",
            "hidden_by_name",
        )
        read_only_fields = fields

    def get_hidden(self, note: Encouragement) -> bool:
        return note.hidden_at is not None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_hidden_by_name(self, note: Encouragement) -> str | None:
        return note.hidden_by.display_name if note.hidden_by_id else None


class SentEncouragementSerializer(serializers.ModelSerializer):
    """A message as the supporter who sent it sees it."""

    class Meta:
        model = Encouragement
        fields = ("id", "message", "created_at")
        read_only_fields = fields


class EncouragementSendSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=Encouragement.MAX_LENGTH, help_text=_("A few kind words, up to 280 characters.")
    )


# --- A setback, told to whom the person chooses ------------------------------------------------


class SetbackShareSerializer(serializers.Serializer):
    occurred_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=SetbackKind.choices)
    what_happened = serializers.CharField(
        max_length=5000, help_text=_("In the person's own words.")
    )
    what_helped = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    tell_care_team = serializers.BooleanField(
        required=False, default=True, help_text=_("Raise an alert so the care team can support.")
    )
    contacts = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=200,
        help_text=_(
            "The people to let know (contact ids of those who see something now); they get "
            "guidance on how to respond, never the details."
        ),
    )


class SetbackSharedSerializer(serializers.Serializer):
    setback = serializers.IntegerField(source="setback.pk", help_text=_("The setback's id."))
    occurred_on = serializers.DateField(source="setback.occurred_on")
    kind = serializers.CharField(source="setback.kind")
    told_care_team = serializers.BooleanField()
    told_contacts = serializers.ListField(child=serializers.IntegerField())


# --- The supporter's own side: one person, reach-outs, wellbeing ---------------------------------


class SetbackNoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    told_at = serializers.DateTimeField(source="created_at")


class SupporterPatientDetailSerializer(SupporterPatientSerializer):
    """The supporter's page of one person: the consented sections, and the setbacks the person
    chose to tell them about lately (only while something is shared; never the details)."""

    setback_notices = SetbackNoticeSerializer(many=True, required=False)

    def to_representation(self, view: SupporterView) -> dict[str, Any]:
        data = super().to_representation(view)
        if view.scopes:
            notices = getattr(view, "setback_notices", [])
            data["setback_notices"] = SetbackNoticeSerializer(notices, many=True).data
        return data


class ReachOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReachOut
        fields = ("id", "channel", "happened_on", "note", "created_at")
        read_only_fields = fields


class ReachOutLogSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=ReachOutChannel.choices)
    happened_on = serializers.DateField()
    note = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Only the care team sees this."),
    )


class WellbeingSerializer(serializers.ModelSerializer):
    low = serializers.BooleanField(
        read_only=True, help_text=_("Struggling, or without support: resources for you.")
    )

    class Meta:
        model = SupporterWellbeing
        fields = ("id", "month", "holding_up", "has_support", "low", "created_at")
        read_only_fields = fields


class WellbeingSubmitSerializer(serializers.Serializer):
    holding_up = serializers.IntegerField(
        min_value=1, max_value=5, help_text=_("1 is struggling, 5 is doing well.")
    )
    has_support = serializers.BooleanField(help_text=_("Whether you have support yourself."))
