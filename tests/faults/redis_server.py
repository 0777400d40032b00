"""A throwaway `redis-server` for the fault tests: on a spare port, in a temporary folder, with
nothing written to disk. A test stops it and starts it again on the same port; it is always
killed at the end. The machine's own Redis (6379) is never touched."""

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import redis

from tests import redis_db

START_SECONDS = 10


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice for a bind to port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process at a time on `port`; stop() and start() keep the port."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        if self.process is not None:
            return
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is not installed (apt-get install redis-server)"
            if os.environ.get("CI") == "true":  # CI promises Redis: a missing binary is a failure
                pytest.fail(message)
            pytest.skip(message)
        log = (self.folder / "redis.log").open("a")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--daemonize",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait_until_it_answers()

    def _wait_until_it_answers(self) -> None:
        client = redis.Redis.from_url(self.url(), socket_connect_timeout=0.5, socket_timeout=1)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if client.ping():
                    # This server is the test's own: its database 0 may be emptied by the
                    # worker fixture (tests/redis_db.py refuses a database no run claimed).
                    client.set(redis_db.CLAIM, "throwaway redis-server")
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        log = (self.folder / "redis.log").read_text()
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}:\n{log[-2000:]}")

    def stop(self) -> None:
        """Kill it (SIGKILL: an outage, not a tidy shutdown) and wait until the port is free."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):  # it died on its own
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@contextmanager
def redis_server(folder: Path) -> Iterator[RedisServer]:
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def throwaway_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A running throwaway Redis for one test."""
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server
