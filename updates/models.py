"""Updates: a short post from the person in recovery (or a clinician on their behalf, marked as
such) to chosen people of their network, with reactions and short replies. Only the text and an
optional re-encoded photo are shared: nothing clinical is attached (updates/rules.py)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from networks.models import SupportContact
from patients.models import Patient


def update_photo_to(instance: "Update", filename: str) -> str:
    """A random name under the patient's folder: never the uploaded name, never guessable. The
    file is served only through the access-checked view (updates:photo), never MEDIA_URL."""
    return f"updates/{instance.patient.clinic_id}/{instance.patient_id}/{secrets.token_hex(16)}.jpg"


class UpdateQuerySet(models.QuerySet["Update"]):
    def live(self) -> "UpdateQuerySet":
        """Not deleted by the patient."""
        return self.filter(deleted_at__isnull=True)


class Update(models.Model):
    MAX_LENGTH = 500

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Written by a clinician of the care team for the patient: shown as "Posted by X for Y".
    on_behalf = models.BooleanField(_("posted on the person's behalf"), default=False)
    text = models.CharField(_("update"), max_length=MAX_LENGTH)
    photo = models.FileField(_("photo"), upload_to=update_photo_to, blank=True)
    audience = models.ManyToManyField(
        SupportContact, verbose_name=_("shared with"), related_name="updates_shared", blank=True
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = UpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")  # spelling: a label, not the scope
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-created_at"])]

    def __str__(self) -> str:
        return self.text[:40]


class ReactionKind(models.TextChoices):
    HEART = "heart", _("Sending love")
    STRENGTH = "strength", _("You've got this")
    CELEBRATE = "celebrate", _("Celebrating with you")
    THINKING = "thinking_of_you", _("Thinking of you")


REACTION_SYMBOLS = {
    ReactionKind.HEART: "❤️",
    ReactionKind.STRENGTH: "💪",
    ReactionKind.CELEBRATE: "🎉",
    ReactionKind.THINKING: "🤗",
}


class Reaction(models.Model):
    """One supporter's reaction to one update (changeable, removable)."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="reactions")
    contact = models.ForeignKey(
        SupportContact, on_delete=models.CASCADE, related_name="update_reactions"
    )
    kind = models.CharField(_("reaction"), max_length=20, choices=ReactionKind.choices)
    created_at = models.DateTimeField(_("reacted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["update", "contact"], name="updates_one_reaction_each")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.kind} on {self.update_id}"

    @property
    def symbol(self) -> str:
        return REACTION_SYMBOLS.get(self.kind, "")


class Reply(models.Model):
    """A short encouraging reply; the patient may hide it (then only its writer sees it)."""

    MAX_LENGTH = 280

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="replies")
    contact = models.ForeignKey(
        SupportContact, on_delete=models.CASCADE, related_name="update_replies"
    )
    text = models.CharField(_("reply"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class UpdateSeen(models.Model):
    """A supporter was shown an update (their feed): the weekly digest lists the others."""

    contact = models.ForeignKey(
        SupportContact, on_delete=models.CASCADE, related_name="updates_seen"
    )
    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="seen_by")
    seen_at = models.DateTimeField(_("seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("update seen")
        verbose_name_plural = _("updates seen")
        constraints = [
            models.UniqueConstraint(fields=["contact", "update"], name="updates_seen_once")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} saw {self.update_id}"


VISIBLE_REPLY = Q(hidden_at__isnull=True)
