"""Writes of the calendars app: a feed is made the first time its owner asks for it, rotated
on request (a new seed: the old URL answers 404 at once), and stamped when a calendar reads it.
Making and rotating a feed are audited; a read by a calendar server is not an audit event (it
happens every hour without anyone looking) but is recorded on the feed (`last_fetched_at`)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import audit_record
from calendars.models import CalendarFeed, new_seed
from networks.models import SupportContact
from patients.models import Patient

# A feed's read is written at most this often (calendar apps poll; one UPDATE, no audit).
FETCH_STAMP_EVERY = timedelta(minutes=10)


def _audit(
    action: str, feed: CalendarFeed, actor: User, request: HttpRequest | None, **details: object
) -> None:
    audit_record(
        action=action,
        request=request,
        actor=actor,
        clinic=feed.patient.clinic,
        target=feed,
        patient=feed.patient,
        details={"calendar_feed": feed.kind, **details},
    )


def feed_ensure(
    *,
    patient: Patient,
    actor: User,
    contact: SupportContact | None = None,
    request: HttpRequest | None = None,
) -> CalendarFeed:
    """The feed of this supporter's contact row (or, without `contact`, the person's own),
    made on first use. Two first uses at once make one feed (a unique constraint)."""
    existing = CalendarFeed.objects.filter(patient=patient, contact=contact).first()
    if existing is not None:
        existing.patient, existing.contact = patient, contact
        return existing
    try:
        with transaction.atomic():
            feed = CalendarFeed.objects.create(patient=patient, contact=contact)
            _audit(Action.CREATE, feed, actor, request)
    except IntegrityError:
        feed = CalendarFeed.objects.get(patient=patient, contact=contact)
    feed.patient, feed.contact = patient, contact
    return feed


@transaction.atomic
def feed_rotate(
    *, feed: CalendarFeed, actor: User, request: HttpRequest | None = None
) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    feed.seed = new_seed()
    feed.rotated_at = timezone.now()
    feed.save(update_fields=["seed", "rotated_at"])
    _audit(Action.UPDATE, feed, actor, request, rotated=True)
    return feed


def feed_fetched(feed: CalendarFeed) -> None:
    """Stamp the read (one conditional UPDATE; several readers at once write once)."""
    now = timezone.now()
    stale = Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lt=now - FETCH_STAMP_EVERY)
    if CalendarFeed.objects.filter(stale, pk=feed.pk).update(last_fetched_at=now):
        feed.last_fetched_at = now
