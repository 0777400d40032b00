from celery import shared_task


@shared_task(ignore_result=True, time_limit=240, soft_time_limit=220)
def send_digests() -> str:
    """Plan the weekly supporter digests now due (the latest per supporter, once)."""
    from django.utils import timezone

    from engagement.digests import digests_plan

    tally = digests_plan(timezone.now())
    return f"digests={tally.planned} skipped={tally.skipped}"
