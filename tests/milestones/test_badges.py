"""Badges: the clinic's milestones in every stretch of recovery (a setback erases none), check-in
streaks by the person's local day, "came back" after a setback, the firsts; never a badge for
days without use alone."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from coping.badges import (
    BADGE_KINDS,
    CAME_BACK_TEXT,
    BadgeKind,
    achievements_for,
    runs,
    streak_badges,
    stretches,
)
from coping.services import checkin_submit
from patients.services import recovery_start_change, setback_record
from tests.factories import CheckInFactory, MilestoneFactory, RecoveryDateFactory
from tests.milestones.conftest import TODAY, checkins_on, days_back

pytestmark = pytest.mark.django_db

# The documented set, spelled out: a new kind must be added here on purpose.
DOCUMENTED = {
    "milestone",
    "custom",
    "streak",
    "best_streak",
    "came_back",
    "first_checkin",
    "first_plan_use",
}


def kinds(badges) -> list[str]:
    return [badge.kind for badge in badges]


def keys(badges) -> set[str]:
    return {badge.key for badge in badges}


def test_the_set_of_badge_kinds_is_the_documented_one_and_has_no_days_without_use_badge():
    assert BADGE_KINDS == DOCUMENTED
    assert not any("clean" in kind or "sober" in kind or "without" in kind for kind in BADGE_KINDS)


def test_days_without_use_alone_earn_no_badge(frozen, patient):
    """A person whose record holds only days in recovery (no check-in, no setback) has the
    clinic's milestones and nothing else: no badge counts days without use by itself."""
    patient.recovery_start = TODAY - timedelta(days=400)
    patient.save()

    found = achievements_for(patient, TODAY)

    assert set(kinds(found.earned)) == {BadgeKind.MILESTONE}
    assert keys(found.earned) == {
        f"milestone-{k}" for k in ("1d", "7d", "30d", "60d", "90d", "180d", "1y")
    }
    # The engagement badges are always in the set: still ahead, waiting for a check-in.
    assert {BadgeKind.STREAK, BadgeKind.FIRST_CHECKIN} <= set(kinds(found.ahead))
    for badge in found.earned + found.ahead:
        assert badge.kind in DOCUMENTED


def test_every_badge_of_a_full_record_is_of_a_documented_kind(frozen, patient, person):
    patient.recovery_start = TODAY - timedelta(days=40)
    patient.save()
    checkins_on(patient, days_back(35, 1))
    MilestoneFactory(patient=patient, date=TODAY - timedelta(days=3), title="Finished the program")
    setback_record(
        patient=patient,
        occurred_on=TODAY - timedelta(days=20),
        kind="lapse",
        what_happened="A hard week.",
        actor=person,
    )

    found = achievements_for(patient, TODAY)

    assert {badge.kind for badge in found.earned} <= DOCUMENTED
    assert {
        BadgeKind.MILESTONE,
        BadgeKind.CUSTOM,
        BadgeKind.STREAK,
        BadgeKind.BEST_STREAK,
        BadgeKind.CAME_BACK,
        BadgeKind.FIRST_CHECKIN,
    } <= set(kinds(found.earned))
    assert [b.earned_on for b in found.earned] == sorted(
        (b.earned_on for b in found.earned), reverse=True
    )


def test_streak_badges_are_dated_the_day_they_were_reached():
    days = days_back(20, 10) + days_back(8, 0)  # 11 in a row, a gap, then 9

    earned, ahead, best = streak_badges(days)

    by_key = {badge.key: badge for badge in earned}
    assert set(by_key) == {"streak-3", "streak-7", "best-streak"}
    assert by_key["streak-3"].earned_on == TODAY - timedelta(days=18)
    assert by_key["streak-7"].earned_on == TODAY - timedelta(days=14)
    assert best == 11 and by_key["best-streak"].earned_on == TODAY - timedelta(days=10)
    assert "11 check-ins in a row" in by_key["best-streak"].title
    assert ahead is not None and ahead.key == "streak-14" and ahead.earned_on is None


def test_runs_join_consecutive_days_only():
    assert runs([date(2026, 1, 3), date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 5)]) == [
        (date(2026, 1, 1), 3),
        (date(2026, 1, 5), 1),
    ]


def test_a_missed_local_day_breaks_the_streak_even_when_utc_says_otherwise(patient, person):
    """Check-ins at 23:30 in New York on the 1st and 00:30 on the 3rd are 25 hours apart, but
    the 2nd has none in the person's own day: two streaks of one, no three-day badge."""
    zone = ZoneInfo("America/New_York")
    moments = [
        datetime(2026, 3, 1, 23, 30, tzinfo=zone),
        datetime(2026, 3, 3, 0, 30, tzinfo=zone),
        datetime(2026, 3, 3, 21, 0, tzinfo=zone),  # the same local day: one check-in
        datetime(2026, 3, 4, 8, 0, tzinfo=zone),
    ]
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            checkin_submit(patient=patient, actor=person, mood=6, craving=2, stress=3)

    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=zone), tick=False):
        found = achievements_for(patient, patient.local_today())

    assert "streak-3" not in keys(found.earned)
    assert found.best_streak == 2  # the 3rd and the 4th

    # In UTC the 1st's check-in fell on the 2nd: a streak counted in UTC would have been 4.
    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=zone), tick=False):
        checkin_submit(patient=patient, actor=person, mood=6, craving=2, stress=3)
    CheckInFactory(patient=patient, local_date=date(2026, 3, 2))
    assert "streak-3" in keys(achievements_for(patient, date(2026, 3, 4)).earned)


def test_a_checkin_after_a_setback_is_celebrated_as_coming_back(frozen, patient, person):
    patient.recovery_start = TODAY - timedelta(days=60)
    patient.save()
    checkins_on(patient, days_back(30, 11))
    setback_record(
        patient=patient,
        occurred_on=TODAY - timedelta(days=10),
        kind="relapse",
        what_happened="Went back to old places.",
        actor=person,
        new_recovery_start=TODAY - timedelta(days=9),
    )
    assert "came_back" not in kinds(achievements_for(patient, TODAY).earned)

    checkin_submit(patient=patient, actor=person, mood=4, craving=5, stress=6)

    came_back = [b for b in achievements_for(patient, TODAY).earned if b.kind == "came_back"]
    assert len(came_back) == 1
    assert came_back[0].earned_on == TODAY
    assert came_back[0].text == str(CAME_BACK_TEXT)
    assert "courage" in came_back[0].text


def test_a_checkin_earlier_on_the_day_of_a_setback_told_later_is_not_coming_back(patient, person):
    zone = ZoneInfo("America/New_York")
    with time_machine.travel(datetime(2026, 3, 4, 8, 0, tzinfo=zone), tick=False):
        checkin_submit(patient=patient, actor=person, mood=6, craving=2, stress=3)
    with time_machine.travel(datetime(2026, 3, 4, 20, 0, tzinfo=zone), tick=False):
        setback_record(
            patient=patient,
            occurred_on=date(2026, 3, 4),
            kind="lapse",
            what_happened="An evening out.",
            actor=person,
        )
        assert "came_back" not in kinds(achievements_for(patient, date(2026, 3, 4)).earned)
        checkin_submit(patient=patient, actor=person, mood=5, craving=4, stress=4)  # updated
        assert "came_back" in kinds(achievements_for(patient, date(2026, 3, 4)).earned)


def test_a_setback_never_erases_the_milestones_of_an_earlier_stretch(frozen, patient, person):
    first_start = TODAY - timedelta(days=200)
    patient.recovery_start = first_start
    patient.save()
    RecoveryDateFactory(patient=patient, start_date=first_start)
    setback_record(
        patient=patient,
        occurred_on=TODAY - timedelta(days=10),
        kind="relapse",
        what_happened="A loss in the family.",
        actor=person,
        new_recovery_start=TODAY - timedelta(days=8),
    )

    found = achievements_for(patient, TODAY)

    milestone_keys = keys(b for b in found.earned if b.kind == "milestone")
    # The first stretch reached 180 days (190 days before the setback); the new one 7 days.
    assert milestone_keys == {f"milestone-{k}" for k in ("1d", "7d", "30d", "60d", "90d", "180d")}
    seven = next(b for b in found.earned if b.key == "milestone-7d")
    assert seven.times == 2 and seven.earned_on == first_start + timedelta(days=7)
    assert "Every time counts" in seven.text
    assert found.countdown.milestone.key == "30d" and found.countdown.after_setback
    # What is still ahead is the current stretch's: 30 days next, without pressure.
    assert next(b.key for b in found.ahead if b.kind == "milestone") == "milestone-30d"


def test_a_corrected_start_is_not_a_new_stretch(frozen, patient, person):
    RecoveryDateFactory(patient=patient, start_date=TODAY - timedelta(days=100))
    recovery_start_change(
        patient=patient,
        start_date=TODAY - timedelta(days=20),
        reason="Typed the wrong year at intake",
        actor=person,
    )

    found = achievements_for(patient, TODAY)

    assert "milestone-90d" not in keys(found.earned)
    assert not found.countdown.after_setback
    assert stretches(
        [(date(2026, 1, 1), None), (date(2026, 2, 1), None)], date(2026, 2, 1), date(2026, 3, 1)
    ) == stretches([(date(2026, 2, 1), None)], date(2026, 2, 1), date(2026, 3, 1))


def test_firsts_and_custom_milestones(frozen, patient):
    CheckInFactory(patient=patient, local_date=TODAY - timedelta(days=5))
    CheckInFactory(
        patient=patient,
        local_date=TODAY - timedelta(days=2),
        strategies_used=[{"id": "s1", "text": "Call my sister"}],
    )
    MilestoneFactory(patient=patient, date=TODAY + timedelta(days=9), title="Finish the program")

    found = achievements_for(patient, TODAY)

    by_key = {b.key: b for b in found.earned}
    assert by_key["first-checkin"].earned_on == TODAY - timedelta(days=5)
    assert by_key["first-plan-use"].earned_on == TODAY - timedelta(days=2)
    custom = next(b for b in found.ahead if b.kind == "custom")
    assert custom.title == "Finish the program" and custom.due_on == TODAY + timedelta(days=9)


def test_the_badges_cost_the_same_queries_whatever_the_history(
    frozen, patient, person, django_assert_max_num_queries
):
    checkins_on(patient, days_back(300, 1))
    for n in range(5):
        MilestoneFactory(patient=patient, date=TODAY - timedelta(days=n * 7))
    # recovery dates, setbacks, check-ins, custom milestones
    with django_assert_max_num_queries(4):
        found = achievements_for(patient, TODAY)
    assert "streak-100" in keys(found.earned)
