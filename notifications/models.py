"""The outbox: one row per message, recipient and channel. Every message the system sends goes
through it."""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    IN_APP = "in_app", _("In the app")
    PUSH = "push", _("Push notification on my devices")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class Kind(models.TextChoices):
    INVITATION = "invitation", _("Invitation to a support network")
    PATIENT_INVITATION = "patient_invitation", _("Invitation to one's own sign-in")
    STAFF_INVITATION = "staff_invitation", _("Invitation to join the clinic's staff")
    ACCOUNT = "account", _("Account email (password reset, sign-in)")
    CHECKIN_REMINDER = "checkin_reminder", _("Daily check-in reminder")
    MILESTONE_HEADS_UP = "milestone_heads_up", _("Milestone coming up")
    MILESTONE_DAY = "milestone_day", _("Milestone today")
    APPOINTMENT_24H = "appointment_24h", _("Appointment tomorrow")
    APPOINTMENT_1H = "appointment_1h", _("Appointment in an hour")
    HELP_TASK_DUE = "help_task_due", _("Help task due tomorrow")
    REACH_OUT = "reach_out_reminder", _("Reminder to reach out")
    ASSESSMENT_DUE = "assessment_due", _("Questionnaire due")
    MISSED_CHECKINS = "missed_checkins", _("Missed check-ins")
    DIGEST = "digest", _("Weekly digest for supporters")
    HELP_REQUEST = "help_request", _("A request for help (the help button)")
    HELP_ACKNOWLEDGED = "help_acknowledged", _("Someone is on it")
    LADDER_SUPPORTER = "ladder_supporter", _("A suggestion to reach out")
    LADDER_TASK = "ladder_task", _("A task for the primary clinician (missed check-ins)")
    CELEBRATION_REQUEST = "celebration_request", _("An invitation to write a celebration message")
    CELEBRATION_CARD = "celebration_card", _("Celebration messages on the day")
    HELP_TASK_WEEK = "help_task_week", _("Help task due in a week")
    HELP_TASK_NEW = "help_task_new", _("A new way to help")
    MONTHLY_SUMMARY = "monthly_summary", _("Monthly clinic summary")
    HEARTBEAT = "heartbeat", _("System message")
    # Step 14: the help calendar, updates, secure messages.
    HELP_SLOT_DAY_BEFORE = "help_slot_24h", _("A help slot I took is tomorrow")
    HELP_SLOT_HOUR_BEFORE = "help_slot_1h", _("A help slot I took is in an hour")
    HELP_SLOT_CHANGED = "help_slot_changed", _("Someone gave back or swapped a help slot")
    UPDATE_POSTED = "update_posted", _("A new update from someone I support")
    UPDATE_RESPONSE = "update_response", _("A reaction or reply to my update")
    MESSAGE_NEW = "message_new", _("A new secure message")


class Notification(models.Model):
    """What, to whom, by which channel, when; and what became of it."""

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    occurrence = models.CharField(_("occurrence"), max_length=120)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    clinic = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    recipient_contact = models.ForeignKey(
        "networks.SupportContact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    recipient_key = models.CharField(_("recipient"), max_length=120)
    address = models.CharField(_("address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # Urgent (the help button): passes quiet hours for people who allowed that.
    urgent = models.BooleanField(_("urgent"), default=False)
    due_at = models.DateTimeField(_("due"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("why skipped or failed"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider id"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "occurrence", "recipient_key", "channel"],
                name="notifications_once_per_recipient_and_channel",
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_key} ({self.channel}, {self.status})"

    @property
    def message_id(self) -> str:
        """Stable per row, so a re-send is recognised as the same message (SMTP Message-ID,
        the SMS provider's idempotency key). The row's creation time is part of it: ids start
        again after a restore from a backup, and a provider must not take a new message for
        an old one it remembers."""
        made = int(self.created_at.timestamp() * 1000) if self.created_at else 0
        return f"<notification-{self.pk}.{made}@recovery-hub>"


def default_channels() -> dict[str, list[str]]:
    """Every kind by email and in the app, until the person says otherwise."""
    return {kind: [Channel.EMAIL.value, Channel.IN_APP.value] for kind in Kind.values}


class NotificationPreference(models.Model):
    """What one person wants to receive, and by which channels. No row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    channels = models.JSONField(_("channels per kind"), default=default_channels, blank=True)
    quiet_hours_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    paused = models.BooleanField(_("pause all notifications"), default=False)
    urgent_in_quiet_hours = models.BooleanField(
        _("let urgent requests for help through during quiet hours"), default=False
    )
    unsubscribed_kinds = models.JSONField(_("unsubscribed kinds"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"

    def refuses(self, kind: str) -> bool:
        """All notifications paused, or this kind unsubscribed. (The channel choice is separate:
        see `notifications.preferences.channels_for`.)"""
        return self.paused or kind in (self.unsubscribed_kinds or [])


class ContactOptOutQuerySet(models.QuerySet["ContactOptOut"]):
    def kinds_by_contact(self, contact_ids: Iterable[int]) -> dict[int, set[str]]:
        """The kinds each contact opted out of (an empty set for one who opted out of none),
        in one query."""
        out: dict[int, set[str]] = {pk: set() for pk in contact_ids if pk is not None}
        if out:
            rows = self.filter(contact_id__in=out).values_list("contact_id", "kind")
            for contact_id, kind in rows:
                out[contact_id].add(kind)
        return out


class ContactOptOut(models.Model):
    """A support contact without an account said "no more of these" from an email link."""

    contact = models.ForeignKey(
        "networks.SupportContact", on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ContactOptOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact opt-out")
        verbose_name_plural = _("contact opt-outs")
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "kind"], name="notifications_contact_opt_out_once"
            )
        ]

    def __str__(self) -> str:
        return f"contact {self.contact_id} opted out of {self.kind}"


class PushSubscriptionQuerySet(models.QuerySet["PushSubscription"]):
    def active(self) -> "PushSubscriptionQuerySet":
        return self.filter(revoked_at__isnull=True)


class PushSubscription(models.Model):
    """One browser on one device that may receive Web Push messages for a person. Revoking
    keeps the row (the device list says when it was removed) and stops every push to it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(_("push service address"), max_length=1000, unique=True)
    p256dh = models.CharField(_("browser public key"), max_length=200)
    auth = models.CharField(_("browser auth secret"), max_length=100)
    device_label = models.CharField(_("device"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("removed"), null=True, blank=True)
    failures = models.PositiveSmallIntegerField(_("failed sends in a row"), default=0)

    objects = PushSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"push subscription {self.pk} of user {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def subscription_info(self) -> dict:
        """What pywebpush takes: the endpoint and the browser's keys."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
