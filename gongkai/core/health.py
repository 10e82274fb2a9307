"""Liveness and readiness for a load balancer (issue 9, "Health").

*Live* means the process answers: no database, cache or file is touched, so a live process with
its database down is not restarted for nothing. *Ready* means it can serve: the primary database
answers a trivial query and the cache stores and returns a value. Each read replica is probed
and reported too, but a failed one leaves the server ready (its reads go elsewhere). The outbox of
notices (the platform's queue of work done after a commit) is reported too: mail waiting past
its due time means the sender job (``send_mail_queue``) is not running — a warning for the
operator, not a reason to take the server out of rotation. Apps add checks of their own
(``register_check``; the search index's status, for one), never critical unless they say so.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone

from gongkai.core.models import OutgoingMail

OUTBOX_LAG = datetime.timedelta(minutes=15)  # mail due longer than this: the sender is stuck


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""  # for operators: never personal data, never a query's text
    milliseconds: float = 0.0
    critical: bool = True  # a failed critical check makes the server not ready


@dataclass(frozen=True)
class Readiness:
    checks: list[Check] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks if check.critical)

    def as_dict(self) -> dict[str, object]:
        return {
            "status": "ready" if self.ready else "unavailable",
            "checks": {
                check.name: {
                    "ok": check.ok,
                    "critical": check.critical,
                    "ms": round(check.milliseconds, 1),
                    **({"detail": check.detail} if check.detail else {}),
                }
                for check in self.checks
            },
        }


def _timed(name: str, critical: bool, probe: Callable[[], str | bool]) -> Check:
    started = time.perf_counter()
    try:
        detail = probe()
    except Exception as error:  # any failure means not ready; say which kind
        elapsed = (time.perf_counter() - started) * 1000
        return Check(name, False, type(error).__name__, elapsed, critical)
    elapsed = (time.perf_counter() - started) * 1000
    if detail is False:
        return Check(name, False, "", elapsed, critical)
    return Check(name, True, detail if isinstance(detail, str) else "", elapsed, critical)


def _database(alias: str) -> Callable[[], str | bool]:
    def probe() -> str | bool:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return ""

    return probe


def _cache() -> str | bool:
    key = f"gongkai:health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key) == "1"
    cache.delete(key)
    return "" if found else False


def _outbox() -> str | bool:
    try:
        late = OutgoingMail.objects.filter(
            sent_at__isnull=True,
            failed_at__isnull=True,
            next_attempt_at__lt=timezone.now() - OUTBOX_LAG,
        ).count()
    except DatabaseError:
        return False
    if late:
        return f"{late} notices waiting longer than {int(OUTBOX_LAG.total_seconds() // 60)} min"
    return ""


# --- Checks of the apps (core knows no app: they register here from their ``ready``) -----

# name -> (probe returning (ok, detail), critical)
_registered: dict[str, tuple[Callable[[], tuple[bool, str]], bool]] = {}


def register_check(
    name: str, probe: Callable[[], tuple[bool, str]], *, critical: bool = False
) -> None:
    """Report ``probe()`` — (ok, detail for operators) — in the readiness answer as ``name``.

    Not critical unless said: an app whose part is degraded (the search index, say) should
    warn the operator without taking the server out of rotation.
    """
    _registered[name] = (probe, critical)


def _registered_check(name: str, probe: Callable[[], tuple[bool, str]], critical: bool) -> Check:
    started = time.perf_counter()
    try:
        ok, detail = probe()
    except Exception as error:  # a probe that fails reports what kind of failure
        ok, detail = False, type(error).__name__
    return Check(name, ok, detail, (time.perf_counter() - started) * 1000, critical)


def readiness() -> Readiness:
    # A read replica is not critical: while one fails, its reads go to another or to the
    # primary (gongkai.core.db_router), so the server still serves.
    checks = [
        _timed(f"database:{alias}", alias == DEFAULT_DB_ALIAS, _database(alias))
        for alias in settings.DATABASES
    ]
    checks.append(_timed("cache", True, _cache))
    outbox = _timed("outbox", False, _outbox)
    if outbox.ok and outbox.detail:  # a backlog is reported as not ok (never critical)
        outbox = Check("outbox", False, outbox.detail, outbox.milliseconds, critical=False)
    checks.append(outbox)
    for name, (probe, critical) in _registered.items():
        checks.append(_registered_check(name, probe, critical))
    return Readiness(checks)
