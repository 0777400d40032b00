"""The help-task list's filters (django-filter): `status` and `kind`, a bad value a 400, the
same for a supporter, whose list stays what their consent allows."""

import pytest

from networks.services import help_task_claim, help_task_create, help_task_done
from tests.api_networks.conftest import as_user, grant

pytestmark = pytest.mark.django_db


def url(patient, query: str = "") -> str:
    return f"/api/v1/patients/{patient.pk}/help-tasks/{query}"


@pytest.fixture
def tasks(person, patient, contact):
    grant(contact, person, ["help_tasks"])
    meal = help_task_create(patient=patient, actor=person, kind="meal", title="Dinner")
    ride = help_task_create(patient=patient, actor=person, kind="ride", title="To group")
    done = help_task_create(patient=patient, actor=person, kind="ride", title="To clinic")
    help_task_done(task=done, actor=person)
    help_task_claim(task=ride, contact=contact)
    return {"meal": meal, "ride": ride, "done": done}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_the_care_team_filters_by_status_and_kind(team_clinician, patient, tasks):
    api = as_user(team_clinician)

    assert ids(api.get(url(patient, "?status=done"))) == [tasks["done"].pk]
    assert ids(api.get(url(patient, "?kind=ride"))) == sorted([tasks["ride"].pk, tasks["done"].pk])
    assert ids(api.get(url(patient, "?kind=ride&status=claimed"))) == [tasks["ride"].pk]
    assert ids(api.get(url(patient, "?status="))) == sorted(t.pk for t in tasks.values())


@pytest.mark.parametrize("query", ["?status=lost", "?kind=yacht", "?patient_id=1"])
def test_a_bad_filter_is_a_400_naming_it(team_clinician, patient, tasks, query):
    response = as_user(team_clinician).get(url(patient, query))

    assert response.status_code == 400
    assert query[1:].split("=")[0] in response.json()


def test_a_supporter_filters_within_what_they_may_see(supporter, patient, tasks):
    api = as_user(supporter)

    assert ids(api.get(url(patient))) == sorted([tasks["meal"].pk, tasks["ride"].pk])
    assert ids(api.get(url(patient, "?status=done"))) == []  # never what is over
    assert ids(api.get(url(patient, "?kind=ride"))) == [tasks["ride"].pk]
