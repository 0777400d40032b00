"""The journey shows a range of days (the last 30 in the patient's zone by default), filtered by
kind, with Earlier and Later links; bad filters say what is wrong by the field, never a 500; the
number of queries does not grow with the length of the history."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from coping.models import CheckIn
from patients.models import Appointment, ClinicalNote, Milestone, Setback
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db

AUCKLAND = ZoneInfo("Pacific/Auckland")


def _checkin(patient, day: date, mood: int = 5) -> CheckIn:
    return CheckIn.objects.create(patient=patient, local_date=day, mood=mood, craving=2, stress=3)


def _appointment(patient, starts_at: datetime, title: str) -> Appointment:
    return Appointment.objects.create(
        clinic=patient.clinic,
        patient=patient,
        kind="individual",
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
    )


def _journey(client, patient, **query: object):
    return client.get(reverse("patients:journey", args=[patient.pk]), query)


def _kinds(response) -> list[str]:
    return re.findall(r'class="journey-event[^"]*" data-kind="(\w+)"', response.content.decode())


def _link(response, testid: str) -> str:
    match = re.search(rf'href="\?([^"]+)" data-testid="{testid}"', response.content.decode())
    assert match, f"no {testid} link"
    return match.group(1).replace("&amp;", "&")


# Mar 10 15:00 UTC is already Mar 11, 04:00 in Auckland: the patient's today is Mar 11.
@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_the_default_range_is_the_last_30_days_in_the_patients_zone(
    client, patient, team_clinician
):
    patient.time_zone = "Pacific/Auckland"
    patient.save()
    _checkin(patient, date(2026, 3, 11), mood=7)  # the patient's today (UTC still says Mar 10)
    _checkin(patient, date(2026, 2, 10), mood=6)  # the first of the 30 days
    _checkin(patient, date(2026, 2, 9), mood=4)  # the day before: on the earlier page
    # Feb 10, 00:30 in Auckland is still Feb 9 in UTC: inside the range.
    _appointment(patient, datetime(2026, 2, 10, 0, 30, tzinfo=AUCKLAND), "Just after midnight")
    # Feb 9, 23:30 in Auckland: the day before the range.
    _appointment(patient, datetime(2026, 2, 9, 23, 30, tzinfo=AUCKLAND), "Just before midnight")
    client.force_login(team_clinician)

    response = _journey(client, patient)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Feb 10, 2026 to Mar 11, 2026" in page
    assert "Mood 7" in page and "Mood 6" in page and "Mood 4" not in page
    assert "Just after midnight" in page and "Just before midnight" not in page
    assert "Pacific/Auckland" in page  # says whose days these are
    assert _link(response, "journey-earlier") == "start=2026-01-11&end=2026-02-09"
    assert 'data-testid="journey-later"' not in page  # nothing after today


@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_earlier_and_later_links_move_a_page_and_keep_the_kinds(client, patient, team_clinician):
    patient.time_zone = "Pacific/Auckland"
    patient.save()
    _checkin(patient, date(2026, 3, 1))
    _checkin(patient, date(2026, 1, 20), mood=3)
    _checkin(patient, date(2025, 12, 1), mood=2)
    Setback.objects.create(
        patient=patient,
        occurred_on=date(2026, 1, 21),
        kind="lapse",
        what_happened="A hard weekend.",
    )
    client.force_login(team_clinician)

    first = _journey(client, patient, kind="checkin")
    earlier = _link(first, "journey-earlier")
    assert earlier == "start=2026-01-11&end=2026-02-09&kind=checkin"

    second = client.get(f"{reverse('patients:journey', args=[patient.pk])}?{earlier}")
    assert _kinds(second) == ["checkin"]  # the setback of Jan 21 stays filtered out
    assert "Mood 3" in second.content.decode()
    assert _link(second, "journey-later") == "start=2026-02-10&end=2026-03-11&kind=checkin"
    # The Dec 1 check-in is still further back.
    assert _link(second, "journey-earlier") == "start=2025-12-12&end=2026-01-10&kind=checkin"

    third = client.get(
        f"{reverse('patients:journey', args=[patient.pk])}?{_link(second, 'journey-earlier')}"
    )
    page = third.content.decode()
    assert "Nothing recorded from Dec 12, 2025 to Jan 10, 2026" in page
    assert "See the entries before these dates" in page


@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_filter_by_kind_shows_only_those_kinds(client, patient, team_clinician):
    today = patient.local_today()
    _checkin(patient, today)
    Setback.objects.create(
        patient=patient, occurred_on=today, kind="lapse", what_happened="Drank at a wedding."
    )
    Milestone.objects.create(
        patient=patient, kind="personal_goal", title="Finished the course", date=today
    )
    ClinicalNote.objects.create(patient=patient, author=team_clinician, body="Plan reviewed.")
    client.force_login(team_clinician)

    everything = _journey(client, patient)
    both = _journey(client, patient, kind=["setback", "note"])

    assert {"checkin", "setback", "milestone", "note"} <= set(_kinds(everything))
    assert sorted(set(_kinds(both))) == ["note", "setback"]
    page = both.content.decode()
    assert "Drank at a wedding." in page and "Plan reviewed." in page
    assert "Finished the course" not in page
    assert re.search(r'value="setback"[^>]*checked', page)  # the choice is kept in the form


@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_a_kind_with_nothing_yet_says_so_and_offers_every_kind(client, patient, team_clinician):
    _checkin(patient, patient.local_today())
    client.force_login(team_clinician)

    response = _journey(client, patient, kind="setback")

    page = response.content.decode()
    assert 'data-testid="journey-empty"' in page
    assert "Nothing of these kinds has been recorded yet." in page
    assert "Show every kind of entry" in page


@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_a_patient_without_history_gets_a_first_step(client, clinic, team_clinician):
    from patients.models import TeamRole
    from patients.services import care_team_add

    newcomer = PatientFactory(clinic=clinic, recovery_start=None)
    care_team_add(
        patient=newcomer,
        clinician=team_clinician,
        team_role=TeamRole.CASE_MANAGER,
        actor=team_clinician,
    )
    client.force_login(team_clinician)

    page = _journey(client, newcomer).content.decode()

    assert "The story starts here" in page
    assert reverse("patients:appointment_new", args=[newcomer.pk]) in page


@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_only_a_start_date_shows_from_it_to_today(client, patient, team_clinician):
    _checkin(patient, date(2025, 11, 30), mood=1)
    _checkin(patient, date(2025, 12, 1), mood=9)
    client.force_login(team_clinician)

    response = _journey(client, patient, start="2025-12-01")

    page = response.content.decode()
    assert "Dec 1, 2025 to Mar 10, 2026" in page  # New York's today
    assert "Mood 9" in page and "Mood 1" not in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "end", "before the “From” date"),
        ({"start": "2026-02-31"}, "start", "Enter a real date"),
        ({"end": "yesterday"}, "end", "Enter a real date"),
        ({"start": "0001-01-01"}, "start", "Choose a date between 1900 and 2199"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "end", "at most a year"),
        ({"kind": "invented"}, "kind", "Choose from the kinds listed"),
    ],
)
@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_bad_filters_say_what_is_wrong_and_show_the_last_30_days(
    client, patient, team_clinician, query, field, message
):
    _checkin(patient, patient.local_today(), mood=8)
    client.force_login(team_clinician)

    response = _journey(client, patient, **query)

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    page = response.content.decode()
    assert message in page.replace("&quot;", '"').replace("&#x27;", "'")
    assert "These filters could not be used, so the last 30 days are shown" in page
    assert "Mood 8" in page
    assert response.context["journey"].window.length == 30


def test_clinic_admins_cannot_filter_by_clinical_notes(client, clinic, patient, team_clinician):
    ClinicalNote.objects.create(patient=patient, author=team_clinician, body="Care team only.")
    client.force_login(member(Role.ADMIN, clinic))

    response = _journey(client, patient, kind="note")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Care team only." not in page
    assert 'value="note"' not in page
    assert "kind" in response.context["form"].errors


@pytest.mark.parametrize("days", [5, 400])
@pytest.mark.parametrize(
    "query", [{}, {"start": "2025-03-15", "end": "2026-03-10"}, {"kind": ["checkin", "note"]}]
)
@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_the_journey_costs_the_same_queries_for_a_short_or_long_history(
    client, patient, team_clinician, django_assert_max_num_queries, days, query
):
    today = patient.local_today()
    CheckIn.objects.bulk_create(
        CheckIn(patient=patient, local_date=today - timedelta(days=d), mood=5, craving=3, stress=4)
        for d in range(days)
    )
    noon = datetime.combine(today, datetime.min.time()).replace(hour=12, tzinfo=patient.zone)
    Appointment.objects.bulk_create(
        Appointment(
            clinic=patient.clinic,
            patient=patient,
            kind="group",
            starts_at=noon - timedelta(days=d),
            ends_at=noon - timedelta(days=d, hours=-1),
        )
        for d in range(0, days, 3)
    )
    ClinicalNote.objects.bulk_create(
        ClinicalNote(patient=patient, author=team_clinician, body=f"Note {d}")
        for d in range(0, days, 4)
    )
    Setback.objects.bulk_create(
        Setback(
            patient=patient,
            occurred_on=today - timedelta(days=d),
            kind="lapse",
            what_happened="Used once.",
        )
        for d in range(0, days, 30)
    )
    client.force_login(team_clinician)

    # session, user, membership, patient, care team check, audit insert (6); one query per
    # kind of entry (check-ins, milestones, setbacks, appointments, notes, recovery dates,
    # questionnaires, coping plan: 8); the first and last day with an entry, for the paging
    # links (1); the header's alert counts (1).
    with django_assert_max_num_queries(16):
        response = _journey(client, patient, **query)

    assert response.status_code == 200
    assert response.context["journey"].events
