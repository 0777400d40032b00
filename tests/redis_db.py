"""A Redis database of this test run's own, so two suites on one machine never share a broker
queue or a cache (a worker test empties its database before it starts a worker).

At the start of the run (tests/conftest.py, pytest_configure) the run claims a free database
among 1-15 of the server REDIS_URL names: an empty one, or one a finished test run left (it
carries MARK and nobody holds CLAIM). The claim is one `SET NX` (two runs starting at once
cannot both win) that expires after CLAIM_SECONDS, should the run be killed. The app (cache,
Celery) and every worker the tests start (tests/worker.py, through REDIS_URL in the
environment) use that database; at the end of the run it is emptied and released.
"""

import os
import socket
from urllib.parse import urlsplit, urlunsplit

import redis

CLAIM = "recovery-hub:test-run"  # held while a run uses the database
MARK = "recovery-hub:test-db"  # the database is a test run's, reusable once nobody holds CLAIM
CLAIM_SECONDS = 6 * 3600
DATABASES = range(1, 16)  # 0 is the default of every other program on the machine


def with_db(url: str, number: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


def db_of(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path.isdigit() else 0


def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=5)


def claim(url: str) -> str | None:
    """The URL of a database this run now holds, on the server of `url`; None if every one
    is taken (the run then keeps `url`, as before)."""
    owner = f"{socket.gethostname()}:{os.getpid()}"
    start = os.getpid() % len(DATABASES)
    for number in [*DATABASES[start:], *DATABASES[:start]]:
        candidate = with_db(url, number)
        client = _client(candidate)
        free = client.dbsize() == 0 or (client.exists(MARK) and not client.exists(CLAIM))
        if free and client.set(CLAIM, owner, nx=True, ex=CLAIM_SECONDS):
            client.set(MARK, "1")
            empty(candidate)  # what a killed run left behind
            return candidate
    return None


def empty(url: str) -> None:
    """Every key of the run's database but its claim (the database stays this run's). Refuses
    a database this run did not claim (another program's, say the machine's db 0)."""
    client = _client(url)
    if not client.exists(CLAIM):
        raise RuntimeError(f"{url} is not a Redis database of this test run's own: not emptied")
    keys = [
        key for key in client.scan_iter(count=1000) if key not in (CLAIM.encode(), MARK.encode())
    ]
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def release(url: str) -> None:
    """Empty the database and give it back (MARK stays: the next run may take it)."""
    empty(url)
    _client(url).delete(CLAIM)
