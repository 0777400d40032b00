"""networks.recurrence: the days of a task (one, daily, weekly on chosen days), ended by a date,
a count or the maximum, and the time window read on the patient's wall clock across DST."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from networks.models import HelpTask, Repeat
from networks.recurrence import Occasion, all_days, occasions

UTC = ZoneInfo("UTC")
NEW_YORK = ZoneInfo("America/New_York")


def task(**fields: object) -> HelpTask:
    return HelpTask(pk=7, title="Ride", kind="ride", **fields)


def test_a_one_time_task_has_its_one_day():
    assert list(all_days(task(due_on=date(2027, 3, 9)))) == [date(2027, 3, 9)]


def test_an_undated_task_has_no_occasion():
    assert list(all_days(task(due_on=None, repeat=Repeat.DAILY))) == []


def test_daily_until_a_date_includes_the_last_day():
    days = list(
        all_days(task(due_on=date(2027, 3, 8), repeat=Repeat.DAILY, repeat_until=date(2027, 3, 11)))
    )
    assert days == [date(2027, 3, 8), date(2027, 3, 9), date(2027, 3, 10), date(2027, 3, 11)]


def test_weekly_on_chosen_days_by_count():
    weekly = task(due_on=date(2027, 3, 9), repeat=Repeat.WEEKLY, weekdays=[1, 3], repeat_count=5)
    assert list(all_days(weekly)) == [
        date(2027, 3, 9),
        date(2027, 3, 11),
        date(2027, 3, 16),
        date(2027, 3, 18),
        date(2027, 3, 23),
    ]


def test_a_weekly_series_starting_between_its_days_begins_on_the_next_chosen_day():
    weekly = task(due_on=date(2027, 3, 10), repeat=Repeat.WEEKLY, weekdays=[1], repeat_count=2)
    assert list(all_days(weekly)) == [date(2027, 3, 16), date(2027, 3, 23)]


def test_a_series_without_an_end_stops_at_the_maximum():
    endless = task(due_on=date(2027, 1, 1), repeat=Repeat.DAILY)
    days = list(all_days(endless))
    assert len(days) == HelpTask.MAX_OCCURRENCES
    assert days[-1] == date(2027, 1, 1) + timedelta(days=HelpTask.MAX_OCCURRENCES - 1)


def test_a_count_above_the_maximum_is_capped():
    many = task(due_on=date(2027, 1, 1), repeat=Repeat.DAILY, repeat_count=5000)
    assert len(list(all_days(many))) == HelpTask.MAX_OCCURRENCES


def test_occasions_in_a_range_include_both_ends():
    weekly = task(due_on=date(2027, 3, 9), repeat=Repeat.WEEKLY, weekdays=[1, 3])
    found = occasions(weekly, date(2027, 3, 11), date(2027, 3, 16))
    assert [o.day for o in found] == [date(2027, 3, 11), date(2027, 3, 16)]
    assert found[0].key == "7:2027-03-11"


def test_the_window_keeps_its_wall_clock_across_the_spring_change():
    """17:00 in New York is 22:00 UTC before 14 March 2027 and 21:00 UTC from that day on."""
    daily = task(
        due_on=date(2027, 3, 13), repeat=Repeat.DAILY, starts_at=time(17), ends_at=time(18)
    )
    before, dst_day = occasions(daily, date(2027, 3, 13), date(2027, 3, 14))
    assert before.starts(NEW_YORK).astimezone(UTC).hour == 22
    assert dst_day.starts(NEW_YORK).astimezone(UTC).hour == 21
    assert dst_day.ends(NEW_YORK) - dst_day.starts(NEW_YORK) == timedelta(hours=1)


def test_a_time_in_the_skipped_hour_is_read_as_the_hour_after():
    early = Occasion(task(due_on=date(2027, 3, 14), starts_at=time(2, 30)), date(2027, 3, 14))
    starts = early.starts(NEW_YORK)
    assert (starts.hour, starts.minute) == (3, 30)
    assert starts.astimezone(UTC).hour == 7


def test_any_time_that_day_has_no_start():
    assert Occasion(task(due_on=date(2027, 3, 9)), date(2027, 3, 9)).starts(NEW_YORK) is None
