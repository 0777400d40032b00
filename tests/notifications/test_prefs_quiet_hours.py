"""Quiet hours in the person's own zone, across midnight and across the DST change."""

from datetime import UTC, datetime, time

import pytest

from accounts.models import Role
from notifications.models import NotificationPreference
from notifications.preferences import quiet_until
from tests.factories import member

pytestmark = pytest.mark.django_db


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def night_owl(clinic):
    user = member(Role.PATIENT, clinic, time_zone="America/New_York")
    NotificationPreference.objects.create(
        user=user, quiet_hours_start=time(22), quiet_hours_end=time(7)
    )
    return user


def test_no_quiet_hours_means_never_quiet(clinic):
    user = member(Role.PATIENT, clinic)
    assert quiet_until(user, _utc(2026, 3, 8, 3)) is None


def test_quiet_before_midnight_ends_next_morning(night_owl):
    # 23:00 EST on Jan 14 -> 07:00 EST on Jan 15 = 12:00 UTC
    assert quiet_until(night_owl, _utc(2026, 1, 15, 4)) == _utc(2026, 1, 15, 12)


def test_quiet_after_midnight_ends_the_same_morning(night_owl):
    # 05:00 EST -> 07:00 EST
    assert quiet_until(night_owl, _utc(2026, 1, 15, 10)) == _utc(2026, 1, 15, 12)


def test_outside_quiet_hours(night_owl):
    assert quiet_until(night_owl, _utc(2026, 1, 15, 12)) is None  # 07:00 exactly: awake
    assert quiet_until(night_owl, _utc(2026, 1, 15, 2, 59)) is None  # 21:59 EST
    assert quiet_until(night_owl, _utc(2026, 1, 15, 3)) is not None  # 22:00 EST


def test_spring_forward_night_is_an_hour_shorter(night_owl):
    # 22:00 EST on Sat Mar 7 2026; clocks jump 02:00 -> 03:00 on Mar 8; 07:00 EDT = 11:00 UTC.
    start = _utc(2026, 3, 8, 3)
    end = quiet_until(night_owl, start)
    assert end == _utc(2026, 3, 8, 11)
    assert (end - start).total_seconds() == 8 * 3600
    assert end.utcoffset().total_seconds() == -4 * 3600
    # 01:59 EST, just before the jump, and 03:30 EDT just after: both end at 11:00 UTC
    assert quiet_until(night_owl, _utc(2026, 3, 8, 6, 59)) == _utc(2026, 3, 8, 11)
    assert quiet_until(night_owl, _utc(2026, 3, 8, 7, 30)) == _utc(2026, 3, 8, 11)
    assert quiet_until(night_owl, _utc(2026, 3, 8, 11)) is None


def test_fall_back_night_is_an_hour_longer(night_owl):
    # 22:00 EDT Sat Oct 31 2026 = 02:00 UTC Nov 1; 07:00 EST Nov 1 = 12:00 UTC.
    assert quiet_until(night_owl, _utc(2026, 11, 1, 2)) == _utc(2026, 11, 1, 12)


def test_end_time_skipped_by_dst_lands_after_the_gap(clinic):
    user = member(Role.PATIENT, clinic, time_zone="America/New_York")
    NotificationPreference.objects.create(
        user=user, quiet_hours_start=time(23), quiet_hours_end=time(2, 30)
    )
    # 23:30 EST on Mar 7; 02:30 does not exist on Mar 8 -> 03:30 EDT = 07:30 UTC
    assert quiet_until(user, _utc(2026, 3, 8, 4, 30)) == _utc(2026, 3, 8, 7, 30)


def test_daytime_quiet_hours(clinic):
    user = member(Role.PATIENT, clinic, time_zone="Europe/Madrid")
    NotificationPreference.objects.create(
        user=user, quiet_hours_start=time(13), quiet_hours_end=time(15)
    )
    assert quiet_until(user, _utc(2026, 7, 1, 11, 30)) == _utc(2026, 7, 1, 13)  # 13:30 CEST
    assert quiet_until(user, _utc(2026, 7, 1, 10)) is None
