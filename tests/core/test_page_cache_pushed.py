"""The page cache's generation pushed to each process (gongkai.core.page_cache.PushedGeneration,
decision 0042): a move made by another process arrives by Redis publish/subscribe, the process
that made it sees it at once, and whenever the subscription is not healthy the generation is
read from the cache as before. Against the Redis server of the machine
(GONGKAI_TEST_REDIS_URL, or 127.0.0.1:6379/14), skipped when none answers."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache

from gongkai.core import page_cache
from gongkai.core.cache import RedisCache
from gongkai.core.page_cache import GENERATION_CHANNEL, GENERATION_KEY, PUSHED, PushedGeneration
from tests.catalogue.public_helpers import join
from tests.core.redis_backend import REDIS, own_backend

WAIT = 5.0  # seconds: the longest a message may take to arrive on a busy machine


@pytest.fixture
def prefix():
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
def redis_cache(prefix):
    yield from own_backend(prefix)


@pytest.fixture
def watchers():
    made: list[PushedGeneration] = []

    def make(backend):
        watcher = PushedGeneration(backend)
        made.append(watcher)
        return watcher

    yield make
    for watcher in made:
        watcher.stop()


def wait_until(watcher: PushedGeneration, condition) -> None:
    """Wait for the listener thread (on its condition, not a sleep) until ``condition()``."""
    watcher.get()  # starts the thread
    with watcher.changed:
        assert watcher.changed.wait_for(condition, timeout=WAIT)


def bump_elsewhere(backend: RedisCache) -> int:
    """What invalidate_public_pages does in another process."""
    return backend.bump_and_publish(
        GENERATION_KEY, start=7, channel=backend.channel(GENERATION_CHANNEL), note="1.5"
    )


def test_a_move_made_by_another_process_arrives_without_a_read(redis_cache, watchers):
    watcher = watchers(redis_cache)
    wait_until(watcher, lambda: watcher.value is not None)
    first = watcher.get()
    assert first is not None and first[0] == redis_cache.get(GENERATION_KEY)
    moved = bump_elsewhere(redis_cache)
    assert moved == first[0] + 1
    wait_until(watcher, lambda: watcher.value is not None and watcher.value[0] == moved)
    assert watcher.get() == (moved, 1.5)


def test_a_missing_generation_starts_at_a_random_number_and_is_announced(redis_cache, watchers):
    watcher = watchers(redis_cache)
    wait_until(watcher, lambda: watcher.value is not None)
    redis_cache.delete(GENERATION_KEY)  # evicted, say
    moved = bump_elsewhere(redis_cache)
    assert moved == 7 == redis_cache.get(GENERATION_KEY)
    wait_until(watcher, lambda: watcher.value is not None and watcher.value[0] == 7)


def test_the_process_that_moves_the_generation_never_sees_the_old_one(
    redis_cache, watchers, monkeypatch
):
    watcher = watchers(redis_cache)
    wait_until(watcher, lambda: watcher.value is not None)
    old = watcher.get()
    assert old is not None
    monkeypatch.setattr(page_cache, "cache", redis_cache)
    monkeypatch.setattr(page_cache, "PUSHED", watcher)
    page_cache.invalidate_public_pages()
    # At once, before its message can have arrived: the copy is new or not used at all.
    now = watcher.get()
    assert now is None or now[0] == old[0] + 1
    wait_until(watcher, lambda: watcher.awaiting is None and watcher.value is not None)
    assert watcher.get()[0] == old[0] + 1 == redis_cache.get(GENERATION_KEY)


def test_a_move_whose_script_is_refused_is_made_and_announced_all_the_same(
    prefix, redis_cache, watchers, monkeypatch
):
    """A server that refuses scripts (an ACL): the generation is moved on as without a
    listener, and the listeners are told to read it again."""

    class NoScripts(RedisCache):
        def bump_and_publish(self, *args, **kwargs):
            raise PermissionError("NOPERM this user has no permissions to run 'eval'")

    here = NoScripts(REDIS, {"KEY_PREFIX": prefix})
    elsewhere = watchers(redis_cache)
    wait_until(elsewhere, lambda: elsewhere.value is not None)
    before = elsewhere.get()
    assert before is not None
    monkeypatch.setattr(page_cache, "cache", here)
    monkeypatch.setattr(page_cache.logger, "warning", lambda *a, **k: None)
    page_cache.invalidate_public_pages()
    assert redis_cache.get(GENERATION_KEY) == before[0] + 1
    wait_until(elsewhere, lambda: elsewhere.value is not None and elsewhere.value[0] > before[0])
    assert elsewhere.get()[0] == before[0] + 1


def test_a_lost_subscription_is_not_trusted_and_comes_back(redis_cache, watchers):
    watcher = watchers(redis_cache)
    watcher.RETRY_SECONDS = (0.05, 0.05)
    wait_until(watcher, lambda: watcher.value is not None)
    listening = watcher.listening
    listening.disconnect()  # the connection lost
    wait_until(watcher, lambda: watcher.listening is not listening and watcher.value is not None)
    # Subscribed again, and the generation read again: a move made while away is not missed.
    moved = bump_elsewhere(redis_cache)
    wait_until(watcher, lambda: watcher.value is not None and watcher.value[0] == moved)


def test_a_silent_server_is_not_trusted(redis_cache, watchers, monkeypatch):
    watcher = watchers(redis_cache)
    wait_until(watcher, lambda: watcher.value is not None)
    assert watcher.get() is not None
    later = page_cache.time.monotonic() + watcher.SILENT_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: later)
    assert watcher.get() is None  # the cache is read instead


def test_a_cache_that_cannot_publish_is_read_on_every_request(watchers):
    watcher = watchers(cache)  # the suite's in-process cache
    assert watcher.get() is None
    assert watcher.thread is not None and not watcher.thread.is_alive()
    assert watcher.get() is None


@pytest.mark.django_db
def test_a_listener_that_fails_never_fails_a_request(client, settings, monkeypatch, agency):
    """The listener cannot even be made: pages are answered (from the cache, read each
    time) as if there were no listener."""
    settings.GONGKAI_PAGE_CACHE = True
    join(agency)

    class Broken:
        def __getattr__(self, name):
            return getattr(cache, name)

        def bump_and_publish(self, *args, **kwargs):
            raise AssertionError("not called: nothing is written")

        def listener(self):
            raise ConnectionError("no server")

    watcher = PushedGeneration(Broken())
    monkeypatch.setattr(page_cache, "PUSHED", watcher)
    try:
        with pytest.MonkeyPatch.context() as quiet:
            quiet.setattr(page_cache.logger, "warning", lambda *a, **k: None)
            answers = [client.get("/") for _ in range(3)]
            assert [a.status_code for a in answers] == [200, 200, 200]
            assert [a["X-Cache"] for a in answers] == ["MISS", "HIT", "HIT"]
            assert watcher.get() is None
    finally:
        watcher.stop()


@pytest.mark.django_db
def test_a_hit_with_the_pushed_generation_makes_no_round_trip(
    client, settings, prefix, redis_cache, monkeypatch, agency
):
    """Through the middleware, on Redis: the second visit is a hit that asks the cache
    server nothing; a move made here makes the next visit a miss at once."""
    settings.CACHES = {
        "default": {
            "BACKEND": "gongkai.core.cache.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        }
    }
    settings.GONGKAI_PAGE_CACHE = True
    join(agency)
    PUSHED.stop()
    try:
        assert client.get("/")["X-Cache"] == "MISS"
        wait_until(PUSHED, lambda: PUSHED.value is not None)
        reads: list[object] = []
        for name in ("get", "get_many"):
            real = getattr(cache, name)
            monkeypatch.setattr(
                cache, name, lambda *a, _real=real, **k: reads.append(a) or _real(*a, **k)
            )
        assert client.get("/")["X-Cache"] == "HIT"
        assert reads == []
        monkeypatch.undo()
        page_cache.invalidate_public_pages()
        assert client.get("/")["X-Cache"] == "MISS"
    finally:
        PUSHED.stop()
        cache.clear()
