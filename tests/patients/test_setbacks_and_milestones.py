from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from patients.milestones import milestones_between, next_milestone, recovery_milestones
from patients.models import Milestone, RecoveryDate, Setback
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_a_setback_that_restarts_the_count_keeps_the_old_date(client, patient, team_clinician):
    old_start = patient.recovery_start
    RecoveryDate.objects.create(patient=patient, start_date=old_start, reason="intake")
    today = patient.local_today()
    client.force_login(team_clinician)

    response = client.post(
        reverse("patients:setback_new", args=[patient.pk]),
        {
            "occurred_on": (today - timedelta(days=2)).isoformat(),
            "kind": "lapse",
            "what_happened": "Had a drink after an argument at home.",
            "what_helped": "Called a sponsor the same night.",
            "plan_changes": "Add a Friday evening check-in call.",
            "move_recovery_start": "on",
            "new_recovery_start": (today - timedelta(days=1)).isoformat(),
        },
    )

    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.recovery_start == today - timedelta(days=1)
    history = set(patient.recovery_dates.values_list("start_date", flat=True))
    assert {old_start, today - timedelta(days=1)} <= history
    setback = Setback.objects.get(patient=patient)
    assert setback.previous_recovery_start == old_start and setback.moved_recovery_start
    overview = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()
    assert old_start.strftime("%Y") in overview
    journey = client.get(reverse("patients:journey", args=[patient.pk])).content.decode()
    assert "Had a drink after an argument" in journey and "Called a sponsor" in journey


def test_a_setback_without_restart_leaves_the_date(client, patient, team_clinician):
    start = patient.recovery_start
    client.force_login(team_clinician)

    client.post(
        reverse("patients:setback_new", args=[patient.pk]),
        {
            "occurred_on": patient.local_today().isoformat(),
            "kind": "lapse",
            "what_happened": "Brief use at a concert.",
        },
    )

    patient.refresh_from_db()
    assert patient.recovery_start == start
    assert Setback.objects.filter(patient=patient, moved_recovery_start=False).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"what_happened": ""}, "what_happened"),
        ({"move_recovery_start": "on", "new_recovery_start": ""}, "new_recovery_start"),
        ({"move_recovery_start": "on", "new_recovery_start": "2000-01-01"}, "new_recovery_start"),
        ({"kind": "failure"}, "kind"),
    ],
)
def test_bad_setback_input_saves_nothing(client, patient, team_clinician, changes, field):
    start = patient.recovery_start
    client.force_login(team_clinician)
    data = {
        "occurred_on": patient.local_today().isoformat(),
        "kind": "relapse",
        "what_happened": "Used over the weekend.",
    }

    response = client.post(reverse("patients:setback_new", args=[patient.pk]), {**data, **changes})

    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not Setback.objects.exists()
    patient.refresh_from_db()
    assert patient.recovery_start == start


def _dates(start: date, count: int) -> list[tuple[str, date]]:
    return [(m.key, m.date) for m in list(recovery_milestones(start))[:count]]


def test_day_milestones_count_days_from_the_start():
    assert _dates(date(2026, 1, 1), 6) == [
        ("1d", date(2026, 1, 2)),
        ("7d", date(2026, 1, 8)),
        ("30d", date(2026, 1, 31)),
        ("60d", date(2026, 3, 2)),
        ("90d", date(2026, 4, 1)),
        ("180d", date(2026, 6, 30)),
    ]


def test_a_range_that_crosses_the_leap_day_counts_it():
    # 2028 is a leap year: 30 days after 10 Feb is 11 Mar, not 12 Mar.
    thirty = next(m for m in recovery_milestones(date(2028, 2, 10)) if m.key == "30d")
    assert thirty.date == date(2028, 3, 11)


def test_year_milestones_fall_on_the_calendar_anniversary_across_a_leap_day():
    years = {m.key: m for m in recovery_milestones(date(2027, 3, 1)) if m.years}

    assert years["1y"].date == date(2028, 3, 1)
    assert years["1y"].days == 366  # the year holds 29 February 2028
    assert years["2y"].date == date(2029, 3, 1)


def test_a_29_february_start_celebrates_on_28_february_in_common_years():
    years = {m.key: m.date for m in recovery_milestones(date(2028, 2, 29)) if m.years}

    assert years["1y"] == date(2029, 2, 28)
    assert years["4y"] == date(2032, 2, 29)


def test_next_milestone_counts_today_and_skips_the_past():
    start = date(2026, 1, 1)

    assert next_milestone(start, date(2026, 1, 8)).key == "7d"
    assert next_milestone(start, date(2026, 1, 9)).key == "30d"
    assert next_milestone(None, date(2026, 1, 9)) is None
    assert [m.key for m in milestones_between(start, date(2026, 1, 1), date(2026, 2, 1))] == [
        "1d",
        "7d",
        "30d",
    ]


def test_days_in_recovery_follow_the_patients_own_time_zone(clinic):
    patient = PatientFactory(
        clinic=clinic, time_zone="America/Los_Angeles", recovery_start=date(2026, 3, 1)
    )
    # 06:30 UTC on 31 March is still 30 March, 23:30, in Los Angeles.
    with time_machine.travel(datetime(2026, 3, 31, 6, 30, tzinfo=ZoneInfo("UTC"))):
        assert patient.local_today() == date(2026, 3, 30)
        assert patient.days_in_recovery() == 29
        assert next_milestone(patient.recovery_start, patient.local_today()).key == "30d"
    with time_machine.travel(datetime(2026, 3, 31, 7, 30, tzinfo=ZoneInfo("UTC"))):
        assert patient.days_in_recovery() == 30


def test_chart_shows_the_milestone_on_the_patients_local_day(client, clinic, team_clinician):
    from patients.models import TeamRole
    from patients.services import care_team_add

    patient = PatientFactory(
        clinic=clinic, time_zone="Pacific/Auckland", recovery_start=date(2026, 6, 1)
    )
    care_team_add(
        patient=patient,
        clinician=team_clinician,
        team_role=TeamRole.PRESCRIBER,
        actor=team_clinician,
    )
    client.force_login(team_clinician)
    # 12:30 UTC on 30 June is already 1 July, 00:30, in Auckland: 30 days today.
    with time_machine.travel(datetime(2026, 6, 30, 12, 30, tzinfo=ZoneInfo("UTC"))):
        client.force_login(team_clinician)
        page = client.get(reverse("patients:chart", args=[patient.pk])).content.decode()
    assert 'data-testid="days-in-recovery">30<' in page


def test_custom_milestone_appears_in_the_journey(client, patient, team_clinician):
    client.force_login(team_clinician)

    client.post(
        reverse("patients:milestone_new", args=[patient.pk]),
        {
            "kind": "program_completion",
            "title": "Completed intensive outpatient",
            "date": patient.local_today().isoformat(),
        },
    )

    assert Milestone.objects.filter(patient=patient).count() == 1
    journey = client.get(reverse("patients:journey", args=[patient.pk])).content.decode()
    assert "Completed intensive outpatient" in journey
