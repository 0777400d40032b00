"""Check-ins and assessments through the pages: local days, updates, bad input, alerts, and
who may reach every coping URL."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from coping.models import Assessment, CheckIn
from patients.models import Alert, AlertKind
from tests.factories import PatientFactory, member

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def _form(**values: object) -> dict[str, object]:
    return {
        "mood": 6,
        "craving": 2,
        "stress": 4,
        "sleep_hours": "7.5",
        "used_since_last": "no",
        "use_details": "",
        "note": "",
    } | values


def _checkin_at(client, when: datetime, **values: object):
    with time_machine.travel(when):
        return client.post(reverse("coping:my_checkin"), _form(**values))


def test_check_ins_either_side_of_local_midnight_are_two_days(client, patient, person):
    client.force_login(person)

    _checkin_at(client, datetime(2026, 6, 10, 23, 30, tzinfo=NEW_YORK), mood=3)
    _checkin_at(client, datetime(2026, 6, 11, 0, 30, tzinfo=NEW_YORK), mood=8)

    days = list(CheckIn.objects.order_by("local_date").values_list("local_date", "mood"))
    assert [(d.isoformat(), m) for d, m in days] == [("2026-06-10", 3), ("2026-06-11", 8)]


def test_a_second_check_in_the_same_local_day_updates_it(client, patient, person):
    client.force_login(person)

    first = _checkin_at(client, datetime(2026, 6, 10, 7, 0, tzinfo=NEW_YORK), mood=3)
    second = _checkin_at(client, datetime(2026, 6, 10, 23, 45, tzinfo=NEW_YORK), mood=7)

    assert first.status_code == second.status_code == 302
    checkin = CheckIn.objects.get()
    assert (checkin.local_date.isoformat(), checkin.mood) == ("2026-06-10", 7)


def test_local_day_holds_across_the_autumn_dst_change(client, patient, person):
    # 1 November 2026: New York falls back from 02:00 EDT to 01:00 EST.
    client.force_login(person)

    _checkin_at(client, datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK))
    _checkin_at(client, datetime(2026, 11, 1, 23, 30, tzinfo=NEW_YORK))  # 04:30 UTC, 2 Nov
    _checkin_at(client, datetime(2026, 11, 2, 5, 30, tzinfo=ZoneInfo("UTC")))  # 00:30 EST

    days = [
        d.isoformat()
        for d in CheckIn.objects.order_by("local_date").values_list("local_date", flat=True)
    ]
    assert days == ["2026-11-01", "2026-11-02"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"mood": 11}, "mood"),
        ({"craving": "high"}, "craving"),
        ({"stress": ""}, "stress"),
        ({"sleep_hours": "25"}, "sleep_hours"),
        ({"used_since_last": "maybe"}, "used_since_last"),
        ({"strategies_used": ["made-up"]}, "strategies_used"),
    ],
)
def test_bad_check_in_input_gives_field_errors_and_saves_nothing(
    client, patient, person, values, field
):
    client.force_login(person)

    response = client.post(reverse("coping:my_checkin"), _form(**values))

    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not CheckIn.objects.exists()


def test_clinician_checks_in_on_behalf(client, patient, team_clinician):
    client.force_login(team_clinician)

    client.post(reverse("coping:checkin_new", args=[patient.pk]), _form())

    checkin = CheckIn.objects.get()
    assert checkin.on_behalf and checkin.entered_by == team_clinician
    page = client.get(reverse("coping:checkins", args=[patient.pk])).content.decode()
    assert "entered by the care team" in page


def test_alert_rules_fire_once_each_through_the_pages(client, patient, person, team_clinician):
    client.force_login(person)
    url = reverse("coping:my_checkin")

    client.post(url, _form(craving=9, used_since_last="yes", use_details="alcohol"))
    client.post(url, _form(craving=10, used_since_last="yes"))  # same day, same event
    phq9 = reverse("coping:assessment_new", args=[patient.pk, "phq9"])
    answers = {f"item_{n}": "0" for n in range(1, 9)} | {"item_9": "1"}
    client.post(phq9, answers)

    kinds = sorted(Alert.objects.values_list("kind", flat=True))
    assert kinds == sorted([AlertKind.HIGH_CRAVING, AlertKind.REPORTED_USE, AlertKind.SELF_HARM])
    client.force_login(team_clinician)
    strip = client.get(reverse("patients:caseload")).context["attention"]
    assert strip.alerts[0].kind == AlertKind.SELF_HARM  # high severity first


def test_an_assessment_through_the_page_is_scored(client, patient, person):
    client.force_login(person)
    answers = dict(
        zip(
            [f"item_{n}" for n in range(1, 10)],
            ["0", "1", "2", "3", "0", "1", "2", "3", "1"],
            strict=True,
        )
    )

    response = client.post(reverse("coping:assessment_new", args=[patient.pk, "phq9"]), answers)

    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (int(assessment.total), assessment.band, assessment.flags) == (
        13,
        "moderate",
        ["self_harm"],
    )


@pytest.mark.parametrize(
    "answers",
    [{}, {f"item_{n}": "0" for n in range(1, 9)}, {f"item_{n}": "4" for n in range(1, 10)}],
)
def test_bad_assessment_input_gives_field_errors_and_saves_nothing(
    client, patient, person, answers
):
    client.force_login(person)

    response = client.post(reverse("coping:assessment_new", args=[patient.pk, "phq9"]), answers)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Assessment.objects.exists()


def test_an_unknown_instrument_is_404(client, patient, person):
    client.force_login(person)

    url = reverse("coping:assessment_new", args=[patient.pk, "phq10"])
    assert client.get(url).status_code == 404


def _coping_urls(patient) -> list[str]:
    urls = [
        reverse("coping:checkins", args=[patient.pk]),
        reverse("coping:checkin_new", args=[patient.pk]),
        reverse("coping:assessment_new", args=[patient.pk, "gad7"]),
    ]
    for name in ("plan", "plan_edit", "plan_versions", "plan_print", "plan_wallet_card"):
        try:
            urls.append(reverse(f"coping:{name}", args=[patient.pk]))
        except Exception:  # noqa: S112  (the plan pages may not be mounted in this build)
            continue
    return urls


def test_supporters_and_other_clinics_get_404_on_every_coping_url(
    client, clinic, other_clinic, patient
):
    people = [
        member(Role.SUPPORTER, clinic),
        member(Role.CLINICIAN, other_clinic),
        member(Role.ADMIN, other_clinic),
        member(Role.CLINICIAN, clinic),  # same clinic, not on the care team
    ]
    other_patient_person = member(Role.PATIENT, clinic)
    PatientFactory(clinic=clinic, user=other_patient_person)
    people.append(other_patient_person)
    for user in people:
        client.force_login(user)
        for url in _coping_urls(patient):
            assert client.get(url).status_code == 404, (user.email, url)
            assert client.post(url, _form()).status_code == 404, (user.email, url)
    assert not CheckIn.objects.exists()


def test_admin_reads_progress_but_cannot_check_in(client, clinic, patient):
    client.force_login(member(Role.ADMIN, clinic))

    assert client.get(reverse("coping:checkins", args=[patient.pk])).status_code == 200
    assert client.post(reverse("coping:checkin_new", args=[patient.pk]), _form()).status_code == 404


@pytest.mark.parametrize("days", [30, 365])
def test_trend_and_journey_query_counts_do_not_grow(
    client, patient, team_clinician, django_assert_max_num_queries, days
):
    from datetime import timedelta

    today = patient.local_today()
    CheckIn.objects.bulk_create(
        CheckIn(patient=patient, local_date=today - timedelta(days=d), mood=5, craving=3, stress=4)
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
    client.force_login(team_clinician)

    with django_assert_max_num_queries(16):
        trend = client.get(reverse("coping:checkins", args=[patient.pk]), {"days": "90"})
    with django_assert_max_num_queries(16):
        journey = client.get(reverse("patients:journey", args=[patient.pk]))

    assert trend.status_code == journey.status_code == 200


def test_the_care_team_changes_how_often_a_questionnaire_is_due(
    client, patient, team_clinician, person
):
    from coping.models import AssessmentSchedule

    client.force_login(team_clinician)
    url = reverse("coping:schedule", args=[patient.pk])

    client.post(url, {"instrument": "phq9", "interval_days": "7", "is_active": "on"})
    bad = client.post(url, {"instrument": "phq9", "interval_days": "0", "is_active": "on"})

    assert bad.status_code == 302
    assert AssessmentSchedule.objects.get().interval_days == 7
    page = client.get(reverse("coping:checkins", args=[patient.pk])).content.decode()
    assert 'value="7"' in page
    client.force_login(person)  # the person in recovery sees, but does not set, the schedule
    client.post(url, {"instrument": "phq9", "interval_days": "60", "is_active": "on"})
    assert AssessmentSchedule.objects.get().interval_days == 7


def test_the_person_chooses_their_reminder_time(client, patient, person, team_clinician):
    from datetime import time

    client.force_login(person)

    client.post(reverse("coping:my_reminder_time"), {"checkin_reminder_time": "08:30"})
    client.post(reverse("coping:my_reminder_time"), {"checkin_reminder_time": "25:99"})

    patient.refresh_from_db()
    assert patient.checkin_reminder_time == time(8, 30)
    client.force_login(team_clinician)
    assert (
        client.post(
            reverse("coping:my_reminder_time"), {"checkin_reminder_time": "10:00"}
        ).status_code
        == 404
    )
