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

ALL_SCOPES = frozenset(
    {"milestones", "checkin_summary", "coping_plan", "appointments", "help_tasks"}
)
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


def consented_scopes_of(
    contacts: list[SupportContact], at: datetime | None = None
) -> dict[int, frozenset[str]]:
    """`consented_scopes()` of many contacts at `at`, in one query: the same rule (each
    contact's patient's local day for the date expiry, the patient's status for the discharge
    expiry), for a planner tick or a page that lists many supporters. Each contact's patient
    must be loaded with it."""
    at = at or timezone.now()
    scopes: dict[int, set[str]] = {contact.pk: set() for contact in contacts}
    # Contacts whose consents end on the same local day and by the same rule share a clause.
    groups: dict[tuple[date, bool], list[int]] = {}
    for contact in contacts:
        if contact.status != ContactStatus.ACTIVE:
            continue
        patient = contact.patient
        key = (timezone.localtime(at, patient.zone).date(), patient.status in ENDED_STATUSES)
        groups.setdefault(key, []).append(contact.pk)
    if groups:
        which = Q()
        for (local_day, ended), ids in groups.items():
            clause = Q(contact_id__in=ids) & (
                Q(expires_on__isnull=True) | Q(expires_on__gte=local_day)
            )
            if ended:
                clause &= ~Q(expires_on_event=ExpiryEvent.DISCHARGE)
            which |= clause
        rows = Consent.objects.filter(which, signed_at__lte=at).filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=at),
            Q(superseded_at__isnull=True) | Q(superseded_at__gt=at),
        )
        for contact_id, granted in rows.values_list("contact_id", "scopes"):
            scopes[contact_id].update(s for s in granted if s in ALL_SCOPES)
    return {pk: frozenset(found) for pk, found in scopes.items()}
