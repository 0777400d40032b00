"""The shared cache across a Redis outage (recovery_hub/cache.py), on a throwaway redis-server:
reads and writes go on in the database table while Redis is down, and a once-only mark (a
second-factor code marked used, allauth's `cache.add`) holds across the switch both ways."""

import pytest

from recovery_hub import cache as shared_cache
from recovery_hub.cache import RedisOrDatabaseCache
from tests.faults.redis_server import RedisServer
from tests.faults.redis_server import throwaway_redis as throwaway_redis  # the fixture

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


@pytest.fixture
def failover_cache(throwaway_redis: RedisServer) -> RedisOrDatabaseCache:
    cache = RedisOrDatabaseCache(
        throwaway_redis.url(),
        {
            "KEY_PREFIX": "failover-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    )
    shared_cache._down_until.pop(throwaway_redis.url(), None)
    yield cache
    shared_cache._down_until.pop(throwaway_redis.url(), None)


def back_up(server: RedisServer) -> None:
    server.start()
    shared_cache._down_until.pop(server.url(), None)  # this process may try Redis again now


def test_a_used_code_stays_used_across_the_failover_both_ways(
    failover_cache: RedisOrDatabaseCache, throwaway_redis: RedisServer
) -> None:
    used_before = "allauth.mfa.totp.used?user=1&code=111111"
    assert failover_cache.add(used_before, "y", timeout=90) is True

    throwaway_redis.stop()
    assert failover_cache.add(used_before, "y", timeout=90) is False  # still used
    used_during = "allauth.mfa.totp.used?user=1&code=222222"
    assert failover_cache.add(used_during, "y", timeout=90) is True

    back_up(throwaway_redis)
    assert failover_cache.add(used_during, "y", timeout=90) is False  # still used
    assert failover_cache.add(used_before, "y", timeout=90) is False
    # (This Redis came back empty, as a killed one without persistence does.)
    used_after = "allauth.mfa.totp.used?user=1&code=333333"
    assert failover_cache.add(used_after, "y", timeout=90) is True
    assert failover_cache.get(used_after) == "y"  # readers see the copy Redis was given


def test_reads_and_writes_go_on_while_redis_is_down_and_a_lock_is_released(
    failover_cache: RedisOrDatabaseCache, throwaway_redis: RedisServer
) -> None:
    failover_cache.set("figures", 1, timeout=60)
    assert failover_cache.get("figures") == 1

    throwaway_redis.stop()
    assert failover_cache.get("figures") is None  # Redis's copy is out of reach: a miss, no error
    failover_cache.set("figures", 2, timeout=60)
    assert failover_cache.get("figures") == 2
    assert failover_cache.add("lock", True, timeout=5) is True
    assert failover_cache.add("lock", True, timeout=5) is False

    back_up(throwaway_redis)
    assert failover_cache.add("lock", True, timeout=5) is False  # the lock holds across the switch
    failover_cache.delete("lock")
    assert failover_cache.add("lock", True, timeout=5) is True  # released in both stores
    assert failover_cache.get("figures") is None  # a new, empty Redis: a miss, no error
