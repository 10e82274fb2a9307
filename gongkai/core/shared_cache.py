"""Parts of pages that every visitor shares, kept until anything public changes.

A page's frame (the site's identity in the header and footer) and the reference rows many
pages show are read by every request, staff or visitor, whether or not the page itself may be
cached. They do not depend on who asks, so they are kept in the default cache under the public
page cache's *generation* (``gongkai.core.page_cache.current_generation``, decision 0033):
every committed write to a table that can show publicly moves it on, and the kept values of the
older generation are never read again. ``GONGKAI_PAGE_CACHE_SECONDS`` bounds their life as it
bounds a page's.

Only what is the same for everyone goes here: nothing personal, nothing that depends on the
request (its path, its language, its cookies). Reads inside a transaction are not served from
it (the transaction may have written what the kept value predates: the generation moves on
only at the commit), nor is a value built from a lagging read replica stored (decision 0034).

On by default with Redis only (``GONGKAI_SHARED_CACHE``): with the in-process cache each
process would keep its own values and its own generation, and would not hear of another
process's changes until they expire.
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
from gongkai.core.page_cache import BUMPED_KEY, GENERATION_KEY, current_generation

logger = logging.getLogger(__name__)

T = TypeVar("T")

PREFIX = "shared:v1:"


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


def until_public_change(name: str, build: Callable[[], T]) -> T:
    """``build()``, kept in the cache under ``name`` until the next change of public data.

    ``name`` must say everything the value depends on (a language, say); the value must be
    picklable and the same for every visitor.
    """
    if not enabled() or _in_transaction():
        return build()
    key = PREFIX + name
    try:
        # One round trip: the generation, when it last moved, and the kept value with the
        # generation it was built in.
        found = cache.get_many([GENERATION_KEY, BUMPED_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = current_generation()
    except Exception:  # the cache server is down: read the database
        logger.warning("shared cache: the cache cannot be read", exc_info=True)
        return build()
    kept = found.get(key)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == generation:
        return kept[1]  # type: ignore[no-any-return]
    value = build()
    if not _may_lag(found.get(BUMPED_KEY)):
        try:
            cache.set(key, (generation, value), timeout=settings.GONGKAI_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("shared cache: a value could not be stored", exc_info=True)
    return value
