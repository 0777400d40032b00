"""The countdown to the next milestone on the person's home and milestones page: in their own
local day, kind words for today and tomorrow, a progress bar with words beside it, and after a
setback that moved the start, it follows the new start without shame."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coping.badges import countdown, countdown_on_home
from patients.selectors import HOME_SOURCES
from patients.services import setback_record
from tests.factories import SetbackFactory
from tests.milestones.conftest import TODAY, checkins_on, days_back

pytestmark = pytest.mark.django_db


def home(client, person) -> str:
    client.force_login(person)
    response = client.get(reverse("patients:patient_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_countdown_counts_from_the_previous_milestone():
    start = date(2026, 1, 1)
    found = countdown(start, date(2026, 1, 20))  # day 19: 30 days on 31 January

    assert (found.milestone.key, found.days_left, found.when) == ("30d", 11, "in 11 days")
    assert (found.previous_on, found.previous_label) == (date(2026, 1, 8), "7 days")
    assert (found.done_days, found.total_days) == (12, 23)


def test_today_and_tomorrow_are_said_in_words():
    start = date(2026, 1, 1)
    assert countdown(start, date(2026, 1, 8)).when == "today"
    assert countdown(start, date(2026, 1, 7)).when == "tomorrow"
    first = countdown(start, date(2026, 1, 1))
    assert (first.milestone.key, first.previous_label, first.done_days) == ("1d", "your start", 0)
    assert countdown(None, date(2026, 1, 1)) is None


def test_the_home_shows_the_countdown_card_with_an_accessible_bar(frozen, client, patient, person):
    patient.recovery_start = TODAY - timedelta(days=25)  # 30 days on 10 December
    patient.save()

    page = home(client, person)

    assert 'data-testid="next-milestone"' in page
    assert "<strong>30 days</strong>, in 5 days." in page
    assert '<progress class="w-100" id="countdown-progress" max="23" value="18">' in page
    assert "18 of 23 days on the way there from 7 days" in page
    assert "Every day counts. Your next milestone" not in page  # no setback: plain words
    assert reverse("coping:my_milestones") in page


def test_on_the_day_itself_the_home_says_so_kindly(frozen, client, patient, person):
    patient.recovery_start = TODAY - timedelta(days=30)
    patient.save()

    assert "Today is your milestone: <strong>30 days</strong>." in home(client, person)


def test_the_countdown_is_in_the_persons_local_day(client, patient, person):
    """At 23:30 in Los Angeles it is already tomorrow in UTC (and in New York): the count is
    the person's."""
    patient.time_zone = "America/Los_Angeles"
    patient.recovery_start = date(2026, 3, 2)  # 7 days on 9 March
    patient.save()
    late = datetime(2026, 3, 7, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    with time_machine.travel(late, tick=False):
        page = home(client, person)
    assert "<strong>7 days</strong>, in 2 days." in page


def test_after_a_setback_the_countdown_follows_the_new_start_without_shame(
    frozen, client, patient, person
):
    patient.recovery_start = TODAY - timedelta(days=50)  # 60 days in 10 days
    patient.save()
    assert "<strong>60 days</strong>, in 10 days." in home(client, person)

    setback_record(
        patient=patient,
        occurred_on=TODAY - timedelta(days=5),
        kind="relapse",
        what_happened="A hard week at work.",
        actor=person,
        new_recovery_start=TODAY - timedelta(days=4),
    )

    page = home(client, person)
    assert "Every day counts. Your next milestone: <strong>7 days</strong>, in 3 days." in page
    assert "60 days" not in page.split('data-testid="next-milestone"')[1].split("</section>")[0]
    for word in ("failed", "relapse", "reset", "lost", "clean"):
        card = page.split('data-testid="next-milestone"')[1].split("</section>")[0]
        assert word not in card.lower()


def test_a_setback_that_kept_the_start_keeps_the_plain_countdown(frozen, client, patient, person):
    patient.recovery_start = TODAY - timedelta(days=25)
    patient.save()
    SetbackFactory(patient=patient, occurred_on=TODAY - timedelta(days=3))

    assert "Every day counts. Your next" not in home(client, person)


def test_the_countdown_adds_one_query_to_the_home_and_none_per_row(
    frozen, client, patient, person, django_assert_max_num_queries
):
    patient.recovery_start = TODAY - timedelta(days=25)
    patient.save()
    client.force_login(person)
    url = reverse("patients:patient_home")
    client.get(url)  # warm the session and caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    with_countdown = count()
    HOME_SOURCES.remove(countdown_on_home)
    try:
        without = count()
    finally:
        HOME_SOURCES.append(countdown_on_home)
    assert with_countdown - without <= 1  # was the start set by a setback: one EXISTS

    checkins_on(patient, days_back(200, 1))
    for n in range(10):
        SetbackFactory(patient=patient, occurred_on=TODAY - timedelta(days=100 + n))
    with django_assert_max_num_queries(with_countdown):
        client.get(url)
