"""/api/v1/patients/{patient_id}/coping-plan/ and its versions: every save is a new version."""

import json

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from coping.models import CopingPlan, CopingPlanVersion
from coping.plan import empty_plan
from coping.services import plan_restore, plan_save
from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(patient: Patient, part: str = "") -> str:
    return f"/api/v1/patients/{patient.pk}/coping-plan/{part}"


def plan_with(**sections: object) -> dict:
    return {**empty_plan(), **sections}


WALK = {"category": "physical_activity", "text": "Walk after dinner", "shareable": True}
CALL = {"category": "healthy_relationships", "text": "Call my sponsor"}


def test_before_the_first_save_the_plan_is_empty_with_the_clinics_emergency_number(person, patient):
    patient.clinic.local_emergency_number = "112"
    patient.clinic.save()

    response = as_user(person).get(url(patient))

    assert response.status_code == 200
    body = response.json()
    assert body["version"] is None
    assert body["author_name"] is None
    assert body["content"] == empty_plan("112")
    assert not CopingPlan.objects.exists()  # reading does not create a plan


def test_put_saves_version_1_then_2_and_the_list_shows_both(team_clinician, person, patient):
    clinician, patient_api = as_user(team_clinician), as_user(person)

    first = clinician.put(
        url(patient),
        {"content": plan_with(strategies=[WALK]), "change_summary": "First plan"},
        format="json",
    )
    walk = first.json()["content"]["strategies"][0]
    second = patient_api.put(
        url(patient),
        {"content": plan_with(strategies=[walk, CALL]), "change_summary": "Added a call"},
        format="json",
    )

    assert (first.status_code, first.json()["version"]) == (201, 1)
    assert (second.status_code, second.json()["version"]) == (201, 2)
    assert second.json()["author_name"] == "Jordan Rivera"
    # An item keeps its id from one version to the next.
    assert second.json()["content"]["strategies"][0]["id"] == walk["id"]
    current = patient_api.get(url(patient)).json()
    assert current["version"] == 2
    assert [s["text"] for s in current["content"]["strategies"]] == [
        "Walk after dinner",
        "Call my sponsor",
    ]
    versions = patient_api.get(url(patient, "versions/")).json()["results"]
    assert [(v["number"], v["change_summary"], v["author_name"]) for v in versions] == [
        (2, "Added a call", "Jordan Rivera"),
        (1, "First plan", "Chris Alvarez"),
    ]
    assert set(versions[0]) == {
        "number",
        "change_summary",
        "author",
        "author_name",
        "created_at",
        "restored_from",
    }
    one = patient_api.get(url(patient, "versions/1/")).json()
    assert one["number"] == 1
    assert [s["text"] for s in one["content"]["strategies"]] == ["Walk after dinner"]


def test_post_saves_a_new_version_too(team_clinician, patient):
    response = as_user(team_clinician).post(url(patient), {"content": empty_plan()}, format="json")

    assert (response.status_code, response.json()["version"]) == (201, 1)
    assert response.json()["change_summary"] == ""


def test_a_restored_version_names_the_one_it_restored(team_clinician, patient):
    first = plan_save(patient=patient, content=plan_with(strategies=[WALK]), actor=team_clinician)
    plan_save(patient=patient, content=empty_plan(), actor=team_clinician)
    plan_restore(patient=patient, version=first, actor=team_clinician)
    api = as_user(team_clinician)

    versions = api.get(url(patient, "versions/")).json()["results"]
    current = api.get(url(patient)).json()

    assert [(v["number"], v["restored_from"]) for v in versions] == [(3, 1), (2, None), (1, None)]
    assert (current["version"], current["restored_from"]) == (3, 1)


def test_a_version_that_does_not_exist_is_404(team_clinician, patient, clinic):
    someone_else = PatientFactory(clinic=clinic)
    plan_save(patient=someone_else, content=empty_plan(), actor=team_clinician)
    api = as_user(team_clinician)

    assert api.get(url(patient, "versions/1/")).status_code == 404
    plan_save(patient=patient, content=empty_plan(), actor=team_clinician)
    assert api.get(url(patient, "versions/2/")).status_code == 404


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"content"}),
        ({"content": "my plan"}, {"content"}),
        ({"content": ["triggers"]}, {"content"}),
        ({"content": None}, {"content"}),
        ({"content": {"triggers": "people"}}, {"content": {"triggers"}}),
        (
            {"content": {"triggers": [{"category": "people", "intensity": 9}]}},
            {"content": {"triggers"}},
        ),
        ({"content": {"strategies": [{"category": "routine"}]}}, {"content": {"strategies"}}),
        (
            {"content": {"routine": [{"start": "25:00", "activity": "Run"}]}},
            {"content": {"routine"}},
        ),
        ({"content": {"crisis_plan": "call 988"}}, {"content": {"crisis_plan"}}),
        # Strict types inside the plan: nothing is coerced into text, a number or a flag.
        ({"content": {"strategies": [{**WALK, "text": 42}]}}, {"content": {"strategies"}}),
        ({"content": {"strategies": [{**WALK, "shareable": "yes"}]}}, {"content": {"strategies"}}),
        ({"content": {"strategies": [{**WALK, "strategy_id": "7"}]}}, {"content": {"strategies"}}),
        ({"content": {"people": [{"name": ["Sam"]}]}}, {"content": {"people"}}),
        ({"content": {"routine": [{"start": 730, "activity": "Run"}]}}, {"content": {"routine"}}),
        (
            {"content": {"crisis_plan": {"steps": [], "people": [], "include_988": 1}}},
            {"content": {"crisis_plan"}},
        ),
        (
            {"content": {"crisis_plan": {"steps": [988], "people": []}}},
            {"content": {"crisis_plan"}},
        ),
        ({"content": empty_plan(), "change_summary": "x" * 301}, {"change_summary"}),
        ({"content": empty_plan(), "change_summary": ["a"]}, {"change_summary"}),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(
    team_clinician, patient, body, errors
):
    response = as_user(team_clinician).put(url(patient), body, format="json")

    assert response.status_code == 400
    got = response.json()
    if isinstance(errors, dict):  # a section's errors are named by their path in "content"
        assert set(got) == {"detail", *(f"content.{section}" for section in errors["content"])}
    else:
        assert set(got) == {"detail", *errors}
    assert not CopingPlan.objects.exists()
    assert not CopingPlanVersion.objects.exists()


def test_malformed_json_and_form_encodings_are_refused(team_clinician, patient):
    api = as_user(team_clinician)

    broken = api.put(url(patient), '{"content": {"triggers": [', content_type="application/json")
    form = api.post(url(patient), {"content": json.dumps(empty_plan())}, format="multipart")

    assert broken.status_code == 400
    assert form.status_code == 415
    assert not CopingPlanVersion.objects.exists()


@pytest.mark.parametrize("rows", [5, 60])
def test_the_versions_list_keeps_a_constant_number_of_queries(
    team_clinician, person, patient, rows, django_assert_max_num_queries
):
    plan = CopingPlan.objects.create(patient=patient)
    versions = CopingPlanVersion.objects.bulk_create(
        CopingPlanVersion(
            plan=plan, number=n, content=empty_plan(), author=(team_clinician, person)[n % 2]
        )
        for n in range(1, rows + 1)
    )
    CopingPlanVersion.objects.filter(pk=versions[-1].pk).update(restored_from=versions[0])
    api = as_user(team_clinician)

    # memberships, patient (care-team check inside), count, page of rows with authors and
    # restored versions joined, audit insert.
    with django_assert_max_num_queries(5):
        response = api.get(url(patient, "versions/"), {"page_size": 100})

    assert len(response.json()["results"]) == rows
    assert response.json()["results"][0]["restored_from"] == 1
