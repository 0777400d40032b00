import secrets
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS as KNOX_CONSTANTS


@cache
def _zone_names() -> tuple[str, ...]:
    # available_timezones() walks the tz database on disk (~40 ms); a model's full_clean asks
    # for the choices each time (an import of 5,000 patients spent most of its time here).
    return tuple(sorted(available_timezones()))


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in _zone_names()]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff, a person in recovery, or a supporter. Email is the login."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    # Blank: the person never chose, so they follow their clinic's default (accounts.languages).
    language = models.CharField(
        _("language"), max_length=10, blank=True, default="", choices=settings.LANGUAGES
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", choices=timezone_choices
    )
    is_staff = models.BooleanField(
        _("Django admin access"),
        default=False,
        help_text=_("Can sign in to the technical Django admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Part of every session's check (get_session_auth_hash): raising it ends all of the person's
    # sessions on every device at once, with no scan of the session table.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @classmethod
    def from_db(cls, db: str | None, field_names: object, values: object) -> "User":
        user = super().from_db(db, field_names, values)
        user._saved_active = user.__dict__.get("is_active", True)
        return user

    def save(self, *args: object, **kwargs: object) -> None:
        # One spelling per address, so the unique constraint is case-insensitive in effect.
        self.email = self.email.strip().lower()
        # A new password (set_password: a change, a reset, the Django admin; not the silent
        # rehash on sign-in) or a deactivation ends the person's API tokens; a deactivation also
        # ends their sessions, so reactivating the account does not bring old ones back (a new
        # password already does: the password is part of the session's check).
        new_password = self.pk is not None and self._password is not None
        deactivated = (
            self.pk is not None and not self.is_active and getattr(self, "_saved_active", True)
        )
        if deactivated:
            self.session_generation += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "session_generation"}
        super().save(*args, **kwargs)
        self._saved_active = self.is_active
        if new_password or deactivated:
            ApiToken.objects.filter(user=self).delete()

    def get_session_auth_hash(self) -> str:
        return self._with_generation(super().get_session_auth_hash(), settings.SECRET_KEY)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback, secret in zip(
            super().get_session_auth_fallback_hash(), settings.SECRET_KEY_FALLBACKS, strict=True
        ):
            yield self._with_generation(fallback, secret)

    def _with_generation(self, password_hash: str, secret: str) -> str:
        # Generation 0 keeps Django's own hash, so sessions made before this field existed stay.
        if not self.session_generation:
            return password_hash
        return salted_hmac(
            "accounts.User.session_generation",
            f"{password_hash}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.preferred_name or self.full_name.split(" ")[0] or self.email

    def zone_or(self, fallback: ZoneInfo | None) -> ZoneInfo | None:
        """The time zone the person chose; `fallback` when it is blank or not a known zone."""
        try:
            return ZoneInfo(self.time_zone) if self.time_zone else fallback
        except (KeyError, ValueError):
            return fallback


class Organization(models.Model):
    """A clinic. Nothing of one clinic is ever visible to another."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/New_York", choices=timezone_choices
    )
    default_language = models.CharField(
        _("default language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_(
            "Pages and messages use it for anyone who has not chosen a language of their own."
        ),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    local_emergency_number = models.CharField(
        _("local emergency number"), max_length=20, default="911"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Clinic settings: the thresholds of the automatic alerts and reminders.
    craving_alert_threshold = models.PositiveSmallIntegerField(
        _("alert when craving is at least"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    brs_drop_alert = models.DecimalField(
        _("alert when the BRS score falls by at least"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("4.00"))],
    )
    score_rise_alert = models.PositiveSmallIntegerField(
        _("alert when a PHQ-9 or GAD-7 total rises by at least"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(27)],
    )
    missed_checkin_days = models.PositiveSmallIntegerField(
        _("missed check-ins: local days in a row without one"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    milestone_heads_up_days = models.PositiveSmallIntegerField(
        _("milestone heads-up: days before"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(14)],
    )
    # Staff always need a second factor; this asks the clinic's supporters for one too.
    supporters_need_second_factor = models.BooleanField(
        _("supporters need a second factor"),
        default=False,
        help_text=_(
            "Supporters must set up an authenticator app before they see anything a person "
            "in recovery shared with them. Staff always need one."
        ),
    )

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Clinic admin")
    CLINICIAN = "clinician", _("Clinician")
    PATIENT = "patient", _("Person in recovery")
    SUPPORTER = "supporter", _("Supporter")


STAFF_ROLES = frozenset({Role.ADMIN, Role.CLINICIAN})


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True, organization__is_active=True)


class Membership(models.Model):
    """What a user is in one clinic. One role per person per clinic."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="accounts_membership_one_per_clinic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


class StaffInvitationQuerySet(models.QuerySet["StaffInvitation"]):
    def waiting(self) -> "StaffInvitationQuerySet":
        """Neither accepted nor withdrawn (an expired one waits for "send again")."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class StaffInvitation(models.Model):
    """An invitation to work in a clinic as a clinician or clinic admin. It grants nothing: the
    membership is made only when the person accepts with the emailed link (signed, single-use,
    expiring), signed in as the account that holds the address or setting up a new one. The
    clinic keeps only what its admin typed: the name and the address."""

    VALID_DAYS = 7

    clinic = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="staff_invitations"
    )
    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    nonce = models.CharField(max_length=32, unique=True)
    sent_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = StaffInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="accounts_staff_invitation_one_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.clinic_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def renew(self) -> None:
        """A fresh link (the earlier one stops working) valid for VALID_DAYS from now; the caller
        saves."""
        now = timezone.now()
        self.nonce = secrets.token_hex(16)
        self.sent_at = now
        self.expires_at = now + timedelta(days=self.VALID_DAYS)


class ApiToken(AbstractAuthToken):
    """A personal API token (django-rest-knox, swapped in by KNOX_TOKEN_MODEL). Only a SHA-512
    digest of the key is stored; the key itself is shown once, when it is made. It expires
    (REST_KNOX TOKEN_TTL) and ends with the person's sessions (accounts.sessions)."""

    id = models.BigAutoField(primary_key=True)
    # knox keys the table on the digest; a plain id keeps the digest out of URLs and pages.
    digest = models.CharField(max_length=KNOX_CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=100)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"
