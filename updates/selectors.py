"""Reads of updates, already joined for the page that shows them (a fixed number of queries
whatever the number of updates, reactions and replies)."""

from collections import Counter
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from networks.models import SupportContact
from patients.models import Patient
from updates.models import REACTION_SYMBOLS, Reaction, ReactionKind, Reply, Update


def updates_of_patient(patient: Patient) -> QuerySet[Update]:
    """The patient's live updates, newest first, with every reaction and reply (hidden ones
    too: the patient and the care team see them, marked) and the audience."""
    return (
        Update.objects.live()
        .filter(patient=patient)
        .select_related("author", "patient")
        .prefetch_related(
            Prefetch("reactions", queryset=Reaction.objects.select_related("contact")),
            Prefetch("replies", queryset=Reply.objects.select_related("contact", "hidden_by")),
            Prefetch("audience", queryset=SupportContact.objects.order_by("name", "pk")),
        )
    )


def feed_rows(contacts: Iterable[SupportContact]) -> QuerySet[Update]:
    """The live updates shared with these contact rows (one supporter's), newest first, with
    the replies they may read: those not hidden, and their own."""
    contacts = list(contacts)
    mine = [contact.pk for contact in contacts]
    readable = Reply.objects.filter(Q(hidden_at__isnull=True) | Q(contact_id__in=mine))
    return (
        Update.objects.live()
        .filter(audience__in=mine)
        .distinct()
        .select_related("author", "patient")
        .prefetch_related(
            Prefetch("reactions", queryset=Reaction.objects.all()),
            Prefetch("replies", queryset=readable.select_related("contact")),
        )
    )


def reaction_counts(update: Update) -> list[tuple[str, str, int]]:
    """(symbol, label, count) of each reaction given, in the fixed order (prefetched)."""
    counts = Counter(reaction.kind for reaction in update.reactions.all())
    return [
        (REACTION_SYMBOLS[kind], str(kind.label), counts[kind.value])
        for kind in ReactionKind
        if counts[kind.value]
    ]


def decorate(updates: list[Update], contacts: Iterable[SupportContact] = ()) -> list[Update]:
    """Each update with `counts`, and for a supporter `contact` (theirs for its patient) and
    `my_reaction` (from what was prefetched: no query)."""
    by_patient = {contact.patient_id: contact for contact in contacts}
    for update in updates:
        update.counts = reaction_counts(update)
        contact = by_patient.get(update.patient_id)
        update.contact = contact
        update.my_reaction = next(
            (r.kind for r in update.reactions.all() if contact and r.contact_id == contact.pk), ""
        )
    return updates


def unseen_updates(contact: SupportContact) -> QuerySet[Update]:
    """Live updates shared with this contact that they were never shown."""
    return (
        Update.objects.live()
        .filter(audience=contact)
        .exclude(seen_by__contact=contact)
        .order_by("-created_at", "-id")
    )


def new_replies_count(patient: Patient, since: object = None) -> int:
    """Replies to the patient's live updates not hidden (for the home page's block)."""
    qs = Reply.objects.filter(update__patient=patient, update__deleted_at__isnull=True)
    qs = qs.filter(hidden_at__isnull=True)
    if since is not None:
        qs = qs.filter(created_at__gt=since)
    return qs.count()
