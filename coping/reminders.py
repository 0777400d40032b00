"""The planner's rules about check-ins and questionnaires, with their texts: the daily check-in
reminder (at the person's reminder time) and the questionnaires due today (10:00 patient-local).
Registered with notifications.planner at start-up (CopingConfig.ready)."""

from datetime import date, datetime, time

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organization
from coping.models import CheckIn
from coping.selectors import schedule_for
from notifications.models import Channel, Kind
from notifications.planner import (
    Planner,
    Recipient,
    Render,
    patient_link,
    register_rule,
    site_link,
)
from patients.models import Patient, PatientStatus
from patients.reminders import ENDED, ONGOING, care_team_of

CHECKIN_TIME = time(19, 0)
ASSESSMENT_TIME = time(10, 0)

CHECKIN_REMINDERS_ORDER = 20
ASSESSMENTS_ORDER = 70


def checkin_reminders(planner: Planner) -> None:
    """At the patient's reminder time (19:00 local by default), unless already checked in.
    Everyone in a zone can fall due at once (50,000 people at 19:00): the instants are worked
    out once per zone and time, and the clinics read once, not with each person."""
    due: list[tuple[Patient, date, datetime]] = []
    near = planner.local_time_filter("checkin_reminder_time", lambda name: Q(time_zone=name))
    instants: dict[tuple[str, time], list[tuple[date, datetime]]] = {}
    for patient in (
        Patient.objects.filter(near)
        .exclude(status__in=(PatientStatus.ALUMNI,))
        .select_related("user")
    ):
        at = patient.checkin_reminder_time or CHECKIN_TIME
        key = (patient.time_zone, at)
        if key not in instants:
            zone = patient.zone
            instants[key] = list(planner.due_in_window(planner.local_days(zone), at, zone))
        for day, due_at in instants[key]:
            due.append((patient, day, due_at))
    if not due:
        return
    clinics = Organization.objects.in_bulk({p.clinic_id for p, _d, _a in due})
    for patient, _d, _a in due:
        Patient.clinic.field.set_cached_value(patient, clinics[patient.clinic_id])
    planner.preload(patients=[p for p, _d, _a in due])
    ids, days = {p.pk for p, _d, _a in due}, {d for _p, d, _a in due}
    checked_in = CheckIn.objects.filter(local_date__in=days).order_by()
    if len(ids) <= 1000:
        checked_in = checked_in.filter(patient_id__in=ids)
    # Many due at once: the day's check-ins (the (local_date, patient) index), not an IN list
    # of every person's id.
    done = set(checked_in.values_list("patient_id", "local_date"))
    path = reverse("coping:my_checkin")  # the same for everyone (no language prefix)
    for patient, day, due_at in due:
        if patient.status in ENDED:
            planner.tally.skip("discharged")
            continue
        if (patient.pk, day) in done:
            planner.tally.skip("checked in")
            continue
        planner.send(
            Kind.CHECKIN_REMINDER,
            f"checkin:{patient.pk}:{day}",
            planner.patient_recipient(patient),
            due_at,
            patient,
            _checkin_text(patient, day, path),
        )


def _checkin_text(patient: Patient, day: date, path: str | None = None) -> Render:
    def render(recipient: Recipient) -> tuple[str, str, str]:
        link = patient_link(patient, path or reverse("coping:my_checkin"), checkin_day=day)
        return (
            _("Time for your daily check-in"),
            _("Hi %(name)s, how was today? Your check-in takes a minute: %(link)s")
            % {"name": patient.first_name, "link": link},
            link,
        )

    return render


def assessments(planner: Planner) -> None:
    """When a questionnaire becomes due today, at 10:00 patient-local: the patient and the
    primary clinician (in the app). One message per patient per day, listing them."""
    due: list[tuple[Patient, date, datetime]] = []
    near = Q(status__in=ONGOING, time_zone__in=planner.zones_where(ASSESSMENT_TIME))
    for patient in Patient.objects.filter(near).select_related("clinic", "user"):
        for day, due_at in planner.due_in_window(
            planner.local_days(patient.zone), ASSESSMENT_TIME, patient.zone
        ):
            due.append((patient, day, due_at))
    if not due:
        return
    team = care_team_of({patient.pk for patient, _d, _a in due})
    planner.preload(
        patients=[p for p, _d, _a in due],
        users=[m.clinician for found in team.values() for m in found],
    )
    for patient, day, due_at in due:
        names = [d.instrument.short_name for d in schedule_for(patient, day) if d.next_due == day]
        if not names:
            continue
        occurrence = f"assessment:{patient.pk}:{day}"
        recipients = [planner.patient_recipient(patient, Channel.IN_APP)]
        recipients += [
            planner.staff_recipient(m.clinician, patient)
            for m in team.get(patient.pk, [])
            if m.is_primary
        ]
        render = _assessment_text(patient, names)
        for recipient in recipients:
            planner.send(Kind.ASSESSMENT_DUE, occurrence, recipient, due_at, patient, render)


def _assessment_text(patient: Patient, names: list[str]) -> Render:
    def render(recipient: Recipient) -> tuple[str, str, str]:
        if recipient.user is not None and recipient.user.pk != patient.user_id:
            link = site_link(reverse("patients:chart", args=[patient.pk]))
            text = _("%(list)s due today for %(name)s") % {
                "list": ", ".join(names),
                "name": patient.display_name,
            }
            return text, text, link
        link = patient_link(patient, reverse("patients:patient_home"))
        count = len(names)
        return (
            ngettext(
                "A short questionnaire is ready for you",
                "%(count)d short questionnaires are ready for you",
                count,
            )
            % {"count": count},
            _(
                "Hi %(name)s, it is time for a few quick questions about how you have "
                "been. It helps you and your team see your progress: %(link)s"
            )
            % {"name": patient.first_name, "link": link},
            link,
        )

    return render


def register() -> None:
    """Wiring (CopingConfig.ready): this app's planner rules."""
    register_rule(checkin_reminders, order=CHECKIN_REMINDERS_ORDER)
    register_rule(assessments, order=ASSESSMENTS_ORDER)
