"""The planner's rules that reach supporters, with their texts: milestones (the heads-up and the
day), appointments, claimed help tasks and each supporter's own reach-out cadence. Registered
with notifications.planner at start-up (NetworksConfig.ready), with the consent rule the engine
checks before it writes to a supporter.

What a supporter reads is minimal: first names, the kind of help and the day; never a clinic,
a diagnosis, a treatment or a task's own title.
"""

import calendar
from collections import defaultdict
from datetime import date, time, timedelta

from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from core.dates import weekday
from networks.consent import consented_scopes, consented_scopes_of
from networks.models import (
    ContactStatus,
    HelpSlotClaim,
    HelpStatus,
    HelpTask,
    Scope,
    SupportContact,
)
from notifications.models import Channel, Kind, Notification
from notifications.planner import (
    Planner,
    Recipient,
    Render,
    link_maker,
    local,
    patient_link,
    register_rule,
    register_supporter_rules,
    site_link,
    supporter_link,
)
from patients.milestones import DAY_MILESTONES, MAX_YEARS, MilestoneDate, milestones_between
from patients.models import Appointment, AppointmentStatus, Patient, PatientStatus
from patients.reminders import ENDED, care_team_of

MILESTONE_TIME = time(9, 0)
HELP_TASK_TIME = time(9, 0)

MILESTONES_ORDER = 10
APPOINTMENTS_ORDER = 40
HELP_TASKS_ORDER = 50
REACH_OUTS_ORDER = 60


def _support_page(patient_id: int) -> str:
    return reverse("networks:supporter_patient", args=[patient_id])


def contacts_of(patient_ids: set[int]) -> dict[int, list[SupportContact]]:
    """Every non-removed contact of these patients (removed ones are never considered)."""
    by_patient: dict[int, list[SupportContact]] = defaultdict(list)
    rows = (
        SupportContact.objects.filter(patient_id__in=patient_ids)
        .exclude(status=ContactStatus.REMOVED)
        .select_related("user", "patient")
        .order_by("pk")
    )
    for contact in rows:
        by_patient[contact.patient_id].append(contact)
    return by_patient


# --- milestones -------------------------------------------------------------------------------


def milestones(planner: Planner) -> None:
    """Heads-up N days before (supporters with "milestones"), and the day itself (patient,
    care team, those supporters), at 9:00 in each recipient's zone."""
    first, last = planner.utc_days()
    patients = Patient.objects.filter(
        recovery_start__in=_milestone_starts(first, last)
    ).select_related("clinic", "user")
    candidates: list[tuple[Patient, MilestoneDate, str]] = []
    for patient in patients:
        ahead = patient.clinic.milestone_heads_up_days
        horizon = last + timedelta(days=ahead)
        for milestone in milestones_between(patient.recovery_start, first, horizon):
            if first <= milestone.date - timedelta(days=ahead) <= last:
                candidates.append((patient, milestone, Kind.MILESTONE_HEADS_UP))
            if first <= milestone.date <= last:
                candidates.append((patient, milestone, Kind.MILESTONE_DAY))
    if not candidates:
        return
    ids = {patient.pk for patient, _m, _k in candidates}
    contacts = contacts_of(ids)
    planner.load_scopes(c for found in contacts.values() for c in found)
    team = care_team_of(ids)
    planner.preload(
        patients=[p for p, _m, _k in candidates],
        contacts=[c for found in contacts.values() for c in found],
        users=[m.clinician for found in team.values() for m in found],
    )
    # A heads-up carries a fresh one-action link: look up what earlier runs planned first,
    # so a re-run neither plans nor makes a link again.
    heads_up_planned = set(
        Notification.objects.filter(
            kind=Kind.MILESTONE_HEADS_UP,
            occurrence__in={f"milestone:{p.pk}:{m.key}:{m.date}" for p, m, _k in candidates},
        ).values_list("occurrence", "recipient_key", "channel")
    )
    for patient, milestone, kind in candidates:
        ahead = patient.clinic.milestone_heads_up_days
        day = (
            milestone.date if kind == Kind.MILESTONE_DAY else milestone.date - timedelta(days=ahead)
        )
        occurrence = f"milestone:{patient.pk}:{milestone.key}:{milestone.date}"
        ended = patient.status in ENDED
        recipients: list[Recipient | None] = []
        if kind == Kind.MILESTONE_DAY:
            if planner.in_window(planner.due(day, MILESTONE_TIME, patient.zone)):
                recipients.append(planner.patient_recipient(patient))
            for member in team.get(patient.pk, []):
                zone = member.clinician.zone_or(patient.zone)
                if planner.in_window(planner.due(day, MILESTONE_TIME, zone)):
                    recipients.append(planner.staff_recipient(member.clinician, patient))
        for contact in contacts.get(patient.pk, []):
            if not planner.in_window(planner.due(day, MILESTONE_TIME, contact.zone)):
                continue
            if ended:
                planner.tally.skip("discharged")
            elif planner.supporter_allowed(contact, Scope.MILESTONES):
                recipients.append(planner.supporter_recipient(contact))
        for recipient in recipients:
            if ended:
                planner.tally.skip("discharged")
                continue
            if (
                recipient is not None
                and kind == Kind.MILESTONE_HEADS_UP
                and ((occurrence, recipient.key, recipient.channel) in heads_up_planned)
            ):
                planner.tally.already += 1
                continue
            due_at = planner.due(day, MILESTONE_TIME, recipient.zone if recipient else patient.zone)
            planner.send(
                kind,
                occurrence,
                recipient,
                due_at,
                patient,
                _milestone_text(kind, patient, milestone),
            )


def _milestone_starts(first: date, last: date) -> set[date]:
    """The recovery start dates that have a milestone (or a heads-up for one) between
    `first` and `last`: the SQL prefilter of milestones(); milestones_between() decides."""
    ahead = Organization.objects.aggregate(most=Max("milestone_heads_up_days"))["most"] or 0
    starts: set[date] = set()
    day = first
    while day <= last + timedelta(days=ahead):
        starts.update(day - timedelta(days=days) for days in DAY_MILESTONES)
        for years in range(1, MAX_YEARS + 1):
            if day.year - years < 1:
                break
            if day.month == 2 and day.day == 29:
                continue  # no anniversary falls on 29 February (it moves to the 28th)
            starts.add(day.replace(year=day.year - years))
            if (day.month, day.day) == (2, 28) and calendar.isleap(day.year - years):
                starts.add(date(day.year - years, 2, 29))  # celebrated on the 28th
        day += timedelta(days=1)
    return starts


def _milestone_text(kind: str, patient: Patient, milestone: MilestoneDate) -> Render:
    def render(recipient: Recipient) -> tuple[str, str, str]:
        name = patient.first_name
        if recipient.contact is not None:
            link = supporter_link(recipient.contact, _support_page(patient.pk))
            if kind == Kind.MILESTONE_HEADS_UP:
                return _heads_up_text(recipient.contact, milestone, name, link)
            return (
                _("A day to celebrate"),
                _(
                    "Today is a special day for %(name)s. Sign in to see how you can "
                    "celebrate: %(link)s"
                )
                % {"name": name, "link": link},
                link,
            )
        if recipient.user is not None and recipient.channel == Channel.IN_APP:
            link = site_link(reverse("patients:journey", args=[patient.pk]))
            return (
                _("%(name)s reaches %(label)s today")
                % {"name": patient.display_name, "label": milestone.label},
                _("%(name)s reaches %(label)s today. A word from the team means a lot.")
                % {"name": patient.display_name, "label": milestone.label},
                link,
            )
        link = patient_link(patient, reverse("coping:my_progress"))
        return (
            _("Congratulations on %(label)s!") % {"label": milestone.label},
            _(
                "Hi %(name)s, today marks %(label)s. Every day counts, and this one is "
                "worth celebrating. See your journey: %(link)s"
            )
            % {"name": name, "label": milestone.label, "link": link},
            link,
        )

    return render


def _heads_up_text(
    contact: SupportContact, milestone: MilestoneDate, name: str, link: str
) -> tuple[str, str, str]:
    """The heads-up to a supporter; with engagement's "write a message for the day" link (the
    `celebrate` link maker) when it is registered."""
    day = formats.date_format(milestone.date, "l")
    celebrate = link_maker("celebrate")
    if celebrate is None:
        return (
            _("A milestone to celebrate soon"),
            _(
                "%(name)s has a milestone coming up on %(day)s. Sign in to see how you can "
                "celebrate: %(link)s"
            )
            % {"name": name, "day": day, "link": link},
            link,
        )
    write = celebrate(contact, milestone)
    return (
        _("A milestone to celebrate soon"),
        _(
            "%(name)s has a milestone coming up on %(day)s. Write a few words "
            "for the day: %(write)s Sign in to see how you can celebrate: "
            "%(link)s"
        )
        % {"name": name, "day": day, "write": write, "link": link},
        link,
    )


# --- appointments -----------------------------------------------------------------------------


def appointments(planner: Planner) -> None:
    """24 hours and 1 hour before, to the staff attending (in the app), the patient (email)
    and the invited supporters with "appointments" (their channel)."""
    marks = ((Kind.APPOINTMENT_24H, timedelta(hours=24)), (Kind.APPOINTMENT_1H, timedelta(hours=1)))
    window = Q()
    for _kind, before in marks:
        window |= Q(starts_at__gt=planner.start + before, starts_at__lte=planner.at + before)
    rows = (
        Appointment.objects.filter(window, status=AppointmentStatus.SCHEDULED)
        .select_related("clinic", "patient", "patient__clinic", "patient__user")
        .prefetch_related(
            Prefetch("staff_attendees", queryset=User.objects.filter(is_active=True)),
            Prefetch(
                "network_attendees",
                queryset=SupportContact.objects.select_related("user", "patient"),
            ),
        )
    )
    for appointment in rows:
        patient = appointment.patient
        for kind, before in marks:
            due_at = appointment.starts_at - before
            if not planner.in_window(due_at):
                continue
            occurrence = f"appointment:{appointment.pk}:{appointment.starts_at:%Y%m%dT%H%M}"
            render = _appointment_text(kind, appointment)
            if patient.status in ENDED:
                planner.tally.skip("discharged")
                continue
            recipients = [planner.patient_recipient(patient)]
            recipients += [
                planner.staff_recipient(u, patient) for u in appointment.staff_attendees.all()
            ]
            for contact in appointment.network_attendees.all():
                if contact.status == ContactStatus.REMOVED:
                    planner.tally.skip("contact removed")
                elif planner.supporter_allowed(contact, Scope.APPOINTMENTS):
                    recipients.append(planner.supporter_recipient(contact))
            for recipient in recipients:
                planner.send(kind, occurrence, recipient, due_at, patient, render)


def _appointment_text(kind: str, appointment: Appointment) -> Render:
    def render(recipient: Recipient) -> tuple[str, str, str]:
        patient = appointment.patient
        when = formats.date_format(local(appointment.starts_at, recipient.zone), "DATETIME_FORMAT")
        soon = _("tomorrow") if kind == Kind.APPOINTMENT_24H else _("in an hour")
        if recipient.contact is not None:
            link = supporter_link(recipient.contact, _support_page(patient.pk))
            return (
                _("A reminder: you are invited, %(soon)s") % {"soon": soon},
                _(
                    "%(name)s invited you to join them %(soon)s (%(when)s). Sign in for the "
                    "details: %(link)s"
                )
                % {"name": patient.first_name, "soon": soon, "when": when, "link": link},
                link,
            )
        if recipient.channel == Channel.IN_APP:
            link = site_link(reverse("patients:appointments", args=[patient.pk]))
            text = _("%(label)s with %(name)s, %(when)s") % {
                "label": appointment.label,
                "name": patient.display_name,
                "when": when,
            }
            return text, text, link
        link = patient_link(patient, reverse("patients:patient_home"))
        return (
            _("Reminder: %(label)s %(soon)s") % {"label": appointment.label, "soon": soon},
            _(
                "Hi %(name)s, a reminder of your %(label)s %(soon)s, %(when)s. See you "
                "there! %(link)s"
            )
            % {
                "name": patient.first_name,
                "label": appointment.label,
                "soon": soon,
                "when": when,
                "link": link,
            },
            link,
        )

    return render


# --- help tasks -------------------------------------------------------------------------------


def help_tasks(planner: Planner) -> None:
    """A week before and the day before a claimed task's date, at 9:00 in the supporter's
    zone, to the supporter who claimed it (with "help_tasks"). A task claimed after its
    week-before moment gets no week reminder: the claim itself was that moment."""
    # (kind, days before, the occurrence's prefix)
    marks = (
        (Kind.HELP_TASK_DUE, 1, "help_task"),
        (Kind.HELP_TASK_WEEK, 7, "help_task_week"),  # spelling: stored occurrence keys
    )
    dates = Q(pk__in=[])
    for _kind, before, _name in marks:
        dates |= planner.local_day_filter(
            HELP_TASK_TIME,
            "due_on",
            lambda name: Q(claimed_by__user__time_zone=name) | Q(patient__time_zone=name),
            days_before=before,
        )
    # A task taken through the help calendar (a HelpSlotClaim) has its day-before reminder from
    # the slot rule (networks/slot_reminders.py), to each person on it: not a second one here.
    on_calendar = HelpSlotClaim.objects.filter(task=OuterRef("pk"), given_back_at__isnull=True)
    tasks = (
        HelpTask.objects.filter(dates, status=HelpStatus.CLAIMED, claimed_by__isnull=False)
        .annotate(on_calendar=Exists(on_calendar))
        .select_related(
            "patient",
            "patient__clinic",
            "claimed_by",
            "claimed_by__user",
            "claimed_by__patient",
        )
    )
    for task in tasks:
        contact, patient = task.claimed_by, task.patient
        zone = contact.zone
        for kind, before, name in marks:
            if kind == Kind.HELP_TASK_DUE and task.on_calendar:
                continue
            due_at = planner.due(task.due_on - timedelta(days=before), HELP_TASK_TIME, zone)
            if not planner.in_window(due_at):
                continue
            if kind == Kind.HELP_TASK_WEEK and task.claimed_at and task.claimed_at >= due_at:
                continue
            if patient.status in ENDED:
                planner.tally.skip("discharged")
                continue
            if contact.status == ContactStatus.REMOVED:
                planner.tally.skip("contact removed")
                continue
            if not planner.supporter_allowed(contact, Scope.HELP_TASKS):
                continue
            planner.send(
                kind,
                f"{name}:{task.pk}:{task.due_on}",
                planner.supporter_recipient(contact),
                due_at,
                patient,
                _help_task_text(kind, task),
            )


def _help_task_text(kind: str, task: HelpTask) -> Render:
    """What a supporter reads: the kind of help and the day, never the task's own title
    (it may name a treatment or a place)."""

    def render(recipient: Recipient) -> tuple[str, str, str]:
        link = supporter_link(recipient.contact, _support_page(task.patient_id))
        values = {
            "name": task.patient.first_name,
            "kind": task.get_kind_display(),
            "day": weekday(task.due_on),
            "link": link,
        }
        if kind == Kind.HELP_TASK_DUE:
            return (
                _("A reminder for tomorrow"),
                _(
                    "Thank you for offering to help %(name)s (%(kind)s). It is planned for "
                    "tomorrow. Details: %(link)s"
                )
                % values,
                link,
            )
        return (
            _("A reminder for next week"),
            _(
                "Thank you for offering to help %(name)s (%(kind)s). It is planned for "
                "%(day)s, a week from today. Details: %(link)s"
            )
            % values,
            link,
        )

    return render


# --- reach-outs -------------------------------------------------------------------------------


def reach_outs(planner: Planner) -> None:
    """Each supporter's own cadence ("every Sunday at 19:00"), in their zone: a nudge to
    reach out, while something is shared with them. It says nothing about how the person
    is doing."""
    near = planner.local_time_filter(
        "reach_out_time",
        lambda name: Q(user__time_zone=name) | Q(patient__time_zone=name),
        weekday="reach_out_weekday",
    )
    contacts = list(
        SupportContact.objects.filter(
            near,
            status=ContactStatus.ACTIVE,
            reach_out_weekday__isnull=False,
            reach_out_time__isnull=False,
            patient__status__in=[PatientStatus.ACTIVE, PatientStatus.INTAKE],
        ).select_related("patient", "patient__clinic", "user")
    )
    planner.load_scopes(contacts)
    planner.preload(contacts=contacts)
    for contact in contacts:
        patient = contact.patient
        zone = contact.zone
        for day, due_at in planner.due_in_window(
            planner.local_days(zone), contact.reach_out_time, zone
        ):
            if day.weekday() != contact.reach_out_weekday:
                continue
            if not planner.scopes_of(contact):
                planner.tally.skip("no consent")
                continue
            planner.send(
                Kind.REACH_OUT,
                f"reach_out:{contact.pk}:{day}",
                planner.supporter_recipient(contact),
                due_at,
                patient,
                _reach_out_text(patient),
            )


def _reach_out_text(patient: Patient) -> Render:
    def render(recipient: Recipient) -> tuple[str, str, str]:
        link = supporter_link(recipient.contact, _support_page(patient.pk))
        return (
            _("A moment to reach out"),
            _(
                "You planned to reach out to %(name)s around now. A call, a visit "
                "or a message all count. Log it when you have: %(link)s"
            )
            % {"name": patient.first_name, "link": link},
            link,
        )

    return render


# --- wiring -----------------------------------------------------------------------------------


def _is_active(contact: SupportContact) -> bool:
    return contact.status == ContactStatus.ACTIVE


def register() -> None:
    """Wiring (NetworksConfig.ready): the consent rule the planner checks before it writes to a
    supporter, and this app's planner rules."""
    register_supporter_rules(
        scopes=consented_scopes, scopes_of=consented_scopes_of, is_active=_is_active
    )
    register_rule(milestones, order=MILESTONES_ORDER)
    register_rule(appointments, order=APPOINTMENTS_ORDER)
    register_rule(help_tasks, order=HELP_TASKS_ORDER)
    register_rule(reach_outs, order=REACH_OUTS_ORDER)
