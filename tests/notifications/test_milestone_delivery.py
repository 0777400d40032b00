"""The whole chain, for real: the planner writes a milestone heads-up to the outbox, a Celery
worker sends it over SMTP (aiosmtpd on localhost) to exactly the consented supporter, once.

The milestone falls on a fixed past summer day, so the instant is exact: the heads-up is due
three days before (the clinic's default) at 9:00 in New York, 13:00 UTC, and the run at 13:30
UTC plans the hour that holds it. The consent is signed some days before, with the clock moved
back, so it is in force then."""

from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from networks.models import ContactStatus, Relationship
from networks.services import consent_grant, contact_add
from notifications.models import Notification, Status
from tests.notifications.test_smtp_worker import smtp_sink as smtp_sink  # the fixture
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MILESTONE_DAY = date(2025, 6, 10)  # the 30-day milestone
CONSENT_SIGNED = datetime(2025, 6, 1, 15, 0, tzinfo=UTC)
HEADS_UP_RUN = "2025-06-07T13:30:00Z"  # three days before, 9:00 in New York is 13:00 UTC
DAY_BEFORE_RUN = "2025-06-06T13:30:00Z"  # a day early: nothing yet


def _tick(at: str) -> str:
    out = StringIO()
    call_command("reminders_tick", "--at", at, stdout=out)
    return out.getvalue().strip()


def test_heads_up_reaches_the_consented_supporter_by_smtp_once(
    tmp_path, settings, smtp_sink, patient, person
):
    controller, inbox = smtp_sink
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    patient.time_zone = "America/New_York"
    patient.recovery_start = MILESTONE_DAY - timedelta(days=30)
    patient.save()
    told = contact_add(
        patient=patient,
        actor=person,
        name="Rosa",
        email="rosa@example.org",
        relationship=Relationship.PARENT,
    )
    untold = contact_add(
        patient=patient,
        actor=person,
        name="Lee",
        email="lee@example.org",
        relationship=Relationship.FRIEND,
    )
    for contact in (told, untold):
        contact.status = ContactStatus.ACTIVE
        contact.save()
    with time_machine.travel(CONSENT_SIGNED, tick=False):
        consent_grant(
            contact=told,
            actor=person,
            scopes=["milestones"],
            purpose="To celebrate",
            signed_name=patient.legal_name,
            signature_method="in_app",
            expires_on_event="discharge",
        )
        consent_grant(
            contact=untold,
            actor=person,
            scopes=["appointments"],
            purpose="Rides",
            signed_name=patient.legal_name,
            signature_method="in_app",
            expires_on_event="discharge",
        )

    heads_up = Notification.objects.filter(kind="milestone_heads_up")
    env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "NOTIFICATIONS_INLINE_DISPATCH": "false",
    }
    with celery_worker(tmp_path, env=env) as worker:
        _tick(DAY_BEFORE_RUN)
        early = heads_up.count()
        _tick(HEADS_UP_RUN)
        again = _tick(HEADS_UP_RUN)  # twice: nothing new
        delivered = wait_for(
            lambda: heads_up.exists() and not heads_up.exclude(status=Status.SENT).exists(),
            worker,
        )
        log = (tmp_path / "worker.log").read_text()

    assert delivered, log[-3000:]
    assert early == 0
    assert again.startswith("planned=0 "), again
    assert [row.address for row in heads_up] == ["rosa@example.org"]
    received = [message_from_bytes(content) for _f, _to, content in inbox.messages]
    to_rosa = [m for m in received if m["To"] == "rosa@example.org"]
    heads_up_mail = [m for m in to_rosa if "celebrate" in m["Subject"].lower()]
    assert len(heads_up_mail) == 1, [m["Subject"] for m in to_rosa]
    assert all(m["To"] != "lee@example.org" for m in received)
