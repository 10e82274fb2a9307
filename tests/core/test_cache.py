"""The Redis cache backend (gongkai.core.cache): Django's, with one client object per
connection pool and the rate limits' counter in one round trip. Against the Redis server of
the machine (REDIS_URL, or 127.0.0.1:6379), skipped when none answers."""

from __future__ import annotations

import pytest

from gongkai.core.ratelimit import hit
from tests.core.redis_backend import own_backend


@pytest.fixture
def redis_cache():
    yield from own_backend()


def test_the_client_is_built_once_and_reused(redis_cache):
    client = redis_cache._cache.get_client()
    redis_cache.set("a", 1)
    assert redis_cache.get("a") == 1
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool


def test_count_creates_the_counter_with_its_lifetime_and_adds_one_each_time(redis_cache):
    assert [redis_cache.count("hits", 60) for _ in range(3)] == [1, 2, 3]
    raw = redis_cache._cache.get_client()
    key = redis_cache.make_and_validate_key("hits")
    assert 0 < raw.ttl(key) <= 60
    assert redis_cache.get("hits") == 3  # the same integer that incr keeps


def test_count_keeps_the_first_lifetime(redis_cache):
    redis_cache.count("hits", 60)
    redis_cache.count("hits", 3600)
    raw = redis_cache._cache.get_client()
    assert raw.ttl(redis_cache.make_and_validate_key("hits")) <= 60


def test_the_rate_limit_counts_through_it(redis_cache, monkeypatch, settings):
    settings.GONGKAI_RATE_LIMITS = {"search": "2/60"}
    monkeypatch.setattr("gongkai.core.ratelimit.cache", redis_cache)
    verdicts = [hit("search", "192.0.2.9", now=1000.0).allowed for _ in range(3)]
    assert verdicts == [True, True, False]
