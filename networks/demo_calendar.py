"""Demo help calendar for `manage.py seed_demo` (safe to run twice): the demo person
(patient@<clinic's domain>) asks for a ride to group every Tuesday and Thursday, 17:00 to
18:00, two people each time, for twelve weeks. The demo family member (family@...) has taken
some of the coming occasions, so the page shows both covered times and gaps."""

from datetime import date, time, timedelta

from accounts.models import Organization
from networks import help_calendar, services
from networks.consent import consented_scopes
from networks.models import ContactStatus, HelpKind, HelpTask, Repeat, Scope
from networks.recurrence import occasions
from patients.models import Patient

RIDE_TITLE = "A ride to group"
TUESDAY, THURSDAY = 1, 3
WEEKS = 12
# Which of the coming occasions the family member takes (the others stay open).
TAKEN = (0, 2, 3)


def seed_help_calendar(clinic: Organization, today: date) -> HelpTask | None:
    patient = (
        Patient.objects.filter(clinic=clinic, user__email__startswith="patient@")
        .select_related("clinic", "user")
        .first()
    )
    if patient is None:
        return None
    task = HelpTask.objects.filter(patient=patient, title=RIDE_TITLE, repeat=Repeat.WEEKLY).first()
    if task is None:
        first = max(today, patient.local_today())  # never a day already past for the person
        while first.weekday() not in (TUESDAY, THURSDAY):
            first += timedelta(days=1)
        task = services.help_task_create(
            patient=patient,
            actor=patient.user,
            kind=HelpKind.RIDE,
            title=RIDE_TITLE,
            details="To the Tuesday and Thursday evening group at the clinic.",
            due_on=first,
            repeat=Repeat.WEEKLY,
            weekdays=[TUESDAY, THURSDAY],
            repeat_until=first + timedelta(weeks=WEEKS),
            starts_at=time(17, 0),
            ends_at=time(18, 0),
            people_needed=2,
        )
    family = (
        patient.contacts.filter(user__email__startswith="family@", status=ContactStatus.ACTIVE)
        .select_related("patient__clinic", "user")
        .first()
    )
    if family is None or Scope.HELP_TASKS not in consented_scopes(family):
        return task
    if task.slot_claims.exists():
        return task  # seeded before
    start = max(today, patient.local_today())
    coming = occasions(task, start, start + timedelta(days=help_calendar.UPCOMING_DAYS - 1))
    for number in TAKEN:
        if number < len(coming):
            help_calendar.claim_slot(
                task=task, day=coming[number].day, contact=family, actor=family.user
            )
    return task
