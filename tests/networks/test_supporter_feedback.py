"""Defect 3: each confirmation of the supporter's page is placed beside the control that was
used (the page opens at that place), errors too, with what was typed kept; the supporter sees
the encouragement they sent. The browser side (on a phone, in the viewport, focused) is in
tests/browser/test_supporter_phone.py."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from networks.models import Encouragement, HelpStatus, ReachOut, Relationship, SupportContact
from networks.services import (
    consent_grant,
    contact_add,
    encouragement_send,
    help_task_claim,
    help_task_create,
)
from tests.factories import member

pytestmark = pytest.mark.django_db


def grant(contact, person, scopes):
    return consent_grant(
        contact=contact,
        actor=person,
        scopes=scopes,
        purpose="To support me",
        signed_name="Jordan Rivera",
        signature_method="in_app",
        expires_on_event="discharge",
    )


def section(html: str, anchor: str) -> str:
    """The element with this id, up to the next section or list item that has one."""
    start = html.index(f'id="{anchor}"')
    following = [html.find(tag, start + 1) for tag in ("<section", '<li class="list-group-item"')]
    ends = [i for i in following if i != -1]
    return html[start : min(ends)] if ends else html[start:]


def placed(html: str, anchor: str) -> str:
    """The confirmation element rendered for this place, with its messages (once on the page)."""
    found = re.findall(
        rf'<div class="inline-feedback"[^>]*data-feedback="{re.escape(anchor)}">'
        r'(?:\s*<div class="alert[^"]*">.*?</div>)*</div>',
        html,
        flags=re.DOTALL,
    )
    assert len(found) == 1, (anchor, len(found))
    return found[0]


def top_messages(html: str) -> str:
    """What the page says above its heading (where messages without a place go)."""
    return html[html.index('id="main-content"') : html.index("<h1")]


@pytest.fixture
def task(patient, team_clinician):
    return help_task_create(
        patient=patient, actor=team_clinician, kind="ride", title="Ride to the Thursday group"
    )


# --- Encouragement --------------------------------------------------------------------------


def test_sent_encouragement_is_confirmed_beside_the_form_and_listed(
    client, patient, contact, person, supporter
):
    supporter.time_zone = "America/New_York"
    supporter.save()
    url = reverse("networks:encouragement_send", args=[patient.pk])

    at = datetime(2027, 5, 4, 18, 30, tzinfo=UTC)  # 2:30 PM in New York (EDT)
    with time_machine.travel(at, tick=False):
        grant(contact, person, ["milestones"])
        client.force_login(supporter)
        response = client.post(url, {"message": "Proud of you, always."})
        assert response.status_code == 302
        assert response.url == reverse("networks:supporter_patient", args=[patient.pk]) + (
            "#encouragement"
        )
        html = client.get(response.url).content.decode()

    here = section(html, "encouragement")
    assert "Your message is on its way to Jordan." in placed(here, "encouragement")
    assert 'role="status"' in placed(here, "encouragement")
    assert "on its way" not in top_messages(html)
    sent = here.split('data-testid="sent-encouragements"')[1]
    assert "Proud of you, always." in sent
    assert "May 4, 2027, 2:30 PM" in sent  # |moment, in the supporter's own zone


def test_what_you_sent_is_mine_only_newest_first_and_bounded(
    client, clinic, patient, contact, person, supporter, team_clinician
):
    grant(contact, person, ["milestones"])
    sibling = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Sam Rivera",
        relationship=Relationship.SIBLING,
        email="sam@example.org",
    )
    SupportContact.objects.filter(pk=sibling.pk).update(
        user=member("supporter", clinic), status="active"
    )
    sibling.refresh_from_db()
    grant(sibling, person, ["milestones"])
    start = timezone.now() + timedelta(minutes=5)  # after the consents were signed
    for n in range(7):
        with time_machine.travel(start + timedelta(hours=n), tick=False):
            encouragement_send(contact=contact, message=f"Mine number {n}")
    encouragement_send(contact=sibling, message="From Sam, not from Pat")
    client.force_login(supporter)

    html = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()

    assert html.count('data-testid="sent-encouragement"') == 5
    order = [html.index(f"Mine number {n}") for n in (6, 5, 4, 3, 2)]
    assert order == sorted(order)
    assert "Mine number 1" not in html and "From Sam, not from Pat" not in html


def test_nothing_sent_yet_says_what_to_write(client, patient, contact, person, supporter):
    grant(contact, person, ["milestones"])
    client.force_login(supporter)

    html = client.get(reverse("networks:supporter_patient", args=[patient.pk])).content.decode()

    assert 'data-testid="nothing-sent"' in html
    assert "You have not sent Jordan a message yet. A few words are enough" in html


def test_a_bad_encouragement_says_so_by_the_form_and_keeps_what_was_typed(
    client, patient, contact, person, supporter
):
    grant(contact, person, ["milestones"])
    client.force_login(supporter)
    typed = "You are doing so well" + "!" * 279  # 300 characters: over the limit
    url = reverse("networks:encouragement_send", args=[patient.pk])

    response = client.post(url, {"message": typed})

    html = response.content.decode()
    assert response.status_code == 200
    here = section(html, "encouragement")
    assert "Keep it under 280 characters (it has 300)." in here
    assert f"{typed}</textarea>" in here  # the textarea keeps it
    assert "Not sent yet" in placed(here, "encouragement")
    assert f'action="{url}#encouragement"' in html  # the page opens at the form
    assert not Encouragement.objects.exists()


# --- Reach-out log --------------------------------------------------------------------------


def test_a_reach_out_is_confirmed_beside_the_form_and_listed(
    client, patient, contact, person, supporter
):
    grant(contact, person, ["milestones"])
    client.force_login(supporter)
    day = patient.local_today()

    response = client.post(
        reverse("networks:reach_out_log", args=[patient.pk]),
        {"channel": "call", "happened_on": day.isoformat(), "note": "Called after work"},
    )

    assert response.url.endswith("#reach-outs")
    html = client.get(response.url).content.decode()
    here = section(html, "reach-outs")
    assert "Thank you. Your reach-out is in your log." in placed(here, "reach-outs")
    assert "Called after work" in here
    assert "reach-out is in your log" not in top_messages(html)


def test_a_bad_reach_out_says_so_by_the_form_and_keeps_the_note(
    client, patient, contact, person, supporter
):
    grant(contact, person, ["milestones"])
    client.force_login(supporter)
    future = (patient.local_today() + timedelta(days=5)).isoformat()

    response = client.post(
        reverse("networks:reach_out_log", args=[patient.pk]),
        {"channel": "visit", "happened_on": future, "note": "Brought soup and stayed for tea"},
    )

    here = section(response.content.decode(), "reach-outs")
    assert response.status_code == 200
    assert "The date cannot be in the future." in here
    assert "Brought soup and stayed for tea" in here
    assert "Not logged yet" in placed(here, "reach-outs")
    assert not ReachOut.objects.exists()


# --- Help tasks -----------------------------------------------------------------------------


def task_url(name, patient, task):
    return reverse(f"networks:{name}", args=[patient.pk, task.pk])


def test_a_claim_is_confirmed_beside_the_task_where_it_now_is(
    client, patient, contact, person, supporter, task
):
    grant(contact, person, ["help_tasks"])
    client.force_login(supporter)

    response = client.post(task_url("task_claim", patient, task))

    assert response.url.endswith(f"#task-{task.pk}")
    html = client.get(response.url).content.decode()
    item = section(html, f"task-{task.pk}")
    assert 'data-testid="my-task"' in item  # now under "You said you would"
    assert "Thank you for taking this on." in placed(item, f"task-{task.pk}")
    assert "Thank you for taking this on." not in top_messages(html)


def test_a_release_is_confirmed_beside_the_task_back_in_the_open_list(
    client, patient, contact, person, supporter, task
):
    grant(contact, person, ["help_tasks"])
    help_task_claim(task=task, contact=contact)
    client.force_login(supporter)

    html = client.post(task_url("task_release", patient, task), follow=True).content.decode()

    item = section(html, f"task-{task.pk}")
    assert 'data-testid="open-task"' in item
    assert "Someone else can pick this up now." in placed(item, f"task-{task.pk}")


def test_done_is_confirmed_at_the_top_of_the_tasks(
    client, patient, contact, person, supporter, task
):
    grant(contact, person, ["help_tasks"])
    help_task_claim(task=task, contact=contact)
    client.force_login(supporter)

    response = client.post(task_url("task_done", patient, task))

    assert response.url.endswith("#section-help_tasks")
    html = client.get(response.url).content.decode()
    assert "Thank you for your help." in placed(html, "section-help_tasks")
    task.refresh_from_db()
    assert task.status == HelpStatus.DONE


def test_a_refused_claim_is_said_at_the_tasks(
    client, clinic, patient, contact, person, supporter, team_clinician, task
):
    grant(contact, person, ["help_tasks"])
    other = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Sam Rivera",
        relationship=Relationship.SIBLING,
        email="sam@example.org",
    )
    SupportContact.objects.filter(pk=other.pk).update(status="active")
    other.refresh_from_db()
    grant(other, person, ["help_tasks"])
    help_task_claim(task=task, contact=other)
    client.force_login(supporter)

    html = client.post(task_url("task_claim", patient, task), follow=True).content.decode()

    assert "Someone else has just claimed this" in placed(html, "section-help_tasks")


def test_a_claim_after_the_sharing_ended_is_said_at_the_top_not_lost(
    client, patient, contact, person, supporter, task
):
    grant(contact, person, ["help_tasks", "milestones"])
    grant(contact, person, ["milestones"])  # supersedes: the tasks are no longer shared
    client.force_login(supporter)

    response = client.post(task_url("task_claim", patient, task), follow=True)

    html = response.content.decode()
    assert 'data-testid="section-help_tasks"' not in html
    assert "This is not shared with you." in top_messages(html)


# --- Wellbeing ------------------------------------------------------------------------------


def test_the_monthly_check_in_is_confirmed_in_its_own_card(
    client, patient, contact, person, supporter
):
    client.force_login(supporter)

    response = client.post(
        reverse("networks:wellbeing", args=[patient.pk]), {"holding_up": "4", "has_support": "yes"}
    )

    assert response.url.endswith("#wellbeing")
    html = client.get(response.url).content.decode()
    assert "Look after yourself too." in placed(html, "wellbeing")
