"""The shared cache: Redis, and the database's cache table while Redis cannot be reached.

The cache holds the sign-in throttles and the second-factor codes already used. With a plain
RedisCache, a Redis outage would turn every sign-in into a server error; here a call that
cannot reach Redis is answered by the database cache instead (the table of
recovery_hub/migrations/0002_cache_table.py, shared by every web process as Redis is), so
people keep signing in and the limits keep counting. After a failure this process leaves
Redis alone for RETRY_AFTER_SECONDS, so a page does not wait for a dead server on each call.
What was in Redis before the outage is not seen during it (counts start again in the table).

Once-only marks are the exception: `add` (a second-factor code marked used, allauth's lock
around a throttle) is decided by the database table every time, Redis or not, so a code used
just before a failover (in either direction) is refused after it; Redis gets a copy for
readers, and `delete` removes both.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 15
FALLBACK_TABLE = "django_cache"
FALLBACK_MAX_ENTRIES = 1_000_000  # the default 300 would cull used-code marks in a busy outage
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)

# By Redis location: when this process may try Redis again (time.monotonic()).
_down_until: dict[str, float] = {}


def _redis_or_database(name: str) -> Callable[..., Any]:
    def method(self: "RedisOrDatabaseCache", *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= _down_until.get(self._location, 0.0):
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except UNREACHABLE as exc:
                _down_until[self._location] = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("cache: Redis unreachable (%s); using the database", exc)
        return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or the database cache's while Redis is down."
    return method


class RedisOrDatabaseCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server
        self.fallback = DatabaseCache(
            FALLBACK_TABLE,
            {
                **params,
                "LOCATION": FALLBACK_TABLE,
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
            },
        )

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Add once, decided by the database table (the module's docstring says why)."""
        added = self.fallback.add(key, value, timeout, version)
        if added:
            self._redis_quietly("set", key, value, timeout, version)
        return added

    def delete(self, key: str, version: int | None = None) -> bool:
        deleted = self.fallback.delete(key, version)
        return bool(self._redis_quietly("delete", key, version)) or deleted

    def _redis_quietly(self, name: str, *args: Any) -> Any:
        if time.monotonic() < _down_until.get(self._location, 0.0):
            return None
        try:
            return getattr(RedisCache, name)(self, *args)
        except UNREACHABLE as exc:
            _down_until[self._location] = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("cache: Redis unreachable (%s); using the database", exc)
            return None

    get = _redis_or_database("get")
    set = _redis_or_database("set")
    touch = _redis_or_database("touch")
    get_many = _redis_or_database("get_many")
    has_key = _redis_or_database("has_key")
    incr = _redis_or_database("incr")
    set_many = _redis_or_database("set_many")
    delete_many = _redis_or_database("delete_many")
    clear = _redis_or_database("clear")
