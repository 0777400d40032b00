"""The demonstration periodic task runs for real: beat schedules it from schedule.py, the broker
(Redis on CI) carries it, a separate worker process runs it and writes to the test database."""

import pytest

from core.models import WorkerHeartbeat
from recovery_hub.schedule import BEAT_SCHEDULE
from tests.worker import celery_worker, wait_for


@pytest.fixture
def worker_with_beat(tmp_path):
    """A real `celery worker -B` process on the suite's broker and test database."""
    with celery_worker(tmp_path, beat=True, env={"HEARTBEAT_SECONDS": "2"}) as process:
        yield process


def test_heartbeat_is_in_the_schedule():
    entry = BEAT_SCHEDULE["worker-heartbeat"]

    assert entry["task"] == "recovery_hub.tasks.record_heartbeat"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_and_a_real_worker_run_the_heartbeat(worker_with_beat, tmp_path):
    wait_for(
        lambda: WorkerHeartbeat.objects.filter(hostname__startswith="pytest-worker@").exists(),
        worker_with_beat,
    )

    log = (tmp_path / "worker.log").read_text()
    assert worker_with_beat.poll() is None, f"worker exited early:\n{log[-3000:]}"
    assert WorkerHeartbeat.objects.filter(hostname__startswith="pytest-worker@").exists(), log[
        -3000:
    ]
    from django_celery_beat.models import PeriodicTask

    # django-celery-beat installed the timetable from schedule.py in the database.
    assert PeriodicTask.objects.filter(
        name="worker-heartbeat", task="recovery_hub.tasks.record_heartbeat"
    ).exists()
