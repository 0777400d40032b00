"""The rules of check-ins, assessments, alerts and plan versions, at the service level."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from coping.models import Assessment, CheckIn
from coping.plan import plan_diff
from coping.services import (
    assessment_submit,
    checkin_submit,
    current_version,
    plan_restore,
    plan_save,
)
from patients.models import Alert, AlertKind

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


def _checkin(patient, actor, at, **values):
    data = {"mood": 6, "craving": 2, "stress": 3} | values
    return checkin_submit(patient=patient, actor=actor, at=at, **data)


def test_one_checkin_per_local_day_around_midnight(patient, person):
    late = datetime(2026, 3, 3, 23, 30, tzinfo=NEW_YORK)  # 04:30 UTC on 4 March
    early = datetime(2026, 3, 4, 0, 30, tzinfo=NEW_YORK)

    first, created_first = _checkin(patient, person, late, mood=4)
    second, created_second = _checkin(patient, person, early, mood=7)

    assert created_first and created_second
    assert (first.local_date.isoformat(), second.local_date.isoformat()) == (
        "2026-03-03",
        "2026-03-04",
    )


def test_a_second_submission_the_same_local_day_updates_it(patient, person):
    morning = datetime(2026, 3, 4, 8, 0, tzinfo=NEW_YORK)
    night = datetime(2026, 3, 4, 23, 59, tzinfo=NEW_YORK)  # already 5 March in UTC

    _checkin(patient, person, morning, mood=3)
    checkin, created = _checkin(patient, person, night, mood=8, note="Better evening.")

    assert not created
    assert CheckIn.objects.count() == 1
    assert (checkin.mood, checkin.note) == (8, "Better evening.")


def test_local_day_across_the_spring_dst_change(patient, person):
    # 8 March 2026: clocks jump from 02:00 to 03:00 in New York.
    before = datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK)
    after = datetime(2026, 3, 8, 23, 30, tzinfo=NEW_YORK)  # 03:30 UTC on 9 March
    next_day = datetime(2026, 3, 9, 4, 30, tzinfo=UTC)  # 00:30 on 9 March in New York (EDT)

    _checkin(patient, person, before)
    _, created_same_day = _checkin(patient, person, after)
    third, created_next = _checkin(patient, person, next_day)

    assert not created_same_day
    assert created_next and third.local_date.isoformat() == "2026-03-09"
    assert CheckIn.objects.count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"mood": 11}, "mood"),
        ({"craving": -1}, "craving"),
        ({"stress": "5"}, "stress"),
        ({"sleep_hours": "lots"}, "sleep_hours"),
        ({"sleep_hours": 25}, "sleep_hours"),
        ({"strategies_used": ["not-in-plan"]}, "strategies_used"),
    ],
)
def test_bad_checkin_values_save_nothing(patient, person, values, field):
    with pytest.raises(ValidationError) as error:
        _checkin(patient, person, None, **values)

    assert field in error.value.message_dict
    assert not CheckIn.objects.exists()


def test_a_clinician_entry_is_marked_on_behalf(patient, team_clinician):
    checkin, _ = _checkin(patient, team_clinician, None)

    assert checkin.on_behalf and checkin.entered_by == team_clinician


def test_high_craving_and_reported_use_raise_one_alert_each_once(patient, person, clinic):
    clinic.craving_alert_threshold = 8
    clinic.save()

    checkin, _ = _checkin(patient, person, None, craving=8, used_since_last=True)
    _checkin(patient, person, None, craving=9, used_since_last=True)  # same day: same event
    _checkin(patient, person, None, craving=7)

    kinds = sorted(Alert.objects.values_list("kind", flat=True))
    assert kinds == [AlertKind.HIGH_CRAVING, AlertKind.REPORTED_USE]
    assert all(a.source.startswith(f"checkin:{checkin.pk}") for a in Alert.objects.all())


def test_craving_below_the_clinic_threshold_raises_nothing(patient, person, clinic):
    clinic.craving_alert_threshold = 9
    clinic.save()

    _checkin(patient, person, None, craving=8)

    assert not Alert.objects.exists()


def test_phq9_item_9_raises_a_high_alert_once(patient, person):
    first = assessment_submit(
        patient=patient, instrument="phq9", answers=[0] * 8 + [1], actor=person
    )
    assessment_submit(patient=patient, instrument="phq9", answers=[0] * 9, actor=person)

    alert = Alert.objects.get()
    assert (alert.kind, alert.severity, alert.source) == (
        AlertKind.SELF_HARM,
        "high",
        f"assessment:{first.pk}",
    )


def test_brs_falling_by_half_a_point_raises_an_alert(patient, person):
    assessment_submit(patient=patient, instrument="brs", answers=[4, 2, 4, 2, 4, 2], actor=person)
    assessment_submit(patient=patient, instrument="brs", answers=[4, 2, 4, 2, 3, 3], actor=person)
    assert not Alert.objects.exists()  # 4.0 to 3.67: a fall of 0.33

    assessment_submit(patient=patient, instrument="brs", answers=[3, 3, 3, 3, 3, 4], actor=person)

    assert list(Alert.objects.values_list("kind", flat=True)) == [AlertKind.RESILIENCE_DROP]


def test_phq9_or_gad7_rising_by_five_raises_an_alert(patient, person):
    assessment_submit(patient=patient, instrument="gad7", answers=[1] * 7, actor=person)
    assessment_submit(patient=patient, instrument="gad7", answers=[1] * 6 + [2], actor=person)
    assert not Alert.objects.exists()

    assessment_submit(patient=patient, instrument="gad7", answers=[2] * 6 + [1], actor=person)

    assert list(Alert.objects.values_list("kind", flat=True)) == [AlertKind.SCORE_RISE]


def test_assessment_keeps_answers_total_band_and_flags(patient, person):
    assessment = assessment_submit(
        patient=patient, instrument="phq9", answers=[0, 1, 2, 3, 0, 1, 2, 3, 1], actor=person
    )

    assert assessment.answers == [0, 1, 2, 3, 0, 1, 2, 3, 1]
    assert (assessment.total, assessment.band, assessment.flags) == (
        Decimal("13.00"),
        "moderate",
        ["self_harm"],
    )


def test_bad_answers_become_a_field_error(patient, person):
    with pytest.raises(ValidationError) as error:
        assessment_submit(patient=patient, instrument="phq9", answers=[0] * 8, actor=person)

    assert "has 9 items" in error.value.message_dict["answers"][0]
    assert not Assessment.objects.exists()


def _plan(*warning_signs: str, crisis_steps: tuple[str, ...] = ("Call my sponsor",)) -> dict:
    return {
        "warning_signs": [{"text": text, "shareable": True} for text in warning_signs],
        "triggers": [
            {
                "category": "places",
                "description": "Old neighbourhood bar",
                "intensity": 4,
                "how_i_manage": "Take the other street",
            }
        ],
        "crisis_plan": {
            "steps": list(crisis_steps),
            "people": [{"name": "Sam", "phone": "555"}],
            "include_988": True,
            "local_emergency_number": "911",
        },
    }


def test_three_versions_compare_and_restore(patient, team_clinician, person):
    v1 = plan_save(
        patient=patient,
        content=_plan("Skipping meals"),
        actor=team_clinician,
        change_summary="First plan together",
    )
    v2 = plan_save(patient=patient, content=_plan("Skipping meals", "Isolating"), actor=person)
    v3 = plan_save(
        patient=patient,
        content=_plan("Isolating", crisis_steps=("Call Sam",)),
        actor=team_clinician,
    )

    assert [v.number for v in (v1, v2, v3)] == [1, 2, 3]
    diff = dict(plan_diff(v1.content, v3.content))
    signs = {(row.left, row.right, row.change) for row in diff["warning_signs"]}
    assert ("Skipping meals", "", "removed") in signs
    assert ("", "Isolating", "added") in signs
    crisis = {row.change for row in diff["crisis_plan"]}
    assert "changed" in crisis or {"removed", "added"} <= crisis

    v4 = plan_restore(patient=patient, version=v1, actor=person)

    assert v4.number == 4 and v4.restored_from == v1
    assert v4.content == v1.content
    assert current_version(patient) == v4
    v1.refresh_from_db()
    assert v1.number == 1  # history is never rewritten


@pytest.mark.parametrize(
    ("content", "section"),
    [
        ({"triggers": [{"category": "moon", "description": "x", "intensity": 3}]}, "triggers"),
        ({"triggers": [{"category": "people", "description": "x", "intensity": 9}]}, "triggers"),
        ({"routine": [{"start": "25:00", "activity": "walk"}]}, "routine"),
        ({"routine": [{"start": "09:00", "end": "08:00", "activity": "walk"}]}, "routine"),
        ({"reasons": [{"text": ""}]}, "reasons"),
        ({"warning_signs": "not a list"}, "warning_signs"),
    ],
)
def test_a_bad_plan_saves_no_version(patient, person, content, section):
    with pytest.raises(ValidationError) as error:
        plan_save(patient=patient, content=content, actor=person)

    assert section in error.value.message_dict
    assert current_version(patient) is None


def test_an_edited_item_keeps_its_id_and_shows_as_changed(patient, person):
    v1 = plan_save(patient=patient, content=_plan("Skipping meals"), actor=person)
    edited = v1.content | {
        "warning_signs": [v1.content["warning_signs"][0] | {"text": "Skipping meals often"}]
    }
    v2 = plan_save(patient=patient, content=edited, actor=person)

    rows = dict(plan_diff(v1.content, v2.content))["warning_signs"]

    assert [(r.left, r.right, r.change) for r in rows] == [
        ("Skipping meals", "Skipping meals often", "changed")
    ]
    assert v2.content["warning_signs"][0]["id"] == v1.content["warning_signs"][0]["id"]


@pytest.mark.parametrize("sleep", ["NaN", "Infinity", "-Infinity"])
def test_sleep_that_is_not_a_finite_number_is_a_field_error(patient, person, sleep):
    with pytest.raises(ValidationError) as error:
        _checkin(patient, person, None, sleep_hours=sleep)

    assert "sleep_hours" in error.value.message_dict
