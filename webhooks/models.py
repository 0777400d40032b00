"""Models of the webhooks app: where a clinic's events go (WebhookEndpoint) and each delivery
to one of them (WebhookDelivery, the webhooks' own outbox table; see webhooks/__init__.py)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization


class WebhookEvent(models.TextChoices):
    """What an endpoint can subscribe to (and `ping`, the test event, sent only when asked)."""

    CHECKIN_RECORDED = "checkin.recorded", _("Check-in recorded")
    ALERT_RAISED = "alert.raised", _("Alert raised")
    HELP_REQUESTED = "help.requested", _("Help requested")
    CONSENT_CHANGED = "consent.changed", _("Consent changed")
    PING = "ping", _("Test event")

    @classmethod
    def subscribable(cls) -> list[tuple[str, str]]:
        return [(value, label) for value, label in cls.choices if value != cls.PING]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Delivered")
    # Values as the API names them; the labels stay plain ("will try again", "stopped trying").
    FAILED = "failed", _("Not delivered yet, will try again")
    GAVE_UP = "gave_up", _("Not delivered, stopped trying")


class WebhookEndpoint(models.Model):
    """An HTTPS address of another system (an EHR, a messaging service) that the clinic's
    events are posted to, signed with this endpoint's secret (stored encrypted)."""

    clinic = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("address (HTTPS)"), max_length=500)
    description = models.CharField(_("description"), max_length=120, blank=True)
    events = models.JSONField(_("events"), default=list)
    # Fernet token of the signing secret (webhooks.signing); never shown after it is created.
    secret_encrypted = models.TextField(editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "active"], name="webhooks_clinic_active")]

    def __str__(self) -> str:
        return self.description or self.url

    def wants(self, event: str) -> bool:
        return self.active and event in self.events


class WebhookDelivery(models.Model):
    """One event posted to one endpoint: written in the transaction of the event, sent after
    commit by a worker, retried with backoff, and kept as the delivery log."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The receiver's idempotency key: a retry of the same delivery carries the same id.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    sent_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhooks_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to endpoint {self.endpoint_id} ({self.status})"

    @property
    def waiting(self) -> bool:
        return self.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
