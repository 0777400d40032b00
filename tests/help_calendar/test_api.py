"""/api/v1/patients/{patient_id}/help-tasks/: series fields on create and list; coverage; a
supporter's claim of one occasion; give back and swap. Field errors are 400s; outside the
consent or the clinic, 404."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User
from audit.models import Action, AuditEvent
from networks.help_calendar import claim_slot
from networks.models import HelpSlotClaim, HelpTask
from notifications.models import Kind, Notification
from tests.factories import member
from tests.help_calendar.conftest import grant, helper

pytestmark = pytest.mark.django_db

TUESDAY = "2027-03-09"


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(patient_id: int, part: str = "") -> str:
    return f"/api/v1/patients/{patient_id}/help-tasks/{part}"


def test_the_person_creates_a_series_and_reads_it_back(person, patient):
    body = {
        "kind": "ride",
        "title": "Ride to group",
        "due_on": TUESDAY,
        "repeat": "weekly",
        "weekdays": [1, 3],
        "repeat_count": 8,
        "starts_at": "17:00",
        "ends_at": "18:00",
        "people_needed": 2,
    }
    response = as_user(person).post(url(patient.pk), body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert {k: data[k] for k in body} == body
    listed = as_user(person).get(url(patient.pk)).json()["results"][0]
    assert (listed["repeat"], listed["weekdays"], listed["people_needed"]) == ("weekly", [1, 3], 2)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"repeat": "weekly", "due_on": TUESDAY}, "weekdays"),
        ({"repeat": "weekly", "due_on": TUESDAY, "weekdays": [7]}, "weekdays"),
        ({"repeat": "daily"}, "due_on"),
        ({"people_needed": 11}, "people_needed"),
        ({"people_needed": 0}, "people_needed"),
        ({"starts_at": "18:00", "ends_at": "17:00"}, "ends_at"),
        ({"ends_at": "17:00"}, "starts_at"),
        ({"repeat": "sometimes"}, "repeat"),
        ({"repeat": "daily", "due_on": TUESDAY, "repeat_count": 0}, "repeat_count"),
        (
            {"repeat": "daily", "due_on": TUESDAY, "repeat_count": 3, "repeat_until": "2027-04-01"},
            "repeat_count",
        ),
    ],
)
def test_a_bad_series_is_a_400_naming_the_field(person, patient, fields, field):
    response = as_user(person).post(
        url(patient.pk), {"kind": "ride", "title": "Ride", **fields}, format="json"
    )
    assert response.status_code == 400
    assert field in str(response.json()), response.json()
    assert not HelpTask.objects.exists()


def test_coverage_for_the_care_team(team_clinician, ride, shared, supporter):
    claim_slot(task=ride, day=date(2027, 3, 9), contact=shared, actor=supporter)

    response = as_user(team_clinician).get(url(ride.patient_id, "coverage/"))

    assert response.status_code == 200
    rows = response.json()
    assert [(r["day"], r["gap"]) for r in rows] == [
        ("2027-03-09", 1),
        ("2027-03-11", 2),
        ("2027-03-16", 2),
        ("2027-03-18", 2),
    ]
    assert rows[0]["claims"][0]["first_name"] == "Pat"
    assert rows[0]["starts_at"] == "17:00" and rows[0]["people_needed"] == 2
    assert AuditEvent.objects.filter(action=Action.VIEW, details__api="help-coverage").exists()


def test_coverage_takes_a_range(person, ride):
    response = as_user(person).get(url(ride.patient_id, "coverage/?from=2027-03-16&to=2027-03-31"))
    assert [r["day"] for r in response.json()] == [
        "2027-03-16",
        "2027-03-18",
        "2027-03-23",
        "2027-03-25",
    ]


@pytest.mark.parametrize(
    "query",
    ["?from=tuesday", "?from=2027-03-20&to=2027-03-10", "?from=2027-01-01&to=2027-12-31", "?x=1"],
)
def test_a_bad_range_is_a_400(person, ride, query):
    assert as_user(person).get(url(ride.patient_id, "coverage/" + query)).status_code == 400


def test_a_supporter_sees_coverage_only_with_the_consent(supporter, contact, ride, person):
    assert as_user(supporter).get(url(ride.patient_id, "coverage/")).status_code == 404
    grant(contact, person, ["help_tasks"])
    response = as_user(supporter).get(url(ride.patient_id, "coverage/"))
    assert response.status_code == 200 and len(response.json()) == 4


def test_another_clinic_gets_404(other_clinic, ride):
    outsider = member(Role.CLINICIAN, other_clinic)
    assert as_user(outsider).get(url(ride.patient_id, "coverage/")).status_code == 404


def claim_url(task: HelpTask, day: str = TUESDAY) -> str:
    return url(task.patient_id, f"{task.pk}/occasions/{day}/claim/")


def test_a_supporter_takes_an_occasion(supporter, shared, ride):
    response = as_user(supporter).post(claim_url(ride), format="json")

    assert response.status_code == 201, response.json()
    claim = HelpSlotClaim.objects.get()
    assert response.json()["id"] == claim.pk and claim.contact_id == shared.pk


def test_taking_without_the_consent_is_404(supporter, contact, ride):
    assert as_user(supporter).post(claim_url(ride), format="json").status_code == 404
    assert not HelpSlotClaim.objects.exists()


@pytest.mark.parametrize("day", ["2027-03-10", "2027-02-30", "not-a-day"])
def test_a_day_that_is_not_an_occasion_is_a_400(supporter, shared, ride, day):
    response = as_user(supporter).post(claim_url(ride, day), format="json")
    assert response.status_code == 400
    assert "day" in response.json().get("errors", response.json()) or "day" in str(response.json())


def test_staff_do_not_take_occasions(team_clinician, ride):
    assert as_user(team_clinician).post(claim_url(ride), format="json").status_code == 403


def test_another_patients_task_is_404(supporter, shared, clinic, person):
    from networks.services import help_task_create
    from tests.factories import PatientFactory

    other = PatientFactory(clinic=clinic)
    task = help_task_create(
        patient=other, actor=person, kind="meal", title="Dinner", due_on=date(2027, 3, 9)
    )
    response = as_user(supporter).post(
        url(shared.patient_id, f"{task.pk}/occasions/{TUESDAY}/claim/"), format="json"
    )
    assert response.status_code == 404


def test_the_supporter_gives_back_and_the_patient_is_told(supporter, shared, ride, person):
    claim = claim_slot(task=ride, day=date(2027, 3, 9), contact=shared, actor=supporter)

    response = as_user(supporter).post(
        url(ride.patient_id, f"slot-claims/{claim.pk}/give-back/"), format="json"
    )

    assert response.status_code == 200 and response.json()["given_back_at"]
    assert Notification.objects.filter(kind=Kind.HELP_SLOT_CHANGED, recipient_user=person).exists()


def test_someone_elses_claim_is_404_for_a_supporter(supporter, shared, sam, ride):
    theirs = claim_slot(task=ride, day=date(2027, 3, 9), contact=sam, actor=None)
    response = as_user(supporter).post(
        url(ride.patient_id, f"slot-claims/{theirs.pk}/give-back/"), format="json"
    )
    assert response.status_code == 404


def test_the_care_team_gives_back_for_a_supporter_and_admins_only_read(
    team_clinician, clinic_admin, shared, ride, supporter
):
    claim = claim_slot(task=ride, day=date(2027, 3, 9), contact=shared, actor=supporter)
    give_back = url(ride.patient_id, f"slot-claims/{claim.pk}/give-back/")
    assert as_user(clinic_admin).post(give_back, format="json").status_code == 403
    assert as_user(team_clinician).post(give_back, format="json").status_code == 200


def test_swap_by_the_api(supporter, shared, sam, ride):
    claim = claim_slot(task=ride, day=date(2027, 3, 9), contact=shared, actor=supporter)
    swap = url(ride.patient_id, f"slot-claims/{claim.pk}/swap/")

    response = as_user(supporter).post(swap, {"to_contact_id": sam.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert HelpSlotClaim.objects.get(pk=response.json()["id"]).contact_id == sam.pk


@pytest.mark.parametrize("body", [{}, {"to_contact_id": "sam"}, {"to_contact_id": 987654}])
def test_a_bad_swap_is_a_400(supporter, shared, ride, body):
    claim = claim_slot(task=ride, day=date(2027, 3, 9), contact=shared, actor=supporter)
    response = as_user(supporter).post(
        url(ride.patient_id, f"slot-claims/{claim.pk}/swap/"), body, format="json"
    )
    assert response.status_code == 400
    assert "to_contact_id" in str(response.json())


def test_swap_to_someone_without_the_consent_is_a_400(supporter, shared, ride, patient, person):
    outsider = helper(patient, person, "Lee Tanaka")
    claim = claim_slot(task=ride, day=date(2027, 3, 9), contact=shared, actor=supporter)
    response = as_user(supporter).post(
        url(ride.patient_id, f"slot-claims/{claim.pk}/swap/"),
        {"to_contact_id": outsider.pk},
        format="json",
    )
    assert response.status_code == 400 and "to_contact_id" in str(response.json())
