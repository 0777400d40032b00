"""The Celery queues, in one place, so each kind of work can get its own workers.

- `email`, `sms`, `in_app`, `push`: sending one outbox row
  (notifications.tasks.dispatch_notification), by the row's channel, which the outbox passes as
  the task's `channel` keyword.
- `planning`: the beat-driven tasks that plan messages or look after the outbox (the reminder
  planner, the sweep, the digests, the monthly summaries) and the heartbeat.
- `celery` (Celery's default): anything else, and a dispatch that names no channel.

A worker started without `-Q` consumes every queue (settings.CELERY_TASK_QUEUES lists them
all), so one worker still does everything; `celery -A recovery_hub worker -Q email -c 4` runs
a worker for one queue (README, "Scaling").
"""

from kombu import Exchange, Queue

DEFAULT_QUEUE = "celery"
PLANNING_QUEUE = "planning"
# Channel (notifications.models.Channel's values) to the queue its messages are sent from.
# Settings read this module before the apps load, so Channel itself cannot be imported here;
# tests/test_queues.py checks that these are exactly Channel's values.
CHANNEL_QUEUES = {name: name for name in ("email", "sms", "in_app", "push")}  # spelling: above
ALL_QUEUES = (DEFAULT_QUEUE, *CHANNEL_QUEUES.values(), PLANNING_QUEUE)

DISPATCH_TASK = "notifications.tasks.dispatch_notification"
PLANNING_TASKS = frozenset(
    {
        "notifications.tasks.plan_reminders",
        "notifications.tasks.sweep_outbox",
        "webhooks.tasks.sweep_webhooks",
        "engagement.tasks.send_digests",
        "reports.tasks.send_monthly_summaries",
        # With the planner: the dashboard's "background jobs" tile goes stale when the worker
        # that reminders depend on stops.
        "recovery_hub.tasks.record_heartbeat",
    }
)


def task_queues() -> list[Queue]:
    """settings.CELERY_TASK_QUEUES: every queue, each on a direct exchange of its own name
    (as Celery makes its default queue)."""
    return [Queue(name, Exchange(name), routing_key=name) for name in ALL_QUEUES]


def route_task(
    name: str, args: tuple, kwargs: dict | None, options: dict, task: object = None, **kw: object
) -> dict | None:
    """Celery's router (settings.CELERY_TASK_ROUTES): the queue of a task about to be sent;
    None leaves it to the default queue. An explicit `queue=` given to apply_async wins."""
    if name in PLANNING_TASKS:
        return {"queue": PLANNING_QUEUE}
    if name == DISPATCH_TASK:
        queue = CHANNEL_QUEUES.get((kwargs or {}).get("channel", ""))
        return {"queue": queue} if queue else None
    return None
