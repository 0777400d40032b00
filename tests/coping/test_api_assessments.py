"""/api/v1/patients/{patient_id}/assessments/: published scoring, bands, flags and the alerts."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.models import User
from coping.models import Assessment
from coping.services import assessment_submit
from patients.models import Alert, AlertKind, Patient

pytestmark = pytest.mark.django_db


def names(body: dict, field: str) -> bool:
    """The error body names the field, or a place inside it (`answers.3`)."""
    return any(key == field or key.startswith(f"{field}.") for key in body)


NEW_YORK = ZoneInfo("America/New_York")
PHQ9_EXAMPLE = [0, 1, 2, 3, 0, 1, 2, 3, 1]


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/assessments/"


@time_machine.travel(datetime(2026, 3, 3, 23, 30, tzinfo=NEW_YORK), tick=False)
def test_the_phq9_contract_example_scores_13_moderate_with_the_self_harm_flag(person, patient):
    response = as_user(person).post(
        url(patient), {"instrument": "phq9", "answers": PHQ9_EXAMPLE}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "instrument",
        "answers",
        "total",
        "band",
        "flags",
        "local_date",
        "on_behalf",
        "created_at",
    }
    assert (body["instrument"], body["answers"]) == ("phq9", PHQ9_EXAMPLE)
    assert (body["total"], body["band"], body["flags"]) == (13, "moderate", ["self_harm"])
    assert type(body["total"]) is int
    assert body["local_date"] == "2026-03-03"  # the patient's day, though 4 March in UTC
    assert body["on_behalf"] is False


def test_a_self_harm_answer_raises_one_high_alert(person, patient, team_clinician):
    as_user(person).post(
        url(patient), {"instrument": "phq9", "answers": PHQ9_EXAMPLE}, format="json"
    )

    alert = Alert.objects.get(patient=patient, kind=AlertKind.SELF_HARM)
    assert alert.severity == "high"
    assert alert.owner == team_clinician  # the primary counselor


def test_brs_total_is_the_mean_with_two_decimals(team_clinician, patient):
    # Items 2, 4 and 6 are reversed: 4, 4, 3, 3, 4, 4 -> 22 / 6 = 3.67.
    response = as_user(team_clinician).post(
        url(patient), {"instrument": "brs", "answers": [4, 2, 3, 3, 4, 2]}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["total"], body["band"], body["flags"]) == (3.67, "normal", [])
    assert body["on_behalf"] is True
    assert Assessment.objects.get().total == Decimal("3.67")


def test_the_list_is_newest_first_and_filters_by_instrument(person, patient):
    for instrument, answers in (
        ("phq9", [0] * 9),
        ("gad7", [1] * 7),
        ("phq9", [1] * 8 + [0]),
    ):
        assessment_submit(patient=patient, instrument=instrument, answers=answers, actor=person)
    api = as_user(person)

    everything = api.get(url(patient)).json()
    phq9 = api.get(url(patient), {"instrument": "phq9"}).json()

    assert [row["instrument"] for row in everything["results"]] == ["phq9", "gad7", "phq9"]
    assert [row["total"] for row in phq9["results"]] == [8, 0]
    assert api.get(url(patient), {"instrument": "phq10"}).status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instrument": "phq10", "answers": [0] * 9}, "instrument"),
        ({"answers": [0] * 9}, "instrument"),
        ({"instrument": "phq9"}, "answers"),
        ({"instrument": "phq9", "answers": "0,1,2,3,0,1,2,3,1"}, "answers"),
        ({"instrument": "phq9", "answers": {"1": 0}}, "answers"),
        ({"instrument": "phq9", "answers": None}, "answers"),
        ({"instrument": "phq9", "answers": [True] * 9}, "answers"),
        ({"instrument": "phq9", "answers": [1.5] * 9}, "answers"),
        ({"instrument": "phq9", "answers": ["often"] * 9}, "answers"),
        ({"instrument": "phq9", "answers": [0] * 8}, "answers"),
        ({"instrument": "phq9", "answers": [0] * 10}, "answers"),
        ({"instrument": "phq9", "answers": [0] * 8 + [4]}, "answers"),
        ({"instrument": "brs", "answers": [0] * 6}, "answers"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(person, patient, body, field):
    response = as_user(person).post(url(patient), body, format="json")

    assert response.status_code == 400
    assert names(response.json(), field)
    assert not Assessment.objects.exists()
    assert not Alert.objects.exists()


def test_a_wrong_number_of_answers_says_how_many_items_there_are(person, patient):
    response = as_user(person).post(
        url(patient), {"instrument": "phq9", "answers": [0] * 8}, format="json"
    )

    assert response.json()["answers"] == ["PHQ-9 has 9 items; got 8 answers."]


@pytest.mark.parametrize("raw", ['{"instrument": "phq9", "answers": [0,', "[0, 1]"], ids=str)
def test_malformed_json_is_a_400_and_saves_nothing(person, patient, raw):
    response = as_user(person).post(url(patient), raw, content_type="application/json")

    assert response.status_code == 400
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("rows", [5, 60])
def test_the_list_keeps_a_constant_number_of_queries(
    team_clinician, patient, rows, django_assert_max_num_queries
):
    Assessment.objects.bulk_create(
        Assessment(
            patient=patient,
            instrument=("brs", "gad7")[n % 2],
            answers=[3] * 6,
            total=Decimal("3.00"),
            band="normal",
            local_date=date(2026, 3, 1),
        )
        for n in range(rows)
    )
    api = as_user(team_clinician)

    # memberships, patient (care-team check inside), count, page of rows, audit insert.
    with django_assert_max_num_queries(5):
        response = api.get(url(patient), {"page_size": 100})

    assert len(response.json()["results"]) == rows
