"""Optimistic concurrency on the patient and the care team: a read answers an ETag; a write
with a stale If-Match is a 412 and saves nothing; without If-Match (or with `*`) it works."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from audit.models import Action, AuditEvent
from patients.models import CareTeamMember, Patient, TeamRole
from tests.api_chart.conftest import as_user
from tests.factories import AlertFactory, member

pytestmark = pytest.mark.django_db


def detail(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/"


def team(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/care-team/"


@pytest.fixture
def second_clinician(clinic, patient, team_clinician):
    """A second clinician on the same care team: the other one who edits the chart."""
    other = member("clinician", clinic, full_name="Dana Okafor")
    CareTeamMember.objects.create(patient=patient, clinician=other, team_role=TeamRole.PRESCRIBER)
    return other


def test_the_patient_read_answers_an_etag(team_clinician, patient):
    response = as_user(team_clinician).get(detail(patient))

    assert response.status_code == 200
    assert response["ETag"].startswith('"')


def test_a_stale_if_match_on_the_patient_is_412_and_the_first_write_stays(
    team_clinician, second_clinician, patient
):
    first, second = as_user(team_clinician), as_user(second_clinician)
    tag_first = first.get(detail(patient))["ETag"]
    tag_second = second.get(detail(patient))["ETag"]
    assert tag_first == tag_second

    saved = first.patch(
        detail(patient), {"preferred_name": "Jo"}, format="json", HTTP_IF_MATCH=tag_first
    )
    stale = second.patch(
        detail(patient), {"preferred_name": "Jordy"}, format="json", HTTP_IF_MATCH=tag_second
    )

    assert saved.status_code == 200
    assert saved["ETag"] != tag_first
    assert stale.status_code == 412
    assert set(stale.json()) == {"detail"}
    patient.refresh_from_db()
    assert patient.preferred_name == "Jo"
    updates = AuditEvent.objects.filter(action=Action.UPDATE, patient=patient)
    assert updates.count() == 1  # the refused write left no trace of a change


def test_the_new_etag_lets_the_next_write_through(team_clinician, patient):
    api = as_user(team_clinician)
    tag = api.get(detail(patient))["ETag"]
    after = api.patch(detail(patient), {"phone": "555-0100"}, format="json", HTTP_IF_MATCH=tag)

    again = api.patch(
        detail(patient), {"phone": "555-0101"}, format="json", HTTP_IF_MATCH=after["ETag"]
    )

    assert again.status_code == 200
    assert again.json()["phone"] == "555-0101"
    assert api.get(detail(patient))["ETag"] == again["ETag"]


@pytest.mark.parametrize("header", [{}, {"HTTP_IF_MATCH": "*"}])
def test_a_write_without_if_match_or_with_a_star_still_works(team_clinician, patient, header):
    response = as_user(team_clinician).put(
        detail(patient),
        {
            "legal_name": "Jordan Rivera",
            "preferred_name": "JR",
            "mrn": patient.mrn,
            "date_of_birth": "1990-05-17",
        },
        format="json",
        **header,
    )

    assert response.status_code == 200, response.content
    patient.refresh_from_db()
    assert patient.preferred_name == "JR"


def test_a_weak_tag_of_the_current_version_is_accepted(team_clinician, patient):
    api = as_user(team_clinician)
    tag = api.get(detail(patient))["ETag"]

    response = api.patch(
        detail(patient), {"preferred_name": "Jo"}, format="json", HTTP_IF_MATCH=f"W/{tag}"
    )

    assert response.status_code == 200


def test_a_status_change_makes_the_patients_old_tag_stale(team_clinician, patient):
    api = as_user(team_clinician)
    tag = api.get(detail(patient))["ETag"]
    changed = api.post(detail(patient) + "status/", {"status": "discharged"}, format="json")
    assert changed.status_code == 200

    stale = api.patch(detail(patient), {"preferred_name": "Jo"}, format="json", HTTP_IF_MATCH=tag)

    assert stale.status_code == 412


def test_a_new_alert_does_not_make_the_patients_tag_stale(team_clinician, patient):
    api = as_user(team_clinician)
    tag = api.get(detail(patient))["ETag"]
    AlertFactory(patient=patient)  # the list's counts move; the record does not

    response = api.patch(
        detail(patient), {"preferred_name": "Jo"}, format="json", HTTP_IF_MATCH=tag
    )

    assert response.status_code == 200


def test_a_stale_if_match_is_checked_after_permission(clinic_admin, patient):
    response = as_user(clinic_admin).patch(
        detail(patient), {"preferred_name": "Jo"}, format="json", HTTP_IF_MATCH='"stale"'
    )

    assert response.status_code == 403


# --- The care team ----------------------------------------------------------------------------


def test_the_care_team_read_answers_an_etag_of_the_whole_team(team_clinician, patient):
    response = as_user(team_clinician).get(team(patient))

    assert response.status_code == 200
    assert response["ETag"].startswith('"')


def test_two_clinicians_adding_to_the_team_the_second_with_a_stale_tag_gets_412(
    clinic, team_clinician, second_clinician, patient
):
    newcomer = member("clinician", clinic, full_name="Lee Newcomer")
    late = member("clinician", clinic, full_name="Kim Late")
    first, second = as_user(team_clinician), as_user(second_clinician)
    tag = first.get(team(patient))["ETag"]
    assert second.get(team(patient))["ETag"] == tag

    added = first.post(
        team(patient),
        {"clinician": newcomer.pk, "team_role": TeamRole.CASE_MANAGER},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    stale = second.post(
        team(patient),
        {"clinician": late.pk, "team_role": TeamRole.CASE_MANAGER},
        format="json",
        HTTP_IF_MATCH=tag,
    )

    assert added.status_code == 201
    assert added["ETag"] != tag
    assert stale.status_code == 412
    clinicians = set(patient.care_team.values_list("clinician_id", flat=True))
    assert newcomer.pk in clinicians and late.pk not in clinicians
    assert first.get(team(patient))["ETag"] == added["ETag"]


def test_ending_a_membership_with_a_stale_tag_is_412_and_it_stays(
    clinic, team_clinician, second_clinician, patient
):
    api = as_user(team_clinician)
    tag = api.get(team(patient))["ETag"]
    seat = CareTeamMember.objects.get(patient=patient, clinician=second_clinician)
    newcomer = member("clinician", clinic)
    api.post(
        team(patient),
        {"clinician": newcomer.pk, "team_role": TeamRole.CASE_MANAGER},
        format="json",
    )

    stale = api.post(f"{team(patient)}{seat.pk}/end/", {}, format="json", HTTP_IF_MATCH=tag)
    fresh_tag = api.get(team(patient))["ETag"]
    ended = api.post(f"{team(patient)}{seat.pk}/end/", {}, format="json", HTTP_IF_MATCH=fresh_tag)

    assert stale.status_code == 412
    assert ended.status_code == 200, ended.content
    seat.refresh_from_db()
    assert seat.ended_on is not None
    assert ended["ETag"] != fresh_tag


@pytest.mark.parametrize("header", [{}, {"HTTP_IF_MATCH": "*"}])
def test_a_team_change_without_if_match_or_with_a_star_works(
    clinic, team_clinician, patient, header
):
    newcomer = member("clinician", clinic)

    response = as_user(team_clinician).post(
        team(patient),
        {"clinician": newcomer.pk, "team_role": TeamRole.CASE_MANAGER},
        format="json",
        **header,
    )

    assert response.status_code == 201


def test_the_schema_documents_if_match_and_412_on_the_patient_and_the_care_team():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path, method in (
        ("/api/v1/patients/{patient_id}/", "patch"),
        ("/api/v1/patients/{patient_id}/", "put"),
        ("/api/v1/patients/{patient_id}/care-team/", "post"),
        ("/api/v1/patients/{patient_id}/care-team/{member_id}/end/", "post"),
    ):
        operation = paths[path][method]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert "If-Match" in headers, (path, method)
        assert "412" in operation["responses"], (path, method)


def test_a_status_change_with_a_stale_tag_is_412(team_clinician, second_clinician, patient):
    first, second = as_user(team_clinician), as_user(second_clinician)
    tag = second.get(detail(patient))["ETag"]
    first.patch(detail(patient), {"preferred_name": "Jo"}, format="json")

    stale = second.post(
        detail(patient) + "status/", {"status": "discharged"}, format="json", HTTP_IF_MATCH=tag
    )

    assert stale.status_code == 412
    patient.refresh_from_db()
    assert patient.status == "active"
