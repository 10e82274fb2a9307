"""The Redis cache backend, with one client object per connection pool.

Django's own backend (``django.core.cache.backends.redis.RedisCache``) builds a new
``redis.Redis`` for every operation; constructing one costs about as much as the round trip to
the server, and a page served from the public page cache makes one or two operations in all.
A ``redis.Redis`` is safe to share between threads (every command takes a connection from the
pool) and after a fork (the pool notices the new process and opens its own connections), so
one per pool is kept and reused. ``count`` adds the rate limits' counter in one round trip.
Everything else is Django's backend, unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def count(self, key: str, timeout: int) -> int:
        """Add one to the counter ``key`` (created at 1, expiring after ``timeout`` seconds)
        and return it: one round trip, where ``incr`` after ``add`` takes two or three."""
        client = self.get_client(key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, timeout, nx=True)
        value, _expiry = pipe.execute()
        return int(value)

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def count(self, key: str, timeout: int) -> int:
        """One more in the counter ``key`` of a fixed window (the rate limits): see
        ``ReusedClientRedisCacheClient.count``. The counter is a plain integer, as ``incr``
        keeps it."""
        key = self.make_and_validate_key(key)
        client: ReusedClientRedisCacheClient = self._cache  # type: ignore[assignment]
        return client.count(key, timeout)
