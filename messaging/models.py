"""Secure messages with the care team: one thread per patient and writer (the person in
recovery's own, or one supporter's within consent), its messages, who read it up to when, and
the clinic's opening hours (outside them, a writer gets one automatic answer per closed
period)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from core.choices import Weekday
from networks.models import SupportContact
from patients.models import ClinicalNote, Patient

BODY_MAX_CHARS = 2000


class AuthorRole(models.TextChoices):
    PATIENT = "patient", _("Person in recovery")
    SUPPORTER = "supporter", _("Supporter")
    CLINICIAN = "clinician", _("Care team")
    AUTOMATIC = "automatic", _("Automatic answer")


# Who writes to the care team (their messages are what the team has to read).
INBOUND_ROLES = (AuthorRole.PATIENT, AuthorRole.SUPPORTER)


class Thread(models.Model):
    """The conversation of one writer with the patient's care team: the patient's own
    (`contact` empty) or one supporter's."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="message_threads")
    contact = models.ForeignKey(
        SupportContact,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="message_threads",
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    # The last message from the patient's side: what "unread" is measured against.
    last_inbound_at = models.DateTimeField(_("last message to the team"), null=True, blank=True)
    # Outside opening hours the writer is answered once: until this moment (the next
    # opening), no other automatic answer is sent.
    auto_answered_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "contact"],
                condition=Q(contact__isnull=False),
                name="messaging_thread_one_per_contact",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(contact__isnull=True),
                name="messaging_thread_one_own_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"thread {self.pk} of patient {self.patient_id}"

    @property
    def is_supporters(self) -> bool:
        return self.contact_id is not None


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_role = models.CharField(_("written by"), max_length=20, choices=AuthorRole.choices)
    body = models.TextField(_("message"), max_length=BODY_MAX_CHARS)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    automatic = models.BooleanField(_("automatic answer"), default=False)
    # The clinical note a clinician made of this message.
    note = models.ForeignKey(
        ClinicalNote, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(automatic=False) | Q(author_role=AuthorRole.AUTOMATIC),
                name="messaging_message_automatic_role",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} in thread {self.thread_id}"

    @property
    def inbound(self) -> bool:
        return self.author_role in INBOUND_ROLES


class ThreadRead(models.Model):
    """Read receipts: up to when this person has read the thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField(_("read up to"))

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="messaging_read_one_per_user")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} read thread {self.thread_id}"


class ClinicHours(models.Model):
    """When the care team reads messages, in the clinic's own time zone. A clinic without any
    row sends no automatic answer."""

    clinic = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="message_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("message hours")
        verbose_name_plural = _("message hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="messaging_hours_close_after_open"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="messaging_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"
