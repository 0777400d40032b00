"""Each section a supporter may see, declared once (see networks.sections): what the portal
computes for it, what the API writes of it and the messages only its scope allows. Imported
by NetworksConfig.ready(). A section whose scope is not granted is not even computed."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coping.plan import shareable_items
from coping.services import current_version
from networks.calendar_serializers import SupporterOccasionSerializer
from networks.models import HelpStatus, HelpTask, Scope
from networks.sections import register_section
from networks.selectors import MILESTONE_WINDOW_DAYS, SupporterView, checkin_summary
from networks.serializers import (
    SharedAppointmentSerializer,
    SharedCheckinSummarySerializer,
    SharedCopingPlanSerializer,
    SharedMilestoneSerializer,
    SupporterHelpTaskSerializer,
    shared_plan,
)
from networks.supporter_calendar import entries_of_view
from notifications.models import Kind
from patients.milestones import milestones_between
from patients.models import Appointment, AppointmentStatus

# --- Milestones ------------------------------------------------------------------------------


def select_milestones(view: SupporterView, today: date) -> None:
    view.milestones = milestones_between(
        view.patient.recovery_start, today, today + timedelta(days=MILESTONE_WINDOW_DAYS)
    )[:3]
    view.celebrate = next((m for m in view.milestones if m.date <= today + timedelta(days=7)), None)


def serialize_milestones(view: SupporterView) -> dict[str, Any]:
    return {
        Scope.MILESTONES.value: SharedMilestoneSerializer(view.milestones, many=True).data,
        "celebrate": SharedMilestoneSerializer(view.celebrate).data if view.celebrate else None,
    }


# --- This week (the check-in summary, no numbers) --------------------------------------------


def select_checkin_summary(view: SupporterView, today: date) -> None:
    view.summary = checkin_summary(view.patient, today)


def serialize_checkin_summary(view: SupporterView) -> dict[str, Any]:
    if view.summary is None:
        return {}
    return {Scope.CHECKIN_SUMMARY.value: SharedCheckinSummarySerializer(view.summary).data}


# --- The shareable parts of the coping plan --------------------------------------------------


def select_coping_plan(view: SupporterView, today: date) -> None:
    version = current_version(view.patient)
    view.plan = shareable_items(version.content) if version else None
    for trigger in (view.plan or {}).get("triggers", []):
        trigger.pop("intensity", None)  # no numbers reach a supporter
    view.playbook_step = view.contact.playbook_step


def serialize_coping_plan(view: SupporterView) -> dict[str, Any]:
    return {Scope.COPING_PLAN.value: SharedCopingPlanSerializer(shared_plan(view)).data}


# --- Sessions they are invited to ------------------------------------------------------------


def select_appointments(view: SupporterView, today: date) -> None:
    view.appointments = list(
        Appointment.objects.filter(
            patient=view.patient,
            network_attendees=view.contact,
            status=AppointmentStatus.SCHEDULED,
            starts_at__gte=timezone.now(),
        ).order_by("starts_at")[:10]
    )


def serialize_appointments(view: SupporterView) -> dict[str, Any]:
    return {
        Scope.APPOINTMENTS.value: SharedAppointmentSerializer(view.appointments, many=True).data
    }


# --- How they can help -----------------------------------------------------------------------

# The help-tasks block lists a series' occasions of the coming two weeks.
HELP_OCCASION_DAYS = 14


def select_help_tasks(view: SupporterView, today: date) -> None:
    """One-time tasks as before (claimed from the page); a series is taken one occasion at a
    time, so its coming occasions (open, or theirs) are listed instead, from the help
    calendar."""
    contact = view.contact
    tasks = HelpTask.objects.filter(patient=view.patient).filter(
        Q(status=HelpStatus.OPEN) | Q(status=HelpStatus.CLAIMED, claimed_by=contact)
    )
    has_series = False
    for task in tasks:
        if task.is_series:
            has_series = True
            continue
        (view.my_tasks if task.claimed_by_id == contact.pk else view.open_tasks).append(task)
    if has_series:  # two more queries, whatever the number of occasions
        coming = entries_of_view(contact, today, today + timedelta(days=HELP_OCCASION_DAYS - 1))
        view.help_occasions = [entry for entry in coming if entry.task.is_series]


def serialize_help_tasks(view: SupporterView) -> dict[str, Any]:
    return {
        Scope.HELP_TASKS.value: {
            "open": SupporterHelpTaskSerializer(view.open_tasks, many=True).data,
            "mine": SupporterHelpTaskSerializer(view.my_tasks, many=True).data,
            # Step 14: the coming occasions of a series (open places, and theirs).
            "occasions": SupporterOccasionSerializer(view.help_occasions, many=True).data,
        }
    }


# --- The sections, in the order the API and the digest list them; `page_order` places each ------
# block on the supporter's page (help tasks first), its fragment in networks/sections/.

register_section(
    Scope.MILESTONES,
    select=select_milestones,
    serialize=serialize_milestones,
    kinds=[Kind.MILESTONE_HEADS_UP, Kind.MILESTONE_DAY],
    anchor="milestones",
    label=_("Milestones"),
    page_order=20,
    template="networks/sections/milestones.html",
)
register_section(
    Scope.CHECKIN_SUMMARY,
    select=select_checkin_summary,
    serialize=serialize_checkin_summary,
    kinds=[Kind.LADDER_SUPPORTER],
    anchor="this-week",
    label=_("This week"),
    page_order=30,
    template="networks/sections/checkin_summary.html",
    on_page=lambda view: bool(view.summary),  # the block says nothing without a summary
)
register_section(
    Scope.COPING_PLAN,
    select=select_coping_plan,
    serialize=serialize_coping_plan,
    kinds=[Kind.HELP_REQUEST],
    anchor="coping-plan",
    label=_("Coping plan"),
    page_order=40,
    template="networks/sections/coping_plan.html",
)
register_section(
    Scope.APPOINTMENTS,
    select=select_appointments,
    serialize=serialize_appointments,
    kinds=[Kind.APPOINTMENT_24H, Kind.APPOINTMENT_1H],
    anchor="sessions",
    label=_("Sessions"),
    page_order=50,
    template="networks/sections/appointments.html",
)
register_section(
    Scope.HELP_TASKS,
    select=select_help_tasks,
    serialize=serialize_help_tasks,
    kinds=[
        Kind.HELP_TASK_DUE,
        Kind.HELP_TASK_WEEK,
        Kind.HELP_TASK_NEW,
        Kind.HELP_SLOT_DAY_BEFORE,
        Kind.HELP_SLOT_HOUR_BEFORE,
    ],
    anchor="section-help_tasks",
    label=_("How you can help"),
    page_order=10,
    template="networks/sections/help_tasks.html",
)
