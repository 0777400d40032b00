"""A worker killed (SIGKILL) in the middle of a batch: the sweeper hands its rows to another
worker, nothing is lost, and at most the one message in flight is sent twice, with the same
Message-ID (email) or idempotency key (SMS).

Ten due rows are queued for a real Celery worker (A). The provider (a real SMTP server, or a
real HTTP SMS provider) takes each message, but holds the answer to the fourth: the worker is
then inside the send, the provider has the message, and A is killed (the whole process group,
SIGKILL) before it can record it. The row stays in "sending"; its claim is dated back past
STUCK_AFTER (the wall clock of the worker processes cannot be moved), and a second worker (B)
runs the sweeper, which hands the row and whatever A left in the queue to B.
"""

import asyncio
import json
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, Status
from notifications.outbox import STUCK_AFTER, Message, enqueue_many
from notifications.tasks import sweep_outbox
from tests.faults.pg_server import free_port
from tests.worker import celery_worker, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = 10
HELD = 4  # the provider holds its answer to this message: the worker is killed meanwhile
HOLD_SECONDS = 30  # an upper bound; the test releases the hold as soon as the worker is dead


class Provider:
    """What a provider received, by key (Message-ID or idempotency key), in order; the HELD-th
    message is recorded at once (the provider has it) and answered only after `release`."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.lock = threading.Lock()
        self.release = threading.Event()

    def received(self, key: str) -> bool:
        """Record a message; whether its answer is to be held."""
        with self.lock:
            self.keys.append(key)
            return len(self.keys) == HELD

    def holding(self) -> bool:
        return len(self.keys) >= HELD and not self.release.is_set()


class SmtpHandler:
    def __init__(self, provider: Provider) -> None:
        self.provider = provider

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        key = message_from_bytes(envelope.content)["Message-ID"]
        if self.provider.received(key):
            deadline = time.monotonic() + HOLD_SECONDS
            while not self.provider.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_provider() -> Iterator[tuple[Provider, dict[str, str]]]:
    provider = Provider()
    controller = Controller(SmtpHandler(provider), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield provider, {"EMAIL_URL": f"smtp://127.0.0.1:{controller.port}"}
    finally:
        provider.release.set()
        controller.stop()


@pytest.fixture
def sms_provider() -> Iterator[tuple[Provider, dict[str, str]]]:
    provider = Provider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            self.rfile.read(length)
            key = self.headers.get("Idempotency-Key", "")
            if provider.received(key):
                provider.release.wait(HOLD_SECONDS)
            body = json.dumps({"id": f"provider-{key}"}).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the worker that asked is gone

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield (
            provider,
            {
                "SMS_BACKEND": "notifications.sms.HttpProviderBackend",
                "SMS_HTTP_URL": f"http://127.0.0.1:{server.server_port}/messages",
                "SMS_HTTP_TOKEN": "test-only",
            },
        )
    finally:
        provider.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _plan(channel: str) -> None:
    address = "person-{}@example.org" if channel == "email" else "+1555000{:04d}"
    items = [
        (
            Message(
                kind="heartbeat",
                occurrence=f"kill-{number}",
                channel=channel,
                recipient_key=f"user:kill-{number}",
                address=address.format(number),
                subject="Sign in to see more" if channel == "email" else "",
                body="Sign in to see more.",
            ),
            {},
        )
        for number in range(ROWS)
    ]
    with transaction.atomic():  # queued to the broker at commit, in order
        planned = enqueue_many(items)
    assert len(planned) == ROWS and all(row is not None for row in planned)


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_a_killed_worker_loses_nothing_and_resends_at_most_the_message_in_flight(
    channel, request, tmp_path, settings
):
    provider, env = request.getfixturevalue(
        {"email": "smtp_provider", "sms": "sms_provider"}[channel]
    )
    settings.NOTIFICATIONS_INLINE_DISPATCH = False  # queued to the run's broker
    env = {**env, "NOTIFICATIONS_INLINE_DISPATCH": "false"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    with celery_worker(tmp_path / "a", env=env) as worker_a:
        _plan(channel)
        held = wait_for(provider.holding, worker_a, seconds=60)
        assert held, (tmp_path / "a" / "worker.log").read_text()[-3000:]
        os.killpg(worker_a.pid, signal.SIGKILL)
        worker_a.wait(timeout=10)
    provider.release.set()

    in_flight = Notification.objects.get(status=Status.SENDING)
    assert in_flight.message_id == provider.keys[-1]
    assert Notification.objects.filter(status=Status.SENT).count() == HELD - 1
    # Time passes for the stuck row only: its claim is older than STUCK_AFTER.
    claimed_long_ago = timezone.now() - STUCK_AFTER - timedelta(seconds=1)
    Notification.objects.filter(pk=in_flight.pk).update(claimed_at=claimed_long_ago)

    # B takes over what A left in the queue, then runs the sweeper, which hands it the stuck
    # row (and re-queues any pending one: claiming makes a second task for a row a no-op).
    with celery_worker(tmp_path / "b", env=env, empty_broker=False) as worker_b:
        sweep_outbox.delay()
        done = wait_for(
            lambda: Notification.objects.filter(status=Status.SENT).count() == ROWS, worker_b
        )
        assert done, (tmp_path / "b" / "worker.log").read_text()[-3000:]

    keys = {row.message_id for row in Notification.objects.all()}
    assert len(keys) == ROWS
    received = Counter(provider.keys)
    assert set(received) == keys, "every row reached the provider"
    twice = [key for key, count in received.items() if count > 1]
    assert twice == [in_flight.message_id], received  # only the one in flight, same key
    assert received[in_flight.message_id] == 2
    assert Notification.objects.filter(status=Status.SENT).count() == ROWS
    if channel == "sms":  # the provider's id comes from the key: one message on its side
        sent = Notification.objects.get(pk=in_flight.pk)
        assert sent.provider_message_id == f"provider-{in_flight.message_id}"
