"""The one place that decides what a supporter may see.

Every supporter-facing selector, page, email and API response goes through
`consented_scopes()`. It is computed on every request (never cached), so a revocation acts
on the very next one.
"""

from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from networks.models import Consent, ContactStatus, ExpiryEvent, SupportContact
from patients.models import PatientStatus

ALL_SCOPES = frozenset({"milestones", "checkin_summary", "coping_plan", "appointments",
                        "help_tasks"})  # fmt: skip
ENDED_STATUSES = (PatientStatus.DISCHARGED, PatientStatus.ALUMNI)


def consent_state(consent: Consent, today: date, patient_status: str) -> str:
    """ "active", "expired", "revoked" or "superseded": revocation and supersession are recorded
    facts; expiry is read from the date (the patient's local day) or the event."""
    if consent.revoked_at is not None:
        return "revoked"
    if consent.superseded_at is not None:
        return "superseded"
    if consent.expires_on is not None and consent.expires_on < today:
        return "expired"
    if consent.expires_on_event == ExpiryEvent.DISCHARGE and patient_status in ENDED_STATUSES:
        return "expired"
    return "active"


def consents_in_force(contact: SupportContact, at: datetime | None = None) -> QuerySet[Consent]:
    """The consents of this contact in force at `at` (default now): signed, not revoked, not
    superseded, not past their date, and not ended by their event."""
    at = at or timezone.now()
    patient = contact.patient
    local_day = timezone.localtime(at, patient.zone).date()
    qs = contact.consents.filter(signed_at__lte=at).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gt=at),
        Q(superseded_at__isnull=True) | Q(superseded_at__gt=at),
        Q(expires_on__isnull=True) | Q(expires_on__gte=local_day),
    )
    if patient.status in ENDED_STATUSES:
        qs = qs.exclude(expires_on_event=ExpiryEvent.DISCHARGE)
    return qs


def consented_scopes(contact: SupportContact, at: datetime | None = None) -> frozenset[str]:
    """The scopes this supporter may see now (or at `at`). Empty for a contact who is not
    active, whose patient has no active consent for them, or whose consent has ended."""
    if contact.status != ContactStatus.ACTIVE:
        return frozenset()
    scopes: set[str] = set()
    for granted in consents_in_force(contact, at).values_list("scopes", flat=True):
        scopes.update(s for s in granted if s in ALL_SCOPES)
    return frozenset(scopes)


def contacts_sharing_now(contacts: list[SupportContact], at: datetime | None = None) -> set[int]:
    """Ids of the contacts who may see something now: the rule of `consented_scopes()` (an
    active contact with a consent in force), asked for all of them in one query."""
    at = at or timezone.now()
    active = [contact for contact in contacts if contact.status == ContactStatus.ACTIVE]
    if not active:
        return set()
    in_force = [
        consents_in_force(contact, at).order_by().values_list("contact_id", "scopes")
        for contact in active
    ]
    rows = in_force[0].union(*in_force[1:], all=True) if len(in_force) > 1 else in_force[0]
    return {contact_id for contact_id, scopes in rows if ALL_SCOPES.intersection(scopes)}
