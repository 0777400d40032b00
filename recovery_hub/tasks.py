from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from core.models import WorkerHeartbeat

KEEP_HEARTBEATS_FOR = timedelta(days=2)


@shared_task(bind=True, ignore_result=True, time_limit=30, soft_time_limit=25)
def record_heartbeat(self) -> int:
    """Write a heartbeat row (the dashboard's "background jobs" tile) and prune old ones."""
    beat = WorkerHeartbeat.objects.create(hostname=self.request.hostname or "unknown")
    WorkerHeartbeat.objects.filter(ran_at__lt=timezone.now() - KEEP_HEARTBEATS_FOR).delete()
    return beat.pk
