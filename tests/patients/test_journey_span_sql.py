"""The journey's span query compiled once per process (stand-in values swapped for the request's)
gives the same row as the ORM for several patients, zones, windows and kinds."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from coping.models import CheckIn
from patients import selectors
from patients.models import (
    Appointment,
    Milestone,
    MilestoneKind,
)
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_the_compiled_span_query_answers_as_the_orm_does(clinic, patient, team_clinician):
    other = PatientFactory(clinic=clinic, time_zone="Pacific/Auckland")
    empty = PatientFactory(clinic=clinic, time_zone="Pacific/Auckland")
    for person, days in ((patient, (3, 40, 200)), (other, (1, 75))):
        for ago in days:
            CheckIn.objects.create(
                patient=person,
                local_date=date(2026, 3, 10) - timedelta(days=ago),
                mood=5,
                craving=2,
                stress=3,
            )
    Milestone.objects.create(
        patient=other, kind=MilestoneKind.values[0], title="Back at work", date=date(2025, 12, 1)
    )
    Appointment.objects.create(
        clinic=clinic,
        patient=patient,
        kind="individual",
        title="Check-in call",
        starts_at=datetime(2026, 1, 5, 16, tzinfo=UTC),
        ends_at=datetime(2026, 1, 5, 17, tzinfo=UTC),
    )
    compared = 0
    for person in (patient, other, empty, patient):  # patient twice: the cached SQL again
        for kinds in (frozenset(), frozenset({"checkin"}), frozenset({"milestone", "appointment"})):
            recent = selectors.JourneyWindow.recent(person, kinds)
            for window in (recent, recent.earlier(), recent.earlier().earlier().earlier()):
                dated = [s for s in selectors.JOURNEY_SOURCES if s.days and window.wants(s.kind)]
                fast = selectors._journey_span_row(person, dated, window)
                assert fast == selectors.journey_span_query(person, dated, window).get()
                compared += 1
    assert compared == 36
    # Something was found both in and out of windows, so the comparison saw real values.
    assert any(
        selectors._journey_span_row(patient, [selectors.JOURNEY_SOURCES[0]], w)["in_0"]
        for w in (selectors.JourneyWindow.recent(patient),)
    )
