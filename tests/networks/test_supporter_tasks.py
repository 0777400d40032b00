"""Help tasks from the supporter's page: claim, release, done; one claim wins, even in a race."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from networks.models import HelpStatus, HelpTask, Relationship, SupportContact
from networks.services import consent_grant, contact_add, help_task_claim, help_task_create
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


def second_supporter(clinic, patient, team_clinician, person):
    user = member(Role.SUPPORTER, clinic, full_name="Sam Rivera")
    row = contact_add(
        patient=patient,
        actor=team_clinician,
        name="Sam Rivera",
        relationship=Relationship.SIBLING,
        email="sam@example.org",
    )
    SupportContact.objects.filter(pk=row.pk).update(user=user, status="active")
    row.refresh_from_db()
    grant(row, person, ["help_tasks"])
    return user, row


@pytest.fixture
def task(patient, team_clinician):
    return help_task_create(
        patient=patient, actor=team_clinician, kind="ride", title="Ride to the Thursday group"
    )


def post(client, name, patient, task, follow=True):
    return client.post(reverse(f"networks:{name}", args=[patient.pk, task.pk]), follow=follow)


def test_claim_release_and_done(client, patient, contact, person, supporter, task):
    grant(contact, person, ["help_tasks"])
    client.force_login(supporter)

    response = post(client, "task_claim", patient, task)
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (HelpStatus.CLAIMED, contact)
    assert "Thank you for taking this on." in response.content.decode()
    assert 'data-testid="my-task"' in response.content.decode()

    post(client, "task_release", patient, task)
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (HelpStatus.OPEN, None)

    post(client, "task_claim", patient, task)
    response = post(client, "task_done", patient, task)
    task.refresh_from_db()
    assert task.status == HelpStatus.DONE and task.done_at is not None
    assert "Thank you for your help." in response.content.decode()


def test_the_loser_of_a_claim_sees_a_message_not_an_error(
    client, clinic, patient, contact, person, supporter, team_clinician, task
):
    grant(contact, person, ["help_tasks"])
    _sam, sams_row = second_supporter(clinic, patient, team_clinician, person)
    help_task_claim(task=task, contact=sams_row)
    client.force_login(supporter)

    response = post(client, "task_claim", patient, task)

    assert response.status_code == 200
    assert "Someone else has just claimed this" in response.content.decode()
    task.refresh_from_db()
    assert task.claimed_by == sams_row


def test_only_the_claimer_can_release_or_finish(
    client, clinic, patient, contact, person, supporter, team_clinician, task
):
    grant(contact, person, ["help_tasks"])
    _sam, sams_row = second_supporter(clinic, patient, team_clinician, person)
    help_task_claim(task=task, contact=sams_row)
    client.force_login(supporter)

    released = post(client, "task_release", patient, task)
    finished = post(client, "task_done", patient, task)

    assert released.status_code == finished.status_code == 200
    assert "Only the person who claimed this can release it." in released.content.decode()
    assert "This task is not open for you to finish." in finished.content.decode()
    task.refresh_from_db()
    assert (task.status, task.claimed_by) == (HelpStatus.CLAIMED, sams_row)


def test_without_the_help_tasks_scope_a_claim_is_refused(
    client, patient, contact, person, supporter, task
):
    grant(contact, person, ["milestones"])
    client.force_login(supporter)

    response = post(client, "task_claim", patient, task)

    assert response.status_code == 200
    assert "This is not shared with you." in response.content.decode()
    task.refresh_from_db()
    assert task.status == HelpStatus.OPEN


def test_task_actions_are_posts_only(client, patient, contact, person, supporter, task):
    grant(contact, person, ["help_tasks"])
    client.force_login(supporter)

    for action in ("task_claim", "task_release", "task_done"):
        assert (
            client.get(reverse(f"networks:{action}", args=[patient.pk, task.pk])).status_code == 405
        )


def test_an_unknown_task_is_404(client, patient, contact, person, supporter):
    grant(contact, person, ["help_tasks"])
    client.force_login(supporter)

    response = client.post(reverse("networks:task_claim", args=[patient.pk, 999999]))

    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_supporters_claiming_at_once_leave_one_owner(
    clinic, patient, contact, person, team_clinician, task
):
    """Two connections claim the same open task at the same moment: exactly one wins."""
    grant(contact, person, ["help_tasks"])
    _sam, sams_row = second_supporter(clinic, patient, team_clinician, person)
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def claim(row: SupportContact) -> None:
        try:
            mine = HelpTask.objects.get(pk=task.pk)
            fresh = SupportContact.objects.select_related("patient").get(pk=row.pk)
            barrier.wait(timeout=10)
            help_task_claim(task=mine, contact=fresh)
            outcomes[row.pk] = "won"
        except ValidationError as error:
            outcomes[row.pk] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(row,)) for row in (contact, sams_row)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2 and list(outcomes.values()).count("won") == 1
    loser = next(o for o in outcomes.values() if o != "won")
    assert "Someone else has just claimed this" in loser
    task.refresh_from_db()
    assert task.status == HelpStatus.CLAIMED
    assert task.claimed_by_id == next(pk for pk, o in outcomes.items() if o == "won")
