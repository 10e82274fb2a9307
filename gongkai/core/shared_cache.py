"""What many pages show and every visitor shares, kept until anything public changes.

A page's frame (the site's identity in the header and footer) and the reference rows many
pages show (agencies, taxonomies) are read by every request, whether or not the page itself
may be cached. They do not depend on who asks, so each process keeps them in memory under the
public page cache's *generation* (``gongkai.core.page_cache``, decision 0033), read from the
shared cache on each use: every committed write to a table that can show publicly moves it
on, and a value of an older generation is built again. ``GONGKAI_PAGE_CACHE_SECONDS`` bounds
their life as it bounds a page's.

Only what is the same for everyone goes here: nothing personal, nothing that depends on the
request unless the name says it (a language). The values are shared by the requests of a
process: callers must not change them. Reads inside a transaction are not served from here
(the transaction may have written what the kept value predates: the generation moves on only
at the commit), nor is a value built from a lagging read replica kept (decision 0034).

On by default with Redis only (``GONGKAI_SHARED_CACHE``): the generation must be shared by
every process for each to hear of the others' changes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from gongkai.core import db_router
from gongkai.core.context import SAFE_REQUEST, request_memo
from gongkai.core.page_cache import (
    BUMPED_KEY,
    GENERATION_KEY,
    GENERATION_MEMO,
    PUSHED,
    current_generation,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_VALUES = 1000  # names (a fragment per language and mode, say); more: start again
# name -> (generation, expiry on the monotonic clock, value)
_kept: dict[str, tuple[Any, float, Any]] = {}


def enabled() -> bool:
    return bool(settings.GONGKAI_SHARED_CACHE)


def _in_transaction() -> bool:
    return any(connection.in_atomic_block for connection in connections.all(initialized_only=True))


def _may_lag(bumped: Any) -> bool:
    """Whether a value just built may come from a replica that has not yet received the last
    change (the rule of the page cache: read from a replica within
    ``DATABASE_REPLICA_PIN_SECONDS`` of the change)."""
    if not db_router.read_from_replica():
        return False
    if not isinstance(bumped, int | float):
        return True
    return time.time() - bumped < settings.DATABASE_REPLICA_PIN_SECONDS


def _generation() -> tuple[Any, Any]:
    """The generation and when it last moved on: this process's pushed copy when it is
    current, else read from the cache once a GET or HEAD request (which changes no public
    data), at each call otherwise."""
    memo = request_memo.get()
    if memo is not None and memo.get(SAFE_REQUEST) and GENERATION_MEMO in memo:
        return memo[GENERATION_MEMO]  # type: ignore[no-any-return]
    pushed = PUSHED.get()  # pushed to this process (decision 0042): no round trip
    if pushed is not None:
        answer: tuple[Any, Any] = pushed
    else:
        found = cache.get_many([GENERATION_KEY, BUMPED_KEY])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = current_generation()
        answer = (generation, found.get(BUMPED_KEY))
    if memo is not None and memo.get(SAFE_REQUEST):
        memo[GENERATION_MEMO] = answer
    return answer


def until_public_change(name: str, build: Callable[[], T]) -> T:
    """``build()``, kept in this process until the next change of public data.

    ``name`` must say everything the value depends on (a language, say); the value must be the
    same for every visitor, and is shared: it must not be changed by the caller.
    """
    if not enabled() or _in_transaction():
        return build()
    try:
        generation, bumped = _generation()
    except Exception:  # the cache server is down: read the database
        logger.warning("shared cache: the generation cannot be read", exc_info=True)
        return build()
    now = time.monotonic()
    kept = _kept.get(name)
    if kept is not None and kept[0] == generation and kept[1] > now:
        return kept[2]  # type: ignore[no-any-return]
    value = build()
    if not _may_lag(bumped):
        if len(_kept) >= MAX_VALUES:
            _kept.clear()
        _kept[name] = (generation, now + settings.GONGKAI_PAGE_CACHE_SECONDS, value)
    return value


def forget() -> None:
    """Drop every kept value of this process (tests)."""
    _kept.clear()
