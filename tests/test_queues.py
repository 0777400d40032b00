"""Celery queues per channel and for planning (recovery_hub/queues.py): each send goes to its
channel's queue, the beat-driven planning to `planning`, and a worker started without -Q
still consumes every queue (so the demo, compose's `worker` and the suite's workers deliver)."""

import json
from importlib import import_module
from pathlib import Path

import pytest
import redis
import yaml
from django.db import transaction

from notifications.models import Channel, Notification, Status
from notifications.outbox import Message, enqueue
from recovery_hub.celery import app
from recovery_hub.queues import (
    ALL_QUEUES,
    CHANNEL_QUEUES,
    DEFAULT_QUEUE,
    DISPATCH_TASK,
    PLANNING_QUEUE,
    PLANNING_TASKS,
)
from recovery_hub.schedule import BEAT_SCHEDULE
from tests.worker import celery_worker, wait_for

ROOT = Path(__file__).resolve().parent.parent


def _queue_of(name: str, *args: object, **kwargs: object) -> str:
    """The queue Celery's own router picks for this task call (as apply_async does)."""
    return app.amqp.router.route({}, name, args=args, kwargs=kwargs)["queue"].name


def test_every_channel_has_a_queue_of_its_own():
    assert set(CHANNEL_QUEUES) == set(Channel.values)
    assert len(set(CHANNEL_QUEUES.values())) == len(Channel.values)
    assert set(ALL_QUEUES) == {"celery", "email", "sms", "in_app", "push", "planning"}


@pytest.mark.parametrize(
    ("channel", "queue"),
    [("email", "email"), ("sms", "sms"), ("in_app", "in_app"), ("push", "push")],
)
def test_a_send_goes_to_its_channels_queue(channel, queue):
    assert _queue_of(DISPATCH_TASK, 1, channel=channel) == queue


def test_a_send_that_names_no_channel_stays_on_the_default_queue():
    # e.g. a task queued before the queues existed, or dispatch_notification.delay(pk).
    assert _queue_of(DISPATCH_TASK, 1) == DEFAULT_QUEUE
    assert _queue_of(DISPATCH_TASK, 1, channel="pigeon") == DEFAULT_QUEUE


def test_every_periodic_task_plans_on_the_planning_queue():
    scheduled = {entry["task"] for entry in BEAT_SCHEDULE.values()}

    assert scheduled <= PLANNING_TASKS
    for name in PLANNING_TASKS:
        module, attribute = name.rsplit(".", 1)
        assert getattr(import_module(module), attribute).name == name  # a task by that name
        assert _queue_of(name) == PLANNING_QUEUE, name


def test_anything_else_stays_on_the_default_queue():
    assert _queue_of("celery.backend_cleanup") == DEFAULT_QUEUE


def test_a_queue_given_at_the_call_wins():
    route = app.amqp.router.route(
        {"queue": "email"}, "notifications.tasks.plan_reminders", args=(), kwargs={}
    )
    assert route["queue"].name == "email"


def test_a_worker_without_dash_q_consumes_every_queue():
    assert set(app.amqp.queues.consume_from) == set(ALL_QUEUES)
    for name in ALL_QUEUES:
        queue = app.amqp.queues[name]
        assert (queue.exchange.name, queue.routing_key) == (name, name)


def _message(channel: str, address: str) -> Message:
    return Message(
        kind="heartbeat",
        occurrence=f"queues-{channel}",
        channel=channel,
        recipient_key=f"user:queues-{channel}",
        address=address,
        subject="Queues",
        body="Routed by channel.",
    )


ADDRESSES = {"email": "pat@example.org", "sms": "+15551230000", "in_app": "", "push": ""}


@pytest.mark.django_db
def test_enqueue_puts_each_send_on_its_channels_queue_in_the_broker(
    settings, django_capture_on_commit_callbacks
):
    """The real path: enqueue() → on commit → apply_async → the broker's list of that queue."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("reads the broker's queues: needs Redis (REDIS_URL)")
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(*ALL_QUEUES)  # this run's own database (tests/redis_db.py)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rows = {ch: enqueue(_message(ch, ADDRESSES[ch])) for ch in CHANNEL_QUEUES}

        lengths = {name: broker.llen(name) for name in ALL_QUEUES}
        assert lengths == {"celery": 0, "email": 1, "sms": 1, "in_app": 1, "push": 1, "planning": 0}
        for channel, queue in CHANNEL_QUEUES.items():
            message = json.loads(broker.lindex(queue, 0))
            assert message["headers"]["task"] == DISPATCH_TASK
            assert message["headers"]["argsrepr"] == repr([rows[channel].pk])
            assert message["properties"]["delivery_info"]["routing_key"] == queue
    finally:
        broker.delete(*ALL_QUEUES)


def test_compose_runs_a_worker_for_every_queue_and_one_per_queue_to_scale():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert "-Q" not in services["worker"]["command"] and "profiles" not in services["worker"]
    dedicated = {}
    for name, service in services.items():
        command = service.get("command")
        if isinstance(command, list) and "worker" in command and "-Q" in command:
            assert service["profiles"] == ["scale"], name
            dedicated[command[command.index("-Q") + 1]] = name
    assert set(dedicated) == set(ALL_QUEUES) - {DEFAULT_QUEUE}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_of_one_queue_sends_only_that_channel(tmp_path, settings):
    """A real worker started with `-Q sms` sends the text message; the email waits on the
    email queue for a worker of its own."""
    settings.NOTIFICATIONS_INLINE_DISPATCH = False
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {"EMAIL_URL": f"filemail://{mail_dir}", "NOTIFICATIONS_INLINE_DISPATCH": "false"}
    with celery_worker(tmp_path, env=env, queues=("sms",)) as worker:
        with transaction.atomic():
            sms = enqueue(_message("sms", ADDRESSES["sms"]))
            email = enqueue(_message("email", ADDRESSES["email"]))
        sent = wait_for(
            lambda: Notification.objects.filter(pk=sms.pk, status=Status.SENT).exists(), worker
        )
        log = (tmp_path / "worker.log").read_text()

    with app.connection_for_write() as connection:  # no later worker finds the email's task
        waiting = connection.default_channel.queue_purge("email")

    assert sent, log[-3000:]
    assert Notification.objects.get(pk=email.pk).status == Status.PENDING
    assert list(mail_dir.iterdir()) == []
    assert waiting == 1  # the email's task was on the email queue all along
