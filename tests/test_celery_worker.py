"""The demonstration periodic task runs for real: beat schedules it from schedule.py, the broker
(Redis on CI) carries it, a separate worker process runs it and writes to the test database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from recovery_hub.models import WorkerHeartbeat
from recovery_hub.schedule import BEAT_SCHEDULE

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 60


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_with_beat(tmp_path):
    """A real `celery worker -B` process on the suite's broker and test database."""
    if settings.CELERY_BROKER_URL.startswith("redis"):
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # the suite's own Redis db
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "HEARTBEAT_SECONDS": "2",
        "READ_DOT_ENV": "false",
    }
    log = (tmp_path / "worker.log").open("w")
    command = (
        f"{sys.executable} -m celery -A recovery_hub worker -B --loglevel info"
        " --concurrency 1 --pool solo --hostname pytest-worker@%h"
        f" --schedule {tmp_path / 'beat-schedule'}"
    )
    process = subprocess.Popen(
        command.split(),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    log.close()


def test_heartbeat_is_in_the_schedule():
    entry = BEAT_SCHEDULE["worker-heartbeat"]

    assert entry["task"] == "recovery_hub.tasks.record_heartbeat"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_and_a_real_worker_run_the_heartbeat(worker_with_beat, tmp_path):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and worker_with_beat.poll() is None:
        if WorkerHeartbeat.objects.filter(hostname__startswith="pytest-worker@").exists():
            break
        time.sleep(0.5)  # waiting on another process; bounded by the deadline

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
