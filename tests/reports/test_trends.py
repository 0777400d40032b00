"""Weekly means of mood, craving and stress, with how many patients contributed."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from reports.definitions import trends
from reports.filters import Filters
from tests.factories import PatientFactory, ProgramFactory, member
from tests.reports.conftest import bulk_patients, checkin, moment, queries_of

pytestmark = pytest.mark.django_db

RANGE = Filters(start=date(2025, 3, 3), end=date(2025, 3, 16))  # Monday to Sunday, two weeks


@pytest.fixture
def known(clinic, other_clinic):
    program = ProgramFactory(clinic=clinic, name="Outpatient")
    p1 = PatientFactory(clinic=clinic, program=program)
    p2 = PatientFactory(clinic=clinic, program=program)
    PatientFactory(clinic=clinic, program=program)  # no check-ins
    checkin(p1, date(2025, 3, 3), mood=4, craving=2, stress=6)
    checkin(p1, date(2025, 3, 4), mood=6, craving=4, stress=4)
    checkin(p2, date(2025, 3, 5), mood=8, craving=0, stress=2)
    checkin(p1, date(2025, 3, 10), mood=5, craving=5, stress=5)
    checkin(p1, date(2025, 3, 17), mood=1, craving=9, stress=9)  # after the range
    checkin(PatientFactory(clinic=other_clinic), date(2025, 3, 4), mood=0, craving=10, stress=10)
    return program


def test_weekly_means_match_the_hand_count(clinic, known):
    rows = trends(clinic, RANGE).table("weeks").rows
    assert rows == [
        {
            "week": date(2025, 3, 3),
            "patients": 2,
            "checkins": 3,
            "mood": 6.0,
            "craving": 2.0,
            "stress": 4.0,
        },
        {
            "week": date(2025, 3, 10),
            "patients": 1,
            "checkins": 1,
            "mood": 5.0,
            "craving": 5.0,
            "stress": 5.0,
        },
    ]


def test_another_program_has_no_weeks(clinic, known):
    empty = ProgramFactory(clinic=clinic, name="Residential")
    result = trends(clinic, Filters(start=RANGE.start, end=RANGE.end, program=empty))
    assert result.table("weeks").rows == []


@time_machine.travel(moment(date(2025, 3, 20)), tick=False)
def test_the_csv_has_the_pages_figures_and_the_chart_data_is_embedded(admin_signed_in, known):
    query = {"from": "2025-03-03", "to": "2025-03-16"}
    html = admin_signed_in.get(reverse("reports:report", args=["trends"]), query).content.decode()
    assert 'id="report-chart"' in html and "/static/js/reports." in html
    assert "<td>2</td><td>3</td><td>6.00</td><td>2.00</td><td>4.00</td>" in html
    lines = list(
        csv.reader(
            io.StringIO(
                admin_signed_in.get(
                    reverse("reports:report_csv", args=["trends"]), query
                ).content.decode()
            )
        )
    )
    assert ["Mar 3, 2025", "2", "3", "6.00", "2.00", "4.00"] in lines


def test_the_query_count_does_not_grow_with_the_check_ins(clinic, django_assert_num_queries):
    clinician = member(Role.CLINICIAN, clinic)
    program = ProgramFactory(clinic=clinic)
    today = date(2025, 3, 16)
    bulk_patients(clinic, 10, program=program, clinician=clinician, today=today)
    small = queries_of(lambda: trends(clinic, RANGE))
    bulk_patients(clinic, 490, program=program, clinician=clinician, today=today)
    with django_assert_num_queries(small):  # one grouped query
        rows = trends(clinic, RANGE).table("weeks").rows
    assert sum(row["checkins"] for row in rows) == 1000


def test_part_weeks_at_both_ends_are_counted_from_their_days_only(clinic, known):
    """Wednesday 5 March to Tuesday 18 March: the week of 3 March counts from the 5th (p2's
    check-in, not p1's of the 3rd and 4th), the week of 10 March whole (from the weekly
    rows), the week of 17 March its first two days (p1's of the 17th)."""
    rows = trends(clinic, Filters(start=date(2025, 3, 5), end=date(2025, 3, 18))).table("weeks")
    assert rows.rows == [
        {
            "week": date(2025, 3, 3),
            "patients": 1,
            "checkins": 1,
            "mood": 8.0,
            "craving": 0.0,
            "stress": 2.0,
        },
        {
            "week": date(2025, 3, 10),
            "patients": 1,
            "checkins": 1,
            "mood": 5.0,
            "craving": 5.0,
            "stress": 5.0,
        },
        {
            "week": date(2025, 3, 17),
            "patients": 1,
            "checkins": 1,
            "mood": 1.0,
            "craving": 9.0,
            "stress": 9.0,
        },
    ]
    short = trends(clinic, Filters(start=date(2025, 3, 4), end=date(2025, 3, 5))).table("weeks")
    assert short.rows == [
        {
            "week": date(2025, 3, 3),
            "patients": 2,
            "checkins": 2,
            "mood": 7.0,
            "craving": 2.0,
            "stress": 3.0,
        }
    ]


def test_the_weekly_rows_follow_every_change_to_the_check_ins(clinic):
    """Whatever writes the check-ins (a save, a bulk insert, an UPDATE of many rows, a move to
    another week, a delete, a person's record deleted), the database's weekly rows equal the
    check-ins grouped again from scratch."""

    from coping.models import CheckIn
    from reports.models import CheckInWeek

    def weekly_rows() -> set[tuple]:
        return set(
            CheckInWeek.objects.values_list(
                "patient_id", "week", "checkins", "mood_sum", "craving_sum", "stress_sum"
            )
        )

    def grouped_again() -> set[tuple]:
        monday = {}
        for row in CheckIn.objects.values("patient_id", "local_date"):
            day = row["local_date"]
            monday[(row["patient_id"], day)] = day - timedelta(days=day.weekday())
        totals: dict[tuple, list[int]] = {}
        for c in CheckIn.objects.all():
            key = (c.patient_id, monday[(c.patient_id, c.local_date)])
            t = totals.setdefault(key, [0, 0, 0, 0])
            t[0] += 1
            t[1] += c.mood
            t[2] += c.craving
            t[3] += c.stress
        return {(*key, *t) for key, t in totals.items()}

    ana, ben = PatientFactory(clinic=clinic), PatientFactory(clinic=clinic)
    first = checkin(ana, date(2025, 3, 3), mood=4)
    checkin(ana, date(2025, 3, 4), mood=6)
    CheckIn.objects.bulk_create(
        [
            CheckIn(patient=ben, local_date=date(2025, 3, day), mood=day % 11, craving=1, stress=2)
            for day in range(1, 20)
        ]
    )
    assert weekly_rows() == grouped_again() and len(weekly_rows()) == 1 + 4

    first.mood = 10
    first.save()
    CheckIn.objects.filter(patient=ben, local_date__lt=date(2025, 3, 10)).update(stress=9)
    moved = CheckIn.objects.get(patient=ana, local_date=date(2025, 3, 4))
    moved.local_date = date(2025, 3, 12)  # into the next week
    moved.save()
    assert weekly_rows() == grouped_again()

    CheckIn.objects.filter(patient=ben, local_date__gte=date(2025, 3, 17)).delete()
    first.delete()
    assert weekly_rows() == grouped_again()
    assert not CheckInWeek.objects.filter(patient=ben, week=date(2025, 3, 17)).exists()

    ben.delete()
    assert weekly_rows() == grouped_again() == {(ana.pk, date(2025, 3, 10), 1, 6, 3, 4)}
