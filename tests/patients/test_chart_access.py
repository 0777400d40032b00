"""Who may open a chart: the care team; admins read (never notes); a colleague only through
emergency access; everyone else, and every other clinic, gets 404."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Action, AuditEvent
from patients.models import EmergencyAccess
from tests.factories import member

pytestmark = pytest.mark.django_db

READ_TABS = ["chart", "journey", "care_team", "appointments", "alerts"]
WRITE_PAGES = ["edit", "setback_new", "milestone_new", "appointment_new", "recovery_start"]


def _status(client, name: str, patient) -> int:
    return client.get(reverse(f"patients:{name}", args=[patient.pk])).status_code


def test_care_team_clinician_opens_every_tab_and_form(client, patient, team_clinician):
    client.force_login(team_clinician)

    for name in [*READ_TABS, "notes", *WRITE_PAGES]:
        assert _status(client, name, patient) == 200, name


def test_colleague_outside_the_care_team_gets_404_everywhere(client, patient, colleague):
    client.force_login(colleague)

    for name in [*READ_TABS, "notes", *WRITE_PAGES]:
        assert _status(client, name, patient) == 404, name
    notes = client.post(reverse("patients:notes", args=[patient.pk]), {"body": "x"})
    assert notes.status_code == 404


def test_another_clinics_staff_get_404_even_as_admin(client, patient, other_clinic):
    for role in (Role.CLINICIAN, Role.ADMIN):
        client.force_login(member(role, other_clinic))
        for name in [*READ_TABS, "notes"]:
            assert _status(client, name, patient) == 404, (role, name)


@pytest.mark.parametrize("role", [Role.PATIENT, Role.SUPPORTER])
def test_patients_and_supporters_never_reach_staff_charts(client, clinic, patient, role):
    client.force_login(member(role, clinic))

    for name in [*READ_TABS, "notes", *WRITE_PAGES]:
        assert _status(client, name, patient) == 404, name


def test_admin_reads_the_chart_but_not_notes_and_cannot_edit(client, clinic, patient):
    client.force_login(member(Role.ADMIN, clinic))

    for name in READ_TABS:
        assert _status(client, name, patient) == 200, name
    assert _status(client, "notes", patient) == 404
    for name in WRITE_PAGES:
        assert _status(client, name, patient) == 404, name


def test_a_non_numeric_or_unknown_patient_id_is_404(client, team_clinician):
    client.force_login(team_clinician)

    assert client.get("/patients/999999/").status_code == 404


def test_an_ended_care_team_seat_closes_the_chart(client, patient, team_clinician):
    seat = patient.care_team.get(clinician=team_clinician)
    seat.ended_on = timezone.localdate()
    seat.save()
    client.force_login(team_clinician)

    assert _status(client, "chart", patient) == 404


def test_reading_a_chart_is_audited(client, patient, team_clinician):
    client.force_login(team_clinician)

    client.get(reverse("patients:journey", args=[patient.pk]))

    event = AuditEvent.objects.filter(action=Action.VIEW, patient=patient).latest("id")
    assert event.actor == team_clinician
    assert event.clinic == patient.clinic


def test_emergency_access_opens_the_chart_for_24_hours_with_a_reason(client, patient, colleague):
    client.force_login(colleague)
    found = client.get(reverse("patients:find"), {"mrn": "hrb-0001"})
    assert patient.display_name in found.content.decode()

    response = client.post(
        reverse("patients:emergency_access", args=[patient.pk]),
        {"reason": "Crisis call on the weekend line; the primary counselor is away."},
    )

    assert response.url == reverse("patients:chart", args=[patient.pk])
    assert _status(client, "chart", patient) == 200
    assert "emergency access" in client.get(response.url).content.decode()
    assert AuditEvent.objects.filter(
        action=Action.EMERGENCY_ACCESS, actor=colleague, patient=patient
    ).exists()
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        client.force_login(colleague)  # the earlier session has timed out by now
        assert _status(client, "chart", patient) == 404


def test_emergency_access_needs_a_real_reason(client, patient, colleague):
    client.force_login(colleague)

    response = client.post(
        reverse("patients:emergency_access", args=[patient.pk]), {"reason": "urgent"}
    )

    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    assert _status(client, "chart", patient) == 404


def test_emergency_access_cannot_reach_another_clinics_patient(client, patient, outsider):
    client.force_login(outsider)

    found = client.get(reverse("patients:find"), {"mrn": patient.mrn})
    response = client.post(
        reverse("patients:emergency_access", args=[patient.pk]),
        {"reason": "Trying to open a chart of another clinic entirely."},
    )

    assert patient.display_name not in found.content.decode()
    assert response.status_code == 404
    assert not EmergencyAccess.objects.exists()
