"""Workshops and groups a clinic holds for patients and their support networks, who is invited
and how they answered; and stories of recovery that patients choose to share with the clinic."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.bilingual import SpanishVersion
from networks.models import SupportContact
from patients.models import Patient

STORY_MAX_CHARS = 3000


class EventKind(models.TextChoices):
    FAMILY_WORKSHOP = "family_workshop", _("Family education workshop")
    MULTI_FAMILY_GROUP = "multi_family_group", _("Multi-family group")
    ALUMNI_GATHERING = "alumni_gathering", _("Alumni gathering")
    OTHER = "other", _("Other")


class Event(SpanishVersion, models.Model):
    """A workshop, group or gathering of one clinic, with an optional Spanish version of its
    texts (core.bilingual: all or nothing; a place in Spanish is optional)."""

    SPANISH_FIELDS = ("title", "description")
    SPANISH_OPTIONAL = ("place",)

    clinic = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True, max_length=4000)
    place_es = models.CharField(
        _("place in Spanish"),
        max_length=300,
        blank=True,
        help_text=_("Only if the directions read differently in Spanish."),
    )
    video_link = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("The most people who can say yes. Leave empty for no limit."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="events_event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""), name="events_event_has_place"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Rsvp(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    YES = "yes", _("Yes")
    NO = "no", _("No")
    MAYBE = "maybe", _("Maybe")


class EventInvitation(models.Model):
    """One person invited to one event: a patient, or a support contact of a patient."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, null=True, blank=True, related_name="event_invitations"
    )
    contact = models.ForeignKey(
        SupportContact,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_invitations",
    )
    rsvp = models.CharField(_("answer"), max_length=10, choices=Rsvp.choices, default=Rsvp.PENDING)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        verbose_name = _("event invitation")
        verbose_name_plural = _("event invitations")
        ordering = ["event__starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(patient__isnull=False) & Q(contact__isnull=True))
                | (Q(patient__isnull=True) & Q(contact__isnull=False)),
                name="events_invitation_one_invitee",
            ),
            models.UniqueConstraint(
                fields=["event", "patient"],
                condition=Q(patient__isnull=False),
                name="events_invitation_unique_patient",
            ),
            models.UniqueConstraint(
                fields=["event", "contact"],
                condition=Q(contact__isnull=False),
                name="events_invitation_unique_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.get_rsvp_display()}"


class DisplayNameChoice(models.TextChoices):
    FIRST_NAME = "first_name", _("My first name")
    CHOSEN_NAME = "chosen_name", _("A name I choose")
    ANONYMOUS = "anonymous", _("Anonymous")


class StoryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Ready to publish")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Story(models.Model):
    """A patient's story of recovery. Shown to the clinic only after the patient's written
    consent, only under the name they chose (or anonymously), and withdrawable at any time."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("story"), validators=[MaxLengthValidator(STORY_MAX_CHARS)], max_length=STORY_MAX_CHARS
    )
    display_name_choice = models.CharField(
        _("show my story as"),
        max_length=20,
        choices=DisplayNameChoice.choices,
        default=DisplayNameChoice.ANONYMOUS,
    )
    chosen_name = models.CharField(_("chosen name"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=StoryStatus.choices, default=StoryStatus.DRAFT
    )
    # The name readers see, fixed when the patient consents ("" for anonymous).
    byline = models.CharField(_("shown as"), max_length=60, blank=True)
    consent_text = models.TextField(_("consent"), blank=True)
    consent_signed_name = models.CharField(_("signed as"), max_length=200, blank=True)
    # The language the consent text was shown and signed in ("en", "es"): consent_text is kept
    # in that language, as the person read it.
    consent_language = models.CharField(_("consent language"), max_length=10, blank=True)
    consented_at = models.DateTimeField(_("consented"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("story of recovery")
        verbose_name_plural = _("stories of recovery")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published")
                | (Q(consented_at__isnull=False) & Q(published_at__isnull=False)),
                name="events_story_published_needs_consent",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(consented_at__isnull=False),
                name="events_story_submitted_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.title
