"""Nothing is lost and nothing is sent twice: two planners at once, and a broker that is down
when rows are written."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from notifications.models import Notification, Status
from notifications.outbox import Message, enqueue, send_one, sweep

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_planners_at_once_plan_each_message_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("row-level races need PostgreSQL (CI runs it)")
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    barrier = threading.Barrier(2)
    results: list[object] = []

    def planner() -> None:
        barrier.wait()
        try:
            with transaction.atomic():
                results.append(
                    enqueue(
                        Message(
                            kind="heartbeat",
                            occurrence="race",
                            channel="in_app",
                            recipient_key="user:1",
                            address="",
                            body="Hello",
                        ),
                        due_at=datetime(2030, 1, 1, tzinfo=UTC),
                    )
                )
        finally:
            connection.close()

    threads = [threading.Thread(target=planner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(result is not None for result in results) == 1
    assert Notification.objects.count() == 1


def test_a_broker_that_is_down_loses_nothing(settings):
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    # Nothing listens on port 1: the broker is "down" without touching the machine's Redis.
    from recovery_hub.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        with transaction.atomic():
            row = enqueue(
                Message(
                    kind="heartbeat",
                    occurrence="outage",
                    channel="email",
                    recipient_key="user:2",
                    address="pat@example.org",
                    subject="Hello",
                    body="Sign in to see more.",
                )
            )
        assert Notification.objects.get(pk=row.pk).status == Status.PENDING  # waits, not lost
        sweep()  # still down: the sweep cannot queue it either, and nothing breaks
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL

    assert send_one(row.pk) == "sent"  # once the broker is back, a worker sends it once
    assert send_one(row.pk) == "skipped"
