"""Optimistic concurrency on the coping plan: GET answers an ETag; a save (PUT, POST, PATCH)
or a restore with a stale If-Match is a 412 and saves nothing; without If-Match, or with `*`,
it is accepted. The plan row is locked while the tag is checked, so two writers queue up."""

import json
import threading

import pytest
from django.db import connection, connections, transaction

from coping.models import CopingPlan, CopingPlanVersion
from coping.plan import empty_plan
from coping.services import plan_save
from tests.api_coping.conftest import as_user, url

pytestmark = pytest.mark.django_db

WALK = {"category": "physical_activity", "text": "Walk after dinner"}
CALL = {"category": "healthy_relationships", "text": "Call my sponsor"}


def plan_with(**sections: object) -> dict:
    return {**empty_plan(), **sections}


def texts(version: CopingPlanVersion) -> list[str]:
    return [item["text"] for item in version.content["strategies"]]


@pytest.fixture
def version_1(patient, team_clinician) -> CopingPlanVersion:
    return plan_save(patient=patient, content=plan_with(strategies=[WALK]), actor=team_clinician)


def test_get_answers_an_etag_that_changes_with_each_save(patient, team_clinician, version_1):
    api = as_user(team_clinician)

    first = api.get(url(patient, "coping-plan/"))
    saved = api.put(url(patient, "coping-plan/"), {"content": empty_plan()}, format="json")
    second = api.get(url(patient, "coping-plan/"))

    assert first["ETag"].startswith('"') and first["ETag"] != second["ETag"]
    assert saved["ETag"] == second["ETag"]


def test_two_clinicians_read_then_both_save_the_second_gets_412_and_the_first_plan_stays(
    patient, team_clinician, person, version_1
):
    clinician, own = as_user(team_clinician), as_user(person)
    tag = clinician.get(url(patient, "coping-plan/"))["ETag"]
    assert own.get(url(patient, "coping-plan/"))["ETag"] == tag

    first = clinician.put(
        url(patient, "coping-plan/"),
        {"content": plan_with(strategies=[WALK, CALL]), "change_summary": "Add a call"},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    second = own.put(
        url(patient, "coping-plan/"),
        {"content": plan_with(strategies=[]), "change_summary": "Start over"},
        format="json",
        HTTP_IF_MATCH=tag,
    )

    assert first.status_code == 201
    assert second.status_code == 412 and set(second.json()) == {"detail"}
    latest = CopingPlanVersion.objects.order_by("-number").first()
    assert latest.number == 2 and texts(latest) == ["Walk after dinner", "Call my sponsor"]


@pytest.mark.parametrize("method", ["put", "post", "patch"])
def test_a_stale_tag_saves_nothing_whatever_the_method(patient, team_clinician, version_1, method):
    api = as_user(team_clinician)
    stale = api.get(url(patient, "coping-plan/"))["ETag"]
    plan_save(patient=patient, content=empty_plan(), actor=team_clinician)

    response = getattr(api, method)(
        url(patient, "coping-plan/"),
        {"content": {"strategies": [CALL]}},
        format="json",
        HTTP_IF_MATCH=stale,
    )

    assert response.status_code == 412
    assert CopingPlanVersion.objects.count() == 2


def test_without_if_match_or_with_a_star_the_save_is_accepted(patient, team_clinician, version_1):
    api = as_user(team_clinician)

    plain = api.put(url(patient, "coping-plan/"), {"content": empty_plan()}, format="json")
    star = api.put(
        url(patient, "coping-plan/"), {"content": empty_plan()}, format="json", HTTP_IF_MATCH="*"
    )
    weak = api.put(
        url(patient, "coping-plan/"),
        {"content": empty_plan()},
        format="json",
        HTTP_IF_MATCH="W/" + star["ETag"],
    )

    assert (plain.status_code, star.status_code, weak.status_code) == (201, 201, 201)
    assert CopingPlanVersion.objects.count() == 4


def test_a_rejected_first_save_leaves_no_plan_behind(patient, team_clinician):
    response = as_user(team_clinician).put(
        url(patient, "coping-plan/"),
        {"content": empty_plan()},
        format="json",
        HTTP_IF_MATCH='"not-the-tag"',
    )

    assert response.status_code == 412
    assert not CopingPlan.objects.exists()


def test_the_empty_plans_tag_lets_the_first_save_through(patient, team_clinician):
    api = as_user(team_clinician)
    tag = api.get(url(patient, "coping-plan/"))["ETag"]

    response = api.put(
        url(patient, "coping-plan/"), {"content": empty_plan()}, format="json", HTTP_IF_MATCH=tag
    )

    assert response.status_code == 201 and response.json()["version"] == 1


def test_patch_replaces_only_the_sections_it_sends(patient, team_clinician, version_1):
    api = as_user(team_clinician)
    tag = api.get(url(patient, "coping-plan/"))["ETag"]

    response = api.patch(
        url(patient, "coping-plan/"),
        {"content": {"reasons": [{"text": "My daughter"}]}, "change_summary": "A reason"},
        format="json",
        HTTP_IF_MATCH=tag,
    )

    assert response.status_code == 201
    latest = CopingPlanVersion.objects.order_by("-number").first()
    assert texts(latest) == ["Walk after dinner"]  # kept, with its id
    assert latest.content["strategies"][0]["id"] == version_1.content["strategies"][0]["id"]
    assert [r["text"] for r in latest.content["reasons"]] == ["My daughter"]
    assert latest.change_summary == "A reason"


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ({"colour": []}, "content"),
        ({}, "content"),
        ({"strategies": "walk"}, "content.strategies"),
        ({"strategies": [{"category": "nope", "text": "Walk"}]}, "content.strategies"),
    ],
)
def test_a_bad_patch_is_a_400_naming_the_section(
    patient, team_clinician, version_1, content, field
):
    response = as_user(team_clinician).patch(
        url(patient, "coping-plan/"), {"content": content}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert CopingPlanVersion.objects.count() == 1


def test_restore_keeps_if_match_too(patient, team_clinician, person, version_1):
    api = as_user(team_clinician)
    plan_save(patient=patient, content=empty_plan(), actor=team_clinician)
    tag = api.get(url(patient, "coping-plan/"))["ETag"]
    as_user(person).put(url(patient, "coping-plan/"), {"content": empty_plan()}, format="json")

    stale = api.post(url(patient, "coping-plan/versions/1/restore/"), HTTP_IF_MATCH=tag)
    fresh_tag = api.get(url(patient, "coping-plan/"))["ETag"]
    fresh = api.post(url(patient, "coping-plan/versions/1/restore/"), HTTP_IF_MATCH=fresh_tag)

    assert stale.status_code == 412
    assert fresh.status_code == 201
    body = fresh.json()
    assert (body["version"], body["restored_from"]) == (4, 1)
    assert fresh["ETag"] == api.get(url(patient, "coping-plan/"))["ETag"]
    assert texts(CopingPlanVersion.objects.get(number=4)) == ["Walk after dinner"]


# --- Two writers at the same moment, on two connections ---------------------------------------


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction the statistics views keep their first snapshot: take a new one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_writers_with_the_same_tag_at_once_one_saves_one_gets_412(
    patient, team_clinician, person
):
    """Two PUTs on two connections at once, both with the tag of version 1."""
    plan_save(patient=patient, content=plan_with(strategies=[WALK]), actor=team_clinician)
    tag = as_user(team_clinician).get(url(patient, "coping-plan/"))["ETag"]
    answers: dict[str, int] = {}

    def write(name: str, user, strategies: list) -> None:
        try:
            response = as_user(user).put(
                url(patient, "coping-plan/"),
                json.dumps({"content": plan_with(strategies=strategies)}),
                content_type="application/json",
                HTTP_IF_MATCH=tag,
            )
            answers[name] = response.status_code
        finally:
            connections.close_all()

    # Hold the plan's row, start both writers (each on its own connection), and let go only
    # when both wait on the lock: both hold the same tag and neither has checked it yet.
    with transaction.atomic():
        CopingPlan.objects.select_for_update().get(patient=patient)
        writers = [
            threading.Thread(target=write, args=("clinician", team_clinician, [WALK, CALL])),
            threading.Thread(target=write, args=("person", person, [])),
        ]
        for thread in writers:
            thread.start()
        both_waited = False
        for _attempt in range(1200):  # up to a minute on a busy machine
            both_waited = waiting_on_a_lock() >= 2
            if both_waited or answers:
                break
            threading.Event().wait(0.05)
    for thread in writers:
        thread.join(timeout=60)

    assert both_waited and not any(thread.is_alive() for thread in writers)
    assert sorted(answers.values()) == [201, 412]
    assert CopingPlanVersion.objects.count() == 2  # one save on top of version 1
    winner = next(name for name, code in answers.items() if code == 201)
    latest = CopingPlanVersion.objects.get(number=2)
    assert latest.author == (team_clinician if winner == "clinician" else person)
