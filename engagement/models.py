"""Keeping the network engaged: weekly digests, the help button, the escalation ladder for
missed check-ins, celebration messages and the one-action links that tie them together.

Everything a person receives goes through the outbox (notifications/); these models hold what
the patient, the supporters and the care team chose and did.
"""

from datetime import date, time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import Weekday
from networks.models import SupportContact
from patients.models import Patient

# --- digests ---------------------------------------------------------------------------------


class DigestSubscription(models.Model):
    """A supporter's weekly digest: on or off, and the day and time in their own zone."""

    contact = models.OneToOneField(
        SupportContact, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    enabled = models.BooleanField(_("send me a weekly digest"), default=True)
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, default=Weekday.SUNDAY
    )
    send_time = models.TimeField(_("time"), default=time(18, 0))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")

    def __str__(self) -> str:
        return f"digest of contact {self.contact_id}"


class DigestMode(models.TextChoices):
    FULL = "full", _("Everything I agreed to share")
    SUMMARY = "summary", _("A short summary only")
    PAUSED = "paused", _("Paused: no digests for now")


class PatientEngagement(models.Model):
    """What the patient chose for their network's nudges: the digest form, and who may be asked
    to reach out when check-ins stop (the ladder's supporter rung)."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="engagement")
    digest_mode = models.CharField(
        _("weekly digests to my supporters"),
        max_length=10,
        choices=DigestMode.choices,
        default=DigestMode.FULL,
    )
    ladder_contact = models.ForeignKey(
        SupportContact,
        verbose_name=_("who may be asked to reach out if I go quiet"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("patient engagement settings")
        verbose_name_plural = _("patient engagement settings")

    def __str__(self) -> str:
        return f"engagement of patient {self.patient_id}"


# --- the help button ------------------------------------------------------------------------


class HelpRequest(models.Model):
    """The patient pressed "I'm struggling" and asked chosen supporters for their playbook
    step. The care team gets a high-severity alert."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="help_requests")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    alert = models.ForeignKey(
        "patients.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"help request {self.pk} of patient {self.patient_id}"


class HelpRequestRecipient(models.Model):
    """One supporter asked for help; `acknowledged_at` is their "I'm on it"."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(SupportContact, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(_("on it"), null=True, blank=True)

    class Meta:
        verbose_name = _("help request recipient")
        verbose_name_plural = _("help request recipients")
        constraints = [
            models.UniqueConstraint(fields=["request", "contact"], name="engagement_asked_once")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} for request {self.request_id}"


class HelpAcknowledgement(models.Model):
    """ "I'm on it" from a supporter or a member of the care team, shown to the patient and
    the team."""

    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    contact = models.ForeignKey(
        SupportContact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("on it since"), auto_now_add=True)

    class Meta:
        verbose_name = _("help acknowledgement")
        verbose_name_plural = _("help acknowledgements")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "contact"],
                condition=models.Q(contact__isnull=False),
                name="engagement_contact_acknowledges_once",
            ),
            models.UniqueConstraint(
                fields=["request", "user"],
                condition=models.Q(user__isnull=False),
                name="engagement_user_acknowledges_once",
            ),
        ]

    def __str__(self) -> str:
        return f"on it: request {self.request_id}"


# --- the escalation ladder ------------------------------------------------------------------


class LadderPolicy(models.Model):
    """A clinic's ladder for missed check-ins: after how many local days without one each rung
    is taken. The first rung is the clinic's missed-check-in setting (default 2)."""

    clinic = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="ladder_policy"
    )
    enabled = models.BooleanField(_("use the escalation ladder"), default=True)
    supporter_after_days = models.PositiveSmallIntegerField(
        _("ask a chosen supporter to reach out after (days)"),
        default=4,
        validators=[MinValueValidator(2), MaxValueValidator(30)],
    )
    clinician_after_days = models.PositiveSmallIntegerField(
        _("add a task for the primary clinician after (days)"),
        default=6,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("escalation ladder policy")
        verbose_name_plural = _("escalation ladder policies")

    def __str__(self) -> str:
        return f"ladder policy of clinic {self.clinic_id}"


class Ladder(models.Model):
    """One streak of missed check-ins, named by the last check-in date ("never" if none). A
    check-in closes it."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="ladders")
    streak = models.CharField(_("since"), max_length=20)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.CharField(_("why closed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("escalation ladder")
        verbose_name_plural = _("escalation ladders")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "streak"], name="engagement_ladder_once")
        ]

    def __str__(self) -> str:
        return f"ladder of patient {self.patient_id} since {self.streak}"

    @property
    def last_checkin_on(self) -> date | None:
        """The streak's last check-in as a date (None for "never")."""
        try:
            return date.fromisoformat(self.streak)
        except ValueError:
            return None


class Rung(models.TextChoices):
    NUDGE = "nudge", _("A gentle nudge to the person and an alert for the care team")
    SUPPORTER = "supporter", _("A chosen supporter asked to reach out")
    CLINICIAN = "clinician", _("A task for the primary clinician")


class LadderStep(models.Model):
    """A rung taken, and whether someone acted on it ("I reached out")."""

    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="steps")
    rung = models.CharField(_("step"), max_length=10, choices=Rung.choices)
    taken_at = models.DateTimeField(_("taken"))
    contact = models.ForeignKey(
        SupportContact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ladder_tasks",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    acted_at = models.DateTimeField(_("acted on"), null=True, blank=True)
    acted_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acted_by_contact = models.ForeignKey(
        SupportContact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("ladder step")
        verbose_name_plural = _("ladder steps")
        ordering = ["taken_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ladder", "rung"], name="engagement_rung_once")
        ]

    def __str__(self) -> str:
        return f"{self.rung} on ladder {self.ladder_id}"


# --- the celebration kit --------------------------------------------------------------------


class CelebrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Not shown")


class CelebrationMessage(models.Model):
    """A supporter's short message for a coming milestone. The patient or a clinician approves
    it; on the day the patient receives the approved ones together, as a card."""

    MAX_LENGTH = 500

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="celebrations")
    contact = models.ForeignKey(
        SupportContact, on_delete=models.CASCADE, related_name="celebration_messages"
    )
    milestone_key = models.CharField(_("milestone"), max_length=60)
    milestone_date = models.DateField(_("milestone day"))
    message = models.TextField(_("message"), max_length=MAX_LENGTH)
    flags = models.JSONField(_("words to review"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CelebrationStatus.choices,
        default=CelebrationStatus.PENDING,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("celebration message")
        verbose_name_plural = _("celebration messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "milestone_key", "milestone_date"],
                name="engagement_one_celebration_per_supporter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} for {self.milestone_key} {self.milestone_date}"


# --- one-action links -----------------------------------------------------------------------


class LinkAction(models.TextChoices):
    CLAIM_TASK = "claim_task", _("Claim this task")
    REACHED_OUT = "reached_out", _("I reached out")
    ON_IT = "on_it", _("I'm on it")
    ENCOURAGE = "encourage", _("Send encouragement")
    CELEBRATE = "celebrate", _("Write a celebration message")


class ActionLink(models.Model):
    """A signed, expiring link that does one thing for one supporter, without signing in. The
    URL carries the signed nonce; the row makes it single-use and names its target."""

    nonce = models.CharField(max_length=43, unique=True)
    action = models.CharField(_("action"), max_length=20, choices=LinkAction.choices)
    contact = models.ForeignKey(
        SupportContact, on_delete=models.CASCADE, related_name="action_links"
    )
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    # What the action is about: a help task, a help request, a ladder step, a milestone.
    target = models.JSONField(_("target"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-action link")
        verbose_name_plural = _("one-action links")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} for contact {self.contact_id}"
