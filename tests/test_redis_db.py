"""Each test run takes a Redis database of its own (tests/redis_db.py), so two suites on one
machine never empty each other's broker queue or cache."""

import pytest
import redis
from django.conf import settings

from tests import redis_db


@pytest.fixture
def server() -> str:
    if not settings.REDIS_URL.startswith("redis"):
        pytest.skip("no Redis: the run uses the embedded broker and the database cache")
    return settings.REDIS_URL


def test_this_run_uses_its_claimed_database_for_the_cache_and_the_broker(server):
    from recovery_hub.celery import app

    client = redis.Redis.from_url(server)
    assert client.exists(redis_db.CLAIM) and client.exists(redis_db.MARK)
    assert settings.CACHES["default"]["LOCATION"] == server
    assert settings.CELERY_BROKER_URL == server == app.conf.broker_url


def test_two_runs_claim_two_databases_and_emptying_keeps_the_claim(server):
    first = redis_db.claim(server)
    second = redis_db.claim(server)
    try:
        assert first and second
        numbers = {redis_db.db_of(first), redis_db.db_of(second), redis_db.db_of(server)}
        assert len(numbers) == 3 and numbers <= set(redis_db.DATABASES)

        redis.Redis.from_url(first).set("a-queue", "x")
        redis_db.empty(first)  # what a worker test does before it starts a worker
        assert redis.Redis.from_url(first).keys() != []
        assert not redis.Redis.from_url(first).exists("a-queue")
        assert redis.Redis.from_url(first).exists(redis_db.CLAIM)
    finally:
        for url in (first, second):
            if url:
                redis_db.release(url)
    assert not redis.Redis.from_url(first).exists(redis_db.CLAIM)  # free for the next run
