"""A patient's trends (the check-ins page) and how often each questionnaire is due (the
schedule form): the person and their care team read; the care team sets the schedule."""

import pytest

from audit.models import Action, AuditEvent
from coping.models import AssessmentSchedule
from coping.services import assessment_submit
from tests.api_coping.conftest import add_checkins, as_user, queries_of, url

pytestmark = pytest.mark.django_db


def by_instrument(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    rows = response.json()
    rows = rows["schedule"] if isinstance(rows, dict) else rows
    return {row["instrument"]: row for row in rows}


def test_trends_cover_30_days_by_default_with_the_streak(frozen, patient, team_clinician):
    add_checkins(patient, 40)  # every day up to yesterday

    response = as_user(team_clinician).get(url(patient, "checkins/trends/"))

    body = response.json()
    assert response.status_code == 200
    assert (body["days"], body["streak"], body["checked_in_today"]) == (30, 40, False)
    assert len(body["series"]) == 29  # the 30 days up to today; today's is still to come
    assert body["series"][0]["date"] == "2026-02-03"
    assert AuditEvent.objects.filter(
        action=Action.VIEW, patient_id=patient.pk, details__api="checkin-trends"
    ).exists()


def test_trends_give_each_questionnaires_scores(frozen, patient, person):
    assessment_submit(patient=patient, instrument="gad7", answers=[2] * 7, actor=person)

    body = as_user(person).get(url(patient, "checkins/trends/?days=90")).json()

    assert body["assessments"] == {
        "gad7": [
            {"date": "2026-03-04", "total": 14.0, "band": "moderate", "band_label": "Moderate"}
        ]
    }
    assert by_instrument_rows(body)["gad7"]["last"] == "2026-03-04"
    assert by_instrument_rows(body)["gad7"]["next_due"] == "2026-03-18"


def by_instrument_rows(body: dict) -> dict[str, dict]:
    return {row["instrument"]: row for row in body["schedule"]}


def test_trends_queries_do_not_grow(frozen, patient, team_clinician, person):
    api = as_user(team_clinician)
    add_checkins(patient, 3)
    few = queries_of(lambda: api.get(url(patient, "checkins/trends/?days=90")))
    add_checkins(patient, 80, start=3)
    for _n in range(5):
        assessment_submit(patient=patient, instrument="brs", answers=[3] * 6, actor=person)
    many = queries_of(lambda: api.get(url(patient, "checkins/trends/?days=90")))

    assert few == many


def test_the_schedule_shows_defaults_until_the_care_team_sets_one(frozen, patient, person):
    rows = by_instrument(as_user(person).get(url(patient, "schedule/")))

    assert (rows["phq9"]["interval_days"], rows["brs"]["interval_days"]) == (14, 30)
    assert not rows["phq9"]["custom"] and rows["phq9"]["due_today"]  # never taken: due now


def test_the_care_team_sets_an_interval_and_turns_one_off(frozen, patient, team_clinician):
    api = as_user(team_clinician)

    every_week = api.put(
        url(patient, "schedule/"), {"instrument": "phq9", "interval_days": 7}, format="json"
    )
    off = api.put(
        url(patient, "schedule/"),
        {"instrument": "brs", "interval_days": 30, "is_active": False},
        format="json",
    )

    assert every_week.status_code == off.status_code == 200
    rows = by_instrument(off)
    assert (rows["phq9"]["interval_days"], rows["phq9"]["custom"]) == (7, True)
    assert (rows["brs"]["is_active"], rows["brs"]["next_due"]) == (False, None)
    assert AssessmentSchedule.objects.get(patient=patient, instrument="phq9").interval_days == 7
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, patient_id=patient.pk, details__instrument="brs"
    ).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instrument": "phq9", "interval_days": 0}, "interval_days"),
        ({"instrument": "phq9", "interval_days": 366}, "interval_days"),
        ({"instrument": "phq10", "interval_days": 7}, "instrument"),
        ({"interval_days": 7}, "instrument"),
        ({"instrument": "phq9", "interval_days": "7"}, "interval_days"),
    ],
)
def test_a_bad_schedule_is_a_400_naming_the_field(patient, team_clinician, body, field):
    response = as_user(team_clinician).put(url(patient, "schedule/"), body, format="json")

    assert response.status_code == 400 and field in response.json()
    assert not AssessmentSchedule.objects.exists()


def test_the_person_and_the_clinic_admin_read_the_schedule_but_do_not_set_it(
    patient, person, clinic_admin
):
    body = {"instrument": "phq9", "interval_days": 7}
    for user in (person, clinic_admin):
        api = as_user(user)
        assert api.get(url(patient, "schedule/")).status_code == 200
        assert api.put(url(patient, "schedule/"), body, format="json").status_code == 403
    assert not AssessmentSchedule.objects.exists()


@pytest.mark.parametrize("part", ["checkins/trends/", "schedule/"])
def test_others_get_404(patient, off_team, supporter, stranger, part):
    for user in (off_team, supporter, stranger):
        api = as_user(user)
        assert api.get(url(patient, part)).status_code == 404
        assert api.put(url(patient, part), {}, format="json").status_code in (404, 405)
