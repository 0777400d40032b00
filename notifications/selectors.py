"""Reads of the outbox for people: the clinic admin's delivery log names each recipient as a
person ("Ana Lopez, supporter of Maria Rivera"), never by the outbox's internal key."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, Role
from notifications.models import Channel, Notification, PushSubscription, Status


def with_recipients(rows: QuerySet[Notification], clinic: Organization) -> QuerySet[Notification]:
    """The rows with everything the log names loaded: the recipient's account and role in this
    clinic, the support contact and whom they support, the person the message is about."""
    role = Membership.objects.filter(user=OuterRef("recipient_user_id"), organization=clinic)
    return rows.select_related("recipient_user", "recipient_contact__patient", "patient").annotate(
        recipient_role=Subquery(role.values("role")[:1])
    )


def recipient_matches(text: str) -> Q:
    """The log's recipient filter: a name, an address, or the outbox key itself."""
    return (
        Q(recipient_key__icontains=text)
        | Q(address__icontains=text)
        | Q(recipient_user__full_name__icontains=text)
        | Q(recipient_user__preferred_name__icontains=text)
        | Q(recipient_contact__name__icontains=text)
    )


def _person(user: object) -> str:
    return user.full_name or user.preferred_name or user.email


def recipient_label(row: Notification) -> str:
    """Who the message is for, in words, from the row's loaded relations (no query)."""
    contact = row.recipient_contact if row.recipient_contact_id else None
    if contact is not None:
        return _("%(name)s, supporter of %(patient)s") % {
            "name": contact.name,
            "patient": contact.patient.display_name,
        }
    user = row.recipient_user if row.recipient_user_id else None
    role = getattr(row, "recipient_role", None)
    if user is not None:
        name = _person(user)
        if role == Role.SUPPORTER and row.patient_id:
            return _("%(name)s, supporter of %(patient)s") % {
                "name": name,
                "patient": row.patient.display_name,
            }
        described = {
            Role.ADMIN: _("%(name)s, clinic admin"),
            Role.CLINICIAN: _("%(name)s, clinician"),
            Role.PATIENT: _("%(name)s, person in recovery"),
            Role.SUPPORTER: _("%(name)s, supporter"),
        }.get(role)
        return described % {"name": name} if described else name
    if row.recipient_key.startswith("patient:") and row.patient_id:
        return _("%(name)s, person in recovery (no sign-in yet)") % {
            "name": row.patient.display_name
        }
    if row.recipient_key.startswith("email:"):
        return _("%(address)s (account email)") % {"address": row.address}
    return row.address or _("Unknown recipient")


def inbox_of(user: object) -> QuerySet[Notification]:
    """A person's in-app notifications that were delivered (the notification centre)."""
    return Notification.objects.filter(
        recipient_user=user, channel=Channel.IN_APP, status=Status.SENT
    )


def devices_of(user: object) -> QuerySet[PushSubscription]:
    """The person's devices that take push notifications, newest first."""
    return PushSubscription.objects.active().filter(user=user).order_by("-created_at", "-id")
