"""Education articles and the clinic's directory of community partners."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.bilingual import SpanishVersion


class Audience(models.TextChoices):
    FAMILIES = "families", _("Families and supporters")
    PATIENTS = "patients", _("People in recovery")
    BOTH = "both", _("Everyone")


class Article(SpanishVersion, models.Model):
    """A short education piece written by the clinic, in a safe subset of markdown, with an
    optional Spanish version (core.bilingual: all or nothing, English shown otherwise)."""

    SPANISH_FIELDS = ("title", "summary", "body")

    clinic = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="articles", verbose_name=_("clinic")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Plain text with a little markdown: # and ## headings, - bullet lists, **bold**, "
            "and [links](https://example.org). Raw HTML is shown as text."
        ),
    )
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    summary_es = models.CharField(_("summary in Spanish"), max_length=300, blank=True)
    body_es = models.TextField(
        _("body in Spanish"),
        blank=True,
        help_text=_(
            "The same article in Spanish, with the same markdown. Leave every Spanish field "
            "empty to show the English article, marked as English, to Spanish readers."
        ),
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "slug"], name="resources_article_slug_per_clinic"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ResourceKind(models.TextChoices):
    MUTUAL_HELP = "mutual_help", _("Mutual-help meeting")
    FAMILY_SUPPORT = "family_support", _("Family support group")
    HOUSING = "housing", _("Housing")
    FOOD = "food", _("Food")
    EMPLOYMENT = "employment", _("Employment")
    LEGAL_AID = "legal_aid", _("Legal aid")
    NALOXONE = "naloxone", _("Naloxone distribution")
    OTHER = "other", _("Other")


class CommunityResource(SpanishVersion, models.Model):
    """A local partner the clinic refers people to. Its Spanish version (core.bilingual) covers
    the description, hours and languages; a name in Spanish is optional (names are names)."""

    SPANISH_FIELDS = ("description", "hours", "languages")
    SPANISH_OPTIONAL = ("name",)

    clinic = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="community_resources",
        verbose_name=_("clinic"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    name_es = models.CharField(
        _("name in Spanish"),
        max_length=200,
        blank=True,
        help_text=_("Only if the partner uses a Spanish name; otherwise leave it empty."),
    )
    description_es = models.TextField(_("description in Spanish"), blank=True)
    hours_es = models.CharField(_("hours in Spanish"), max_length=200, blank=True)
    languages_es = models.CharField(_("languages in Spanish"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("community resource")
        verbose_name_plural = _("community resources")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class PatientResource(models.Model):
    """A community resource a clinician suggested to one person in recovery."""

    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.CASCADE,
        related_name="community_resources",
        verbose_name=_("patient"),
    )
    resource = models.ForeignKey(
        CommunityResource,
        on_delete=models.CASCADE,
        related_name="patient_links",
        verbose_name=_("resource"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attached by"),
    )
    attached_at = models.DateTimeField(_("attached"), auto_now_add=True)

    class Meta:
        verbose_name = _("patient resource")
        verbose_name_plural = _("patient resources")
        ordering = ["-attached_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "resource"], name="resources_patientresource_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} · {self.resource}"
