"""The Redis cache backend, with one client object per connection pool.

Django's own backend (``django.core.cache.backends.redis.RedisCache``) builds a new
``redis.Redis`` for every operation; constructing one costs about as much as the round trip to
the server, and a page served from the public page cache makes one or two operations in all.
A ``redis.Redis`` is safe to share between threads (every command takes a connection from the
pool) and after a fork (the pool notices the new process and opens its own connections), so
one per pool is kept and reused. ``count`` adds the rate limits' counter in one round trip;
``bump_and_publish`` and ``listener`` carry the public page cache's generation to every process
(publish/subscribe, decision 0042). Everything else is Django's backend, unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

# Moves a counter on and publishes its new value, atomically: the messages of a channel come in
# the order of the counter's values, so a listener's last message is the counter's value. A
# missing counter (never set, evicted, flushed) starts at ARGV[1], not at 1. The value is read
# back as a string: Lua's numbers are doubles, which a 62-bit value does not fit.
_BUMP_AND_PUBLISH = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCR', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
local value = redis.call('GET', KEYS[1])
redis.call('PUBLISH', ARGV[2], value .. ' ' .. ARGV[3])
return value
"""


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

    def bump_and_publish(self, key: str, *, start: int, channel: str, note: str) -> int:
        client = self.get_client(key, write=True)
        value = client.eval(_BUMP_AND_PUBLISH, 1, key, start, channel, note)
        return int(value)

    def listener(self) -> Any:
        """A connection of its own to the server that takes writes, for SUBSCRIBE: not from
        the pool (a subscribed connection serves nothing else) and never reconnected behind
        its user's back (what was published while it was away would be lost unseen)."""
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        pool = self._get_connection_pool(True)  # type: ignore[attr-defined]
        # The pool's own connection options, less redis-py's maintenance notifications
        # (RESP3 only, and handled by the pool).
        options = {
            name: value
            for name, value in pool.connection_kwargs.items()
            if not name.startswith(("maint_notifications", "orig_"))
        }
        options["retry"] = Retry(NoBackoff(), 0)
        options["health_check_interval"] = 0  # the listener pings by itself
        # RESP2: messages and the answer to PING are plain replies, read in order (RESP3's
        # pushes go to a handler of redis-py's pub/sub machinery, which reconnects by itself).
        options["protocol"] = 2
        return pool.connection_class(**options)

    def server(self) -> str:
        """Which server and database: channels are shared by a server's databases."""
        kwargs = self._get_connection_pool(True).connection_kwargs  # type: ignore[attr-defined]
        where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
        return f"{where}/{kwargs.get('db', 0)}"

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

    def bump_and_publish(self, key: str, *, start: int, channel: str, note: str) -> int:
        """Add one to the integer ``key`` (set to ``start`` when missing) and publish
        ``"<new value> <note>"`` on ``channel``, atomically (one Lua script): every listener
        receives the values in the order they were taken. Returns the new value."""
        key = self.make_and_validate_key(key)
        client: ReusedClientRedisCacheClient = self._cache  # type: ignore[assignment]
        return client.bump_and_publish(key, start=start, channel=channel, note=note)

    def publish(self, channel: str, message: str) -> int:
        """Publish ``message`` on ``channel`` (as given: see ``channel``)."""
        client: ReusedClientRedisCacheClient = self._cache  # type: ignore[assignment]
        return int(client.get_client(write=True).publish(channel, message))

    def listener(self) -> Any:
        """A new ``redis.Connection`` (not connected) for SUBSCRIBE: see
        ``ReusedClientRedisCacheClient.listener``."""
        client: ReusedClientRedisCacheClient = self._cache  # type: ignore[assignment]
        return client.listener()

    def channel(self, name: str) -> str:
        """A publish/subscribe channel for ``name``, this cache's own: the key prefix and the
        server's database are part of it (channels are shared by all the databases of a
        server, and two sites may share one)."""
        client: ReusedClientRedisCacheClient = self._cache  # type: ignore[assignment]
        return f"{self.make_and_validate_key(name)}@{client.server()}"
