"""Serializers of the networks API: they parse and shape data. The rules (who signs a consent,
which expiry is valid, one claim per task) live in networks/services.py; these only check
types and sizes, so a wrong type is a 400 and never reaches a service.

What a supporter sees is shaped by SupporterPatientSerializer from a SupporterView only
(networks.selectors.supporter_view): a section whose scope is not granted is left out of the
JSON altogether, never sent as null.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coping.plan import LIST_SECTIONS, SECTION_LABELS
from networks.consent import consent_state
from networks.models import (
    Consent,
    ExpiryEvent,
    HelpStatus,
    HelpTask,
    Offer,
    Relationship,
    Scope,
    SignatureMethod,
    SupportContact,
)
from networks.sections import sections_for
from networks.selectors import SupporterView
from notifications.models import Channel

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
    """A help task as the patient and the care team see it (and create it)."""

    claimed_by_name = serializers.CharField(
        source="claimed_by.name", read_only=True, default=None, allow_null=True
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
    status = serializers.CharField(help_text=_("open, claimed (by you), done or cancelled."))


class HelpTaskFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=HelpStatus.choices,
        required=False,
        allow_blank=True,
        help_text=_("Keep tasks in one state (the patient and the care team; not supporters)."),
    )


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
