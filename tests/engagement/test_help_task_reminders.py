"""Help tasks: a reminder a week and a day before a claimed task, and a message to the network
when a new task needs someone, with a one-action link to claim it."""

import re
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from engagement.help_reminders import new_task_broadcast
from engagement.models import ActionLink
from networks.models import ContactStatus, HelpKind, HelpStatus, HelpTask
from networks.services import consent_revoke, help_task_create
from notifications.models import Channel, ContactOptOut, Notification
from notifications.planner import plan
from tests.engagement.conftest import add_supporter, grant

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
DUE = date(2026, 3, 12)  # a Thursday, after the switch to summer time on 8 March


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def clock():
    with time_machine.travel(utc("2026-03-01T15:00:00Z"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def helper(clock, patient, contact):
    """Pat, in New York, shares help tasks and claimed a ride on Thursday the 12th."""
    contact.user.time_zone = "America/New_York"
    contact.user.save()
    grant(contact, ["help_tasks"])
    return contact


@pytest.fixture
def task(helper, patient):
    return HelpTask.objects.create(
        patient=patient,
        kind=HelpKind.RIDE,
        title="Ride to the methadone clinic",
        due_on=DUE,
        status=HelpStatus.CLAIMED,
        claimed_by=helper,
        claimed_at=utc("2026-03-01T15:00:00Z"),
    )


def rows(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("pk"))


def at(clock, text: str) -> None:
    clock.move_to(utc(text))
    plan(utc(text))


# --- claimed tasks ------------------------------------------------------------------------------


def test_a_week_and_a_day_before_at_nine_local_once_each_across_dst(clock, task, helper):
    at(clock, "2026-03-05T13:00:00Z")  # 8:00 EST: not yet
    assert not rows("help_task_week")
    at(clock, "2026-03-05T14:00:00Z")  # 9:00 EST, a week before
    at(clock, "2026-03-05T14:30:00Z")  # the same window again
    (week,) = rows("help_task_week")
    assert week.recipient_contact == helper and week.due_at == utc("2026-03-05T14:00:00Z")
    assert week.occurrence == f"help_task_week:{task.pk}:2026-03-12"
    assert "Thursday, Mar 12" in week.body and "a week from today" in week.body
    assert "methadone" not in (week.subject + week.body).lower()
    assert not rows("help_task_due")

    at(clock, "2026-03-11T13:00:00Z")  # 9:00 EDT, the day before: the clocks moved, 9:00 did not
    at(clock, "2026-03-11T13:59:00Z")
    (day,) = rows("help_task_due")
    assert day.due_at == utc("2026-03-11T13:00:00Z")
    assert len(rows("help_task_week")) == 1


def test_a_task_claimed_after_its_week_moment_gets_no_week_reminder(clock, task):
    HelpTask.objects.filter(pk=task.pk).update(claimed_at=utc("2026-03-05T14:20:00Z"))
    at(clock, "2026-03-05T14:30:00Z")  # the window still holds 9:00, but the claim came later
    assert not rows("help_task_week")
    at(clock, "2026-03-11T13:00:00Z")
    assert len(rows("help_task_due")) == 1


def test_no_week_reminder_once_the_sharing_ended(clock, task, helper, patient):
    consent_revoke(consent=helper.consents.get(), actor=patient.user)
    at(clock, "2026-03-05T14:00:00Z")
    assert not rows("help_task_week")


def test_no_week_reminder_for_an_open_or_done_task(clock, task):
    HelpTask.objects.filter(pk=task.pk).update(status=HelpStatus.DONE)
    at(clock, "2026-03-05T14:00:00Z")
    assert not rows("help_task_week")


# --- a new task ---------------------------------------------------------------------------------


@pytest.fixture
def network(clock, patient, contact):
    """Who hears of a new task: Pat (email) and Sam (text message). Who does not: a supporter
    sharing only milestones, a paused one, one who opted out of these messages, a removed one
    and one whose consent was revoked."""
    grant(contact, ["help_tasks"])
    sam = add_supporter(
        patient,
        "Sam Lee",
        "sam@example.org",
        account=False,
        phone="+15555550123",
        preferred_channel=Channel.SMS,
    )
    grant(sam, ["help_tasks", "milestones"])
    milestones_only = add_supporter(patient, "Mo Stone", "mo@example.org")
    grant(milestones_only, ["milestones"])
    paused = add_supporter(patient, "Pia Paused", "pia@example.org")
    grant(paused, ["help_tasks"])
    paused.status = ContactStatus.PAUSED
    paused.save()
    opted_out = add_supporter(patient, "Otto Out", "otto@example.org", account=False)
    grant(opted_out, ["help_tasks"])
    ContactOptOut.objects.create(contact=opted_out, kind="help_task_new")
    removed = add_supporter(patient, "Rem Oved", "rem@example.org")
    grant(removed, ["help_tasks"])
    removed.status = ContactStatus.REMOVED
    removed.save()
    revoked = add_supporter(patient, "Rae Voked", "rae@example.org")
    consent_revoke(consent=grant(revoked, ["help_tasks"]), actor=patient.user)
    return {"pat": contact, "sam": sam}


def create_task(patient, **fields):
    values = {"kind": HelpKind.RIDE, "title": "Ride to the methadone clinic", "due_on": DUE}
    values.update(fields)
    return help_task_create(patient=patient, actor=patient.user, **values)


def test_a_new_task_reaches_exactly_the_consented_active_supporters(
    patient, network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = create_task(patient)

    sent = rows("help_task_new")
    assert [(row.recipient_key, row.channel) for row in sent] == [
        (f"contact:{network['pat'].pk}", "email"),
        (f"contact:{network['sam'].pk}", "sms"),
    ]
    assert {row.occurrence for row in sent} == {f"help_task_new:{task.pk}"}
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    for row in sent:  # minimal: the kind of help and the day; no title, no clinic
        text = row.subject + row.body
        assert "methadone" not in text.lower() and "Harbor" not in text
        assert "A ride" in row.body and "Thursday, Mar 12" in row.body and "/a/" in row.body
    assert ActionLink.objects.count() == 2

    assert new_task_broadcast(task) == 0  # asked again: nothing new, no new links
    assert ActionLink.objects.count() == 2


def test_the_claim_link_in_the_message_claims_the_task(client, patient, network):
    task = create_task(patient)
    row = Notification.objects.get(kind="help_task_new", recipient_contact=network["pat"])
    (url,) = re.findall(r"https?://\S+/a/\S+/", row.body)
    link = ActionLink.objects.get(contact=network["pat"])
    assert link.target == {"task": task.pk}
    assert link.expires_at == utc("2026-03-13T04:00:00Z")  # the end of the task's day, EDT

    page = client.post(urlsplit(url).path)

    assert 'data-testid="action-done"' in page.content.decode()
    task.refresh_from_db()
    assert task.status == HelpStatus.CLAIMED and task.claimed_by == network["pat"]


def test_a_task_without_a_date_links_for_a_week(patient, network):
    create_task(patient, due_on=None)
    link = ActionLink.objects.filter(contact=network["pat"]).get()
    assert link.expires_at == utc("2026-03-08T15:00:00Z")
    row = Notification.objects.get(kind="help_task_new", recipient_contact=network["pat"])
    assert "Thursday" not in row.body


def test_a_task_that_fails_validation_tells_nobody(patient, network):
    with pytest.raises(Exception, match="Say what would help"):
        create_task(patient, title="  ")
    assert not rows("help_task_new") and not ActionLink.objects.exists()


def test_a_consent_revoked_after_planning_stops_the_message(clock, task, helper, patient):
    from notifications.outbox import still_wanted

    at(clock, "2026-03-05T14:00:00Z")
    (week,) = rows("help_task_week")
    consent_revoke(consent=helper.consents.get(), actor=patient.user)
    assert still_wanted(week)
