"""The caseload strip's queries are built once with stand-ins for the clinic, the clinician and
the instant (patients.selectors.caseload_rows), then reused for everyone: each clinician must
still see only their own people, exactly as a query built for them alone would show."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from accounts.models import Role
from patients import selectors
from patients.access import _on_team
from patients.models import Patient
from tests.factories import member
from tests.patients.test_caseload_scale import caseload

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)


def named(strip: selectors.NeedsAttention) -> set[int]:
    items = [
        *strip.milestones,
        *strip.missed_checkins,
        *strip.overdue_assessments,
        *strip.open_ladders,
    ]
    return {a.patient_id for a in strip.alerts} | {item.patient_id for item in items}


def test_each_clinician_sees_only_their_own_people_from_the_reused_queries(clinic, other_clinic):
    selectors._built.clear()
    mine, theirs, elsewhere = (
        member(Role.CLINICIAN, clinic),
        member(Role.CLINICIAN, clinic),
        member(Role.CLINICIAN, other_clinic),
    )
    with time_machine.travel(NOW, tick=False):
        people = {mine: caseload(3, clinic, mine)}
        for person in people[mine]:  # the helper numbers each caseload's record numbers anew
            Patient.objects.filter(pk=person.pk).update(mrn=f"M-{person.pk}")
        people |= {
            theirs: caseload(4, clinic, theirs),
            elsewhere: caseload(6, other_clinic, elsewhere),
        }
    for day in (0, 1):  # a second day reuses the first day's SQL with another instant
        with time_machine.travel(NOW + timedelta(days=day), tick=False):
            for clinician, at in ((mine, clinic), (theirs, clinic), (elsewhere, other_clinic)):
                strip = selectors.needs_attention(clinician=clinician, clinic=at)
                size = len(people[clinician])
                assert named(strip) == {p.pk for p in people[clinician]}
                assert strip.alert_count == size and strip.counts["open_ladders"] == size
                alone = selectors.strip_people(
                    Patient.objects.filter(clinic=at).filter(_on_team(clinician)), ""
                )
                assert strip.people == alone
    # On PostgreSQL each query was built once and reused (elsewhere some are built each time).
    if connection.vendor == "postgresql":
        assert selectors._built and all(built is not None for built in selectors._built.values())
