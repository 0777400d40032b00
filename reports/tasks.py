from celery import shared_task


@shared_task(ignore_result=True, time_limit=600, soft_time_limit=570)
def send_monthly_summaries() -> str:
    """Plan this month's summary for every clinic where it is now the 1st (a no-op on any
    other local day, and for admins who already have theirs)."""
    from django.utils import timezone

    from reports.monthly import monthly_plan

    tally = monthly_plan(timezone.now())
    return f"summaries={tally.planned} skipped={tally.skipped}"
