"""A person in recovery's invitation to their own sign-in, and the one-action links that work
for people who have not joined yet."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.models import Channel
from patients.models import Patient

# An invitation goes by email or by text message: those channels of the one Channel.
INVITE_CHANNELS = [(channel.value, channel.label) for channel in (Channel.EMAIL, Channel.SMS)]


class PatientInvitation(models.Model):
    """A signed, single-use link that lets the person set their password and land on
    "My recovery". It expires after seven days; sending again retires the earlier link."""

    VALID_DAYS = 7

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="invitations")
    channel = models.CharField(
        _("sent by"), max_length=10, choices=INVITE_CHANNELS, default=Channel.EMAIL
    )
    address = models.CharField(_("sent to"), max_length=254)
    nonce = models.CharField(max_length=32, unique=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("joined"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to sign in")
        verbose_name_plural = _("invitations to sign in")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(_("Invitation for %(name)s") % {"name": self.patient.display_name})


class LinkUse(models.Model):
    """A one-action link that was used: the unique digest makes every such link single-use,
    even when two taps arrive at the same moment."""

    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("used link")
        verbose_name_plural = _("used links")

    def __str__(self) -> str:
        return self.digest[:12]
