"""Query budgets of the pages about one person, at a week and at a year of history: the chart's
tabs (overview, journey, progress, notes, network), the person's home and check-in page, and
their supporter's page each cost the same number of queries whatever the length of the story
(bench/pages.py times them at 5,000 patients x 365 days)."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coping.models import Assessment, CheckIn
from networks.models import Encouragement, ReachOut
from networks.services import consent_grant
from patients.models import Appointment, ClinicalNote, Setback

pytestmark = pytest.mark.django_db

SHORT, LONG = 7, 365
SCOPES = ["milestones", "checkin_summary", "coping_plan", "appointments", "help_tasks"]

# The most queries each page may make (the same at SHORT and LONG days of history). Each has
# the middleware's three (session, user, memberships); the staff pages the patient, the
# reader's care-team seat, the audit event and the header's alert counts (7 in all).
BUDGETS = {
    # + upcoming appointments and their staff (2), open alerts, care team, recovery history,
    # the person's invitation.
    "chart overview": 13,
    # + the first and last day with an entry and the kinds the window holds (1); one per kind
    # the window holds (here check-ins, setbacks, appointments, notes and questionnaires; the
    # milestones counted from the recovery start need none; 8 kinds at most).
    "chart journey": 13,
    # + the latest check-ins, the questionnaires' schedule (2), their scores, the series with
    # the streak (1).
    "chart progress": 12,
    # + the notes.
    "chart notes": 8,
    # + contacts, their consents and invitations, encouragements.
    "chart network": 11,
    # + the record, appointments, the series with the streak and today's check-in (1), the
    # schedule (2), help requests, celebrations (2), encouragements, and room for one more;
    # Step 14's blocks: the countdown's "did a setback move the start" (1), the help
    # calendar's gaps (1), new replies to updates (1).
    "patient home": 16,
    # + the record, the audit event, the coping plan, today's check-in.
    "patient check-in": 7,
    # + the contact, consents in force (once), the consented sections, reach-outs, the audit
    # event, sent encouragements, setback notices, wellbeing, the engagement blocks.
    "supporter's person": 17,
}


@pytest.fixture
def history(patient, team_clinician, contact, person):
    """Fill `days` days of the person's story: a check-in every day, a questionnaire every 14
    days, a clinical note and a past appointment every 7, a setback every 30, an encouragement
    and a reach-out from the supporter every 3; each kind once in the last week."""

    def fill(days: int) -> None:
        today = patient.local_today()
        noon = datetime.combine(today, time(12), tzinfo=patient.zone)
        CheckIn.objects.bulk_create(
            CheckIn(
                patient=patient,
                local_date=today - timedelta(days=d),
                mood=5 + d % 3,
                craving=3,
                stress=4,
                used_since_last=d % 40 == 0,
            )
            for d in range(days)
        )
        Assessment.objects.bulk_create(
            Assessment(
                patient=patient,
                instrument="phq9",
                answers=[1] * 9,
                total=9,
                band="mild",
                local_date=today - timedelta(days=d),
            )
            for d in range(0, days, 14)
        )
        ClinicalNote.objects.bulk_create(
            ClinicalNote(patient=patient, author=team_clinician, body=f"Note {d}")
            for d in range(0, days, 7)
        )
        Appointment.objects.bulk_create(
            Appointment(
                clinic=patient.clinic,
                patient=patient,
                kind="group",
                starts_at=noon - timedelta(days=d, hours=1),
                ends_at=noon - timedelta(days=d),
            )
            for d in range(0, days, 7)
        )
        Setback.objects.bulk_create(
            Setback(
                patient=patient,
                occurred_on=today - timedelta(days=d),
                kind="lapse",
                what_happened="Used once.",
            )
            for d in range(1, days, 30)
        )
        Encouragement.objects.bulk_create(
            Encouragement(patient=patient, contact=contact, message=f"Proud of you ({d})")
            for d in range(0, days, 3)
        )
        ReachOut.objects.bulk_create(
            ReachOut(
                contact=contact,
                patient=patient,
                channel="call",
                happened_on=today - timedelta(days=d),
            )
            for d in range(0, days, 3)
        )
        consent_grant(
            contact=contact,
            actor=person,
            scopes=SCOPES,
            purpose="To support my recovery",
            signed_name="Jordan Rivera",
            signature_method="in_app",
            expires_on_event="discharge",
        )

    return fill


def pages(patient) -> dict[str, tuple[str, str]]:
    """(who signs in, path) of each page."""
    p = patient.pk
    return {
        "chart overview": ("clinician", reverse("patients:chart", args=[p])),
        "chart journey": ("clinician", reverse("patients:journey", args=[p])),
        "chart progress": ("clinician", reverse("coping:checkins", args=[p])),
        "chart notes": ("clinician", reverse("patients:notes", args=[p])),
        "chart network": ("clinician", reverse("networks:network", args=[p])),
        "patient home": ("person", reverse("patients:patient_home")),
        "patient check-in": ("person", reverse("coping:my_checkin")),
        "supporter's person": ("supporter", reverse("networks:supporter_patient", args=[p])),
    }


def query_counts(client, people, patient) -> dict[str, int]:
    """Each page's queries (a first fetch of each, untimed, so no page pays another's
    first-use costs)."""
    counts = {}
    for page, (who, path) in pages(patient).items():
        client.force_login(people[who])
        assert client.get(path).status_code == 200, page
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, page
        counts[page] = len(captured)
    return counts


@pytest.fixture
def people(team_clinician, person, supporter, contact):
    return {"clinician": team_clinician, "person": person, "supporter": supporter}


@pytest.mark.parametrize("days", [SHORT, LONG])
@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_each_page_keeps_to_its_budget(client, patient, people, history, days):
    history(days)
    counts = query_counts(client, people, patient)
    over = {page: n for page, n in counts.items() if n > BUDGETS[page]}
    assert not over, f"over budget at {days} days of history: {over} (budgets {BUDGETS})"


@time_machine.travel("2026-03-10 15:00Z", tick=False)
def test_a_year_of_history_costs_the_same_queries_as_a_week(
    client, patient, people, history, django_assert_max_num_queries
):
    history(SHORT)
    week = query_counts(client, people, patient)
    # The rest of the year, before the week already there.
    CheckIn.objects.filter(patient=patient).delete()
    Encouragement.objects.filter(patient=patient).delete()
    ReachOut.objects.filter(patient=patient).delete()
    Assessment.objects.filter(patient=patient).delete()
    ClinicalNote.objects.filter(patient=patient).delete()
    Appointment.objects.filter(patient=patient).delete()
    Setback.objects.filter(patient=patient).delete()
    history(LONG)
    assert CheckIn.objects.filter(patient=patient).count() == LONG
    year = query_counts(client, people, patient)
    assert year == week
    # And a page after the year still renders the newest entries.
    client.force_login(people["clinician"])
    with django_assert_max_num_queries(BUDGETS["chart journey"]):
        response = client.get(reverse("patients:journey", args=[patient.pk]))
    assert response.context["journey"].events[0].day == timezone.localdate(
        timezone.now(), patient.zone
    )
