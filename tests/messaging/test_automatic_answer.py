"""Outside the clinic's hours a writer gets one automatic answer per closed period, read in the
clinic's own zone; inside them, or with no hours set, none."""

import pytest
import time_machine

from messaging.models import AuthorRole, Message
from messaging.services import message_write
from tests.factories import ClinicHoursFactory
from tests.messaging.conftest import at_clinic

pytestmark = pytest.mark.django_db


def write(patient, person, text="Hello team"):
    return message_write(author=person, body=text, patient=patient)


def automatic(patient):
    return list(Message.objects.filter(thread__patient=patient, automatic=True))


def test_a_message_outside_hours_gets_the_automatic_answer(patient, person, weekday_hours):
    # Monday 2026-03-02, 22:00 in New York: 03:00 on Tuesday in UTC, after closing.
    with time_machine.travel(at_clinic("2026-03-02", "22:00"), tick=False):
        write(patient, person)
    [answer] = automatic(patient)
    assert answer.author_role == AuthorRole.AUTOMATIC and answer.author is None
    assert "988" in answer.body
    assert "Monday" in answer.body and "Friday" in answer.body
    assert patient.clinic.local_emergency_number in answer.body


def test_a_message_inside_hours_gets_none(patient, person, weekday_hours):
    # 09:30 in New York is 14:30 UTC: a UTC reading would call it open too, so also check
    # 16:30 New York (21:30 UTC), open only in the clinic's zone.
    for clock in ("09:30", "16:30"):
        with time_machine.travel(at_clinic("2026-03-03", clock), tick=False):
            write(patient, person)
    assert automatic(patient) == []


def test_the_clinic_zone_decides_not_utc(patient, person, weekday_hours):
    # 08:00 in New York is 13:00 UTC (inside 09-17 in UTC): still closed at the clinic.
    with time_machine.travel(at_clinic("2026-03-03", "08:00"), tick=False):
        write(patient, person)
    assert len(automatic(patient)) == 1


def test_one_answer_per_closed_period(patient, person, weekday_hours):
    with time_machine.travel(at_clinic("2026-03-06", "18:00"), tick=False) as traveller:
        write(patient, person, "Friday evening")
        traveller.move_to(at_clinic("2026-03-07", "11:00"))  # Saturday: the same closed period
        write(patient, person, "Saturday")
        assert len(automatic(patient)) == 1
        traveller.move_to(at_clinic("2026-03-09", "10:00"))  # Monday, open
        write(patient, person, "Monday morning")
        traveller.move_to(at_clinic("2026-03-09", "19:00"))  # Monday evening: a new period
        write(patient, person, "Monday evening")
    assert len(automatic(patient)) == 2


def test_no_hours_set_means_no_automatic_answer(patient, person):
    with time_machine.travel(at_clinic("2026-03-01", "03:00"), tick=False):
        write(patient, person)
    assert automatic(patient) == []


def test_a_clinician_answer_never_triggers_it(patient, person, team_clinician, weekday_hours):
    with time_machine.travel(at_clinic("2026-03-03", "10:00"), tick=False) as traveller:
        message = write(patient, person)
        traveller.move_to(at_clinic("2026-03-03", "20:00"))
        message_write(author=team_clinician, body="Yes", patient=patient, thread=message.thread)
    assert automatic(patient) == []


def test_hours_of_another_clinic_do_not_count(patient, person, other_clinic):
    ClinicHoursFactory(clinic=other_clinic)
    with time_machine.travel(at_clinic("2026-03-03", "22:00"), tick=False):
        write(patient, person)
    assert automatic(patient) == []
