from celery import shared_task

from notifications import outbox


@shared_task(ignore_result=True, time_limit=60, soft_time_limit=50, acks_late=True, max_retries=0)
def dispatch_notification(notification_id: int) -> str:
    """Send one outbox row (claimed first, so a duplicate delivery of this task sends nothing)."""
    return outbox.send_one(notification_id)


@shared_task(ignore_result=True, time_limit=300, soft_time_limit=280)
def sweep_outbox() -> int:
    """Re-queue what is stranded: rows stuck in sending, and due rows nobody queued."""
    return outbox.sweep()
