"""A real SMTP server on localhost (aiosmtpd) receives what a real Celery worker sends from the
outbox, with a text part, the stable Message-ID and the unsubscribe headers."""

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from notifications.models import Notification, Status
from notifications.outbox import Message, enqueue
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_a_worker_delivers_to_a_real_smtp_server(tmp_path, settings, smtp_sink):
    controller, inbox = smtp_sink
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "NOTIFICATIONS_INLINE_DISPATCH": "false",
    }
    with celery_worker(tmp_path, env=env) as worker:
        with transaction.atomic():
            row = enqueue(
                Message(
                    kind="heartbeat",
                    occurrence="smtp-test",
                    channel="email",
                    recipient_key="user:smtp",
                    address="pat@example.org",
                    subject="A milestone to celebrate soon",
                    body="Sign in to see more.",
                )
            )
        delivered = wait_for(
            lambda: Notification.objects.filter(pk=row.pk, status=Status.SENT).exists(), worker
        )
        log = (tmp_path / "worker.log").read_text()

    assert delivered, log[-3000:]
    assert len(inbox.messages) == 1
    _sender, recipients, content = inbox.messages[0]
    email = message_from_bytes(content)
    assert recipients == ["pat@example.org"]
    assert email["Subject"] == "A milestone to celebrate soon"
    assert email["Message-ID"] == Notification.objects.get(pk=row.pk).message_id
    assert email["List-Unsubscribe"].strip().startswith("<http") and email["List-Unsubscribe-Post"]
