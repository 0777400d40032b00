"""Push joins the planned messages only for people with an active device and push on for the
kind (no pointless rows), and a supporter who prefers push is never reached by push alone."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from networks.models import ContactStatus, Relationship
from networks.services import contact_add
from notifications.models import Channel, Kind, Notification, NotificationPreference
from notifications.outbox import NO_PUSH_KINDS, Message, enqueue_many, push_companions
from notifications.planner import Planner
from tests.factories import member
from tests.push.conftest import subscribe

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 10, 18, tzinfo=UTC)


def supporter_contact(patient, actor, **fields):
    contact = contact_add(
        patient=patient,
        actor=actor,
        name="Sam Lee",
        relationship=Relationship.FRIEND,
        preferred_channel=Channel.PUSH,
        **fields,
    )
    contact.status = ContactStatus.ACTIVE
    contact.save()
    return contact


def test_a_contact_without_an_account_who_prefers_push_is_reached_by_email(patient, team_clinician):
    contact = supporter_contact(patient, team_clinician, email="sam@example.org")
    recipient = Planner(AT).supporter_recipient(contact)
    assert (recipient.channel, recipient.address) == (Channel.EMAIL, "sam@example.org")


def test_a_contact_without_an_account_or_email_who_prefers_push_is_texted(patient, team_clinician):
    contact = supporter_contact(patient, team_clinician, phone="+15555550123")
    assert Planner(AT).supporter_recipient(contact).channel == Channel.SMS


@time_machine.travel(AT, tick=False)
def test_a_supporter_with_an_account_who_prefers_push_gets_the_note_and_the_push(
    push_service, patient, team_clinician, clinic
):
    account = member(Role.SUPPORTER, clinic)
    contact = supporter_contact(patient, team_clinician, email="sam@example.org")
    contact.user = account
    contact.save()
    recipient = Planner(AT).supporter_recipient(contact)
    assert recipient.channel == Channel.IN_APP  # never push alone: a note waits in the app

    subscribe(push_service, account)
    message = Message(
        kind=Kind.HELP_TASK_DUE,
        occurrence="t:1",
        channel=recipient.channel,
        recipient_key=recipient.key,
        address="",
        body="b",
    )
    [(companion, extra)] = push_companions([(message, {"recipient_contact": contact})])
    assert companion.channel == Channel.PUSH and extra["recipient_contact"] == contact


@time_machine.travel(AT, tick=False)
def test_the_first_device_turns_push_on_for_every_kind_fit_for_a_lock_screen(push_service, person):
    subscribe(push_service, person)
    preference = NotificationPreference.objects.get(user=person)
    for kind in Kind.values:
        assert (Channel.PUSH in preference.channels[kind]) == (kind not in NO_PUSH_KINDS), kind
        assert Channel.EMAIL in preference.channels[kind]  # the other choices are kept


@time_machine.travel(AT, tick=False)
def test_a_second_device_keeps_the_persons_choices(push_service, person):
    subscribe(push_service, person)
    preference = NotificationPreference.objects.get(user=person)
    preference.channels[Kind.MESSAGE_NEW] = [Channel.IN_APP]
    preference.save()
    subscribe(push_service, person, device="laptop")
    preference.refresh_from_db()
    assert preference.channels[Kind.MESSAGE_NEW] == [Channel.IN_APP]


@time_machine.travel(AT, tick=False)
def test_a_browser_that_was_someone_elses_is_moved_to_the_new_person(push_service, person, clinic):
    first = subscribe(push_service, person)
    other = member(Role.PATIENT, clinic)
    second = subscribe(push_service, other)  # the same phone, signed in as someone else
    assert second.pk == first.pk
    first.refresh_from_db()
    assert first.user == other


def test_the_planner_adds_a_push_row_beside_a_reminder(push_service, patient, person):
    """A planner rule's message (enqueue_many) gets its push too, one query for everyone."""
    with time_machine.travel(AT, tick=False):
        subscribe(push_service, person)
        message = Message(
            kind=Kind.CHECKIN_REMINDER,
            occurrence="c:1",
            channel=Channel.EMAIL,
            recipient_key=f"user:{person.pk}",
            address=person.email,
            body="How are you today?",
        )
        ids = enqueue_many([(message, {"recipient_user": person, "patient": patient})])
    assert len(ids) == 1
    channels = set(Notification.objects.values_list("channel", flat=True))
    assert channels == {Channel.EMAIL, Channel.PUSH}


def test_the_same_message_by_email_and_in_the_app_is_pushed_once(push_service, person):
    with time_machine.travel(AT, tick=False):
        subscribe(push_service, person)
        by = [
            Message(
                kind=Kind.MESSAGE_NEW,
                occurrence="m:1",
                channel=channel,
                recipient_key=f"user:{person.pk}",
                address=person.email if channel == Channel.EMAIL else "",
                body="b",
            )
            for channel in (Channel.EMAIL, Channel.IN_APP)
        ]
        enqueue_many([(message, {"recipient_user": person}) for message in by])
    assert Notification.objects.filter(channel=Channel.PUSH).count() == 1


@time_machine.travel(AT, tick=False)
def test_push_is_turned_on_and_off_per_kind_on_the_preferences_page(client, push_service, person):
    subscribe(push_service, person)
    client.force_login(person)
    page = client.get(reverse("notifications:preferences"))
    assert Channel.PUSH in page.context["form"][f"channels_{Kind.MESSAGE_NEW}"].value()
    assert "Push notification on my devices" in page.content.decode()

    answer = client.post(
        reverse("notifications:preferences"),
        {
            f"channels_{Kind.MESSAGE_NEW}": [Channel.IN_APP],
            f"channels_{Kind.CHECKIN_REMINDER}": [Channel.IN_APP, Channel.PUSH],
        },
    )
    assert answer.status_code == 302
    preference = NotificationPreference.objects.get(user=person)
    assert preference.channels[Kind.MESSAGE_NEW] == [Channel.IN_APP]
    assert preference.channels[Kind.CHECKIN_REMINDER] == [Channel.IN_APP, Channel.PUSH]
