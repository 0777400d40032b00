import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from events.models import Event, EventInvitation, Rsvp
from events.services import EventFull, rsvp_set
from networks.models import ContactStatus, Relationship, SupportContact
from tests.events.conftest import make_event
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db


def rsvp(client, invitation, answer):
    return client.post(reverse("events:rsvp", args=[invitation.pk]), {"rsvp": answer})


def test_staff_creates_event(client, clinic, team_clinician):
    client.force_login(team_clinician)
    start = timezone.localtime() + timedelta(days=3)
    data = {
        "kind": "family_workshop",
        "title": "Understanding recovery",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Room 2",
        "capacity": "10",
    }
    response = client.post(reverse("events:event_create"), data)
    event = Event.objects.get()
    assert response.status_code == 302
    assert event.clinic == clinic and event.capacity == 10


def test_bad_event_input_gives_field_errors_and_saves_nothing(client, team_clinician):
    client.force_login(team_clinician)
    start = timezone.localtime() + timedelta(days=3)
    data = {
        "kind": "family_workshop",
        "title": "Backwards",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "0",
    }
    response = client.post(reverse("events:event_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "capacity" in form.errors
    assert not Event.objects.exists()
    data["capacity"] = ""
    response = client.post(reverse("events:event_create"), data)
    assert {"ends_at", "place"} <= set(response.context["form"].errors)
    assert not Event.objects.exists()


def test_patients_and_supporters_cannot_create_events(client, person, supporter):
    for user in (person, supporter):
        client.force_login(user)
        assert client.get(reverse("events:event_create")).status_code == 404


def test_invite_patients_and_their_active_supporters(
    client, clinic, team_clinician, event, patient, contact
):
    paused = SupportContact.objects.create(
        patient=patient,
        name="Sam",
        relationship=Relationship.FRIEND,
        status=ContactStatus.PAUSED,
        user=member(Role.SUPPORTER, clinic),
    )
    client.force_login(team_clinician)
    url = reverse("events:event_detail", args=[event.pk])
    response = client.post(url, {"patients": [patient.pk], "include_supporters": "on"})
    assert response.status_code == 302
    invited = EventInvitation.objects.filter(event=event)
    assert {(i.patient_id, i.contact_id) for i in invited} == {
        (patient.pk, None),
        (None, contact.pk),
    }
    assert not invited.filter(contact=paused).exists()
    # Inviting again changes nothing.
    client.post(url, {"patients": [patient.pk], "include_supporters": "on"})
    assert invited.count() == 2
    assert AuditEvent.objects.filter(patient=patient, object_type="events.Event").exists()


def test_cannot_invite_patient_of_another_clinic(client, other_clinic, team_clinician, event):
    outsider = PatientFactory(clinic=other_clinic)
    client.force_login(team_clinician)
    response = client.post(
        reverse("events:event_detail", args=[event.pk]), {"patients": [outsider.pk]}
    )
    assert response.status_code == 200
    assert "patients" in response.context["form"].errors
    assert not EventInvitation.objects.exists()


def test_patient_rsvps(client, person, patient_invitation):
    client.force_login(person)
    page = client.get(reverse("events:index"))
    assert "Family education workshop" in page.content.decode()
    assert rsvp(client, patient_invitation, "yes").status_code == 302
    patient_invitation.refresh_from_db()
    assert patient_invitation.rsvp == Rsvp.YES and patient_invitation.responded_at
    rsvp(client, patient_invitation, "maybe")
    patient_invitation.refresh_from_db()
    assert patient_invitation.rsvp == Rsvp.MAYBE


def test_supporter_rsvps(client, supporter, contact_invitation):
    client.force_login(supporter)
    page = client.get(reverse("events:index"))
    assert "Family education workshop" in page.content.decode()
    rsvp(client, contact_invitation, "no")
    contact_invitation.refresh_from_db()
    assert contact_invitation.rsvp == Rsvp.NO


def test_bad_rsvp_value_changes_nothing(client, person, patient_invitation):
    client.force_login(person)
    rsvp(client, patient_invitation, "definitely")
    patient_invitation.refresh_from_db()
    assert patient_invitation.rsvp == Rsvp.PENDING


@pytest.mark.parametrize("status", [ContactStatus.PAUSED, ContactStatus.REMOVED])
def test_paused_or_removed_contact_cannot_rsvp(
    client, supporter, contact, contact_invitation, status
):
    contact.status = status
    contact.save()
    client.force_login(supporter)
    assert rsvp(client, contact_invitation, "yes").status_code == 404
    contact_invitation.refresh_from_db()
    assert contact_invitation.rsvp == Rsvp.PENDING
    page = client.get(reverse("events:index")).content.decode()
    assert "Family education workshop" not in page


def test_people_not_invited_get_404(client, clinic, patient_invitation, contact_invitation):
    other_person = member(Role.PATIENT, clinic)
    PatientFactory(clinic=clinic, user=other_person)
    other_supporter = member(Role.SUPPORTER, clinic)
    for user in (other_person, other_supporter):
        client.force_login(user)
        assert rsvp(client, patient_invitation, "yes").status_code == 404
        assert rsvp(client, contact_invitation, "yes").status_code == 404
    # Staff do not answer for others either.
    client.force_login(member(Role.CLINICIAN, clinic))
    assert rsvp(client, patient_invitation, "yes").status_code == 404


def test_another_clinics_event_is_404(client, other_clinic, event, patient_invitation):
    stranger = member(Role.CLINICIAN, other_clinic)
    client.force_login(stranger)
    assert client.get(reverse("events:event_detail", args=[event.pk])).status_code == 404
    assert "Family education workshop" not in client.get(reverse("events:index")).content.decode()
    assert rsvp(client, patient_invitation, "yes").status_code == 404


def test_full_event_refuses_yes_with_a_message(client, clinic, team_clinician, person, patient):
    event = make_event(clinic, team_clinician, capacity=1)
    mine = EventInvitation.objects.create(event=event, patient=patient)
    other = EventInvitation.objects.create(
        event=event, patient=PatientFactory(clinic=clinic), rsvp=Rsvp.YES
    )
    client.force_login(person)
    response = client.post(reverse("events:rsvp", args=[mine.pk]), {"rsvp": "yes"}, follow=True)
    assert "this event is full" in response.content.decode()
    mine.refresh_from_db()
    assert mine.rsvp == Rsvp.PENDING
    # Saying no frees a place.
    rsvp_set(invitation=other, answer=Rsvp.NO, actor=team_clinician)
    rsvp(client, mine, "yes")
    mine.refresh_from_db()
    assert mine.rsvp == Rsvp.YES


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_when_two_answer_yes_at_once(clinic, team_clinician):
    event = make_event(clinic, team_clinician, capacity=1)
    invitations = [
        EventInvitation.objects.create(event=event, patient=PatientFactory(clinic=clinic))
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(invitation):
        try:
            barrier.wait()
            rsvp_set(invitation=invitation, answer=Rsvp.YES, actor=team_clinician)
            outcomes.append("yes")
        except EventFull:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(i,)) for i in invitations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full", "yes"]
    assert EventInvitation.objects.filter(event=event, rsvp=Rsvp.YES).count() == 1


def _staff_rows(clinic, creator, n):
    for index in range(n):
        event = make_event(clinic, creator, title=f"Group {index}")
        EventInvitation.objects.create(event=event, patient=PatientFactory(clinic=clinic))


@pytest.mark.parametrize("rows", [3, 30])
def test_staff_list_query_count(
    client, clinic, team_clinician, django_assert_max_num_queries, rows
):
    _staff_rows(clinic, team_clinician, rows)
    client.force_login(team_clinician)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:index"))
    assert len(response.context["events"]) == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_invited_list_query_count(
    client, clinic, team_clinician, supporter, contact, django_assert_max_num_queries, rows
):
    for index in range(rows):
        event = make_event(clinic, team_clinician, title=f"Group {index}", capacity=5)
        EventInvitation.objects.create(event=event, contact=contact)
    client.force_login(supporter)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:index"))
    assert len(response.context["invited"]) == rows
