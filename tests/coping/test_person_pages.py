"""What the person in recovery reads on their own pages: questionnaires in everyday words (the
care team keeps the published names), and empty lists that say what to do next."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from accounts.models import Role
from coping.instruments import INSTRUMENTS, PLAIN_NAMES
from coping.models import AssessmentSchedule
from coping.services import plan_save
from tests.factories import member

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
PLAIN = {
    "phq9": "Mood questionnaire (PHQ-9)",
    "gad7": "Worry questionnaire (GAD-7)",
    "brs": "Resilience questionnaire (BRS)",
    "barc10": "Recovery strengths questionnaire (BARC-10)",
}


def test_every_questionnaire_has_one_everyday_name_that_keeps_its_acronym():
    assert set(PLAIN_NAMES) == set(INSTRUMENTS)
    for slug, instrument in INSTRUMENTS.items():
        assert instrument.plain_name == PLAIN_NAMES[slug]
        assert instrument.plain_name.endswith(f"({instrument.short_name})")


def test_the_template_filters_read_the_one_mapping(person, patient, team_clinician):
    from coping.access import CopingAccess

    template = Template(
        "{% load questionnaires %}{{ slug|plain_name }}|{{ i|questionnaire:me }}|"
        "{{ i|questionnaire:staff }}"
    )
    context = Context(
        {
            "slug": "gad7",
            "i": INSTRUMENTS["brs"],
            "me": CopingAccess(person.memberships.get(), patient),
            "staff": CopingAccess(team_clinician.memberships.get(), patient),
        }
    )

    assert template.render(context) == (
        "worry questionnaire (GAD-7)|Resilience questionnaire (BRS)|BRS"
    )


def test_the_persons_progress_and_questionnaire_pages_use_everyday_names(client, patient, person):
    client.force_login(person)

    progress = client.get(reverse("coping:checkins", args=[patient.pk])).content.decode()
    form = client.get(reverse("coping:assessment_new", args=[patient.pk, "phq9"]))
    answers = {f"item_{n}": "1" for n in range(1, 10)} | {"item_9": "0"}
    saved = client.post(
        reverse("coping:assessment_new", args=[patient.pk, "phq9"]), answers, follow=True
    ).content.decode()

    schedule = progress.split('data-testid="schedule"')[1].split("</ul>")[0]
    for slug, name in PLAIN.items():
        assert name in schedule.split(f'data-testid="schedule-{slug}"')[1].split("</li>")[0]
    assert '<h1 class="h3">Mood questionnaire (PHQ-9)</h1>' in form.content.decode()
    assert "Mood questionnaire (PHQ-9) saved: 8, mild." in saved
    table = saved.split('data-testid="assessment-table"')[1].split("</table>")[0]
    assert '<th scope="row">Mood questionnaire (PHQ-9)</th>' in table and "Mild" in table
    assert "PHQ9" not in table  # not the slug in capitals, as before


def test_the_care_team_keeps_the_published_names(client, patient, team_clinician):
    client.force_login(team_clinician)

    progress = client.get(reverse("coping:checkins", args=[patient.pk])).content.decode()
    form = client.get(reverse("coping:assessment_new", args=[patient.pk, "phq9"])).content

    assert "Mood questionnaire" not in progress
    assert '<span class="fw-semibold">PHQ-9</span>' in progress
    assert "Patient Health Questionnaire (PHQ-9)" in form.decode()


# --- Empty states ---------------------------------------------------------------------------


def test_no_check_ins_yet_says_how_to_start(client, patient, person):
    client.force_login(person)

    html = client.get(reverse("coping:checkins", args=[patient.pk])).content.decode()

    recent = html.split('data-testid="recent-empty"')[1].split("</li>")[0]
    assert "No check-ins yet." in recent and 'href="/my-recovery/check-in/"' in recent
    trend = html.split('data-testid="trend-empty"')[1].split("</p>")[0]
    assert 'href="/my-recovery/check-in/"' in trend
    scores = html.split('data-testid="scores-empty"')[1].split("</td>")[0]
    assert "Start one from the list above" in scores


def test_no_questionnaire_due_says_which_is_next_and_when(client, patient, person):
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=NEW_YORK), tick=False):
        patient.__class__.objects.filter(pk=patient.pk).update(
            created_at=datetime(2026, 6, 1, 9, 0, tzinfo=NEW_YORK)
        )
        # Each answered recently; the soonest due is PHQ-9 (every 14 days), on June 14.
        answered = {"phq9": (5, 31), "gad7": (6, 1), "brs": (5, 20), "barc10": (5, 25)}
        for slug, (month, day) in answered.items():
            patient.assessments.create(
                instrument=slug,
                answers=[],
                total=1,
                band="minimal",
                local_date=date(2026, month, day),
            )
        client.force_login(person)

        html = client.get(reverse("coping:checkins", args=[patient.pk])).content.decode()

    summary = html.split('data-testid="due-summary"')[1].split("</p>")[0]
    assert "No questionnaire is due today." in summary
    assert "The next one is the mood questionnaire (PHQ-9), on Jun 14, 2026" in summary


def test_no_questionnaire_scheduled_says_who_sets_them_up(client, patient, person):
    for slug in INSTRUMENTS:
        AssessmentSchedule.objects.create(
            patient=patient, instrument=slug, interval_days=14, is_active=False
        )
    client.force_login(person)

    html = client.get(reverse("coping:checkins", args=[patient.pk])).content.decode()

    assert "No questionnaires are scheduled for you. Your care team sets them up" in html
    assert 'data-testid="schedule"' not in html


def test_an_empty_plan_section_links_to_that_section_of_the_editor(client, clinic, patient, person):
    plan_save(patient=patient, actor=person, content={"warning_signs": [{"text": "Isolating"}]})
    edit = reverse("coping:plan_edit", args=[patient.pk])
    client.force_login(person)

    html = client.get(reverse("coping:plan", args=[patient.pk])).content.decode()
    printed = client.get(reverse("coping:plan_print", args=[patient.pk])).content.decode()

    triggers = html.split('data-testid="empty-triggers"')[1].split("</p>")[0]
    assert "No triggers listed yet." in triggers and f'href="{edit}#edit-triggers"' in triggers
    assert f'href="{edit}#edit-people"' in html and 'data-testid="empty-warning_signs"' not in html
    assert 'id="edit-triggers"' in client.get(edit).content.decode()  # the link's target
    assert "No triggers listed yet." in printed and "#edit-triggers" not in printed
    client.force_login(member(Role.ADMIN, clinic))  # reads, cannot change
    admin = client.get(reverse("coping:plan", args=[patient.pk])).content.decode()
    assert "#edit-triggers" not in admin and "The care team can add this" in admin


def test_the_reminder_time_is_confirmed_beside_its_form(client, patient, person):
    client.force_login(person)

    response = client.post(reverse("coping:my_reminder_time"), {"checkin_reminder_time": "08:30"})
    page = client.get(response["Location"]).content.decode()

    assert response["Location"] == "/my-recovery/check-in/#reminder"
    form = page.split('id="reminder"')[1].split("</form>")[0]
    assert "Your daily reminder time is saved." in form
    assert page.count("Your daily reminder time is saved.") == 1


def test_the_progress_chart_and_its_table_write_days_the_readers_way(client, patient, person):
    from coping.services import checkin_submit

    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=NEW_YORK), tick=False):
        checkin_submit(patient=patient, actor=person, mood=6, craving=2, stress=3)
        client.force_login(person)
        response = client.get(reverse("coping:checkins", args=[patient.pk]))

    assert response.context["series"][0]["label"] == "Jun 10"  # the chart's axis
    html = response.content.decode()
    assert '<th scope="row">Jun 10</th>' in html and "<strong>Jun 10, 2026</strong>" in html
