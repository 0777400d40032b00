"""Demo secure messages for `manage.py seed_demo` (safe to run twice): the clinic's hours
(Monday to Friday, 09:00 to 17:00), and the demo person's thread with their care team: a
question, the clinician's answer (seen), and a message written last evening, answered
automatically, still unread, so clinician@demo.clinic's caseload strip shows it."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q

from accounts.models import Organization
from messaging.hours import clinic_zone, next_opening, openings_of
from messaging.models import AuthorRole, ClinicHours, Message, Thread, ThreadRead
from messaging.services import automatic_answer_text
from patients.models import CareTeamMember, Patient

QUESTION = "Could we move Thursday's session to the afternoon? My work shift changed."
ANSWER = "Yes, 3 pm on Thursday works. See you then, and thank you for letting me know."
EVENING = (
    "The weekend was hard, but I used the plan and called my sister. "
    "Can we talk about it on Thursday?"
)


@transaction.atomic
def seed_messages(clinic: Organization, today: date) -> None:
    if not ClinicHours.objects.filter(clinic=clinic).exists():
        ClinicHours.objects.bulk_create(
            ClinicHours(clinic=clinic, weekday=day, opens=time(9), closes=time(17))
            for day in range(5)
        )
    patient = (
        Patient.objects.filter(clinic=clinic, user__email__startswith="patient@")
        .select_related("user", "clinic")
        .first()
    )
    if patient is None:
        return
    members = CareTeamMember.objects.current().filter(patient=patient)
    team = members.filter(
        Q(clinician__email__startswith="clinician@") | Q(is_primary=True)
    ).select_related("clinician")
    member = min(team, key=lambda m: not m.clinician.email.startswith("clinician@"), default=None)
    if member is None:
        return
    clinician = member.clinician
    thread, _created = Thread.objects.get_or_create(patient=patient, contact=None)
    if thread.messages.exists():
        return
    zone = clinic_zone(clinic)

    def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hour, minute), tzinfo=zone)

    asked, answered, evening = at(3, 10), at(3, 11, 30), at(1, 20, 30)
    rows = [
        Message(thread=thread, author=patient.user, author_role=AuthorRole.PATIENT, body=QUESTION),
        Message(thread=thread, author=clinician, author_role=AuthorRole.CLINICIAN, body=ANSWER),
        Message(thread=thread, author=patient.user, author_role=AuthorRole.PATIENT, body=EVENING),
    ]
    for row, written in zip(rows, (asked, answered, evening), strict=True):
        row.created_at = written
    openings = openings_of(clinic)
    outside = not any(
        o.weekday == evening.weekday() and o.opens <= evening.time() < o.closes for o in openings
    )
    if openings and outside:
        rows.append(
            Message(
                thread=thread,
                author_role=AuthorRole.AUTOMATIC,
                automatic=True,
                body=automatic_answer_text(clinic, openings),
                created_at=evening,
            )
        )
        thread.auto_answered_until = next_opening(openings, evening, zone)
    Message.objects.bulk_create(rows)
    thread.last_message_at = thread.last_inbound_at = evening
    thread.save(update_fields=["last_message_at", "last_inbound_at", "auto_answered_until"])
    # The person read the answer; the clinician has not read last evening's message.
    for user, read_at in ((patient.user, evening), (clinician, answered)):
        ThreadRead.objects.update_or_create(
            thread=thread, user=user, defaults={"last_read_at": read_at}
        )
