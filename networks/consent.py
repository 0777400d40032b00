"""The one place that decides what a supporter may see.

Every supporter-facing selector, page, email and API response goes through
`consented_scopes()`. It is computed on every request (never cached), so a revocation acts
on the very next one. The rule itself is written once, as `Consent.objects.in_force()`
(networks.models); everything here is built on it.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from networks.models import Consent, ContactStatus, Scope, SupportContact

ALL_SCOPES = frozenset(Scope.values)

__all__ = [
    "ALL_SCOPES",
    "consent_state",
    "consented_scopes",
    "consented_scopes_of",
    "consents_in_force",
    "contacts_sharing_now",
    "in_force_ids",
]


def consents_in_force(contact: SupportContact, at: datetime | None = None) -> QuerySet[Consent]:
    """The consents of this contact in force at `at` (default now): the one rule."""
    return Consent.objects.in_force(at, contacts=[contact])


def in_force_ids(contacts: Iterable[SupportContact], at: datetime | None = None) -> set[int]:
    """Ids of the consents of these contacts in force at `at`, in one query (for a page that
    shows many consents' states)."""
    return set(Consent.objects.in_force(at, contacts=contacts).values_list("pk", flat=True))


def consent_state(consent: Consent, *, in_force: bool) -> str:
    """ "active", "expired", "revoked" or "superseded": revocation and supersession are recorded
    facts; a consent neither revoked nor superseded is "active" while the rule
    (`Consent.objects.in_force()`, asked by the caller) holds it in force, else "expired"."""
    if consent.revoked_at is not None:
        return "revoked"
    if consent.superseded_at is not None:
        return "superseded"
    return "active" if in_force else "expired"


def consented_scopes_of(
    contacts: Iterable[SupportContact], at: datetime | None = None
) -> dict[int, frozenset[str]]:
    """What each contact may see at `at` (default now), in one query: the scopes of its
    consents in force, for an active contact; nothing for one paused or removed. For a planner
    tick or a page that lists many supporters. Each contact's patient must be loaded."""
    contacts = list(contacts)
    scopes: dict[int, set[str]] = {contact.pk: set() for contact in contacts}
    active = [contact for contact in contacts if contact.status == ContactStatus.ACTIVE]
    if active:
        rows = Consent.objects.in_force(at, contacts=active).values_list("contact_id", "scopes")
        for contact_id, granted in rows:
            scopes[contact_id].update(s for s in granted or () if s in ALL_SCOPES)
    return {pk: frozenset(found) for pk, found in scopes.items()}


def consented_scopes(contact: SupportContact, at: datetime | None = None) -> frozenset[str]:
    """The scopes this supporter may see now (or at `at`). Empty for a contact who is not
    active, whose patient has no active consent for them, or whose consent has ended."""
    if contact.status != ContactStatus.ACTIVE:
        return frozenset()
    return consented_scopes_of([contact], at)[contact.pk]


def contacts_sharing_now(
    contacts: Iterable[SupportContact], at: datetime | None = None
) -> set[int]:
    """Ids of the contacts who may see something at `at` (default now), in one query."""
    return {pk for pk, scopes in consented_scopes_of(contacts, at).items() if scopes}
