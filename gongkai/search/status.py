"""Whether the search index can be trusted, and what to tell the office when it cannot.

The index (``SearchEntry`` rows and the engine's structure derived from them) is derived data:
it can be lost (a new machine, a deleted directory, an engine switched without a rebuild) or
fall behind (a process that died between a commit and its index update, a queue nobody
applies). While it is **missing** or **stale**, ``engine.search`` answers from the public
records themselves (``fallback``): slower, but nothing published is missing from the answer.

Definitions (issue 9, "Faults"; docs/decisions/0030):

- **missing** — the engine cannot answer: its structure cannot be opened or read (Tantivy
  directory, FTS5 table, PostgreSQL ``vector`` column), or it failed during a search; or the
  index holds no entry at all while something is public.
- **stale** — the index answers from less than is public, for longer than the grace period
  (``GONGKAI_SEARCH_STALE_SECONDS``, default five minutes, so that an index update running
  right after a commit is not a fault):

  * the marker: the newest document published before the grace period is not in the index
    (the index's newest publication is older than the latest publish event);
  * the counts: fewer entries than public objects, per source (documents and list records
    published before the grace period; each registered source);
  * the engine: it holds a different number of documents than there are entries, or its queue
    (Tantivy) has an entry older than the grace period or more than it applies in one go.

  More entries than public objects is not staleness: an entry whose object was withdrawn is
  never shown (every hit is checked against the public selectors) and is repaired when hit.

The check counts, so it runs at most once a period (``GONGKAI_SEARCH_STATUS_SECONDS``, default
60) and its result is kept in the cache, shared by every process when the cache is Redis. A
search, the readiness endpoint or ``manage.py search_status`` runs it when the period's result
has expired. Every time it finds a fault it logs a warning; the readiness answer carries a
detail (``search``, never critical: the site still serves) and the office and administrators
see a banner on every workbench page (``office_alerts``, from the last check's result).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.search.backends.base import EngineProblem

logger = logging.getLogger(__name__)

CACHE_KEY = "gongkai:search:index-status"  # the status of the period
LAST_KEY = "gongkai:search:index-status:last"  # the last check's, kept longer, for the banner
LAST_SECONDS = 24 * 60 * 60
DEFAULT_STATUS_SECONDS = 60
DEFAULT_STALE_SECONDS = 5 * 60

OK, STALE, MISSING = "ok", "stale", "missing"

# Each problem: whether it makes the index missing or stale, and what the office is told.
PROBLEMS: dict[str, tuple[str, str | Promise]] = {
    "engine_unavailable": (MISSING, _("the search engine cannot open its index")),
    "engine_error": (MISSING, _("the search engine failed while searching")),
    "index_empty": (MISSING, _("the search index is empty although documents are published")),
    "latest_not_indexed": (STALE, _("the latest published document is not in the index")),
    "entries_missing": (STALE, _("published items are missing from the index")),
    "engine_behind": (STALE, _("the search engine holds fewer or more items than the index")),
    "queue_stuck": (STALE, _("index updates are waiting and not being applied")),
}


@dataclass(frozen=True)
class Problem:
    code: str
    detail: str = ""  # for operators: counts and times, never personal data or a query

    @property
    def state(self) -> str:
        return PROBLEMS[self.code][0]

    @property
    def message(self) -> str | Promise:
        return PROBLEMS[self.code][1]


@dataclass(frozen=True)
class IndexStatus:
    checked_at: datetime.datetime
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def state(self) -> str:
        states = {problem.state for problem in self.problems}
        return MISSING if MISSING in states else STALE if STALE in states else OK

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line for a log or the readiness detail (English, for operators)."""
        if self.ok:
            return ""
        parts = [f"{p.code} ({p.detail})" if p.detail else p.code for p in self.problems]
        return f"search index {self.state}: " + "; ".join(parts)


def status_seconds() -> int:
    return int(getattr(settings, "GONGKAI_SEARCH_STATUS_SECONDS", DEFAULT_STATUS_SECONDS))


def stale_seconds() -> int:
    return int(getattr(settings, "GONGKAI_SEARCH_STALE_SECONDS", DEFAULT_STALE_SECONDS))


def index_status(*, fresh: bool = False) -> IndexStatus:
    """The index's status: the one checked within the period, or a new check (``fresh``:
    always a new check)."""
    if not fresh:
        known = cache.get(CACHE_KEY)
        if isinstance(known, IndexStatus):
            return known
    status = check_index()
    _remember(status)
    return status


def last_known_status() -> IndexStatus | None:
    """The status the last check found (None when there was none lately), without checking:
    for the workbench's banner, which must stay cheap on every page."""
    known = cache.get(LAST_KEY)
    return known if isinstance(known, IndexStatus) else None


def forget_status() -> None:
    """Check again at the next search (after a rebuild, say)."""
    cache.delete_many([CACHE_KEY, LAST_KEY])


def note_engine_failure(error: BaseException) -> IndexStatus:
    """The engine failed during a search: the index counts as missing for the period."""
    status = IndexStatus(
        checked_at=timezone.now(), problems=(Problem("engine_error", type(error).__name__),)
    )
    _remember(status)
    return status


def _remember(status: IndexStatus) -> None:
    cache.set(CACHE_KEY, status, status_seconds())
    cache.set(LAST_KEY, status, LAST_SECONDS)
    if not status.ok:
        # Once a period, not once a search; codes and counts only, never a query.
        logger.warning(
            "%s. Searches use the slower database query until the index is rebuilt "
            "(manage.py rebuild_index).",
            status.summary(),
        )


# --------------------------------------------------------------------------- the check


def check_index(*, now: datetime.datetime | None = None) -> IndexStatus:
    """Check the index against the public records and the engine against the index."""
    from gongkai.search.backends import get_backend

    now = now or timezone.now()
    stale_before = now - datetime.timedelta(seconds=stale_seconds())
    problems = _entry_problems(stale_before)
    if not any(problem.code == "index_empty" for problem in problems):
        try:
            engine = get_backend().problems(stale_before=stale_before)
        except Exception as error:  # a check must answer, whatever the engine does
            engine = [EngineProblem("engine_unavailable", type(error).__name__)]
        problems += [Problem(p.code, p.detail) for p in engine]
    return IndexStatus(checked_at=now, problems=tuple(problems))


def _entry_problems(stale_before: datetime.datetime) -> list[Problem]:
    """The ``SearchEntry`` rows against the public selectors (every engine reads them)."""
    from gongkai.catalogue.selectors.public import public_document_rows
    from gongkai.search.indexing import public_records
    from gongkai.search.models import SearchEntry
    from gongkai.search.sources import registered_sources

    Source = SearchEntry.Source

    def entries(source: str) -> QuerySet[SearchEntry]:
        return SearchEntry.objects.filter(source=source)

    # Documents and list records carry their publication time in the entry: those published
    # before the grace period must all be there.
    dated: list[tuple[str, Callable[[], QuerySet[Any]]]] = [
        (Source.DOCUMENT, public_document_rows),
        (Source.RECORD, public_records),
    ]
    counts: list[tuple[str, int, int]] = []
    for source, public in dated:
        counts.append(
            (
                source,
                public().filter(published_at__lt=stale_before).count(),
                entries(source).filter(published_at__lt=stale_before).count(),
            )
        )
    for name, registered in sorted(registered_sources().items()):
        counts.append((name, registered.public().count(), entries(name).count()))

    public_total = sum(public for _s, public, _e in counts)
    if public_total and not SearchEntry.objects.exists():
        return [Problem("index_empty", f"{public_total} public items, no entry")]

    problems: list[Problem] = []
    newest_public = (
        public_document_rows()
        .filter(published_at__lt=stale_before)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    newest_entry = (
        entries(Source.DOCUMENT)
        .filter(published_at__lt=stale_before)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    if newest_public is not None and (newest_entry is None or newest_entry < newest_public):
        problems.append(
            Problem(
                "latest_not_indexed",
                f"newest publication {newest_public.isoformat(timespec='seconds')}, newest "
                f"entry {newest_entry.isoformat(timespec='seconds') if newest_entry else 'none'}",
            )
        )
    missing = [f"{name}: {n - held} of {n}" for name, n, held in counts if n > held]
    if missing:
        problems.append(Problem("entries_missing", ", ".join(missing)))
    return problems


# --------------------------------------------------------------------------- the office

ALERTS: dict[str, str | Promise] = {
    MISSING: _(
        "The search index is missing or broken. Search still answers, from a slower query "
        "of the published records, until an operator rebuilds the index "
        "(manage.py rebuild_index)."
    ),
    STALE: _(
        "The search index is out of date. Search still answers, from a slower query of the "
        "published records, until the index catches up or an operator rebuilds it "
        "(manage.py rebuild_index)."
    ),
}


def office_alerts(user: Any) -> list[Any]:
    """The workbench banner (``workbench.alerts``) for the disclosure office and the
    administrators while the last check found the index missing or stale. It never checks
    (searches, the readiness endpoint and ``manage.py search_status`` do)."""
    from gongkai.agencies.permissions import is_administrator, is_office
    from gongkai.workbench.alerts import Alert

    status = last_known_status()
    if status is None or status.ok or not (is_office(user) or is_administrator(user)):
        return []
    details = list(dict.fromkeys(problem.message for problem in status.problems))
    return [Alert(message=ALERTS[status.state], details=details)]


def readiness_probe() -> tuple[bool, str]:
    """For ``core.health``: (ok, detail). Never critical: search still answers, slower."""
    status = index_status()
    return status.ok, status.summary()
