"""The "add to calendar" files of an appointment and a help task: for the person, the staff
who may open the chart, and a supporter who sees the row under consent (a neutral entry);
everyone else, in this clinic or another, gets a 404."""

import pytest
from django.test import Client

from accounts.models import Role
from audit.models import Action, AuditEvent
from networks.models import ContactStatus, Scope
from networks.services import consent_revoke, help_task_create
from tests.calendars.conftest import events_of, grant, parse, signed_in
from tests.factories import PatientFactory, SupportContactFactory, member

pytestmark = pytest.mark.django_db


def appointment_url(appointment) -> str:
    return f"/appointments/{appointment.pk}/calendar.ics"


def task_url(task) -> str:
    return f"/help/{task.pk}/calendar.ics"


def test_the_person_downloads_their_appointment(person, own_appointment):
    response = signed_in(person).get(appointment_url(own_appointment))

    (entry,) = events_of(parse(response))
    assert str(entry["SUMMARY"]) == "Counseling" and str(entry["LOCATION"]) == "Room 2"
    assert response["Content-Disposition"] == 'attachment; filename="appointment.ics"'
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert event.patient_id == own_appointment.patient_id and event.actor == person


def test_the_care_team_and_the_clinic_admin_download_it(
    team_clinician, clinic_admin, own_appointment
):
    for user in (team_clinician, clinic_admin):
        response = signed_in(user).get(appointment_url(own_appointment))
        assert str(events_of(parse(response))[0]["SUMMARY"]) == "Counseling"


def test_an_invited_supporter_gets_a_neutral_entry(supporter, family_session, consent):
    response = signed_in(supporter).get(appointment_url(family_session))

    (entry,) = events_of(parse(response))
    assert str(entry["SUMMARY"]) == "Busy: support time"
    assert "LOCATION" not in entry
    assert b"Harbor" not in response.content and b"therapy" not in response.content.lower()


def test_a_supporter_not_invited_or_without_consent_gets_404(
    supporter, family_session, own_appointment, consent, person
):
    client = signed_in(supporter)
    assert client.get(appointment_url(own_appointment)).status_code == 404  # not invited
    consent_revoke(consent=consent, actor=person)
    assert client.get(appointment_url(family_session)).status_code == 404


def test_others_in_the_clinic_and_another_clinic_get_404(
    clinic, other_clinic, own_appointment, family_session, consent
):
    off_team = member(Role.CLINICIAN, clinic)
    another_person = member(Role.PATIENT, clinic)
    PatientFactory(clinic=clinic, user=another_person)
    another_supporter = member(Role.SUPPORTER, clinic)
    elsewhere = [member(role, other_clinic) for role in Role.values]
    for user in (off_team, another_person, another_supporter, *elsewhere):
        client = signed_in(user)
        assert client.get(appointment_url(own_appointment)).status_code == 404, user
        assert client.get(appointment_url(family_session)).status_code == 404, user


def test_a_missing_appointment_is_the_same_404(person):
    assert signed_in(person).get("/appointments/987654/calendar.ics").status_code == 404


def test_signed_out_is_sent_to_sign_in(own_appointment):

    response = Client().get(appointment_url(own_appointment))

    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_supporter_who_claimed_a_task_downloads_it(supporter, claimed_task):
    response = signed_in(supporter).get(task_url(claimed_task))

    (entry,) = events_of(parse(response))
    assert str(entry["SUMMARY"]) == "A ride on Thursday"
    assert entry.name == "VEVENT" and str(entry.decoded("DTSTART")) == "2026-03-12"


def test_an_undated_weekly_or_open_task(supporter, patient, person, consent):
    weekly = help_task_create(
        patient=patient,
        actor=person,
        kind="call",
        title="A call",
        due_on=patient.local_today(),
        weekly=True,
    )
    undated = help_task_create(patient=patient, actor=person, kind="meal", title="Soup")
    client = signed_in(supporter)

    (repeating,) = events_of(parse(client.get(task_url(weekly))))
    (todo,) = events_of(parse(client.get(task_url(undated))))

    assert repeating["RRULE"]["FREQ"] == ["WEEKLY"]
    assert todo.name == "VTODO" and str(todo["SUMMARY"]) == "Soup"


def test_the_person_and_the_care_team_download_a_task(person, team_clinician, claimed_task):
    for user in (person, team_clinician):
        response = signed_in(user).get(task_url(claimed_task))
        assert str(events_of(parse(response))[0]["SUMMARY"]) == "A ride on Thursday"


def test_a_task_others_claimed_or_not_shared_is_404(
    supporter, patient, person, clinic, other_clinic, claimed_task, contact
):
    other = SupportContactFactory(patient=patient, status=ContactStatus.ACTIVE)
    grant(other, person, [Scope.HELP_TASKS])
    other.user = member(Role.SUPPORTER, clinic)
    other.save()
    # Another supporter of the same person, who may see open tasks: not Pat's claimed one.
    assert signed_in(other.user).get(task_url(claimed_task)).status_code == 404
    # Pat, once help tasks are no longer shared.
    grant(contact, person, [Scope.MILESTONES])
    assert signed_in(supporter).get(task_url(claimed_task)).status_code == 404
    for role in Role.values:
        assert signed_in(member(role, other_clinic)).get(task_url(claimed_task)).status_code == 404
    off_team = member(Role.CLINICIAN, clinic)
    assert signed_in(off_team).get(task_url(claimed_task)).status_code == 404
