"""A notification says "you have a new message" and never carries what was written: checked
over every outbox row of a realistic exchange (the automatic answer included), before and after
the rows are sent."""

import pytest
import time_machine

from messaging.models import Message
from messaging.services import message_write
from notifications.models import Channel, Kind, Notification, Status
from notifications.outbox import dispatch_due, html_version
from tests.messaging.conftest import at_clinic

pytestmark = pytest.mark.django_db

PATIENT_TEXT = "My sister's wedding is on Saturday and there will be an open bar all night"
SUPPORTER_TEXT = "Jordan seemed withdrawn after the family dinner; should I worry about Sunday"
REPLY_TEXT = "Let's plan for the wedding together at Thursday's session, bring your plan"
SUPPORTER_REPLY = "Thank you for telling us; a calm check-in call this week would help"


def fragments(text: str) -> list[str]:
    """Every run of four words of the text: no part of it may reach a notification."""
    words = text.split()
    return [" ".join(words[i : i + 4]) for i in range(len(words) - 3)]


def exchange(patient, person, team_clinician, contact):
    with time_machine.travel(at_clinic("2026-03-03", "21:00"), tick=False) as traveller:
        first = message_write(author=person, body=PATIENT_TEXT, patient=patient)
        traveller.move_to(at_clinic("2026-03-04", "09:15"))
        message_write(author=team_clinician, body=REPLY_TEXT, patient=patient, thread=first.thread)
        traveller.move_to(at_clinic("2026-03-04", "22:00"))
        theirs = message_write(
            author=contact.user, body=SUPPORTER_TEXT, patient=patient, contact=contact
        )
        traveller.move_to(at_clinic("2026-03-05", "10:00"))
        message_write(
            author=team_clinician, body=SUPPORTER_REPLY, patient=patient, thread=theirs.thread
        )
        dispatch_due()


def test_no_outbox_row_carries_any_message_text(
    patient, person, team_clinician, messaging_contact, weekday_hours
):
    exchange(patient, person, team_clinician, messaging_contact)

    written = [m.body for m in Message.objects.filter(thread__patient=patient)]
    assert Message.objects.filter(automatic=True).count() == 2  # both evenings answered
    rows = list(Notification.objects.all())
    assert {row.kind for row in rows} == {Kind.MESSAGE_NEW}
    told = {row.recipient_user_id for row in rows} | {row.recipient_contact_id for row in rows}
    assert {team_clinician.pk, person.pk, messaging_contact.pk} <= told
    assert any(row.status == Status.SENT for row in rows)
    for row in rows:
        rendered = html_version(row) if row.channel == Channel.EMAIL else ""  # the email's HTML
        for field in (row.subject, row.body, row.html_body, rendered):
            for text in written:
                for fragment in fragments(text):
                    assert fragment not in field, (row.pk, row.channel, fragment)
        assert "new message" in (row.subject + row.body).lower()


def test_the_automatic_answer_itself_sends_no_notification(
    patient, person, team_clinician, weekday_hours
):
    with time_machine.travel(at_clinic("2026-03-03", "21:00"), tick=False):
        message_write(author=person, body=PATIENT_TEXT, patient=patient)
    # The team hears of the person's message; the writer is not told of the automatic answer.
    assert not Notification.objects.filter(recipient_user=person).exists()
    assert Notification.objects.filter(recipient_user=team_clinician).exists()


def test_a_supporter_without_the_scope_any_more_is_not_sent_the_notice(
    patient, person, team_clinician, messaging_contact, weekday_hours
):
    first = message_write(
        author=messaging_contact.user,
        body=SUPPORTER_TEXT,
        patient=patient,
        contact=messaging_contact,
    )
    messaging_contact.consents.update(revoked_at=first.created_at)
    message_write(author=team_clinician, body=SUPPORTER_REPLY, patient=patient, thread=first.thread)
    dispatch_due()
    rows = Notification.objects.filter(recipient_contact=messaging_contact)
    assert rows.exists()
    assert all(row.status == Status.SKIPPED for row in rows)
