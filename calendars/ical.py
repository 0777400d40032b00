"""iCalendar (RFC 5545) documents, written with the `icalendar` library.

Two audiences, two kinds of entry:
- the person in recovery (and their care team, for a download): an appointment with its plain
  title and place;
- a supporter: neutral entries only, "busy" with no clinic, no place, no kind of session and
  nothing clinical. A help task keeps the title the person wrote (they share it under the
  help_tasks consent); a milestone says whom to celebrate, with an alarm the day before.

Nothing here reads the database: the selectors hand in the rows.
"""

from datetime import datetime, timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event, Todo, vRecur

from networks.models import HelpSlotClaim, HelpTask
from networks.recurrence import Occasion
from patients.milestones import MilestoneDate
from patients.models import Appointment, AppointmentStatus

# A neutral product id: the feed lands on calendar servers and phones, so it names no clinic
# and no field of care.
PRODID = "-//Private calendar feed//EN"
REFRESH = timedelta(hours=1)
UID_SALT = "calendars.uid"
# The milestone alarm: 09:00 on the day before (an all-day entry starts at 00:00).
MILESTONE_ALARM = timedelta(hours=-15)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def busy_title() -> str:
    return _("Busy: support time")


def new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def uid_for(kind: str, pk: object, audience: str = "") -> str:
    """A stable UID per entry (and audience), so a download and a feed holding the same entry
    are one entry in a calendar app, and ids of rows do not show."""
    digest = salted_hmac(UID_SALT, f"{kind}:{pk}:{audience}", algorithm="sha256").hexdigest()
    return f"{digest[:32]}@calendar-feed"


def _stamp(component: Event | Todo, uid: str, summary: str) -> None:
    component.add("uid", uid)
    component.add("dtstamp", timezone.now())
    component.add("summary", summary)


def _timed(component: Event, starts: datetime, ends: datetime) -> None:
    component.add("dtstart", starts)
    component.add("dtend", ends)
    component.add("transp", "OPAQUE")  # shown as busy


def appointment_event(appointment: Appointment) -> Event:
    """An appointment as the person in recovery (and their care team) reads it: its plain
    title, the place or the video link; a cancelled one says so."""
    event = Event()
    _stamp(event, uid_for("appointment", appointment.pk), appointment.label)
    _timed(event, appointment.starts_at, appointment.ends_at)
    if appointment.location:
        event.add("location", appointment.location)
    if appointment.video_url:
        event.add("url", appointment.video_url)
        event.add("description", _("Video link: %(url)s") % {"url": appointment.video_url})
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def busy_event(kind: str, pk: object, starts: datetime, ends: datetime) -> Event:
    """A session a supporter is invited to: busy, and nothing else."""
    event = Event()
    _stamp(event, uid_for(kind, pk, "supporter"), busy_title())
    _timed(event, starts, ends)
    event.add("status", "CONFIRMED")
    return event


def help_task_entry(task: HelpTask) -> Event | Todo:
    """A help task on its day (all day; weekly ones repeat), or a to-do without a date."""
    uid = uid_for("help_task", task.pk)
    if task.due_on is None:
        todo = Todo()
        _stamp(todo, uid, task.title)
        todo.add("status", "NEEDS-ACTION")
        return todo
    event = Event()
    _stamp(event, uid, task.title)
    event.add("dtstart", task.due_on)
    event.add("dtend", task.due_on + timedelta(days=1))
    event.add("transp", "OPAQUE")
    if task.weekly:
        event.add("rrule", vRecur(freq="WEEKLY"))
    return event


def help_slot_entry(claim: HelpSlotClaim) -> Event:
    """One occasion of the help calendar that this supporter took: at its time window in the
    patient's zone (shown in the reader's own by their calendar app), or all day."""
    task = claim.task
    occasion = Occasion(task, claim.occurs_on)
    zone = task.patient.zone
    event = Event()
    _stamp(event, uid_for("help_slot", claim.pk), task.title)
    starts, ends = occasion.starts(zone), occasion.ends(zone)
    if starts is None:
        event.add("dtstart", claim.occurs_on)
        event.add("dtend", claim.occurs_on + timedelta(days=1))
        event.add("transp", "OPAQUE")
    else:
        _timed(event, starts, ends if ends is not None and ends > starts else starts)
    return event


def milestone_event(patient_id: int, first_name: str, milestone: MilestoneDate) -> Event:
    """A consented milestone: whom to celebrate and how long (no other detail), all day, with
    an alarm the day before."""
    event = Event()
    summary = _("Celebrate with %(name)s") % {"name": first_name}
    _stamp(event, uid_for("milestone", f"{patient_id}:{milestone.key}", "supporter"), summary)
    event.add("dtstart", milestone.date)
    event.add("dtend", milestone.date + timedelta(days=1))
    event.add("transp", "OPAQUE")
    event.add("description", milestone.label)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("Tomorrow: %(summary)s") % {"summary": summary})
    alarm.add("trigger", MILESTONE_ALARM)
    event.add_component(alarm)
    return event


def calendar_response(calendar: Calendar, *, download: str = "") -> HttpResponse:
    """The document as an answer: never cached anywhere, never indexed; `download` names the
    file for an "add to calendar" link."""
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    if download:
        response["Content-Disposition"] = f'attachment; filename="{download}"'
    return response
