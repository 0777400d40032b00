"""Who may download which entry, and who owns which feed. Scope first, then fetch: anything
outside answers 404 (Http404), never 403, so no one learns a row exists.

- An appointment's file: the person in recovery (their own), the staff who may open the chart
  (patients.access: the care team, emergency access, clinic admins), and a supporter the care
  team invited to it while the patient shares `appointments` with them (a neutral entry).
- A help task's file: the person and those staff, and a supporter who sees the task on their
  page under the `help_tasks` consent (an open task, or one they claimed).
- A feed: only its owner (the person themself, or the supporter of the contact row).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from accounts.models import Membership, Role
from calendars.models import CalendarFeed
from calendars.selectors import feeds_of_user
from networks.consent import consented_scopes
from networks.models import HelpStatus, HelpTask, Scope, SupportContact
from networks.selectors import contacts_of_supporter
from patients.access import patients_for_staff
from patients.models import Appointment, Patient


def _pk(value: object) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@dataclass(frozen=True)
class Opened:
    """A row opened for a download, and how to write it: `neutral` for a supporter."""

    row: Appointment | HelpTask
    patient: Patient
    neutral: bool


def _supporter_contact(membership: Membership, patient_id: int) -> SupportContact | None:
    user = membership.user
    return (
        contacts_of_supporter(user, membership.organization).filter(patient_id=patient_id).first()
    )


def _patients_of(membership: Membership) -> Q:
    """The patients whose rows this person reaches as themself or as staff (not a supporter)."""
    if membership.role == Role.PATIENT:
        return Q(patient__user_id=membership.user_id)
    if membership.is_staff_role:
        return Q(patient__in=patients_for_staff(membership).values("pk"))
    return Q(pk__in=[])


def appointment_for_download(membership: Membership | None, appointment_id: object) -> Opened:
    if membership is None:
        raise Http404
    pk = _pk(appointment_id)
    rows = Appointment.objects.filter(clinic_id=membership.organization_id).select_related(
        "patient"
    )
    if membership.role == Role.SUPPORTER:
        appointment = rows.filter(pk=pk).first()
        if appointment is None:
            raise Http404
        contact = _supporter_contact(membership, appointment.patient_id)
        if (
            contact is None
            or not appointment.network_attendees.filter(pk=contact.pk).exists()
            or Scope.APPOINTMENTS not in consented_scopes(contact)
        ):
            raise Http404
        return Opened(appointment, appointment.patient, neutral=True)
    appointment = rows.filter(_patients_of(membership), pk=pk).first()
    if appointment is None:
        raise Http404
    return Opened(appointment, appointment.patient, neutral=False)


def help_task_for_download(membership: Membership | None, task_id: object) -> Opened:
    if membership is None:
        raise Http404
    pk = _pk(task_id)
    rows = HelpTask.objects.filter(patient__clinic_id=membership.organization_id).select_related(
        "patient"
    )
    if membership.role == Role.SUPPORTER:
        task = rows.filter(pk=pk).first()
        if task is None:
            raise Http404
        contact = _supporter_contact(membership, task.patient_id)
        visible = task.status == HelpStatus.OPEN or (
            task.status == HelpStatus.CLAIMED and task.claimed_by_id == getattr(contact, "pk", None)
        )
        if contact is None or not visible or Scope.HELP_TASKS not in consented_scopes(contact):
            raise Http404
        return Opened(task, task.patient, neutral=True)
    task = rows.filter(_patients_of(membership), pk=pk).first()
    if task is None:
        raise Http404
    return Opened(task, task.patient, neutral=False)


def feed_of_owner(membership: Membership | None, feed_id: object) -> CalendarFeed:
    """A feed the signed-in person owns in the current clinic; 404 for anyone else's."""
    if membership is None or membership.role not in (Role.PATIENT, Role.SUPPORTER):
        raise Http404
    pk = _pk(feed_id)
    feed = feeds_of_user(membership.user, membership.organization).filter(pk=pk).first()
    if feed is None:
        raise Http404
    return feed
