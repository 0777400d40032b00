"""Help tasks that need someone: when a task is added, the network hears of it at once.

The reminders for claimed tasks (a week and a day before) are planner rules
(networks.reminders.help_tasks); this module is the broadcast that
networks.services.help_task_create calls in its own transaction.
"""

from collections.abc import Callable
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import weekday
from engagement.celebrations import end_of_day
from engagement.links import DEFAULT_VALID_FOR, make_link
from engagement.models import LinkAction
from networks.models import ContactStatus, HelpTask, Scope
from notifications.models import Kind, Notification
from notifications.planner import Planner, supporter_link
from patients.models import PatientStatus

ONGOING = (PatientStatus.ACTIVE, PatientStatus.INTAKE)


def claim_valid_for(task: HelpTask) -> timedelta:
    """A claim link works until the end of the task's day, or for a week if it has no date."""
    if task.due_on is None:
        return DEFAULT_VALID_FOR
    return max(end_of_day(task.patient, task.due_on) - timezone.now(), timedelta(0))


def _new_task_text(task: HelpTask) -> Callable:
    """The kind of help and the day, a claim link and a sign-in link: never the task's own
    title (it may name a treatment or a place), which the claim page shows after the click."""

    def render(recipient: object) -> tuple[str, str, str]:
        link = supporter_link(
            recipient.contact, reverse("networks:supporter_patient", args=[task.patient_id])
        )
        claim = make_link(
            LinkAction.CLAIM_TASK,
            contact=recipient.contact,
            patient=task.patient,
            target={"task": task.pk},
            valid_for=claim_valid_for(task),
        )
        values = {
            "name": task.patient.first_name,
            "kind": task.get_kind_display(),
            "claim": claim,
            "link": link,
        }
        if task.due_on:
            values["day"] = weekday(task.due_on)
            body = (
                _(
                    "%(name)s could use a hand: %(kind)s, on %(day)s. If you can do it, claim "
                    "it here: %(claim)s Details when you sign in: %(link)s"
                )
                % values
            )
        else:
            body = (
                _(
                    "%(name)s could use a hand: %(kind)s. If you can do it, claim it here: "
                    "%(claim)s Details when you sign in: %(link)s"
                )
                % values
            )
        return _("A new way to help"), body, link

    return render


def new_task_broadcast(task: HelpTask) -> int:
    """Tell each active supporter with "help_tasks" in force, who has not opted out, by their
    channel, with a one-action claim link. Call inside the transaction that creates the task;
    the rows go out when it commits. Returns how many messages were planned."""
    patient = task.patient
    if patient.status not in ONGOING:
        return 0
    planner = Planner(timezone.now())
    contacts = (
        patient.contacts.filter(status=ContactStatus.ACTIVE)
        .select_related("user", "patient")
        .order_by("pk")
    )
    occurrence = f"help_task_new:{task.pk}"
    # Each message carries a fresh claim link: skip those planned before, so asking twice
    # neither plans nor makes a link again.
    planned = set(
        Notification.objects.filter(kind=Kind.HELP_TASK_NEW, occurrence=occurrence).values_list(
            "recipient_key", "channel"
        )
    )
    for contact in contacts:
        if not planner.supporter_allowed(contact, Scope.HELP_TASKS):
            continue
        recipient = planner.supporter_recipient(contact)
        if recipient is not None and (recipient.key, recipient.channel) in planned:
            continue
        planner.send(
            Kind.HELP_TASK_NEW, occurrence, recipient, planner.at, patient, _new_task_text(task)
        )
    planner.flush()
    return planner.tally.planned
