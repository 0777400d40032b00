"""Reads of the audit trail: the clinic admin's trail, and who saw one person's information.

Both read the same append-only AuditEvent rows that audit.services.audit_record writes
everywhere; "who saw my information" adds the messages a supporter received about the person
(sent rows of the notifications outbox). Every selector returns rows already joined, so a page
or an export costs the same number of queries for 5 events or 50,000.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, Role
from audit.models import Action, AuditEvent, ListedPatient
from audit.targets import list_label
from core.dates import day
from networks.models import SupportContact
from notifications.models import Notification, Status
from patients.models import Patient

# --- The clinic's audit trail -----------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What the admin narrowed the trail to; empty values mean "any"."""

    who: str = ""
    patient: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_details(self) -> dict[str, str]:
        """The filters as they are recorded on the export's own audit event."""
        values = {
            "who": self.who,
            "patient": self.patient,
            "action": self.action,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in values.items() if value}


def _role_in(clinic: Organization) -> Subquery:
    """The actor's role in this clinic (None once their membership is gone)."""
    return Subquery(
        Membership.objects.filter(user=OuterRef("actor_id"), organization=clinic).values("role")[:1]
    )


def events_of_clinic(clinic: Organization) -> QuerySet[AuditEvent]:
    """Every audit event of the clinic, newest first, with the actor, patient and actor's role.

    Sign-ins happen before a clinic is chosen. For a person who belongs to exactly one clinic
    the event carries that clinic (accounts.signin_audit), so the trail finds it through the
    clinic's index like any other event. Sign-ins of people in several clinics, failed ones with an
    address nobody or several clinics have, and every sign-in written before the clinic was
    recorded (events are append-only: old rows cannot be backfilled) carry none: a clinic's
    trail includes those for its own members, and failed sign-ins with one of its members'
    email addresses. On PostgreSQL the OR reads two index ranges (the clinic's rows and the
    rows without a clinic, a BitmapOr on the clinic index) and checks only the second against
    the members; recording the clinic keeps that second range small.
    """
    members = Membership.objects.filter(organization=clinic)
    signed_in_member = Q(Exists(members.filter(user=OuterRef("actor_id"))))
    failed_for_member = Q(action=Action.LOGIN_FAILED, actor__isnull=True) & Q(
        # Accounts store their email in lower case (User.save).
        Exists(members.filter(user__email=Lower(KeyTextTransform("email", OuterRef("details")))))
    )
    return (
        AuditEvent.objects.filter(
            Q(clinic=clinic) | (Q(clinic__isnull=True) & (signed_in_member | failed_for_member))
        )
        .select_related("actor", "patient")
        .annotate(actor_role=_role_in(clinic))
        .order_by("-occurred_at", "-id")
    )


def day_bounds(day: date, zone: ZoneInfo) -> datetime:
    """The start of a local day in `zone`, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=zone)


def filter_events(
    events: QuerySet[AuditEvent], filters: AuditFilters, zone: ZoneInfo
) -> QuerySet[AuditEvent]:
    """Narrow the trail; dates are whole local days of the clinic, both ends included."""
    if filters.who:
        events = events.filter(
            Q(actor__email__icontains=filters.who)
            | Q(actor__full_name__icontains=filters.who)
            | Q(actor__isnull=True, details__email__icontains=filters.who)
        )
    if filters.patient:
        events = events.filter(
            Q(patient__mrn__iexact=filters.patient)
            | Q(patient__legal_name__icontains=filters.patient)
            | Q(patient__preferred_name__icontains=filters.patient)
        )
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.date_from:
        events = events.filter(occurred_at__gte=day_bounds(filters.date_from, zone))
    if filters.date_to:
        events = events.filter(
            occurred_at__lt=day_bounds(filters.date_to + timedelta(days=1), zone)
        )
    return events


def object_label(object_type: str) -> str:
    """A readable name for an audited object's type ("appointment"), without a query."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def role_label(role: str | None) -> str:
    if not role:
        return _("No longer a member of the clinic")
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def _shown_day(value: object) -> object:
    """A day kept as YYYY-MM-DD in the details (a help slot's day) reads as every date does."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def details_text(details: dict) -> str:
    """The event's details on one line ("reason: …; page: chart"), for the page and the CSV."""
    if not isinstance(details, dict):
        return str(details)
    parts = []
    for key, value in details.items():
        if isinstance(value, dict):  # a list read's filters: "filters: status=active, page=2"
            chosen = [f"{name}={shown}" for name, shown in value.items() if shown is not None]
            value = ", ".join(chosen) or "-"
        shown = ", ".join(map(str, value)) if isinstance(value, list) else _shown_day(value)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


# --- Who saw my information -------------------------------------------------------------------


@dataclass
class AccessEntry:
    at: datetime
    what: str
    detail: str = ""


@dataclass
class AccessGroup:
    """One person and every time they saw or were sent this person's information."""

    key: str
    name: str
    role: str
    is_supporter: bool
    emergency: bool = False
    entries: list[AccessEntry] = field(default_factory=list)

    @property
    def last_at(self) -> datetime:
        return self.entries[0].at


STAFF_ACTIONS = [
    Action.VIEW,
    Action.CREATE,
    Action.UPDATE,
    Action.DELETE,
    Action.EXPORT,
    Action.CONSENT_CHANGE,
    Action.EMERGENCY_ACCESS,
    Action.LIST,
]


def access_events(patient: Patient, since: datetime | None) -> QuerySet[AuditEvent]:
    """Events by another person about this patient: a supporter's views, any staff access.

    System events (no actor) and the person's own actions are not "someone saw it"; a
    supporter without an account who opened a one-action link is (the event names the contact).
    A list read that showed the person (a caseload page, an API list, the Django admin) counts
    too: its ListedPatient row for them is found through the (patient, event) index, so the
    report stays one query for the events however many lists there were.
    """
    # A UNION of two index reads (the events' patient index, the (patient, event) index of
    # the listed rows) rather than an OR, which would make PostgreSQL read every event.
    about = (
        AuditEvent.objects.filter(patient=patient)
        .order_by()
        .values("pk")
        .union(ListedPatient.objects.filter(patient=patient).order_by().values("event_id"))
    )
    events = (
        AuditEvent.objects.filter(pk__in=about)
        .select_related("actor")
        .annotate(actor_role=_role_in(patient.clinic))
        .filter(
            Q(actor__isnull=False)
            & (
                Q(actor_role=Role.SUPPORTER, action__in=[Action.VIEW, Action.LIST])
                | (~Q(actor_role__in=[Role.SUPPORTER, Role.PATIENT]) & Q(action__in=STAFF_ACTIONS))
                | Q(actor_role__isnull=True, action__in=STAFF_ACTIONS)
            )
            | Q(actor__isnull=True, action=Action.VIEW, details__has_key="contact")
        )
        .order_by("-occurred_at", "-id")
    )
    if patient.user_id:
        events = events.exclude(actor_id=patient.user_id)
    if since is not None:
        events = events.filter(occurred_at__gte=since)
    return events


def messages_about(patient: Patient, since: datetime | None) -> QuerySet[Notification]:
    """Messages about this patient that reached a supporter."""
    rows = Notification.objects.filter(
        patient=patient, recipient_contact__isnull=False, status=Status.SENT
    ).order_by("-sent_at", "-id")
    if since is not None:
        rows = rows.filter(sent_at__gte=since)
    return rows


def _what(event: AuditEvent) -> str:
    if event.action == Action.LIST:
        return _("Saw you in a list: %(list)s") % {
            "list": list_label((event.details or {}).get("list", ""))
        }
    if event.action == Action.VIEW and (event.details or {}).get("via") == "link":
        return _("Opened a link in a message about you")
    if event.action == Action.VIEW and event.actor_role == Role.SUPPORTER:
        return _("Viewed what you chose to share")
    label = object_label(event.object_type)
    action = str(Action(event.action).label) if event.action in Action.values else event.action
    return f"{action} · {label}" if label and event.action != Action.EMERGENCY_ACCESS else action


def access_report(patient: Patient, since: datetime | None = None) -> list[AccessGroup]:
    """Grouped by person, most recent first: who saw or was sent this patient's information.

    Three queries whatever the history: the audit events, the patient's contacts (to name a
    supporter as the person named them) and the messages sent to supporters.
    """
    contacts = list(SupportContact.objects.filter(patient=patient))
    contact_of_user = {c.user_id: c for c in contacts if c.user_id}
    contact_by_id = {c.pk: c for c in contacts}
    groups: dict[str, AccessGroup] = {}

    def supporter_group(contact: SupportContact) -> AccessGroup:
        key = f"contact:{contact.pk}"
        if key not in groups:
            role = _("Supporter · %(relationship)s") % {
                "relationship": contact.get_relationship_display()
            }
            groups[key] = AccessGroup(key, contact.name, role, is_supporter=True)
        return groups[key]

    for event in access_events(patient, since):
        contact = contact_of_user.get(event.actor_id)
        linked = contact_by_id.get((event.details or {}).get("contact"))
        if event.actor_id is None or (linked is not None and event.actor_role != Role.SUPPORTER):
            if linked is None:
                continue  # a contact of another patient would be a bug upstream; skip it
            group = supporter_group(linked)  # by a link: no account, or not signed in here
        elif event.actor_role == Role.SUPPORTER and contact is not None:
            group = supporter_group(contact)
        else:
            key = f"user:{event.actor_id}"
            if key not in groups:
                name = event.actor.full_name or event.actor.email
                role = (
                    _("Supporter")
                    if event.actor_role == Role.SUPPORTER
                    else role_label(event.actor_role)
                )
                supporter = event.actor_role == Role.SUPPORTER
                groups[key] = AccessGroup(key, name, role, is_supporter=supporter)
            group = groups[key]
        detail = ""
        if event.action == Action.EMERGENCY_ACCESS:
            group.emergency = True
            detail = str((event.details or {}).get("reason", ""))
        group.entries.append(AccessEntry(event.occurred_at, _what(event), detail))

    for row in messages_about(patient, since):
        contact = contact_by_id.get(row.recipient_contact_id)
        if contact is None:  # a contact of another patient would be a bug upstream; skip it
            continue
        what = _("Was sent a message: %(kind)s") % {"kind": row.get_kind_display()}
        supporter_group(contact).entries.append(
            AccessEntry(row.sent_at or row.due_at, what, str(row.get_channel_display()))
        )

    for group in groups.values():
        group.entries.sort(key=lambda entry: entry.at, reverse=True)
    return sorted(groups.values(), key=lambda group: group.last_at, reverse=True)


def access_rows(groups: Iterable[AccessGroup]) -> Iterable[tuple[AccessGroup, AccessEntry]]:
    for group in groups:
        for entry in group.entries:
            yield group, entry
