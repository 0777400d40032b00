"""The SMTP server refusing or timing out: backoff, then delivery when it returns; a permanent
refusal marks the row failed with the reason.

A real SMTP server on localhost (aiosmtpd) is told to answer 421 (busy), 451 at RCPT
(greylisting), 550 for one recipient, or to stop answering at all (a socket that accepts and
never speaks), then to heal. The outbox's batch sender (dispatch_due, as the worker runs it)
talks to it over real SMTP; the clock is moved with time-machine past each row's due_at."""

import socket
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, Status
from notifications.outbox import BACKOFF_BASE_SECONDS, Message, dispatch_due, enqueue
from tests.faults.redis_server import free_port

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TIMEOUT_SECONDS = 1.0


class FlakyHandler:
    """An SMTP server's answers, switched by the test: "ok", "busy" (421 to MAIL FROM),
    "greylist" (451 to every RCPT TO), and addresses in `refused` always get 550."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.refused: set[str] = set()
        self.rejected: set[str] = set()  # 554 at DATA for a message to one of these
        self.received: list[bytes] = []

    async def handle_MAIL(self, server, session, envelope, address, options) -> str:
        if self.mode == "busy":
            return "421 4.3.2 Service not available, try again later"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        if self.mode == "greylist":
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.rejected & set(envelope.rcpt_tos):
            return "554 5.6.0 Message refused by policy"
        self.received.append(envelope.content)
        return "250 Message accepted for delivery"


class FlakySmtp:
    """aiosmtpd on a spare port; hang() replaces it with a socket that accepts connections
    and never answers, heal() puts the answering server back on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = FlakyHandler()
        self.controller: Controller | None = None
        self.silent: socket.socket | None = None

    def serve(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def hang(self) -> None:
        self.close()
        self.silent = socket.socket()
        self.silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.silent.bind(("127.0.0.1", self.port))
        self.silent.listen(16)  # the kernel completes each handshake; nobody ever speaks

    def heal(self) -> None:
        self.close()
        self.handler.mode = "ok"
        self.serve()

    def close(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        if self.silent is not None:
            self.silent.close()
            self.silent = None

    def message_ids(self) -> Counter:
        return Counter(message_from_bytes(raw)["Message-ID"] for raw in self.handler.received)


@pytest.fixture
def smtp(settings) -> Iterator[FlakySmtp]:
    server = FlakySmtp()
    server.serve()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = TIMEOUT_SECONDS
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    try:
        yield server
    finally:
        server.close()


def _plan(*addresses: str) -> list[Notification]:
    """One email to each address, due a minute from now (nothing is queued to a broker)."""
    with transaction.atomic():
        return [
            enqueue(
                Message(
                    kind="heartbeat",
                    occurrence=f"smtp-fault-{index}",
                    channel="email",
                    recipient_key=f"user:{index}",
                    address=address,
                    subject="Your check-in today",
                    body="Sign in to see more.",
                ),
                due_at=timezone.now() + timedelta(minutes=1),
            )
            for index, address in enumerate(addresses)
        ]


def _fresh(rows: list[Notification]) -> list[Notification]:
    return list(Notification.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk"))


def _assert_waiting(rows: list[Notification], *, attempts: int, due_at: datetime, error: str):
    """Every row back to pending with its attempt counted and the backoff in due_at; the first
    carries the server's answer. (A 421 ends the session: smtplib closes it, and the batch's
    later emails record "please run connect() first" instead.)"""
    fresh = _fresh(rows)
    for row in fresh:
        assert row.status == Status.PENDING, row.last_error
        assert row.attempts == attempts
        assert row.due_at == due_at
        assert row.last_error
    assert error in fresh[0].last_error, fresh[0].last_error


@pytest.mark.parametrize(
    ("mode", "error"),
    [("busy", "421"), ("greylist", "451")],
    ids=["421-busy", "451-greylisted"],
)
def test_a_refusing_server_backs_off_then_delivers_once(smtp, mode, error):
    with time_machine.travel(START, tick=False) as clock:
        rows = _plan("pat@example.org", "sam@example.org")
        smtp.handler.mode = mode
        clock.shift(timedelta(minutes=1))
        first_try = timezone.now()

        assert dispatch_due()["retried"] == 2
        backoff = timedelta(seconds=BACKOFF_BASE_SECONDS)
        _assert_waiting(rows, attempts=1, due_at=first_try + backoff, error=error)

        # Still refusing at the next due time: the wait doubles.
        clock.shift(backoff)
        second_try = timezone.now()
        assert dispatch_due()["retried"] == 2
        _assert_waiting(rows, attempts=2, due_at=second_try + 2 * backoff, error=error)

        # Healed, but not yet due: nothing is sent early.
        smtp.heal()
        clock.shift(backoff)
        assert dispatch_due()["sent"] == 0
        assert smtp.handler.received == []

        clock.shift(backoff)
        assert dispatch_due()["sent"] == 2
        clock.shift(timedelta(hours=1))
        assert dispatch_due()["sent"] == 0

    assert [row.status for row in _fresh(rows)] == [Status.SENT, Status.SENT]
    assert smtp.message_ids() == Counter(row.message_id for row in rows)  # each once


def test_a_server_that_never_answers_times_out_once_per_batch_then_delivers(smtp):
    with time_machine.travel(START, tick=False) as clock:
        rows = _plan("pat@example.org", "sam@example.org", "lee@example.org")
        smtp.hang()
        clock.shift(timedelta(minutes=1))
        first_try = timezone.now()

        started = time.monotonic()
        assert dispatch_due()["retried"] == 3
        waited = time.monotonic() - started
        # One timeout for the whole batch, not one per email (3 s).
        assert TIMEOUT_SECONDS * 0.9 <= waited < TIMEOUT_SECONDS * 2.9, waited
        after = first_try + timedelta(seconds=BACKOFF_BASE_SECONDS)
        _assert_waiting(rows, attempts=1, due_at=after, error="timed out")

        smtp.heal()
        clock.shift(timedelta(seconds=BACKOFF_BASE_SECONDS))
        assert dispatch_due()["sent"] == 3

    assert smtp.message_ids() == Counter(row.message_id for row in rows)


def test_a_refused_recipient_fails_with_the_reason_and_the_rest_go_out(smtp):
    smtp.handler.refused = {"nobody@example.org"}
    with time_machine.travel(START, tick=False) as clock:
        good, refused, other = _plan("pat@example.org", "nobody@example.org", "sam@example.org")
        clock.shift(timedelta(minutes=1))

        assert dispatch_due() == {"sent": 2, "failed": 1, "retried": 0, "skipped": 0, "deferred": 0}
        clock.shift(timedelta(hours=2))
        assert dispatch_due()["failed"] == 0  # never tried again

    refused.refresh_from_db()
    assert refused.status == Status.FAILED
    assert refused.attempts == 1
    assert "nobody@example.org: 550 5.1.1 No such mailbox here" in refused.last_error
    assert refused.sent_at is None
    assert smtp.message_ids() == Counter([good.message_id, other.message_id])


def test_a_message_refused_at_data_fails_with_the_reason(smtp):
    smtp.handler.rejected = {"nobody@example.org"}
    with time_machine.travel(START, tick=False) as clock:
        good, refused = _plan("pat@example.org", "nobody@example.org")
        clock.shift(timedelta(minutes=1))

        assert dispatch_due() == {"sent": 1, "failed": 1, "retried": 0, "skipped": 0, "deferred": 0}
        clock.shift(timedelta(hours=2))
        assert dispatch_due()["failed"] == 0  # never tried again

    refused.refresh_from_db()
    assert refused.status == Status.FAILED
    assert "554 5.6.0 Message refused by policy" in refused.last_error
    assert smtp.message_ids() == Counter([good.message_id])
