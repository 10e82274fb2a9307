"""Public reads from PostgreSQL read replicas (issue 10, "Scale-out"; docs/decisions/0034).

With ``DATABASE_REPLICA_URLS`` set, ``settings.DATABASES`` holds ``replica_1``, ``replica_2``
… beside ``default`` (the primary) and ``ReplicaRouter`` is the database router. It sends a
read to a replica only inside ``replica_reads()``, which ``ReplicaReadsMiddleware`` opens for
the anonymous GET and HEAD requests of public pages and the public API. Everything else reads
from the primary: staff and signed-in citizens (who must see what they have just done), forms,
management commands, periodic jobs and task workers (no request: no replica), any read inside
a transaction on the primary, and the reads of an object that came from the primary. Every
write goes to the primary, and migrations run only there.

One replica serves all the reads of a request, so that a page is drawn from one snapshot. It is
chosen at random among those that answer; one that cannot be reached is left out for
``DATABASE_REPLICA_RETRY_SECONDS`` and its reads go to another replica or to the primary.

The decision is kept in a context variable: each thread and each asynchronous task sees its
own, so a request never changes where another reads from.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.db.models import Model

logger = logging.getLogger(__name__)

REPLICA_PREFIX = "replica_"

# Models always read from the primary, whatever the request: the session (read-your-writes for
# every visitor, whose session a replica may not have yet).
PRIMARY_ONLY_APPS = frozenset({"sessions"})


@dataclass
class _ReplicaReads:
    """The replica reads of one request: which replica, once the first read has chosen it."""

    alias: str | None = None


_reads: ContextVar[_ReplicaReads | None] = ContextVar("replica_reads", default=None)

# Replicas that could not be reached, with the time (time.monotonic) until which they are left
# out. Per process: each application server finds out for itself.
_unreachable: dict[str, float] = {}
_unreachable_lock = threading.Lock()


def replica_aliases() -> list[str]:
    """The aliases of the configured read replicas, in order."""
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def replicas_in_use() -> bool:
    """Whether reads may go to a replica at all: replicas configured and this router active."""
    return any(isinstance(each, ReplicaRouter) for each in router.routers) and bool(
        replica_aliases()
    )


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads inside this block (outside any transaction) come from a replica.

    For work that may show data a moment old: an anonymous visitor's public page. Never around
    anything that reads what it has just written.
    """
    token = _reads.set(_ReplicaReads())
    try:
        yield
    finally:
        _reads.reset(token)


def reading_from_replicas() -> bool:
    """Whether the current context allows replica reads (inside ``replica_reads()``)."""
    return _reads.get() is not None


def read_from_replica() -> bool:
    """Whether the current context has read from a replica (not from the primary) so far."""
    reads = _reads.get()
    return reads is not None and reads.alias is not None and reads.alias != DEFAULT_DB_ALIAS


def forget_unreachable() -> None:
    """Try every replica again at the next request (tests; an operator's shell)."""
    with _unreachable_lock:
        _unreachable.clear()


def _reachable(alias: str) -> bool:
    connection = connections[alias]
    try:
        # A persistent connection to a replica that has since gone away is found here, by the
        # health check Django runs once a request (CONN_HEALTH_CHECKS), not by the page's query.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as error:
        until = time.monotonic() + settings.DATABASE_REPLICA_RETRY_SECONDS
        with _unreachable_lock:
            _unreachable[alias] = until
        logger.warning(
            "Read replica %s cannot be reached (%s): its reads go elsewhere for %s s.",
            alias,
            type(error).__name__,
            settings.DATABASE_REPLICA_RETRY_SECONDS,
        )
        return False
    return True


def choose_replica() -> str:
    """A replica that answers, at random; the primary when none does."""
    now = time.monotonic()
    with _unreachable_lock:
        candidates = [alias for alias in replica_aliases() if _unreachable.get(alias, 0.0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        if _reachable(alias):
            return alias
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads from a replica where ``replica_reads()`` allows it; everything else on default."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        reads = _reads.get()
        if reads is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            # Inside a transaction on the primary: read what the transaction sees.
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db == DEFAULT_DB_ALIAS:
            # An object read from or written to the primary: its relations come from there too.
            return DEFAULT_DB_ALIAS
        if reads.alias is None:
            reads.alias = choose_replica()
        return reads.alias

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        same_data = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if db == DEFAULT_DB_ALIAS:
            return True
        if db.startswith(REPLICA_PREFIX):
            return False  # a replica is a copy: it changes only by replication
        return None
