"""The caseload at scale: the same queries for 5 people or 500, a page of 25 with its links, and a
"needs attention" strip that counts everyone but names a few under each heading (the rest one
link away), so the page's cost and its audit rows stay flat in caseload size."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent, ListedPatient
from coping.models import Assessment, AssessmentSchedule
from coping.selectors import schedule_for
from engagement.models import Ladder, LadderStep, Rung
from patients import selectors
from patients.milestones import milestones_between
from patients.models import (
    Alert,
    AlertKind,
    AlertSeverity,
    CareTeamMember,
    Patient,
    PatientStatus,
    TeamRole,
)
from patients.views import CASELOAD_PAGE_SIZE, link_to
from tests.factories import ProgramFactory, member

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)  # mid-afternoon in every US zone
SHOWN = selectors.STRIP_SHOWN


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def me(clinic):
    return member(Role.CLINICIAN, clinic)


def caseload(size: int, clinic, clinician, **fields: object) -> list[Patient]:
    """`size` active people on the clinician's caseload (Person 0000, 0001, ...), each made a
    month ago, with no check-in or questionnaire yet (so each has missed check-ins and overdue
    questionnaires), a 30-day milestone this week for every third, an open alert and an open
    escalation ladder each."""
    today = timezone.localdate()
    program = ProgramFactory(clinic=clinic)
    people = Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            mrn=f"S-{n:04d}",
            legal_name=f"Person {n:04d}",
            date_of_birth=today - timedelta(days=12000),
            program=program,
            time_zone="America/New_York",
            recovery_start=today - timedelta(days=28 if n % 3 == 0 else 100 + n),
            **({"status": PatientStatus.ACTIVE} | fields),
        )
        for n in range(size)
    )
    Patient.objects.filter(pk__in=[p.pk for p in people]).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    CareTeamMember.objects.bulk_create(
        CareTeamMember(
            patient=p, clinician=clinician, team_role=TeamRole.PRIMARY_COUNSELOR, is_primary=True
        )
        for p in people
    )
    Alert.objects.bulk_create(
        Alert(clinic=clinic, patient=p, kind=AlertKind.OTHER, message="x") for p in people
    )
    ladders = Ladder.objects.bulk_create(
        Ladder(patient=p, streak="2026-06-01", opened_at=timezone.now() - timedelta(days=2))
        for p in people
    )
    LadderStep.objects.bulk_create(
        LadderStep(ladder=ladder, rung=Rung.NUDGE, taken_at=ladder.opened_at) for ladder in ladders
    )
    return people


def get(client, **params: str):
    return client.get(reverse("patients:caseload"), params)


def listed(event: AuditEvent) -> set[int]:
    return set(ListedPatient.objects.filter(event=event).values_list("patient_id", flat=True))


# --- queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "Person", "sort": "-last_checkin"}, {"status": "active", "has_alerts": "on"}],
)
def test_the_caseload_reads_the_same_queries_for_5_people_or_500(
    client, clinic, me, other_clinic, django_assert_max_num_queries, params
):
    """Session, user, membership; the programs; the page's rows with their total; the strip's
    alerts with theirs, its people with all it reads about them, the open ladders, the unread
    message threads (messaging's source); the audit event and its rows. Eleven, at either size,
    with every heading of the strip full."""
    client.force_login(me)
    counts = {}
    for size in (5, 500):
        Patient.objects.filter(clinic=clinic).update(clinic=other_clinic)  # off the caseload
        caseload(size, clinic, me)
        with django_assert_max_num_queries(11) as captured:
            response = get(client, **params)
        assert response.status_code == 200
        strip = response.context["attention"]
        assert strip.counts["missed_checkins"] == strip.counts["overdue_assessments"] == size
        assert strip.counts["open_ladders"] == size
        assert len(strip.missed_checkins) == len(strip.open_ladders) == min(size, SHOWN)
        assert strip.alert_count == size
        counts[size] = len(captured.captured_queries)
    assert counts[5] == counts[500]


# --- the strip -------------------------------------------------------------------------------


def test_the_strip_counts_everyone_and_names_a_few_under_each_heading(client, clinic, me):
    people = caseload(40, clinic, me)
    client.force_login(me)

    response = get(client)

    strip = response.context["attention"]
    shown = response.context["strip"]
    assert strip.counts["missed_checkins"] == strip.counts["overdue_assessments"] == 40
    assert strip.counts["milestones"] == 14  # every third: 0, 3, ..., 39
    assert strip.counts["open_ladders"] == 40
    assert strip.alert_count == 40 and len(strip.alerts) == selectors.ALERT_LIMIT
    assert {key: len(items) for key, items in shown.items()} == {
        "overdue": SHOWN,
        "milestones": SHOWN,
        "missed": SHOWN,
        "ladders": SHOWN,
        "messages": 0,  # no one wrote to the care team
    }
    page = response.content.decode()
    section = page.split('data-testid="needs-attention"', 1)[1].split("</section>", 1)[0]
    first_five = [f"Person {n:04d}" for n in range(SHOWN)]
    assert [item.patient_name for item in shown["missed"]] == first_five
    assert [item.patient_name for item in shown["overdue"]] == first_five
    missed = section.split("Missed check-ins", 1)[1].split("</ul>", 1)[0]
    assert "Person 0004" in missed and "Person 0005" not in missed
    assert "more=overdue" in section and "more=missed" in section and "Show all 40" in section
    assert "Show all 14" in section
    # Each name links to the chart, built without a reverse() per name.
    first = shown["missed"][0]
    assert f'href="{reverse("patients:chart", args=[first.patient_id])}"' in section
    assert people[0].pk == first.patient_id


def test_one_heading_in_full_and_back(client, clinic, me):
    caseload(40, clinic, me)
    client.force_login(me)

    response = get(client, more="missed", sort="-name", page="2")

    shown = response.context["strip"]
    assert len(shown["missed"]) == 40 and len(shown["overdue"]) == SHOWN
    section = response.content.decode().split('data-testid="needs-attention"', 1)[1]
    section = section.split("</section>", 1)[0]
    assert "Person 0039" in section
    assert "Show fewer" in section
    # "Show fewer" keeps the search, the sort and the page; the table's page links drop `more`.
    assert 'href="?sort=-name&amp;page=2#attention-heading"' in section
    assert "more=" not in response.content.decode().split('id="caseload-results"', 1)[1]
    # A heading nobody asked for, or one unknown, shows the first few.
    assert len(get(client, more="nonsense").context["strip"]["missed"]) == SHOWN


def test_the_audit_names_the_rows_shown_and_the_people_the_strip_names(client, clinic, me):
    caseload(200, clinic, me)
    client.force_login(me)

    response = get(client)

    [event] = AuditEvent.objects.filter(details__list="caseload")
    rows = {p.pk for p in response.context["page"].object_list}
    shown = response.context["strip"]
    strip = response.context["attention"]
    named = {a.patient_id for a in strip.alerts} | {
        item.patient_id for items in shown.values() for item in items
    }
    named |= {item.patient_id for item in strip.open_ladders}
    assert listed(event) == rows | named
    assert event.details["patients"] == len(rows | named)
    # Asking for a heading in full names its people too.
    get(client, more="overdue")
    latest = AuditEvent.objects.filter(details__list="caseload").order_by("-pk").first()
    assert {i.patient_id for i in strip.overdue_assessments} <= listed(latest)
    assert latest.details["filters"] == {"more": "overdue"}


def test_a_search_through_htmx_reads_and_records_only_the_table(client, clinic, me):
    caseload(30, clinic, me)
    client.force_login(me)

    response = client.get(reverse("patients:caseload"), {"q": "Person 00"}, HTTP_HX_REQUEST="true")

    assert "attention" not in response.context
    [event] = AuditEvent.objects.filter(details__list="caseload")
    assert listed(event) == {p.pk for p in response.context["page"].object_list}


def test_overdue_questionnaires_agree_with_the_schedule_page(client, clinic, me):
    """The strip reads each questionnaire's last date and schedule with the people (no query of
    its own): it must say what coping.selectors.schedule_for says for each person."""
    today = timezone.localdate()
    people = caseload(6, clinic, me)
    a, b, c, d, e, f = people
    for patient, instrument, days_ago in [
        (a, "phq9", 3),
        (a, "gad7", 3),
        (a, "brs", 3),
        (a, "barc10", 3),  # all recent: nothing overdue
        (b, "phq9", 20),  # PHQ-9 due every 14 days: overdue
        (c, "phq9", 20),  # ... but every 30 for this person
        (d, "brs", 40),
    ]:
        Assessment.objects.create(
            patient=patient,
            instrument=instrument,
            answers=[],
            total=1,
            band="minimal",
            local_date=today - timedelta(days=days_ago),
        )
    AssessmentSchedule.objects.create(patient=c, instrument="phq9", interval_days=30)
    AssessmentSchedule.objects.create(patient=d, instrument="brs", interval_days=30)
    for instrument in ("phq9", "gad7", "brs", "barc10"):  # everything turned off
        AssessmentSchedule.objects.create(
            patient=e, instrument=instrument, interval_days=14, is_active=False
        )
    Patient.objects.filter(pk=f.pk).update(status=PatientStatus.INTAKE)
    client.force_login(me)

    strip = get(client, more="overdue").context["attention"]

    texts = {item.patient_id: item.text for item in strip.overdue_assessments}
    for patient in (a, b, c, d, e):
        stored = Patient.objects.get(pk=patient.pk)  # made a month ago
        late = [due.instrument.short_name for due in schedule_for(stored) if due.overdue]
        assert texts.get(patient.pk) == (f"{', '.join(late)} overdue" if late else None)
    assert a.pk not in texts and e.pk not in texts and f.pk not in texts  # intake: not yet
    assert "PHQ-9" in texts[b.pk] and "PHQ-9" not in texts[c.pk]


def test_the_open_alert_count_is_everyone_s_not_the_ten_shown(client, clinic, me):
    people = caseload(3, clinic, me)
    Alert.objects.bulk_create(
        Alert(
            clinic=clinic,
            patient=people[n % 3],
            kind=AlertKind.SELF_HARM,
            severity=AlertSeverity.HIGH,
            message="y",
        )
        for n in range(9)
    )
    client.force_login(me)

    strip = get(client).context["attention"]

    assert strip.alert_count == 12
    assert len(strip.alerts) == 10 and strip.alerts[0].severity == AlertSeverity.HIGH
    assert "12 open alerts" in get(client).content.decode()


def test_no_open_alerts_counts_none(client, clinic, me):
    caseload(2, clinic, me)
    Alert.objects.all().delete()
    client.force_login(me)

    strip = get(client).context["attention"]

    assert strip.alerts == [] and strip.alert_count == 0


# --- paging ----------------------------------------------------------------------------------


def names(response) -> list[str]:
    return [p.legal_name for p in response.context["page"].object_list]


def test_page_two_keeps_the_search_sort_and_filters(client, clinic, me):
    caseload(60, clinic, me)
    client.force_login(me)
    params = {"q": "Person", "sort": "-name", "status": "active"}

    first = get(client, **params)
    second = get(client, **params, page="2")
    third = get(client, **params, page="3")

    assert names(first)[0] == "Person 0059" and len(names(first)) == CASELOAD_PAGE_SIZE
    assert names(second)[0] == "Person 0034" and len(names(second)) == CASELOAD_PAGE_SIZE
    assert names(third) == [f"Person {n:04d}" for n in range(9, -1, -1)]
    assert second.context["page"].paginator.count == 60
    assert second.context["page"].paginator.num_pages == 3
    html = second.content.decode()
    assert 'href="?q=Person&amp;sort=-name&amp;status=active&amp;page=3"' in html
    assert 'href="?q=Person&amp;sort=-name&amp;status=active&amp;page=1"' in html
    assert "Page 2 of 3" in html
    # Filtered: the total is the filter's, and the page is the filter's.
    only = get(client, q="Person 001", page="1")
    assert only.context["page"].paginator.count == 10 and len(names(only)) == 10


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("3", 3),
        ("999", 3),  # past the end: the last page
        ("99999999999999999999999", 3),  # past anything the database can skip
        ("0", 1),
        ("-2", 1),
        ("two", 1),
        ("", 1),
        ("2.5", 1),
    ],
)
def test_a_page_out_of_range_or_not_a_number_is_never_an_error(client, clinic, me, page, expected):
    caseload(60, clinic, me)
    client.force_login(me)

    response = get(client, page=page)

    assert response.status_code == 200
    assert response.context["page"].number == expected
    assert response.context["page"].paginator.count == 60
    assert len(names(response)) == (10 if expected == 3 else CASELOAD_PAGE_SIZE)


def test_an_empty_caseload_is_one_empty_page(client, clinic, me):
    client.force_login(me)

    response = get(client, page="4")

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "Nobody is on your caseload yet" in response.content.decode()


# --- the filters' own markup -----------------------------------------------------------------


def test_the_filters_show_what_was_chosen(client, clinic, me):
    caseload(3, clinic, me)
    program = ProgramFactory(clinic=clinic, name="Young adults")
    client.force_login(me)

    html = get(
        client, q="Per", program=str(program.pk), status="active", sort="alerts", has_alerts="on"
    ).content.decode()

    assert 'name="q" value="Per"' in html
    assert f'<option value="{program.pk}" selected>Young adults</option>' in html
    assert '<option value="active" selected>' in html
    assert '<option value="alerts" selected>' in html
    assert 'id="id_has_alerts" checked' in html
    assert '<label for="id_program" class="form-label">Program</label>' in html


def test_a_program_that_is_not_one_shows_the_error_and_lists_everyone(client, clinic, me):
    caseload(3, clinic, me)
    client.force_login(me)

    response = get(client, program="not-a-number")

    assert response.status_code == 200
    assert len(names(response)) == 3
    html = response.content.decode()
    assert 'aria-describedby="error_id_program"' in html and 'id="error_id_program"' in html


# --- links -----------------------------------------------------------------------------------


def test_links_built_once_match_reverse():
    chart, alerts = link_to("patients:chart"), link_to("patients:alerts")
    for pk in (1, 7, 42, 2147483647, 10**12):
        assert chart(pk) == reverse("patients:chart", args=[pk])
        assert alerts(pk) == reverse("patients:alerts", args=[pk])


def test_the_quick_milestone_test_misses_no_milestone():
    """milestone_near only skips people with no milestone in the week from today."""
    starts = [date(2020, 2, 29), date(2019, 12, 31), date(2024, 1, 3), date(2025, 6, 15)]
    starts += [date(2021, 3, 1) + timedelta(days=n * 37) for n in range(10)]
    for start in starts:
        for offset in range(0, 1200, 1):
            today = start + timedelta(days=offset)
            found = bool(milestones_between(start, today, today + timedelta(6)))
            assert selectors.milestone_near(start, today) == found, (start, today)
