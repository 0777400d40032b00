"""Every read and write of a thread is in the audit trail, and a clinician can keep a message in
the chart as a clinical note that says where it came from."""

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from messaging.models import Message
from messaging.services import message_write
from patients.models import ClinicalNote
from tests.factories import MessageFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def events(patient, action):
    return list(AuditEvent.objects.filter(patient=patient, action=action))


def test_writes_and_reads_are_audited_never_with_the_text(client, person, team_clinician, patient):
    client.force_login(person)
    client.post(reverse("messaging:mine"), {"body": "Private words"})
    message = Message.objects.get()
    [created] = [e for e in events(patient, Action.CREATE) if e.object_type == "messaging.Message"]
    assert created.actor == person and created.object_id == str(message.pk)
    assert "Private words" not in str(created.details)

    client.force_login(team_clinician)
    client.get(reverse("messaging:patient", args=[patient.pk]))
    viewed = [e for e in events(patient, Action.VIEW) if e.actor == team_clinician]
    assert viewed and viewed[-1].object_type == "messaging.Thread"

    api = f"/api/v1/patients/{patient.pk}/messages/threads/{message.thread_id}/"
    before = len(events(patient, Action.VIEW))
    assert client.get(api).status_code == 200
    assert len(events(patient, Action.VIEW)) == before + 1


def test_the_writers_page_read_is_audited_even_before_a_first_message(client, person, patient):
    client.force_login(person)
    client.get(reverse("messaging:mine"))
    assert events(patient, Action.VIEW)


def test_read_receipts_say_who_saw_it_and_when(client, person, team_clinician, patient):
    message_write(author=person, body="Are you there?", patient=patient)
    client.force_login(team_clinician)
    client.get(reverse("messaging:patient", args=[patient.pk]))
    client.force_login(person)
    page = client.get(reverse("messaging:mine")).content.decode()
    assert "Seen by Chris" in page


def test_a_message_becomes_a_note_after_confirmation(client, team_clinician, patient, person):
    message = message_write(author=person, body="I used on Saturday night.", patient=patient)
    client.force_login(team_clinician)
    url = reverse("messaging:note", args=[patient.pk, message.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and not ClinicalNote.objects.exists()

    assert client.post(url).status_code == 302
    note = ClinicalNote.objects.get()
    assert note.author == team_clinician and note.patient == patient
    assert "From a secure message" in note.body and "I used on Saturday night." in note.body
    message.refresh_from_db()
    assert message.note == note
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="messaging.Message", object_id=str(message.pk)
    ).exists()

    again = client.post(url)
    assert again.status_code == 400 and ClinicalNote.objects.count() == 1
    api = client.post(f"/api/v1/patients/{patient.pk}/messages/{message.pk}/note/")
    assert api.status_code == 400 and "message" in api.json()


def test_an_automatic_answer_cannot_become_a_note(client, team_clinician, patient):
    automatic = MessageFactory(
        thread=ThreadFactory(patient=patient), author=None, author_role="automatic", automatic=True
    )
    client.force_login(team_clinician)
    response = client.post(f"/api/v1/patients/{patient.pk}/messages/{automatic.pk}/note/")
    assert response.status_code == 400
    assert not ClinicalNote.objects.exists()
