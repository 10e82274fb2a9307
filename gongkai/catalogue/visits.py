"""Counting views of public pages: one row per page and day, nothing about the visitor.

No address, no cookie, no user agent, no third party: only the page's path and the day. The
annual report quotes the year's total (``selectors.public.visit_total``).
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from gongkai.catalogue.models import PageVisit
from gongkai.core import page_cache

PATH_MAX_LENGTH = PageVisit._meta.get_field("path").max_length or 300


def count_visit(path: str, *, day: datetime.date | None = None) -> None:
    """Add one view of ``path`` on ``day`` (today by default).

    Update first (the common case, one statement); when there is no row yet, insert it in a
    savepoint, and when a concurrent request inserted it first the unique constraint refuses
    ours and we update the row it made. The increment is ``F("count") + 1`` in the database,
    so concurrent views are never lost, on PostgreSQL as on SQLite.
    """
    path = path[:PATH_MAX_LENGTH]
    day = day or timezone.localdate()
    visits = PageVisit.objects.filter(path=path, day=day)
    if visits.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PageVisit.objects.create(path=path, day=day, count=1)
    except IntegrityError:
        visits.update(count=F("count") + 1)


HIT_HOOK = "catalogue.visit"


def record_visit(request: HttpRequest) -> None:
    """Count a view of the page ``request`` asks for: its path only, without the query; and
    again each time the public page cache answers it (decision 0033)."""
    if request.method == "GET":
        count_visit(request.path)
    page_cache.repeat_on_hit(request, HIT_HOOK)


def _count_hit(request: HttpRequest) -> None:
    if request.method == "GET":
        count_visit(request.path)


def register() -> None:
    page_cache.register_hit_hook(HIT_HOOK, _count_hit)
