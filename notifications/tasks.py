from celery import shared_task

from notifications import outbox


@shared_task(ignore_result=True, time_limit=60, soft_time_limit=50, acks_late=True, max_retries=0)
def dispatch_notification(notification_id: int, channel: str = "") -> str:
    """Send one outbox row (claimed first, so a duplicate delivery of this task sends nothing).
    `channel` (the row's) only routes the task to that channel's queue (recovery_hub/queues.py)."""
    return outbox.send_one(notification_id)


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=280)
def sweep_outbox() -> int:
    """Re-queue what is stranded: rows stuck in sending, and due rows nobody queued."""
    return outbox.sweep()


@shared_task(ignore_result=True, time_limit=240, soft_time_limit=220)
def plan_reminders() -> str:
    """The minute planner: what is due in the last hour goes into the outbox (once)."""
    from django.utils import timezone

    from notifications.planner import plan

    tally = plan(timezone.now())
    return f"planned={tally.planned} skipped={tally.skipped}"
