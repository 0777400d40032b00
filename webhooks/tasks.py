from celery import shared_task

from webhooks import delivery


@shared_task(ignore_result=True, time_limit=60, soft_time_limit=50, acks_late=True, max_retries=0)
def send_webhook(delivery_id: int) -> str:
    """Send one delivery (claimed first: a duplicate of this task posts nothing). A failure is
    retried by the sweep at the row's next attempt, with backoff, not by Celery."""
    return delivery.send_one(delivery_id)


@shared_task(ignore_result=True, time_limit=240, soft_time_limit=220)
def sweep_webhooks() -> int:
    """Queue the deliveries that are due: retries, and rows stranded by a broker outage or a
    killed worker."""
    return delivery.sweep()
