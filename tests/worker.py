"""Start a real Celery worker process on the suite's broker and test database."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests import redis_db

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(
    tmp_path: Path,
    *,
    beat: bool = False,
    env: dict[str, str] | None = None,
    queues: tuple[str, ...] = (),
    empty_broker: bool = True,
) -> Iterator[subprocess.Popen]:
    """A `celery worker` (`-B` adds beat) until the block ends; its log is tmp_path/worker.log.
    It consumes every queue (recovery_hub/queues.py), or only `queues` (`-Q`). The broker's
    database is emptied first, unless `empty_broker` is False (a second worker taking over
    what is queued)."""
    if empty_broker and settings.CELERY_BROKER_URL.startswith("redis"):
        redis_db.empty(settings.CELERY_BROKER_URL)  # this run's own database (tests/redis_db.py)
    full_env = {
        **os.environ,
        # The run's own Redis database (tests/redis_db.py), as the app of this process uses.
        **({"REDIS_URL": settings.REDIS_URL} if settings.REDIS_URL else {}),
        "DATABASE_URL": database_url(),
        "READ_DOT_ENV": "false",
        **(env or {}),
    }
    command = (
        f"{sys.executable} -m celery -A recovery_hub worker --loglevel info"
        " --concurrency 1 --pool solo --hostname pytest-worker@%h"
        + (f" -B --schedule {tmp_path / 'beat-schedule'}" if beat else "")
        + (f" -Q {','.join(queues)}" if queues else "")
    )
    with (tmp_path / "worker.log").open("w") as log:
        process = subprocess.Popen(
            command.split(),
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except ProcessLookupError:
                pass  # already gone (a test killed it)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, seconds: float = 60) -> bool:
    """Poll until `condition()` holds, the worker exits, or time runs out (waiting on another
    process: bounded, never a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.3)
    return condition()
