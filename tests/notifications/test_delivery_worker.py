"""A real worker delivers from the outbox: the row is written with the change, dispatched after
commit through the broker (Redis on CI), claimed and sent by a separate worker process."""

import pytest
from django.db import transaction

from notifications.models import Notification, Status
from notifications.outbox import Message, enqueue
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_invitation_style_email_goes_out_through_a_real_worker(tmp_path, settings):
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {"EMAIL_URL": f"filemail://{mail_dir}", "NOTIFICATIONS_INLINE_DISPATCH": "false"}
    with celery_worker(tmp_path, env=env) as worker:
        with transaction.atomic():
            row = enqueue(
                Message(
                    kind="heartbeat",
                    occurrence="worker-test",
                    channel="email",
                    recipient_key="user:worker",
                    address="pat@example.org",
                    subject="Someone invited you",
                    body="Sign in to see more.",
                )
            )
        delivered = wait_for(
            lambda: Notification.objects.filter(pk=row.pk, status=Status.SENT).exists(), worker
        )
        log = (tmp_path / "worker.log").read_text()

    assert delivered, log[-3000:]
    written = "".join(p.read_text() for p in mail_dir.iterdir())
    assert "Someone invited you" in written and "pat@example.org" in written
    assert f"Message-ID: {Notification.objects.get(pk=row.pk).message_id}" in written
