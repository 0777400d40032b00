"""A simulated clock shared by several processes, for tests that run a day in a few minutes.

`python -m tests.sim_clock PROGRAM ARGS...` runs `celery ...` or `gunicorn ...` with its clock
moved by time-machine (`tick=True`: it runs on in real time from where it is put). A thread
follows a Redis key the test writes (`SharedClock.move`): whenever the key changes, the clock
jumps to the instant it holds, and the process acknowledges with the key's generation. A child
forked by the program (gunicorn's workers) starts a follower of its own.

Environment: SIM_CLOCK_REDIS (the Redis URL), SIM_CLOCK_KEY (the key to follow), SIM_CLOCK_NAME
(this process's name in the acknowledgements).

Only the wall clock moves (time.time(), datetime.now()); time.monotonic() and sleeps stay real,
so timeouts, gunicorn's worker checks and Celery's timers behave as usual.
"""

import os
import sys
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime

import redis

POLL_SECONDS = 0.02


def _read(client: redis.Redis, key: str) -> tuple[int, float] | None:
    value = client.get(key)
    if value is None:
        return None
    generation, epoch = value.decode().split()
    return int(generation), float(epoch)


class SharedClock:
    """The test's side: where the processes' clocks are, and proof that each has moved."""

    def __init__(self, url: str, key: str) -> None:
        self.client = redis.Redis.from_url(url)
        self.key = key
        self.generation = 0

    @property
    def acks(self) -> str:
        return f"{self.key}:acks"

    def move(self, at: datetime) -> int:
        self.generation += 1
        self.client.set(self.key, f"{self.generation} {at.timestamp()}")
        return self.generation

    def followers(self) -> dict[str, int]:
        """Each follower ("name:pid") and the generation it last moved to."""
        return {k.decode(): int(v) for k, v in self.client.hgetall(self.acks).items()}

    def caught_up(self, names: Iterable[str]) -> bool:
        """Every named process (any of its pids, e.g. gunicorn's master and worker) is at the
        current generation."""
        acks = self.followers()
        return all(
            any(
                follower.split(":")[0] == name and g == self.generation
                for follower, g in acks.items()
            )
            for name in names
        )

    def forget(self) -> None:
        self.client.delete(self.key, self.acks)


def _follow(traveller: object, url: str, key: str, name: str, seen: int) -> None:
    client = redis.Redis.from_url(url)
    me = f"{name}:{os.getpid()}"
    client.hset(f"{key}:acks", me, seen)
    while True:
        try:
            current = _read(client, key)
            if current is not None and current[0] != seen:
                seen = current[0]
                traveller.move_to(datetime.fromtimestamp(current[1], UTC))
                client.hset(f"{key}:acks", me, seen)
        except redis.RedisError:
            pass  # the test is ending; keep the clock where it is
        time.sleep(POLL_SECONDS)


def _start_follower(traveller: object, url: str, key: str, name: str, seen: int) -> None:
    threading.Thread(
        target=_follow, args=(traveller, url, key, name, seen), daemon=True, name="sim-clock"
    ).start()


def main(argv: list[str]) -> None:
    import time_machine

    url, key, name = (
        os.environ["SIM_CLOCK_REDIS"],
        os.environ["SIM_CLOCK_KEY"],
        os.environ["SIM_CLOCK_NAME"],
    )
    first = _read(redis.Redis.from_url(url), key)
    if first is None:
        raise SystemExit(f"sim_clock: nothing at {key}; the test sets the clock first")
    generation, epoch = first
    traveller = time_machine.travel(datetime.fromtimestamp(epoch, UTC), tick=True).start()
    _start_follower(traveller, url, key, name, generation)
    # A forked child (a gunicorn worker) has the moved clock but not the thread: give it one.
    os.register_at_fork(
        after_in_child=lambda: _start_follower(traveller, url, key, name, generation)
    )
    program, *_rest = argv
    sys.argv = argv
    if program == "celery":
        from celery.__main__ import main as celery_main

        celery_main()
    elif program == "gunicorn":
        from gunicorn.app.wsgiapp import run

        run()
    else:
        raise SystemExit(f"sim_clock: unknown program {program}")


if __name__ == "__main__":
    main(sys.argv[1:])
