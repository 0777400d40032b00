"""Every periodic task of Recovery Hub, in one place.

django-celery-beat's DatabaseScheduler installs these entries at start-up (and keeps them in
step when this file changes); admins can see them under "Periodic tasks" in the Django admin.
"""

from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings

BEAT_SCHEDULE: dict[str, dict] = {
    # Proves the worker and beat are alive; the admin dashboard shows the last beat.
    "worker-heartbeat": {
        "task": "recovery_hub.tasks.record_heartbeat",
        "schedule": timedelta(seconds=settings.HEARTBEAT_SECONDS),
        "options": {"expires": max(settings.HEARTBEAT_SECONDS - 5, 1)},
    },
    # Reminders: plan what is due (milestones, check-ins, appointments, help tasks, ...).
    "reminders-plan": {
        "task": "notifications.tasks.plan_reminders",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    # The outbox's safety net, and the sender of rows planned for later: what is due and not
    # yet queued (a broker outage, a killed worker, a future due time) goes to a worker.
    "notifications-sweep": {
        "task": "notifications.tasks.sweep_outbox",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    # Webhooks: deliveries whose retry is due (backoff) or whose queueing was lost.
    "webhooks-sweep": {
        "task": "webhooks.tasks.sweep_webhooks",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    # Weekly supporter digests: each supporter's latest due digest, planned once (a missed
    # run catches up with that one digest at the next tick).
    "engagement-digests": {
        "task": "engagement.tasks.send_digests",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 14 * 60},
    },
    # Monthly summary to each clinic's admins: hourly, a no-op except on the 1st in the clinic's
    # own zone (every zone's 1st holds at least 23 of these runs; the first plans, the rest
    # find the rows there).
    "reports-monthly-summary": {
        "task": "reports.tasks.send_monthly_summaries",
        "schedule": crontab(minute=7),
        "options": {"expires": 55 * 60},
    },
}
