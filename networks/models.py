"""The support network around a patient: contacts, invitations, consents (42 CFR Part 2
elements), help tasks, encouragement and reach-outs."""

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import clinic_language, known
from notifications.models import Channel  # the one spelling of a channel
from patients.models import CARE_ENDED, Patient


class Relationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    PARTNER = "partner", _("Partner")
    SIBLING = "sibling", _("Sibling")
    CHILD = "child", _("Child")
    OTHER_FAMILY = "other_family", _("Other family")
    FRIEND = "friend", _("Friend")
    PEER = "peer", _("Peer in recovery")
    SPONSOR = "sponsor", _("Sponsor")
    PROFESSIONAL = "professional", _("Professional")
    COMMUNITY = "community", _("Community")


class ContactStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    REMOVED = "removed", _("Removed")


class Offer(models.TextChoices):
    CAR = "car", _("Has a car for rides")
    WEEKDAY_EVENINGS = "weekday_evenings", _("Free on weekday evenings")
    WEEKENDS = "weekends", _("Free at weekends")
    MEALS = "meals", _("Can cook or bring meals")
    COMPANY = "company", _("Can keep company")
    CALLS = "calls", _("Available for calls")


class SupportContact(models.Model):
    """Someone in the patient's network. Removing keeps the row and its history; a removed
    contact sees nothing."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.INVITED
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supporter account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_contacts",
    )
    offers = models.JSONField(_("what I can offer"), default=list, blank=True)
    playbook_step = models.TextField(_("when I'm struggling, how this person can help"), blank=True)
    reach_out_weekday = models.PositiveSmallIntegerField(
        _("reach-out day"), null=True, blank=True, help_text=_("0 is Monday, 6 is Sunday.")
    )
    reach_out_time = models.TimeField(_("reach-out time"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("support contact")
        verbose_name_plural = _("support contacts")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "user"],
                condition=models.Q(user__isnull=False) & ~models.Q(status="removed"),
                name="networks_contact_one_per_supporter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"

    @property
    def first_name(self) -> str:
        """The first word of the name the patient wrote down for this person."""
        return self.name.strip().split(" ")[0]

    @property
    def message_language(self) -> str:
        """Each supporter their own language, whatever the patient's: the one they chose in
        their account's settings, else the one they were invited in, else the clinic's default
        (accounts.languages)."""
        own = known(self.user.language) if self.user_id else None
        return own or known(self.language) or clinic_language(self.patient.clinic)

    @property
    def zone(self) -> ZoneInfo:
        """The supporter's own zone when they have an account that names a valid one, else the
        patient's."""
        own = self.user.zone_or(None) if self.user_id else None
        return own or self.patient.zone  # the patient is read only when needed


class Invitation(models.Model):
    """A signed, single-use link to join as a supporter; it expires after seven days. Resending
    makes a new nonce, which retires the earlier link."""

    VALID_DAYS = 7

    contact = models.ForeignKey(
        SupportContact, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    nonce = models.CharField(max_length=32, unique=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.contact.patient_id}"


class Scope(models.TextChoices):
    MILESTONES = "milestones", _("Milestones to celebrate")
    CHECKIN_SUMMARY = "checkin_summary", _("A weekly summary of how I am doing (no numbers)")
    COPING_PLAN = "coping_plan", _("The parts of my coping plan I mark shareable")
    APPOINTMENTS = "appointments", _("Sessions I invite them to")
    HELP_TASKS = "help_tasks", _("How they can help (tasks)")
    UPDATES = "updates", _("Updates I post for them")
    MESSAGES = "care_team_messages", _("Writing to my care team, and the team's answers")

    @classmethod
    def flags(cls, scopes: Iterable[str]) -> dict[str, bool]:
        """Which scopes are among these, by the member's name: a template asks
        `view.shows.HELP_TASKS` rather than spelling a scope."""
        granted = set(scopes)
        return {scope.name: scope in granted for scope in cls}


class ExpiryEvent(models.TextChoices):
    NONE = "", _("No event")
    DISCHARGE = "discharge", _("When I am discharged")


class SignatureMethod(models.TextChoices):
    IN_APP = "in_app", _("Signed in the app by the patient")
    PAPER = "paper", _("Paper form signed by the patient, recorded by a clinician")


def consent_upload_to(instance: "Consent", filename: str) -> str:
    return f"consents/{instance.clinic_id}/{instance.patient_id}/{filename}"


def in_force_rule(
    at: datetime | None = None,
    *,
    contacts: Iterable["SupportContact"] = (),
    patients: Iterable[Patient] = (),
    everyone_on: date | None = None,
) -> Q | None:
    """THE consent rule, written only here: a consent of these contacts (or of these patients'
    contacts) is in force at `at` (default now) when it is signed by then, neither revoked nor
    superseded by then, not past its date (read in the patient's local day at `at`) and not
    ended by its event (the patient's discharge). None when there is no one to ask about.
    Each contact's patient must be loaded (its zone and status are read from it). Whether the
    contact may see anything (an active contact) is networks.consent.consented_scopes()'s.
    `everyone_on`: every consent instead, its date read against this one day (a clinic-wide
    report's approximation: the clinic's today) and the discharge from the stored status."""
    at = at or timezone.now()
    owners = [("contact_id", c.pk, c.patient) for c in contacts]
    owners += [("patient_id", p.pk, p) for p in patients]
    # Owners whose consents end on the same local day and by the same rule share a clause.
    groups: dict[tuple[date, bool], dict[str, list[int]]] = {}
    for field, pk, patient in owners:
        key = (timezone.localtime(at, patient.zone).date(), patient.care_ended)
        groups.setdefault(key, {}).setdefault(field, []).append(pk)
    if not groups and everyone_on is None:
        return None
    which = Q()
    if everyone_on is not None:
        which |= (Q(expires_on__isnull=True) | Q(expires_on__gte=everyone_on)) & ~Q(
            expires_on_event=ExpiryEvent.DISCHARGE,
            patient__status__in=CARE_ENDED,
        )
    for (local_day, ended), by_field in groups.items():
        whose = Q()
        for field, pks in by_field.items():
            whose |= Q(**{f"{field}__in": pks})
        clause = whose & (Q(expires_on__isnull=True) | Q(expires_on__gte=local_day))
        if ended:
            clause &= ~Q(expires_on_event=ExpiryEvent.DISCHARGE)
        which |= clause
    return (
        which
        & Q(signed_at__lte=at)
        & (Q(revoked_at__isnull=True) | Q(revoked_at__gt=at))
        & (Q(superseded_at__isnull=True) | Q(superseded_at__gt=at))
    )


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(
        self,
        at: datetime | None = None,
        *,
        contacts: Iterable["SupportContact"] = (),
        patients: Iterable[Patient] = (),
        everyone_on: date | None = None,
    ) -> "ConsentQuerySet":
        """The consents of these contacts (or of these patients' contacts) in force at `at`
        (default now), by the rule of `in_force_rule()`. One query whatever their number."""
        rule = in_force_rule(at, contacts=contacts, patients=patients, everyone_on=everyone_on)
        return self.none() if rule is None else self.filter(rule)

    def with_in_force(
        self,
        at: datetime | None = None,
        *,
        contacts: Iterable["SupportContact"] = (),
        patients: Iterable[Patient] = (),
    ) -> "ConsentQuerySet":
        """Each consent with `in_force` (a boolean, the same rule), for a page that shows
        consents in force and ended side by side without another query."""
        rule = in_force_rule(at, contacts=contacts, patients=patients)
        held = models.Value(False) if rule is None else rule
        return self.annotate(
            in_force=models.ExpressionWrapper(held, output_field=models.BooleanField())
        )

    def update(self, **kwargs: object) -> int:
        allowed = {
            "revoked_at",
            "revoked_by",
            "revocation_reason",
            "superseded_by",
            "superseded_at",
        }
        if set(kwargs) - allowed:
            raise TypeError("Consents are never edited: a change is a new consent.")
        return super().update(**kwargs)


class Consent(models.Model):
    """A written consent to disclose, with the elements of 42 CFR Part 2 § 2.31: the patient,
    who discloses (the clinic), to whom (the contact), what (scopes), why (purpose), until when
    (a date or an event), and the patient's signature and date. Never edited: a change is a
    new consent that supersedes this one; revocable at any time."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    clinic = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("disclosed by"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    contact = models.ForeignKey(
        SupportContact,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    scopes = models.JSONField(_("what may be shared"))
    purpose = models.CharField(_("purpose"), max_length=300)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    expires_on_event = models.CharField(
        _("or expires at"), max_length=20, choices=ExpiryEvent.choices, blank=True, default=""
    )
    signature_method = models.CharField(
        _("signature"), max_length=10, choices=SignatureMethod.choices
    )
    signed_name = models.CharField(_("signed as"), max_length=200)
    signed_at = models.DateTimeField(_("signed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    paper_form = models.FileField(_("signed paper form"), upload_to=consent_upload_to, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.CharField(_("why revoked"), max_length=300, blank=True)
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["contact", "revoked_at", "superseded_at"])]

    def __str__(self) -> str:
        return f"{self.contact} {', '.join(self.scopes)}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            update = set(kwargs.get("update_fields") or ())
            lifecycle = {
                "revoked_at",
                "revoked_by",
                "revocation_reason",
                "superseded_by",
                "superseded_at",
            }
            if not update or update - lifecycle:
                raise ValidationError("Consents are never edited: a change is a new consent.")
        super().save(*args, **kwargs)


class HelpKind(models.TextChoices):
    RIDE = "ride", _("A ride")
    MEAL = "meal", _("A meal")
    COMPANY = "company", _("Company on a hard evening")
    SESSION = "session", _("Come to a session with me")
    CALL = "call", _("A call")
    OTHER = "other", _("Something else")


class HelpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Repeat(models.TextChoices):
    ONCE = "once", _("One time")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week, on chosen days")


class HelpTask(models.Model):
    """ "How you can help": one occasion or a series (daily, or weekly on chosen days, until a
    date or a number of times), with an optional time window in the patient's zone and a number
    of people needed. Who took which occasion is `HelpSlotClaim` (one row per occasion and
    person). `status` and `claimed_by` summarise an undated one-time task (open, claimed, done),
    as before the help calendar; dated occasions are read from the claims."""

    MAX_PEOPLE = 10
    MAX_OCCURRENCES = 366  # a series ends by a date or a count, and never after this many

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="help_tasks")
    kind = models.CharField(_("kind"), max_length=20, choices=HelpKind.choices)
    title = models.CharField(_("what would help"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    # A one-time task's day, or the first day of a series.
    due_on = models.DateField(_("by"), null=True, blank=True)
    weekly = models.BooleanField(_("every week"), default=False)  # before the help calendar
    repeat = models.CharField(
        _("repeats"), max_length=10, choices=Repeat.choices, default=Repeat.ONCE
    )
    # Weekly series: the days, Monday 0 to Sunday 6 (date.weekday()).
    weekdays = models.JSONField(_("days of the week"), default=list, blank=True)
    repeat_until = models.DateField(_("until"), null=True, blank=True)
    repeat_count = models.PositiveSmallIntegerField(_("number of times"), null=True, blank=True)
    # The time window, in the patient's zone; empty for "any time that day".
    starts_at = models.TimeField(_("from"), null=True, blank=True)
    ends_at = models.TimeField(_("to"), null=True, blank=True)
    people_needed = models.PositiveSmallIntegerField(_("people needed"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=HelpStatus.choices, default=HelpStatus.OPEN
    )
    claimed_by = models.ForeignKey(
        SupportContact, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("help task")
        verbose_name_plural = _("help tasks")
        ordering = [models.F("due_on").asc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_needed__gte=1) & Q(people_needed__lte=10),
                name="networks_helptask_people_needed_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_series(self) -> bool:
        return self.repeat != Repeat.ONCE


class HelpSlotClaim(models.Model):
    """One person took one occasion of a help task. Giving it back keeps the row (the patient is
    told, and the history shows it) with `given_back_at` set; a swap is a give-back by one and a
    claim by the other. An occasion is covered when its active claims reach `people_needed`."""

    task = models.ForeignKey(HelpTask, on_delete=models.CASCADE, related_name="slot_claims")
    occurs_on = models.DateField(_("day"))
    contact = models.ForeignKey(
        SupportContact, on_delete=models.CASCADE, related_name="slot_claims"
    )
    claimed_at = models.DateTimeField(_("taken"), default=timezone.now)
    given_back_at = models.DateTimeField(_("given back"), null=True, blank=True)
    # A swap: the claim this one was handed to (the other person's new claim).
    swapped_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("help slot taken")
        verbose_name_plural = _("help slots taken")
        ordering = ["occurs_on", "claimed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "occurs_on", "contact"],
                condition=Q(given_back_at__isnull=True),
                name="networks_one_active_claim_per_person_and_day",
            )
        ]
        indexes = [models.Index(fields=["task", "occurs_on"])]

    def __str__(self) -> str:
        return f"{self.task} · {self.occurs_on} · {self.contact}"

    @property
    def active(self) -> bool:
        return self.given_back_at is None


class Encouragement(models.Model):
    MAX_LENGTH = 280

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="encouragements")
    contact = models.ForeignKey(
        SupportContact, on_delete=models.CASCADE, related_name="encouragements"
    )
    message = models.CharField(_("message"), max_length=MAX_LENGTH)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("encouragement")
        verbose_name_plural = _("encouragements")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message[:40]


class ReachOutChannel(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message")


class ReachOut(models.Model):
    """A supporter's own log of reaching out; the note is for the care team only."""

    contact = models.ForeignKey(SupportContact, on_delete=models.CASCADE, related_name="reach_outs")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="reach_outs")
    channel = models.CharField(_("how"), max_length=10, choices=ReachOutChannel.choices)
    happened_on = models.DateField(_("when"))
    note = models.CharField(_("note for the care team"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("reach-out")
        verbose_name_plural = _("reach-outs")
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.contact} {self.channel} {self.happened_on}"


class SetbackNotice(models.Model):
    """A supporter the patient chose to tell about a setback. They see guidance on how to
    respond, never the details."""

    setback = models.ForeignKey(
        "patients.Setback", on_delete=models.CASCADE, related_name="notices"
    )
    contact = models.ForeignKey(
        SupportContact, on_delete=models.CASCADE, related_name="setback_notices"
    )
    created_at = models.DateTimeField(_("told"), auto_now_add=True)
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("setback notice")
        verbose_name_plural = _("setback notices")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["setback", "contact"], name="networks_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.contact} told of setback {self.setback_id}"


class SupporterWellbeing(models.Model):
    """A supporter's own monthly check-in: private to them and the care team."""

    contact = models.ForeignKey(SupportContact, on_delete=models.CASCADE, related_name="wellbeing")
    month = models.DateField(_("month"))  # the first day of the month
    holding_up = models.PositiveSmallIntegerField(_("how I am holding up (1 to 5)"))
    has_support = models.BooleanField(_("I have support myself"))
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)

    class Meta:
        verbose_name = _("supporter wellbeing check-in")
        verbose_name_plural = _("supporter wellbeing check-ins")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "month"], name="networks_wellbeing_monthly"),
            models.CheckConstraint(
                condition=models.Q(holding_up__gte=1, holding_up__lte=5),
                name="networks_wellbeing_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} {self.month:%Y-%m}"

    @property
    def low(self) -> bool:
        return self.holding_up <= 2 or not self.has_support
