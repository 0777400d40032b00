"""/api/v1/me/milestones/ and /api/v1/me/use-cost/: the milestones page's twins, the person in
recovery's own; 400 with field errors for bad input, never a 500."""

from datetime import timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from audit.models import Action, AuditEvent
from coping.badges import BADGE_KINDS
from coping.models import UseCost
from tests.factories import UseCostFactory
from tests.milestones.conftest import TODAY, checkins_on, days_back

pytestmark = pytest.mark.django_db

MILESTONES = "/api/v1/me/milestones/"
USE_COST = "/api/v1/me/use-cost/"


def as_user(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_person_reads_the_countdown_and_badges(frozen, patient, person):
    patient.recovery_start = TODAY - timedelta(days=25)
    patient.save()
    checkins_on(patient, days_back(8, 0))

    response = as_user(person).get(MILESTONES)

    assert response.status_code == 200
    body = response.json()
    assert body["today"] == "2026-12-05"
    assert (
        body["countdown"].items()
        >= {
            "key": "30d",
            "days_left": 5,
            "when": "in 5 days",
            "done_days": 18,
            "total_days": 23,
            "after_setback": False,
        }.items()
    )
    earned = {badge["key"]: badge for badge in body["earned"]}
    assert earned["streak-7"]["earned_on"] == "2026-12-03"
    assert body["best_streak"] == 9
    assert {badge["kind"] for badge in body["earned"] + body["ahead"]} <= BADGE_KINDS
    assert AuditEvent.objects.filter(
        patient=patient, action=Action.VIEW, details__api="milestones"
    ).exists()


def test_the_person_saves_reads_and_clears_the_use_cost(frozen, patient, person):
    patient.recovery_start = TODAY - timedelta(days=14)
    patient.save()
    api = as_user(person)
    assert api.get(USE_COST).json() == {"entered": False, "use_cost": None, "regained": None}

    saved = api.put(
        USE_COST, {"amount_per_week": 52.5, "hours_per_week": 9, "currency": "EUR"}, format="json"
    )

    assert saved.status_code == 200
    body = saved.json()
    assert body["entered"] is True
    assert body["use_cost"]["amount_per_week"] == 52.5 and body["use_cost"]["currency"] == "EUR"
    assert (
        body["regained"].items()
        >= {"days": 14, "money": 105, "hours": 18, "currency": "EUR"}.items()
    )
    assert body["regained"]["sentence"] == "about €105 and 18 hours back for you"
    assert api.get(USE_COST).json()["regained"]["money"] == 105

    assert api.delete(USE_COST).status_code == 204
    assert not UseCost.objects.exists()
    assert api.delete(USE_COST).status_code == 204  # nothing left to clear is not an error


def test_a_put_without_a_currency_takes_the_clinics(patient, person):
    response = as_user(person).put(USE_COST, {"hours_per_week": 4}, format="json")
    assert response.status_code == 200
    assert UseCost.objects.get().currency == "USD"
    assert UseCost.objects.get().amount_per_week is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"amount_per_week": -1}, {"amount_per_week"}),
        ({"amount_per_week": "12"}, {"amount_per_week"}),  # a string, not a number
        ({"amount_per_week": True}, {"amount_per_week"}),
        ({"amount_per_week": 10**9}, {"amount_per_week"}),
        ({"hours_per_week": 169}, {"hours_per_week"}),
        ({"hours_per_week": 1.25}, {"hours_per_week"}),
        ({"amount_per_week": 5, "currency": "BTC"}, {"currency"}),
        ({}, {"amount_per_week"}),
        ({"amount_per_week": None, "hours_per_week": None}, {"amount_per_week"}),
    ],
)
def test_bad_input_is_a_400_naming_the_fields_and_saves_nothing(patient, person, body, fields):
    response = as_user(person).put(USE_COST, body, format="json")

    assert response.status_code == 400
    assert fields <= set(response.json())
    assert not UseCost.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(patient, person):
    response = as_user(person).put(USE_COST, [1, 2], format="json")
    assert response.status_code == 400


def test_the_writes_are_audited_without_the_figures(patient, person):
    api = as_user(person)
    api.put(USE_COST, {"amount_per_week": 77.77}, format="json")
    api.put(USE_COST, {"amount_per_week": 88.88}, format="json")
    api.delete(USE_COST)

    events = AuditEvent.objects.filter(patient=patient, object_type="coping.UseCost").order_by("pk")
    assert [e.action for e in events] == [Action.CREATE, Action.UPDATE, Action.DELETE]
    assert not any("77" in str(e.details) or "88" in str(e.details) for e in events)


def test_the_read_costs_the_same_queries_whatever_the_history(
    frozen, patient, person, django_assert_max_num_queries
):
    UseCostFactory(patient=patient, amount_per_week=Decimal("10"))
    checkins_on(patient, days_back(250, 0))
    api = as_user(person)
    api.get(MILESTONES)
    # membership, patient, the four reads of the badges, the audit event (and its savepoint)
    with django_assert_max_num_queries(10):
        assert api.get(MILESTONES).status_code == 200
