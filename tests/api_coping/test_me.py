"""/api/v1/me/...: the person in recovery's own check-ins, progress, reminder time,
questionnaires and coping plan, as on the my-recovery pages. Everyone else gets 404."""

from datetime import time

import pytest

from audit.models import Action, AuditEvent
from coping.models import Assessment, CheckIn, CopingPlanVersion
from coping.plan import empty_plan
from patients.models import AlertKind
from tests.api_coping.conftest import add_checkins, as_user, queries_of

pytestmark = pytest.mark.django_db

ME_ROUTES = (
    "/api/v1/me/checkins/",
    "/api/v1/me/progress/",
    "/api/v1/me/checkin-reminder/",
    "/api/v1/me/assessments/",
    "/api/v1/me/coping-plan/",
)


def test_the_person_records_todays_checkin_in_their_own_day(frozen, person, patient):
    api = as_user(person)

    first = api.post("/api/v1/me/checkins/", {"mood": 6, "craving": 8, "stress": 3}, format="json")
    again = api.post("/api/v1/me/checkins/", {"mood": 7, "craving": 2, "stress": 3}, format="json")

    assert first.status_code == 201 and again.status_code == 200
    checkin = CheckIn.objects.get(patient=patient)
    assert (checkin.mood, checkin.local_date.isoformat(), checkin.on_behalf) == (
        7,
        "2026-03-04",
        False,
    )
    # the same service as the page: a craving of 8 raised the care team's alert
    assert patient.alerts.filter(kind=AlertKind.HIGH_CRAVING).count() == 1
    listed = api.get("/api/v1/me/checkins/").json()
    assert [row["mood"] for row in listed["results"]] == [7]


def test_a_bad_checkin_is_a_400_naming_the_fields_and_saves_nothing(person, patient):
    response = as_user(person).post(
        "/api/v1/me/checkins/", {"mood": 11, "stress": 3}, format="json"
    )

    assert response.status_code == 400
    assert {"mood", "craving"} <= set(response.json())
    assert not CheckIn.objects.exists()


def test_the_reminder_time_is_read_and_set_and_audited(person, patient):
    api = as_user(person)

    before = api.get("/api/v1/me/checkin-reminder/")
    saved = api.put(
        "/api/v1/me/checkin-reminder/", {"checkin_reminder_time": "07:30"}, format="json"
    )

    assert before.status_code == 200 and before.json()["time_zone"] == "America/New_York"
    assert saved.status_code == 200 and saved.json()["checkin_reminder_time"] == "07:30"
    patient.refresh_from_db()
    assert patient.checkin_reminder_time == time(7, 30)
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, patient_id=patient.pk, details__fields=["checkin_reminder_time"]
    ).exists()


@pytest.mark.parametrize("value", ["25:00", "seven", ""])
def test_a_reminder_time_that_is_not_a_time_is_a_400(person, patient, value):
    response = as_user(person).put(
        "/api/v1/me/checkin-reminder/", {"checkin_reminder_time": value}, format="json"
    )

    assert response.status_code == 400
    assert "checkin_reminder_time" in response.json()


def test_progress_gives_the_series_streak_and_schedule_of_the_persons_days(frozen, person, patient):
    api = as_user(person)
    api.post("/api/v1/me/checkins/", {"mood": 6, "craving": 2, "stress": 3}, format="json")

    response = api.get("/api/v1/me/progress/?days=90")

    assert response.status_code == 200
    body = response.json()
    assert (body["days"], body["today"], body["streak"], body["checked_in_today"]) == (
        90,
        "2026-03-04",
        1,
        True,
    )
    assert body["series"] == [
        {"date": "2026-03-04", "mood": 6, "craving": 2, "stress": 3, "sleep": None, "use": False}
    ]
    assert {row["instrument"] for row in body["schedule"]} == {"phq9", "gad7", "brs", "barc10"}


def test_progress_takes_30_or_90_days_only(person, patient):
    response = as_user(person).get("/api/v1/me/progress/?days=45")

    assert response.status_code == 400 and "days" in response.json()


def test_the_person_saves_a_questionnaire_and_their_plan(person, patient):
    api = as_user(person)

    assessment = api.post(
        "/api/v1/me/assessments/",
        {"instrument": "gad7", "answers": [1, 1, 1, 1, 1, 1, 1]},
        format="json",
    )
    plan = api.put("/api/v1/me/coping-plan/", {"content": empty_plan()}, format="json")
    read = api.get("/api/v1/me/coping-plan/")

    assert assessment.status_code == 201 and Assessment.objects.get().total == 7
    assert plan.status_code == 201 and read.json()["version"] == 1
    assert read["ETag"] == plan["ETag"]
    assert CopingPlanVersion.objects.get().author == person


@pytest.mark.parametrize("route", ME_ROUTES)
def test_no_one_but_a_person_in_recovery_reaches_me_routes(
    route, patient, team_clinician, clinic_admin, supporter, stranger_person
):
    for user in (team_clinician, clinic_admin, supporter):
        assert as_user(user).get(route).status_code == 404, user
    # a person of another clinic reaches only their own record there
    theirs = as_user(stranger_person).get(route)
    assert theirs.status_code == 200
    assert "Jordan" not in theirs.content.decode()


def test_a_clinician_writing_to_me_routes_gets_404_whatever_the_body(patient, team_clinician):
    api = as_user(team_clinician)

    checkin = api.post("/api/v1/me/checkins/", {"mood": "bad"}, format="json")
    reminder = api.put("/api/v1/me/checkin-reminder/", {}, format="json")

    assert checkin.status_code == reminder.status_code == 404
    assert not CheckIn.objects.exists()


def test_reading_my_checkins_is_audited(person, patient):
    as_user(person).get("/api/v1/me/checkins/")

    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient_id=patient.pk, details__api="checkins"
    ).exists()


def test_my_checkins_list_queries_do_not_grow_with_the_rows(frozen, person, patient):
    api = as_user(person)
    add_checkins(patient, 5)
    few = queries_of(lambda: api.get("/api/v1/me/checkins/"))
    add_checkins(patient, 40, start=5)
    many = queries_of(lambda: api.get("/api/v1/me/checkins/"))

    assert few == many
