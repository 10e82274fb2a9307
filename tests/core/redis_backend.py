"""A Redis cache backend of a test's own, on the test server's database shared by every test
worker: its keys carry a prefix of their own, and only they are removed afterwards — a
``clear()`` (``FLUSHDB``) would empty the database under a test another worker runs."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from gongkai.core.cache import RedisCache

REDIS = os.environ.get("GONGKAI_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def own_backend(prefix: str | None = None) -> Iterator[RedisCache]:
    """The backend for a fixture to yield: skips the test when no Redis server answers."""
    backend = RedisCache(REDIS, {"KEY_PREFIX": prefix or f"test-{uuid.uuid4().hex}"})
    try:
        backend.get("ping")
    except Exception:  # any failure to connect: no server here
        pytest.skip("no Redis server answers")
    yield backend
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{backend.key_prefix}:*"))
    if keys:
        client.delete(*keys)
