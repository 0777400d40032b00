"""The shared help page (networks:help_tasks) sets up one day or a series and shows the coming
two weeks; the person's own entry (networks:my_help) and their home page's block."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import Role
from networks.help_calendar import claim_slot
from networks.models import HelpTask, Repeat
from tests.factories import PatientFactory, member
from tests.help_calendar.conftest import MONDAY

pytestmark = pytest.mark.django_db

TUESDAY = date(2027, 3, 9)


def page(patient) -> str:
    return reverse("networks:help_tasks", args=[patient.pk])


def test_the_person_sets_up_a_weekly_series(client, patient, person):
    client.force_login(person)

    response = client.post(
        page(patient),
        {
            "kind": "ride",
            "title": "Ride to group",
            "due_on": "2027-03-09",
            "repeat": "weekly",
            "weekdays": ["1", "3"],
            "repeat_until": "2027-05-01",
            "starts_at": "17:00",
            "ends_at": "18:00",
            "people_needed": "2",
        },
    )

    assert response.status_code == 302
    task = HelpTask.objects.get()
    assert (task.repeat, task.weekdays, task.repeat_until, task.people_needed) == (
        Repeat.WEEKLY,
        [1, 3],
        date(2027, 5, 1),
        2,
    )
    assert task.starts_at.hour == 17 and task.ends_at.hour == 18


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"repeat": "weekly", "due_on": "2027-03-09"}, "weekdays", "at least one day"),
        ({"repeat": "daily"}, "due_on", "first date"),
        (
            {"repeat": "daily", "due_on": "2027-03-09", "repeat_until": "2027-03-01"},
            "repeat_until",
            "on or after",
        ),
        (
            {
                "repeat": "daily",
                "due_on": "2027-03-09",
                "repeat_until": "2027-04-01",
                "repeat_count": "3",
            },
            "repeat_count",
            "not both",
        ),
        ({"starts_at": "18:00", "ends_at": "17:00"}, "ends_at", "after the start"),
        ({"people_needed": "11"}, "people_needed", ""),
        ({"people_needed": "0"}, "people_needed", ""),
        ({"repeat": "monthly"}, "repeat", ""),
        ({"due_on": "2027-03-01"}, "due_on", "past"),
    ],
)
def test_a_bad_series_is_answered_on_its_field(client, patient, person, fields, field, words):
    client.force_login(person)
    data = {"kind": "ride", "title": "Ride", "repeat": "once", "people_needed": "1", **fields}

    response = client.post(page(patient), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert not HelpTask.objects.exists()


def test_the_page_shows_the_coming_two_weeks_with_gaps_in_words(
    client, ride, shared, supporter, team_clinician
):
    claim_slot(task=ride, day=TUESDAY, contact=shared, actor=supporter)
    client.force_login(team_clinician)

    response = client.get(page(ride.patient))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="coverage"' in html
    assert html.count('data-testid="occasion"') == 4  # 9, 11, 16 and 18 March
    assert "Covered by Pat" in html
    assert "Gap: needs 1 more person" in html and "Gap: needs 2 more people" in html
    assert "4 times still need someone." in html
    # "Who carries what" counts the help calendar's times too, not only one-time tasks.
    load = html.split('data-testid="task-load"')[1].split("</section>")[0]
    assert "1 time coming up on the help calendar" in load


def test_the_page_costs_the_same_queries_with_more_occasions(
    client, patient, person, django_assert_max_num_queries
):
    from networks.services import help_task_create

    client.force_login(person)
    for number in range(8):
        help_task_create(
            patient=patient,
            actor=person,
            kind="meal",
            title=f"Dinner {number}",
            due_on=TUESDAY,
            repeat=Repeat.DAILY,
            repeat_count=14,
        )
    # Sign-in, clinic, the patient and access, the network and its consents, the tasks and
    # the coverage (tasks + claims), the audit event: the same whatever the number of tasks.
    with django_assert_max_num_queries(40):
        response = client.get(page(patient))
    assert response.content.decode().count('data-testid="occasion"') == 8 * 13


def test_my_help_takes_the_person_to_their_page(client, patient, person):
    client.force_login(person)
    response = client.get(reverse("networks:my_help"))
    assert response.status_code == 302 and response.url == page(patient)


def test_my_help_is_only_for_people_in_recovery(client, team_clinician, supporter):
    for user in (team_clinician, supporter):
        client.force_login(user)
        assert client.get(reverse("networks:my_help")).status_code in (403, 404)


def test_another_clinics_help_page_is_404(client, other_clinic, ride):
    outsider = member(Role.CLINICIAN, other_clinic)
    client.force_login(outsider)
    assert client.get(page(ride.patient)).status_code == 404


def test_a_colleague_off_the_care_team_gets_404(client, clinic, ride):
    colleague = member(Role.CLINICIAN, clinic)
    client.force_login(colleague)
    assert client.get(page(ride.patient)).status_code == 404


def test_the_home_page_says_how_many_times_need_someone(client, ride, person):
    client.force_login(person)
    response = client.get(reverse("patients:patient_home"))
    html = response.content.decode()
    assert 'data-testid="help-from-my-people"' in html
    assert "4 times still need someone" in html
    assert reverse("networks:my_help") in html


def test_the_home_page_block_with_no_gaps(client, patient, person):
    client.force_login(person)
    html = client.get(reverse("patients:patient_home")).content.decode()
    assert "Nothing in the coming two weeks needs someone yet." in html


def test_the_form_lists_the_other_patient_nowhere(client, clinic, ride, person):
    other = PatientFactory(clinic=clinic)
    client.force_login(person)
    assert client.get(page(other)).status_code == 404
    assert MONDAY + timedelta(days=1) == TUESDAY
