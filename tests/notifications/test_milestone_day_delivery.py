"""The day-of milestone message, the whole chain for real: the planner, run for chosen instants,
writes it to the outbox; a Celery worker delivers it (SMTP to aiosmtpd on localhost, in-app
rows for the care team) at 9:00 in each recipient's own zone, to exactly the people it is for,
once.

The milestone falls on a fixed past summer day, so the instants are exact (New York is UTC-4,
Los Angeles UTC-7) and every due time has passed when the worker claims the row. The consents
are signed some days before, with the clock moved back, so they are in force at those
instants."""

import re
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import Role
from networks.models import ContactStatus, Relationship
from networks.services import consent_grant, consent_revoke, contact_add
from notifications.models import Channel, ContactOptOut, Notification, Status
from notifications.tasks import dispatch_notification
from tests.factories import member
from tests.notifications.test_smtp_worker import smtp_sink as smtp_sink  # the fixture
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MILESTONE_DAY = date(2025, 6, 10)  # the 30-day milestone
CONSENTS_SIGNED = datetime(2025, 6, 1, 15, 0, tzinfo=UTC)
# Each run plans the hour before it: 12:30-13:30 UTC holds 9:00 in New York (13:00 UTC),
# 15:30-16:30 UTC holds 9:00 in Los Angeles (16:00 UTC).
NEW_YORK_RUN = "2025-06-10T13:30:00Z"
LOS_ANGELES_RUN = "2025-06-10T16:30:00Z"


def _tick(at: str) -> str:
    out = StringIO()
    call_command("reminders_tick", "--at", at, stdout=out)
    return out.getvalue().strip()


def _supporter(patient, person, name: str, email: str):
    contact = contact_add(
        patient=patient, actor=person, name=name, email=email, relationship=Relationship.FRIEND
    )
    contact.status = ContactStatus.ACTIVE
    contact.save()
    return contact


def _share(contact, patient, person, scopes: list[str]):
    return consent_grant(
        contact=contact,
        actor=person,
        scopes=scopes,
        purpose="To celebrate",
        signed_name=patient.legal_name,
        signature_method="in_app",
        expires_on_event="discharge",
    )


def test_milestone_day_reaches_each_person_at_nine_in_their_zone_once(
    tmp_path, settings, smtp_sink, clinic, patient, person, team_clinician
):
    controller, inbox = smtp_sink
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    patient.recovery_start = MILESTONE_DAY - timedelta(days=30)
    patient.save()
    team_clinician.time_zone = "America/New_York"
    team_clinician.save()
    # In New York with the patient: Rosa (no account, so the patient's zone) shares milestones;
    # Lee shares appointments only; Sam's consent was revoked; Kim opted out of these messages.
    rosa = _supporter(patient, person, "Rosa", "rosa@example.org")
    lee = _supporter(patient, person, "Lee", "lee@example.org")
    sam = _supporter(patient, person, "Sam", "sam@example.org")
    kim = _supporter(patient, person, "Kim", "kim@example.org")
    # Ana shares milestones too, from Los Angeles (her account's zone).
    ana = _supporter(patient, person, "Ana", "ana@example.org")
    ana.user = member(
        Role.SUPPORTER,
        clinic,
        full_name="Ana Ruiz",
        email="ana@example.org",
        time_zone="America/Los_Angeles",
    )
    ana.save()
    with time_machine.travel(CONSENTS_SIGNED, tick=False):
        for contact in (rosa, sam, kim, ana):
            _share(contact, patient, person, ["milestones"])
        _share(lee, patient, person, ["appointments"])
        consent_revoke(consent=sam.consents.get(), actor=person)
    ContactOptOut.objects.create(contact=kim, kind="milestone_day")  # an earlier email's link

    day_of = Notification.objects.filter(kind="milestone_day")
    env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "NOTIFICATIONS_INLINE_DISPATCH": "false",
    }
    with celery_worker(tmp_path, env=env) as worker:
        first = _tick(NEW_YORK_RUN)
        again = _tick(NEW_YORK_RUN)  # twice: nothing new
        in_new_york = wait_for(lambda: day_of.filter(status=Status.SENT).count() == 3, worker)
        after_new_york = sorted(day_of.values_list("recipient_key", "channel", "address"))
        mail_after_new_york = len(inbox.messages)

        later = _tick(LOS_ANGELES_RUN)
        in_los_angeles = wait_for(lambda: day_of.filter(status=Status.SENT).count() == 4, worker)
        replanned = _tick(NEW_YORK_RUN)

        # A second dispatch of every row (a duplicate broker delivery) sends nothing.
        resent = [dispatch_notification.delay(pk).id for pk in day_of.values_list("pk", flat=True)]
        log_path = tmp_path / "worker.log"

        def handled(task_id: str) -> re.Match | None:  # the worker logs what each task returned
            return re.search(rf"\[{task_id}\] succeeded in \S+: '(\w+)'", log_path.read_text())

        redelivered = wait_for(lambda: all(handled(task_id) for task_id in resent), worker)
        results = {handled(task_id).group(1) for task_id in resent if handled(task_id)}
        log = log_path.read_text()

    assert in_new_york and in_los_angeles and redelivered, log[-3000:]
    assert re.match(r"planned=3 ", first) and re.match(r"planned=0 ", again), (first, again)
    assert after_new_york == sorted(
        [
            (f"contact:{rosa.pk}", Channel.EMAIL, "rosa@example.org"),
            (f"user:{person.pk}", Channel.EMAIL, person.email),
            (f"user:{team_clinician.pk}", Channel.IN_APP, ""),
        ]
    )
    assert mail_after_new_york == 2  # the patient and Rosa; the care team's rows are in the app
    assert re.match(r"planned=1 ", later) and re.match(r"planned=0 ", replanned)
    assert day_of.get(recipient_key=f"contact:{ana.pk}").address == "ana@example.org"
    assert day_of.count() == 4 and results == {"skipped"}
    received = [message_from_bytes(content)["To"] for _from, _to, content in inbox.messages]
    assert sorted(received) == sorted([person.email, "rosa@example.org", "ana@example.org"])
    for left_out in ("lee@example.org", "sam@example.org", "kim@example.org"):
        assert left_out not in received
    assert not day_of.filter(recipient_key__in=[f"contact:{c.pk}" for c in (lee, sam, kim)])
