"""The whole chain, for real: the planner writes a milestone heads-up to the outbox, a Celery
worker sends it over SMTP (aiosmtpd on localhost) to exactly the consented supporter, once."""

from datetime import timedelta
from email import message_from_bytes
from zoneinfo import ZoneInfo, available_timezones

import pytest
from django.core.management import call_command
from django.utils import timezone

from networks.models import ContactStatus, Relationship
from networks.services import consent_grant, contact_add
from notifications.models import Notification, Status
from tests.notifications.test_smtp_worker import smtp_sink as smtp_sink  # the fixture
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _zone_where_it_is_nine() -> str:
    """A time zone where it is now between 9:00 and 9:59, so 9:00 there fell in the last hour."""
    now = timezone.now()
    for name in sorted(available_timezones()):
        if name.startswith(("Etc/", "SystemV/")) or "/" not in name:
            continue
        local = now.astimezone(ZoneInfo(name))
        if local.hour == 9 and local.minute >= 1:
            return name
    pytest.skip("no zone is at 9 o'clock right now")


def test_heads_up_reaches_the_consented_supporter_by_smtp_once(
    tmp_path,
    settings,
    smtp_sink,
    patient,
    person,
):
    controller, inbox = smtp_sink
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    zone = _zone_where_it_is_nine()
    patient.time_zone = zone
    local_today = timezone.now().astimezone(ZoneInfo(zone)).date()
    # The 30-day milestone falls in three days (the clinic's default heads-up).
    patient.recovery_start = local_today + timedelta(days=3) - timedelta(days=30)
    patient.save()
    told = contact_add(patient=patient, actor=person, name="Rosa", email="rosa@example.org",
                       relationship=Relationship.PARENT)  # fmt: skip
    untold = contact_add(patient=patient, actor=person, name="Lee", email="lee@example.org",
                         relationship=Relationship.FRIEND)  # fmt: skip
    for contact in (told, untold):
        contact.status = ContactStatus.ACTIVE
        contact.save()
    consent_grant(contact=told, actor=person, scopes=["milestones"],
                            purpose="To celebrate", signed_name=patient.legal_name,
                            signature_method="in_app", expires_on_event="discharge")  # fmt: skip
    env = {"EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
           "NOTIFICATIONS_INLINE_DISPATCH": "false"}  # fmt: skip
    with celery_worker(tmp_path, env=env) as worker:
        call_command("reminders_tick")
        call_command("reminders_tick")  # twice: nothing new
        heads_up = Notification.objects.filter(kind="milestone_heads_up")
        delivered = wait_for(
            lambda: heads_up.exists() and not heads_up.exclude(status=Status.SENT).exists(),
            worker,
        )
        log = (tmp_path / "worker.log").read_text()

    assert delivered, log[-3000:]
    assert [row.address for row in heads_up] == ["rosa@example.org"]
    received = [message_from_bytes(content) for _f, _to, content in inbox.messages]
    to_rosa = [m for m in received if m["To"] == "rosa@example.org"]
    assert len(to_rosa) == 1 and "celebrate" in to_rosa[0]["Subject"].lower()
    assert all(m["To"] != "lee@example.org" for m in received)
