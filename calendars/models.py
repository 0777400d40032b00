"""Private calendar feeds: one secret iCalendar URL for a supporter (per person they support)
or for the person in recovery themself.

The URL's token is the only credential, so the database never holds it: a feed keeps a random
`seed`, the token is an HMAC of that seed under the site's SECRET_KEY (a salted HMAC), and the
row is found by `token_hash`, the SHA-256 of the token. A copy of the database alone can
neither produce a working URL nor turn a hash back into one; the server can show the owner
their URL again. Rotating draws a new seed: the old URL answers 404 from that moment.
"""

import hashlib
import secrets

from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from networks.models import SupportContact
from patients.models import Patient

TOKEN_SALT = "calendars.feed-token"  # noqa: S105  (a salt, not a secret)


def new_seed() -> str:
    return secrets.token_hex(32)


def token_of(seed: str) -> str:
    """The URL token of a seed: needs SECRET_KEY, so the stored seed alone gives nothing."""
    return salted_hmac(TOKEN_SALT, seed, algorithm="sha256").hexdigest()


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeedKind(models.TextChoices):
    SUPPORTER = "supporter", _("Supporter's calendar")
    PATIENT = "patient", _("My appointments")


class CalendarFeed(models.Model):
    """One private feed. The owner is a supporter's contact row (`contact`; what they may see
    follows that contact's consent, read at each fetch) or the person in recovery (`contact`
    empty). `patient` is always the person the feed is about."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="calendar_feeds")
    contact = models.ForeignKey(
        SupportContact,
        verbose_name=_("supporter"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    seed = models.CharField(max_length=64, default=new_seed, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("new link made"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("last read by a calendar"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(contact__isnull=False),
                name="calendars_feed_one_per_contact",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(contact__isnull=True),
                name="calendars_feed_one_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} feed {self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.token_hash = hash_of(self.token)
        update = kwargs.get("update_fields")
        if update is not None and "seed" in update:
            kwargs["update_fields"] = {*update, "token_hash"}
        super().save(*args, **kwargs)

    @property
    def kind(self) -> str:
        return FeedKind.PATIENT if self.contact_id is None else FeedKind.SUPPORTER

    @property
    def token(self) -> str:
        return token_of(self.seed)

    @property
    def filename(self) -> str:
        return f"{self.token}.ics"
