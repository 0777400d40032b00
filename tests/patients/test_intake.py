from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from patients.models import Patient, RecoveryDate
from tests.factories import PatientFactory, ProgramFactory, member

pytestmark = pytest.mark.django_db


def _intake(**overrides: object) -> dict[str, object]:
    data = {
        "legal_name": "Samira Haddad",
        "preferred_name": "Sam",
        "pronouns": "she/her",
        "mrn": "HRB-0100",
        "date_of_birth": "1991-04-02",
        "time_zone": "America/Chicago",
        "preferred_language": "es",
        "phone": "555-0101",
        "email": "sam@example.org",
        "recovery_start": (timezone.localdate() - timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return data


def test_clinician_creates_a_patient_and_joins_the_care_team(client, clinic, team_clinician):
    program = ProgramFactory(clinic=clinic, name="Outpatient")
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:new"), _intake(program=program.pk, primary_clinician=team_clinician.pk)
    )

    patient = Patient.objects.get(mrn="HRB-0100")
    assert response.url == reverse("patients:chart", args=[patient.pk])
    assert patient.clinic == clinic and patient.program == program
    assert patient.preferred_language == "es" and patient.time_zone == "America/Chicago"
    assert patient.care_team.get().clinician == team_clinician
    assert RecoveryDate.objects.filter(patient=patient).count() == 1
    caseload = client.get(reverse("patients:caseload")).content.decode()
    assert "Sam" in caseload


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mrn", "HRB-0001", "already has this record number"),
        ("mrn", "hrb-0001", "already has this record number"),
        ("date_of_birth", "2999-01-01", "must be in the past"),
        ("date_of_birth", "not-a-date", "Enter a valid date"),
        ("time_zone", "Mars/Olympus_Mons", "Select a valid choice"),
        ("legal_name", "", "This field is required"),
        ("email", "not-an-email", "valid email"),
    ],
)
def test_bad_intake_input_gives_field_errors_and_saves_nothing(
    client, clinic, team_clinician, field, value, message
):
    PatientFactory(clinic=clinic, mrn="HRB-0001")
    client.force_login(team_clinician)
    before = Patient.objects.count()

    data = _intake(primary_clinician=team_clinician.pk, **{field: value})
    response = client.post(reverse("patients:new"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert Patient.objects.count() == before
    assert not RecoveryDate.objects.filter(patient__mrn="HRB-0100").exists()


def test_the_same_mrn_is_fine_in_another_clinic(client, clinic, other_clinic, team_clinician):
    PatientFactory(clinic=other_clinic, mrn="HRB-0100")
    client.force_login(team_clinician)

    response = client.post(reverse("patients:new"), _intake(primary_clinician=team_clinician.pk))

    assert response.status_code == 302
    assert Patient.objects.filter(mrn="HRB-0100").count() == 2


def test_another_clinics_program_is_refused(client, clinic, other_clinic, team_clinician):
    foreign = ProgramFactory(clinic=other_clinic)
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:new"), _intake(program=foreign.pk, primary_clinician=team_clinician.pk)
    )

    assert response.status_code == 200
    assert "program" in response.context["form"].errors
    assert not Patient.objects.filter(mrn="HRB-0100").exists()


def test_intake_for_a_colleague_puts_the_patient_on_their_caseload(
    client, clinic, team_clinician, colleague
):
    client.force_login(team_clinician)

    response = client.post(reverse("patients:new"), _intake(primary_clinician=colleague.pk))

    assert response.url == reverse("patients:caseload")
    patient = Patient.objects.get(mrn="HRB-0100")
    assert patient.care_team.get(is_primary=True).clinician == colleague


def test_the_primary_counselor_must_be_a_clinician_of_this_clinic(
    client, clinic, other_clinic, team_clinician
):
    stranger = member(Role.CLINICIAN, other_clinic)
    client.force_login(team_clinician)

    response = client.post(reverse("patients:new"), _intake(primary_clinician=stranger.pk))

    assert response.status_code == 200
    assert response.context["form"].errors.get("primary_clinician")
    assert not Patient.objects.filter(mrn="HRB-0100").exists()


def test_only_clinicians_take_intake(client, clinic):
    for role in (Role.ADMIN, Role.PATIENT, Role.SUPPORTER):
        client.force_login(member(role, clinic))
        assert client.get(reverse("patients:new")).status_code == 404


def test_edit_keeps_what_was_saved_when_input_is_bad(client, patient, team_clinician):
    client.force_login(team_clinician)
    url = reverse("patients:edit", args=[patient.pk])
    data = {
        "legal_name": "Jordan A. Rivera",
        "preferred_name": "",
        "pronouns": "they/them",
        "mrn": patient.mrn,
        "date_of_birth": "1990-05-17",
        "time_zone": "Europe/Madrid",
        "preferred_language": "en",
        "phone": "",
        "email": "",
    }

    bad = client.post(url, {**data, "date_of_birth": "2999-01-01"})
    good = client.post(url, data)

    assert bad.status_code == 200 and "must be in the past" in bad.content.decode()
    assert good.status_code == 302
    patient.refresh_from_db()
    assert patient.legal_name == "Jordan A. Rivera" and patient.time_zone == "Europe/Madrid"


def test_discharge_then_alumni_then_readmit(client, patient, team_clinician):
    client.force_login(team_clinician)
    url = reverse("patients:status", args=[patient.pk])

    for status in ["discharged", "alumni", "active"]:
        client.post(url, {"status": status})
        patient.refresh_from_db()
        assert patient.status == status


def test_an_impossible_status_change_is_refused(client, patient, team_clinician):
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:status", args=[patient.pk]), {"status": "intake"}, follow=True
    )

    patient.refresh_from_db()
    assert patient.status == "active"
    assert "cannot move" in response.content.decode()
