"""/api/v1/patients/{patient_id}/checkins/: one check-in per day in the patient's own time zone."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.models import User
from audit.models import AuditEvent
from coping.models import CheckIn, CopingPlanVersion
from coping.plan import empty_plan
from coping.services import checkin_submit, plan_save
from patients.models import Alert, AlertKind, Patient

pytestmark = pytest.mark.django_db


def names(body: dict, field: str) -> bool:
    """The error body names the field, or a place inside it (`answers.3`)."""
    return any(key == field or key.startswith(f"{field}.") for key in body)


NEW_YORK = ZoneInfo("America/New_York")
FIELDS = {
    "id",
    "local_date",
    "mood",
    "craving",
    "stress",
    "sleep_hours",
    "used_since_last",
    "use_details",
    "strategies_used",
    "note",
    "on_behalf",
    "created_at",
    "updated_at",
}
VALID = {"mood": 6, "craving": 2, "stress": 3}


def as_user(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/checkins/"


@time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=NEW_YORK), tick=False)
def test_the_first_submission_creates_and_a_second_the_same_day_updates(person, patient):
    api = as_user(person)

    first = api.post(url(patient), {**VALID, "mood": 3, "sleep_hours": 6.5}, format="json")
    second = api.post(url(patient), {**VALID, "mood": 8, "note": "Better evening."}, format="json")

    assert first.status_code == 201
    assert second.status_code == 200
    assert set(second.json()) == FIELDS
    assert second.json()["id"] == first.json()["id"]
    assert (second.json()["mood"], second.json()["note"]) == (8, "Better evening.")
    assert second.json()["local_date"] == "2026-03-04"
    assert first.json()["sleep_hours"] == 6.5
    checkin = CheckIn.objects.get(patient=patient)
    assert (checkin.mood, checkin.sleep_hours) == (8, None)  # a submission replaces the day's


def test_the_day_turns_at_midnight_in_the_patients_zone_not_in_utc(person, patient):
    api = as_user(person)

    # 23:30 in New York is already 04:30 on 4 March in UTC.
    with time_machine.travel(datetime(2026, 3, 3, 23, 30, tzinfo=NEW_YORK), tick=False):
        late = api.post(url(patient), {**VALID, "mood": 4}, format="json")
    with time_machine.travel(datetime(2026, 3, 4, 0, 30, tzinfo=NEW_YORK), tick=False):
        early = api.post(url(patient), {**VALID, "mood": 7}, format="json")

    assert (late.status_code, late.json()["local_date"]) == (201, "2026-03-03")
    assert (early.status_code, early.json()["local_date"]) == (201, "2026-03-04")
    assert CheckIn.objects.filter(patient=patient).count() == 2


def test_a_clinician_entry_is_marked_on_behalf(team_clinician, patient):
    response = as_user(team_clinician).post(url(patient), VALID, format="json")

    assert response.status_code == 201
    assert response.json()["on_behalf"] is True


def test_the_list_is_newest_first(person, patient):
    for day in (2, 5, 3):
        checkin_submit(
            patient=patient, actor=person, at=datetime(2026, 3, day, 12, tzinfo=NEW_YORK), **VALID
        )

    response = as_user(person).get(url(patient))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [row["local_date"] for row in body["results"]] == [
        "2026-03-05",
        "2026-03-03",
        "2026-03-02",
    ]
    assert set(body["results"][0]) == FIELDS


def test_strategies_are_ticked_from_the_plan_and_kept_with_their_wording(person, patient):
    content = empty_plan()
    content["strategies"] = [{"category": "routine", "text": "Walk after dinner"}]
    version: CopingPlanVersion = plan_save(patient=patient, content=content, actor=person)
    walk = version.content["strategies"][0]["id"]

    response = as_user(person).post(
        url(patient), {**VALID, "strategies_used": [walk]}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["strategies_used"] == [{"id": walk, "text": "Walk after dinner"}]


def test_a_strategy_not_in_the_plan_is_refused(person, patient):
    response = as_user(person).post(
        url(patient), {**VALID, "strategies_used": ["0" * 32]}, format="json"
    )

    assert response.status_code == 400
    assert names(response.json(), "strategies_used")
    assert not CheckIn.objects.exists()


def test_reported_use_and_high_craving_raise_alerts(person, patient):
    body = {**VALID, "craving": 9, "used_since_last": True, "use_details": "Two beers"}

    response = as_user(person).post(url(patient), body, format="json")

    assert response.status_code == 201
    assert response.json()["use_details"] == "Two beers"
    kinds = sorted(Alert.objects.filter(patient=patient).values_list("kind", flat=True))
    assert kinds == sorted([AlertKind.HIGH_CRAVING, AlertKind.REPORTED_USE])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**VALID, "mood": "high"}, "mood"),
        ({**VALID, "mood": 11}, "mood"),
        ({**VALID, "craving": -1}, "craving"),
        ({**VALID, "stress": 2.5}, "stress"),
        ({**VALID, "stress": True}, "stress"),
        ({"craving": 2, "stress": 3}, "mood"),
        ({**VALID, "sleep_hours": "lots"}, "sleep_hours"),
        ({**VALID, "sleep_hours": 25}, "sleep_hours"),
        ({**VALID, "sleep_hours": "NaN"}, "sleep_hours"),
        ({**VALID, "used_since_last": "maybe"}, "used_since_last"),
        ({**VALID, "strategies_used": "walk"}, "strategies_used"),
        ({**VALID, "strategies_used": [{"id": 1}]}, "strategies_used"),
        ({**VALID, "use_details": "x" * 201}, "use_details"),
        ({**VALID, "note": "x" * 2001}, "note"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(person, patient, body, field):
    response = as_user(person).post(url(patient), body, format="json")

    assert response.status_code == 400
    assert names(response.json(), field)
    assert not CheckIn.objects.exists()
    assert not AuditEvent.objects.filter(object_type="coping.CheckIn").exists()


@pytest.mark.parametrize("raw", ['{"mood": 6, "craving":', "[6, 2, 3]", '"mood"', "null"], ids=str)
def test_malformed_json_is_a_400_and_saves_nothing(person, patient, raw):
    response = as_user(person).post(url(patient), raw, content_type="application/json")

    assert response.status_code == 400
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("rows", [5, 60])
def test_the_list_keeps_a_constant_number_of_queries(
    team_clinician, patient, rows, django_assert_max_num_queries
):
    first = date(2026, 1, 1)
    CheckIn.objects.bulk_create(
        CheckIn(
            patient=patient,
            local_date=first + timedelta(days=n),
            mood=5,
            craving=2,
            stress=3,
            sleep_hours=Decimal("7.0"),
            strategies_used=[{"id": "a" * 32, "text": "Walk"}],
        )
        for n in range(rows)
    )
    api = as_user(team_clinician)

    # memberships, patient (care-team check inside), count, page of rows, audit insert.
    with django_assert_max_num_queries(5):
        response = api.get(url(patient), {"page_size": 100})

    assert len(response.json()["results"]) == rows
