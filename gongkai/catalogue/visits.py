"""Counting views of public pages: one row per page and day, nothing about the visitor.

No address, no cookie, no user agent, no third party: only the page's path and the day. The
annual report quotes the year's total (``selectors.public.visit_total``).

A view is counted in memory first and written in batches (``flush_visits``): a database commit
on every page view — a synchronous disk write on SQLite — was the largest part of what a page
from the public page cache cost (docs/performance.md). Each process adds its views to a buffer
and writes it, in one transaction, when its oldest view is ``GONGKAI_VISIT_FLUSH_SECONDS`` old
or it holds ``GONGKAI_VISIT_BUFFER_MAX`` views, when the process exits and before the totals are
read in it. The counts in the database are at most that many seconds behind; a process killed
outright loses at most the views it had not written yet. ``GONGKAI_VISIT_FLUSH_SECONDS=0``
writes each view at once.
"""

from __future__ import annotations

import atexit
import datetime
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from gongkai.catalogue.models import PageVisit
from gongkai.core import page_cache

logger = logging.getLogger(__name__)

PATH_MAX_LENGTH = PageVisit._meta.get_field("path").max_length or 300


def count_visit(path: str, *, day: datetime.date | None = None, count: int = 1) -> None:
    """Add ``count`` views of ``path`` on ``day`` (today by default) to the database.

    Update first (the common case, one statement); when there is no row yet, insert it in a
    savepoint, and when a concurrent request inserted it first the unique constraint refuses
    ours and we update the row it made. The increment is ``F("count") + count`` in the
    database, so concurrent views are never lost, on PostgreSQL as on SQLite.
    """
    path = path[:PATH_MAX_LENGTH]
    day = day or timezone.localdate()
    visits = PageVisit.objects.filter(path=path, day=day)
    if visits.update(count=F("count") + count):
        return
    try:
        with transaction.atomic():
            PageVisit.objects.create(path=path, day=day, count=count)
    except IntegrityError:
        visits.update(count=F("count") + count)


class _Buffer:
    """The views counted in this process and not written yet."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[tuple[str, datetime.date]] = Counter()
        self.views = 0
        self.oldest: float | None = None  # time.monotonic() of the first view not written

    def add(self, path: str, day: datetime.date) -> bool:
        """Count one view; whether the buffer is due to be written."""
        now = time.monotonic()
        with self.lock:
            self.counts[(path, day)] += 1
            self.views += 1
            if self.oldest is None:
                self.oldest = now
            return (
                now - self.oldest >= settings.GONGKAI_VISIT_FLUSH_SECONDS
                or self.views >= settings.GONGKAI_VISIT_BUFFER_MAX
            )

    def take(self) -> Counter[tuple[str, datetime.date]]:
        with self.lock:
            counts, self.counts = self.counts, Counter()
            self.views, self.oldest = 0, None
        return counts

    def put_back(self, counts: Counter[tuple[str, datetime.date]]) -> None:
        """Views that could not be written: kept for the next flush."""
        with self.lock:
            self.counts.update(counts)
            self.views += sum(counts.values())
            if self.oldest is None:
                self.oldest = time.monotonic()


_buffer = _Buffer()


def buffer_visit(path: str, *, day: datetime.date | None = None) -> None:
    """Count one view of ``path``: in this process's buffer, written when it is due."""
    path = path[:PATH_MAX_LENGTH]
    day = day or timezone.localdate()
    if settings.GONGKAI_VISIT_FLUSH_SECONDS <= 0:
        count_visit(path, day=day)
        return
    if _buffer.add(path, day):
        flush_visits()


def flush_visits() -> int:
    """Write the views counted in this process to the database, in one transaction; return
    how many. When the database refuses, they stay in the buffer for the next flush."""
    counts = _buffer.take()
    if not counts:
        return 0
    try:
        with transaction.atomic():
            for (path, day), count in sorted(counts.items()):  # one order: no deadlock
                count_visit(path, day=day, count=count)
    except DatabaseError:
        _buffer.put_back(counts)
        logger.warning("page visits could not be written; kept for the next flush", exc_info=True)
        return 0
    return sum(counts.values())


def pending_visits() -> int:
    """How many views this process has counted and not written yet."""
    with _buffer.lock:
        return _buffer.views


def _flush_at_exit() -> None:
    try:
        flush_visits()
    except Exception:  # the database is gone with the process: nothing more to do
        logger.warning("page visits could not be written at exit", exc_info=True)


atexit.register(_flush_at_exit)

HIT_HOOK = "catalogue.visit"


def record_visit(request: HttpRequest) -> None:
    """Count a view of the page ``request`` asks for: its path only, without the query; and
    again each time the public page cache answers it (decision 0033)."""
    if request.method == "GET":
        buffer_visit(request.path)
    page_cache.repeat_on_hit(request, HIT_HOOK)


def _count_hit(request: HttpRequest) -> None:
    if request.method == "GET":
        buffer_visit(request.path)


def register() -> None:
    page_cache.register_hit_hook(HIT_HOOK, _count_hit)
