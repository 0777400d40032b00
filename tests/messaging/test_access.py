"""Who reaches messages: the person their own thread, a supporter only with Scope.MESSAGES in
force, a clinician only for their care team's patients; anything else is a 404 (pages and API),
and a refused request writes nothing."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from messaging.models import Message
from messaging.services import message_write
from tests.factories import (
    CareTeamMemberFactory,
    ConsentFactory,
    MessageFactory,
    PatientFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db


def api(path: str) -> str:
    return f"/api/v1/{path}"


def test_the_person_reads_and_writes_their_own_thread(client, person, patient):
    client.force_login(person)
    assert client.get(reverse("messaging:mine")).status_code == 200
    response = client.post(reverse("messaging:mine"), {"body": "Can we talk Thursday?"})
    assert response.status_code == 302
    assert Message.objects.get(thread__patient=patient).body == "Can we talk Thursday?"
    answer = client.post(
        api("me/messages/"), {"body": "And Friday?"}, content_type="application/json"
    )
    assert answer.status_code == 201


def test_a_supporter_without_the_scope_gets_404_on_the_page_and_the_api(
    client, supporter, contact, patient
):
    ConsentFactory(contact=contact)  # milestones only
    client.force_login(supporter)
    assert client.get(reverse("messaging:supporter", args=[patient.pk])).status_code == 404
    assert (
        client.post(
            reverse("messaging:supporter", args=[patient.pk]), {"body": "Hello"}
        ).status_code
        == 404
    )
    assert client.get(api(f"supporter/patients/{patient.pk}/messages/")).status_code == 404
    posted = client.post(
        api(f"supporter/patients/{patient.pk}/messages/"),
        {"body": "Hello"},
        content_type="application/json",
    )
    assert posted.status_code == 404
    assert not Message.objects.exists()


def test_a_supporter_with_the_scope_writes_to_the_team(
    client, supporter, messaging_contact, patient
):
    client.force_login(supporter)
    page = client.get(reverse("messaging:supporter", args=[patient.pk]))
    assert page.status_code == 200
    client.post(reverse("messaging:supporter", args=[patient.pk]), {"body": "A worry"})
    message = Message.objects.get()
    assert message.thread.contact == messaging_contact
    assert client.get(api(f"supporter/patients/{patient.pk}/messages/")).status_code == 200


def test_the_supporter_page_shows_the_block_only_with_the_scope(
    client, supporter, contact, patient
):
    client.force_login(supporter)
    ConsentFactory(contact=contact)  # milestones only
    page = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()
    assert 'data-testid="section-care_team_messages"' not in page
    contact.consents.all().delete()
    ConsentFactory(contact=contact, scopes=["care_team_messages"])  # spelling: the test's input
    page = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()
    assert 'data-testid="section-care_team_messages"' in page
    assert reverse("messaging:supporter", args=[patient.pk]) in page


def test_a_clinician_not_on_the_care_team_gets_404(client, clinician, patient, person):
    message = message_write(author=person, body="Hello", patient=patient)
    client.force_login(clinician)
    before = AuditEvent.objects.count()
    urls = [
        reverse("messaging:patient", args=[patient.pk]),
        reverse("messaging:reply", args=[patient.pk, message.thread_id]),
        reverse("messaging:note", args=[patient.pk, message.pk]),
        api(f"patients/{patient.pk}/messages/"),
        api(f"patients/{patient.pk}/messages/threads/{message.thread_id}/"),
        api(f"patients/{patient.pk}/messages/threads/{message.thread_id}/read/"),
        api(f"patients/{patient.pk}/messages/{message.pk}/note/"),
    ]
    for url in urls:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"body": "x"}).status_code in (404, 405, 415), url
    assert AuditEvent.objects.count() == before
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert "Jordan Rivera" not in inbox


def test_another_clinics_patient_is_404(client, other_clinic, team_clinician):
    """Even on that patient's care team by some mistake, a clinician of clinic A reaches
    nothing of clinic B: the clinic comes first."""
    far_patient = PatientFactory(clinic=other_clinic)
    CareTeamMemberFactory(patient=far_patient, clinician=team_clinician)
    far = MessageFactory(thread=ThreadFactory(patient=far_patient))
    client.force_login(team_clinician)
    assert client.get(reverse("messaging:patient", args=[far_patient.pk])).status_code == 404
    thread = api(f"patients/{far_patient.pk}/messages/threads/{far.thread_id}/")
    assert client.get(thread).status_code == 404
    assert client.get(api("messages/unread/")).json()["results"] == []


def test_clinic_admins_do_not_read_messages(client, clinic_admin, patient):
    client.force_login(clinic_admin)
    assert client.get(reverse("messaging:patient", args=[patient.pk])).status_code == 404
    assert client.get(reverse("messaging:inbox")).status_code == 404
