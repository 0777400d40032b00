"""The care team form asks each thing once: "Primary counselor" is a role offered only while the
team has no primary (choosing it makes them the primary), and the clinician picker lists only
the clinic's clinicians not already on the team; with none left it says so instead."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from patients.models import CareTeamMember, TeamRole
from patients.services import care_team_end
from tests.factories import member

pytestmark = pytest.mark.django_db


def _page(client, patient) -> str:
    return client.get(reverse("patients:care_team", args=[patient.pk])).content.decode()


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select, f"no {name} picker"
    return [" ".join(o.split()) for o in re.findall(r"<option[^>]*>(.*?)</option>", select[0])]


def test_primary_is_asked_once_and_not_offered_when_the_team_has_one(
    client, clinic, patient, team_clinician, colleague, outsider
):
    member(Role.ADMIN, clinic, full_name="Ada Admin")
    client.force_login(team_clinician)

    page = _page(client, patient)

    roles = _options(page, "team_role")
    assert "Primary counselor" not in roles  # Chris Alvarez is the primary already
    assert roles == [
        "Choose a role",
        "Prescriber",
        "Social worker",
        "Peer recovery specialist",
        "Case manager",
    ]
    assert 'name="is_primary"' not in page and "Primary clinician" not in page
    assert "Chris Alvarez is the primary" in page
    # Clinic clinicians not on the team: not Chris (on it), not the admin, not another clinic's.
    assert _options(page, "clinician") == ["Choose a clinician", "Robin Mbeki"]


def test_without_a_primary_the_primary_counselor_role_makes_the_primary(
    client, patient, team_clinician, colleague
):
    chris = patient.care_team.get(clinician=team_clinician)
    CareTeamMember.objects.filter(pk=chris.pk).update(is_primary=False)
    client.force_login(team_clinician)

    roles = _options(_page(client, patient), "team_role")
    assert roles.count("Primary counselor") == 1

    response = client.post(
        reverse("patients:care_team_add", args=[patient.pk]),
        {"clinician": colleague.pk, "team_role": TeamRole.PRIMARY_COUNSELOR},
    )

    assert response.status_code == 302
    assert patient.care_team.get(is_primary=True).clinician == colleague


def test_a_second_primary_counselor_is_refused_by_the_field(
    client, patient, team_clinician, colleague
):
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:care_team_add", args=[patient.pk]),
        {"clinician": colleague.pk, "team_role": TeamRole.PRIMARY_COUNSELOR},
    )

    assert response.status_code == 200
    assert "team_role" in response.context["form"].errors
    assert not patient.care_team.filter(clinician=colleague).exists()
    assert patient.care_team.get(is_primary=True).clinician == team_clinician


def test_when_every_clinician_is_on_the_team_there_is_no_empty_picker(
    client, patient, team_clinician
):
    client.force_login(team_clinician)

    page = _page(client, patient)

    assert '<select name="clinician"' not in page
    assert "Every clinician of the clinic is already on this care team" in page


def test_someone_who_left_the_team_can_be_added_again(client, patient, team_clinician, colleague):
    from patients.services import care_team_add

    seat = care_team_add(
        patient=patient, clinician=colleague, team_role=TeamRole.PRESCRIBER, actor=team_clinician
    )
    client.force_login(team_clinician)
    assert '<select name="clinician"' not in _page(client, patient)

    care_team_end(member=seat, actor=team_clinician)

    assert "Robin Mbeki" in _options(_page(client, patient), "clinician")
