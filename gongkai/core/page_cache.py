"""The public page cache: whole public pages kept per address, dropped when anything changes.

Decision 0033. Anonymous GET and HEAD requests for the pages of the public namespaces (the
portal registers them, ``register_public_pages``) are answered from the default cache when an
entry of the current *generation* is there; otherwise the page is rendered and, when nothing in
the request or the response makes it personal, stored. Every committed write to a table that
can show on a public page moves the generation on (``watch_writes``, a database execute
wrapper: it sees saves and deletes, ``QuerySet.update``, ``bulk_create`` and raw SQL alike),
which makes every stored page stale at once; ``GONGKAI_PAGE_CACHE_SECONDS`` bounds how long a
page whose content depends on the clock alone (a consultation closing) may be served.

Never cached nor served from the cache: signed-in staff and citizens, a request with messages
waiting, a response that sets a cookie, is private or not 200, varies on a header, used a CSRF
token of its own form, a CSP nonce, the session or a cookie the key does not hold; nor is a
page read from a read replica soon after the last change (the replica may lag). The two
forms every public page carries in its toolbar (language, elder mode) take their CSRF token
from ``{% page_csrf_token %}``: a placeholder in the stored page, filled with the visitor's own
token on every answer.

The middleware is the innermost (last in ``MIDDLEWARE``): a hit is answered after every
other middleware's request hooks ran (the rate limits of writes and of the search API among
them; the search page is counted only when it is built, decision 0049), before the URL is resolved
(only public pages are ever stored, so a stored entry is a public page), and every outer
middleware adds its headers (CSP, X-Frame-Options, security headers, Content-Language) to a
hit exactly as to the page it was rendered from. Each process keeps the pages it answered last
in its own memory (``LocalPages``), so that a hit reads only the generation from the cache
server: one small round trip.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import re
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from gongkai.core import db_router
from gongkai.core.context import SAFE_REQUEST, request_memo
from gongkai.core.page_gzip import GzipForm, accepts_gzip, compress_page

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# When the generation was last moved on (time.time()): a page read from a lagging read replica
# soon after may still show what the change replaced, and is not stored.
BUMPED_KEY = "page-cache:bumped"
# The request memo's key (gongkai.core.context) for the generation and the time of its last
# move, read once a GET request: by the page cache's lookup, or by the shared cache.
GENERATION_MEMO = "core.page_cache.generation"
# The publish/subscribe channel on which each move of the generation is announced (decision
# 0042; the cache makes it its own: key prefix, server, database).
GENERATION_CHANNEL = "page-cache:generation-moved"
ENTRY_PREFIX = "page-cache:v2:"  # the version of ``Entry``: change it when Entry changes
STATE_ATTR = "_gongkai_page_cache"
# Written where the stored page holds a CSRF token; replaced by the visitor's token on every
# answer. HTML-escaped text and sanitised rich text can never contain it.
CSRF_PLACEHOLDER = "<!--gongkai:page-cache:csrf-token-->"
_CSRF_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()

# Tables whose writes never change a public page (Django's own and the sign-in machinery's,
# the audit trail, the outbox, counters). The apps add theirs (``register_public_pages``).
CORE_PRIVATE_MODELS = (
    "admin.LogEntry",
    "auth.Permission",
    "contenttypes.ContentType",
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "otp_static.StaticDevice",
    "otp_static.StaticToken",
    "otp_totp.TOTPDevice",
    "core.AuditEntry",
    "core.OutgoingMail",
    "core.PasswordHistory",
    "core.SerialCounter",
    "core.ScheduledRun",  # the scheduler's record of each periodic run
    "core.Export",  # staff members' exports (private files, served to the asker only)
    "django_tasks_database.DBTaskResult",  # the queue's rows: claimed, run, finished
)
PRIVATE_TABLES = ("django_migrations",)


@dataclass
class Policy:
    """What the public page cache may hold: set by the apps at start-up."""

    namespaces: set[str] = field(default_factory=set)  # URL namespaces of public pages
    never: set[str] = field(default_factory=set)  # "namespace:name" of pages never cached
    cookies: list[str] = field(default_factory=list)  # cookies a page may vary on (keyed)
    private_models: set[str] = field(default_factory=lambda: set(CORE_PRIVATE_MODELS))
    hit_hooks: dict[str, Callable[[HttpRequest], None]] = field(default_factory=dict)


POLICY = Policy()


def register_public_pages(
    *,
    namespaces: Iterable[str] = (),
    never: Iterable[str] = (),
    cookies: Iterable[str] = (),
    private_models: Iterable[str] = (),
) -> None:
    """Declare public URL namespaces, pages of them that are never cached, cookies that pages
    vary on (part of the key) and models that never show on a public page (their writes do not
    make the cache stale)."""
    POLICY.namespaces.update(namespaces)
    POLICY.never.update(never)
    POLICY.cookies.extend(name for name in cookies if name not in POLICY.cookies)
    POLICY.private_models.update(private_models)
    _private_tables.cache_clear()
    PUBLIC_PATHS.clear()


def register_hit_hook(name: str, hook: Callable[[HttpRequest], None]) -> None:
    """A side effect a view asks to repeat when its page is served from the cache
    (``repeat_on_hit``): counting the view of a page, say."""
    POLICY.hit_hooks[name] = hook


def repeat_on_hit(request: HttpRequest, name: str) -> None:
    """Called by a view: when this page is answered from the cache, call hook ``name``."""
    state = getattr(request, STATE_ATTR, None)
    if state is not None and name not in state.hooks:
        state.hooks.append(name)


def enabled() -> bool:
    return bool(settings.GONGKAI_PAGE_CACHE)


def check_page_cache_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check: the cache on with a cache that each process keeps for itself (LocMem)
    hears of another process's changes only when its pages expire."""
    problems: list[checks.CheckMessage] = []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if enabled() and backend.endswith("LocMemCache"):
        problems.append(
            checks.Warning(
                "GONGKAI_PAGE_CACHE is on with the in-process cache: each process keeps its own "
                "pages and sees changes made by another process (a worker, a job, a second "
                "server) only after GONGKAI_PAGE_CACHE_SECONDS.",
                hint="Set REDIS_URL, or run a single process.",
                id="gongkai.page_cache.W001",
            )
        )
    if settings.GONGKAI_PAGE_CACHE_SECONDS <= 0:
        problems.append(
            checks.Error(
                "GONGKAI_PAGE_CACHE_SECONDS must be a positive number of seconds.",
                id="gongkai.page_cache.E001",
            )
        )
    return problems


# --------------------------------------------------------------------------- generation


def _new_generation() -> int:
    """A random start, so that a generation key lost from the cache (evicted, flushed) can
    never come back to a number whose stored pages are still there."""
    return secrets.randbits(62)


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = _start_generation()
    return int(generation)


def _start_generation(backend: Any = None) -> int:
    backend = cache if backend is None else backend
    backend.add(GENERATION_KEY, _new_generation(), timeout=None)
    found = backend.get(GENERATION_KEY)
    return int(found) if found is not None else _new_generation()


def invalidate_public_pages() -> None:
    """Make every stored public page stale, now. Writes to the database call this after their
    commit by themselves (``watch_writes``); call it for changes made elsewhere (templates,
    translations after a deployment: ``manage.py invalidate_public_pages``)."""
    try:
        # The time first: whoever sees the new generation sees this time, or a later one.
        bumped = time.time()
        cache.set(BUMPED_KEY, bumped, timeout=None)
        backend: Any = cache  # gongkai.core.cache.RedisCache, when it publishes
        if not PUSHED.publishes(backend):
            _move_generation_on()
            return
        channel = backend.channel(GENERATION_CHANNEL)
        try:
            generation = backend.bump_and_publish(
                GENERATION_KEY, start=_new_generation(), channel=channel, note=repr(bumped)
            )
        except Exception:  # scripts refused (an ACL), say: as without a listener, then tell
            PUSHED.bumped_here(None)
            logger.warning("public page cache: the generation's script failed", exc_info=True)
            _move_generation_on()
            backend.publish(channel, RESYNC)
            return
        PUSHED.bumped_here(generation)
    except Exception:  # the cache server is down: its pages cannot be served either
        PUSHED.bumped_here(None)
        logger.warning("public page cache: the generation could not be moved on", exc_info=True)


def _move_generation_on() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet, or it was evicted
        cache.set(GENERATION_KEY, _new_generation(), timeout=None)


# Published after a move of the generation that could not announce its value: listeners read
# the generation again.
RESYNC = "?"


class PushedGeneration:
    """This process's copy of the generation, kept current by Redis publish/subscribe, so that
    a hit makes no round trip to the cache server (decision 0042).

    ``invalidate_public_pages`` moves the generation on and publishes the new value in one
    Lua script (``RedisCache.bump_and_publish``), so the messages come in the order of the
    values. A daemon thread of each process, started on first use (after gunicorn's fork),
    subscribes, then reads the generation (nothing published in between is missed: a bump
    before the read is in the value read, one after it is a message), then applies each
    message. ``get`` answers the copy only while that is healthy — subscribed, the server
    heard from within ``SILENT_SECONDS`` (the thread pings it every ``PING_SECONDS``) — and
    None otherwise: the caller then reads the generation from the cache as before (the
    in-process and database caches, which cannot publish, always do). The process that moved
    the generation on reads it from the cache until its own message has arrived, so it sees its
    own change at once.
    """

    PING_SECONDS = 1.0
    SILENT_SECONDS = 3.0
    RETRY_SECONDS = (0.5, 30.0)  # after a failure: the first wait, the longest

    def __init__(self, backend: Any = None) -> None:
        self.backend = backend  # None: Django's default cache
        self.lock = threading.Lock()
        self.value: tuple[int, float | None] | None = None  # (generation, bumped)
        self.heard = 0.0  # time.monotonic() of the server's last reply
        self.awaiting: int | None = None  # our own bump, until its message arrives
        self.awaiting_since = 0.0
        self.seen: deque[int] = deque(maxlen=256)  # the values of the last messages
        self.thread: threading.Thread | None = None
        self.stopping = threading.Event()
        self.listening: Any = None  # the subscribed connection
        self.changed = threading.Condition(self.lock)  # tests wait on it, never the pages

    def reset(self) -> None:
        """Forget everything, the thread too (after a fork: the child has none)."""
        self.__init__(self.backend)  # type: ignore[misc]

    def _cache(self) -> Any:
        return cache if self.backend is None else self.backend

    @staticmethod
    def publishes(backend: Any) -> bool:
        return hasattr(backend, "bump_and_publish") and hasattr(backend, "listener")

    def get(self) -> tuple[int, float | None] | None:
        """The generation and the time of its last move, if this process's copy is current;
        None when the cache must be asked."""
        value = self.value
        if value is None or self.awaiting is not None:
            if self.thread is None:
                self._start()
            return None
        if time.monotonic() - self.heard > self.SILENT_SECONDS:
            return None
        return value

    def bumped_here(self, generation: int | None) -> None:
        """This process moved the generation on to ``generation`` (None: it tried and may
        have failed): ask the cache until the thread has seen that value."""
        with self.lock:
            if self.value is None:
                return
            if generation is None:
                self.value = None  # the thread's next message or read sets it again
                return
            if generation not in self.seen:
                self.awaiting = generation
                self.awaiting_since = time.monotonic()

    def _start(self) -> None:
        with self.lock:
            if self.thread is not None:
                return
            try:
                if not self.publishes(self._cache()):
                    self.thread = _NO_THREAD
                    return
                # A new event for each thread: one that outlived its stop() stops all the same.
                self.stopping = threading.Event()
                self.thread = threading.Thread(
                    target=self._run,
                    args=(self.stopping,),
                    name="page-cache-generation",
                    daemon=True,
                )
                self.thread.start()
            except Exception:  # never the request's problem: it reads the cache instead
                self.thread = _NO_THREAD
                logger.warning("public page cache: no generation listener", exc_info=True)

    def stop(self) -> None:
        """Stop listening (tests; a process about to end)."""
        thread = self.thread
        self.stopping.set()
        listening = self.listening
        if listening is not None:
            with contextlib.suppress(Exception):
                listening.disconnect()
        if thread is not None and thread is not _NO_THREAD:
            thread.join(timeout=5)
        self._forget()
        self.thread = None

    def _forget(self) -> None:
        with self.lock:
            self.value = None
            self.awaiting = None
            self.seen.clear()
            self.changed.notify_all()

    def _run(self, stopping: threading.Event) -> None:
        wait = self.RETRY_SECONDS[0]
        while not stopping.is_set():
            try:
                self._listen(stopping)
            except Exception:
                if not stopping.is_set():
                    logger.warning(
                        "public page cache: the generation listener stopped; reading the "
                        "generation from the cache until it is back",
                        exc_info=True,
                    )
            finally:
                self._forget()
                listening, self.listening = self.listening, None
                if listening is not None:
                    with contextlib.suppress(Exception):
                        listening.disconnect()
            if stopping.wait(wait):
                return
            wait = min(wait * 2, self.RETRY_SECONDS[1])

    def _listen(self, stopping: threading.Event) -> None:
        backend = self._cache()
        connection = self.listening = backend.listener()
        connection.connect()
        channel = backend.channel(GENERATION_CHANNEL)
        connection.send_command("SUBSCRIBE", channel)
        reply = connection.read_response()
        if not (isinstance(reply, list) and reply[:1] in ([b"subscribe"], ["subscribe"])):
            raise ConnectionError(f"SUBSCRIBE answered {reply!r}")
        # Subscribed: every bump from now on is a message; every bump before is in this read.
        self._read()
        pinged = False
        while not stopping.is_set():
            if connection.can_read(timeout=self.PING_SECONDS):
                self._receive(connection.read_response())
                pinged = False
            elif pinged and time.monotonic() - self.heard > self.SILENT_SECONDS:
                raise ConnectionError("the cache server does not answer")
            else:
                connection.send_command("PING")
                pinged = True
            if self.value is None:  # a bump of this process failed: read the value again
                raise ConnectionError("this process may have moved the generation on")
            if (
                self.awaiting is not None
                and time.monotonic() - self.awaiting_since > self.SILENT_SECONDS
            ):
                raise ConnectionError("this process's own change was not heard back")

    def _receive(self, reply: Any) -> None:
        kind = reply[0] if isinstance(reply, list) and reply else reply
        self.heard = time.monotonic()
        if kind not in (b"message", "message"):
            return  # the answer to a ping
        data = reply[2].decode() if isinstance(reply[2], bytes) else reply[2]
        if data == RESYNC:  # moved on without announcing the value: read it
            self._read()
            return
        text, _, note = data.partition(" ")
        generation = int(text)
        with self.lock:
            self.seen.append(generation)
            self.value = (generation, float(note) if note else None)
            if self.awaiting == generation:
                self.awaiting = None
            self.changed.notify_all()

    def _read(self) -> None:
        """Read the generation (and the time of its last move) from the cache."""
        backend = self._cache()
        found = backend.get_many([GENERATION_KEY, BUMPED_KEY])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = _start_generation(backend)
        bumped = found.get(BUMPED_KEY)
        with self.lock:
            self.value = (int(generation), bumped if isinstance(bumped, int | float) else None)
            self.heard = time.monotonic()
            self.changed.notify_all()


class _NoThread(threading.Thread):
    """Stands for the listener where there is none (a cache that cannot publish)."""


_NO_THREAD = _NoThread()


PUSHED = PushedGeneration()
# A forked child has no listener thread (only the forking thread survives a fork): it starts
# its own on first use.
os.register_at_fork(after_in_child=PUSHED.reset)


# --------------------------------------------------------------------------- write watcher

_WRITE = re.compile(
    r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|TRUNCATE|MERGE|WITH|CREATE|DROP|ALTER)\b", re.I
)
_TARGET = re.compile(
    r"""\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM
        |TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?[`"\[]?(\w+)""",
    re.I | re.X,
)
_WRITE_IN_WITH = re.compile(r"\b(?:INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b", re.I)


@functools.lru_cache(maxsize=1)
def _private_tables() -> frozenset[str]:
    tables = set(PRIVATE_TABLES)
    for label in POLICY.private_models:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an app that is not installed: nothing of it to watch
        tables.add(model._meta.db_table.lower())
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through is not None and through._meta.auto_created:
                tables.add(through._meta.db_table.lower())
    return frozenset(tables)


def changes_public_data(sql: object) -> bool:
    """Whether a statement may change what a public page shows: any write, unless the table it
    writes is one of the private ones. A statement it cannot read counts as a write."""
    if not isinstance(sql, str):
        sql = str(sql)
    if _WRITE.match(sql) is None:
        return False
    target = _TARGET.match(sql)
    if target is not None:
        return target.group(1).lower() not in _private_tables()
    if sql.lstrip()[:4].upper() == "WITH":
        return _WRITE_IN_WITH.search(sql) is not None
    return True  # schema changes (a migration) and anything else unexpected


class _AfterCommit:
    """One bump of the generation for the writes of a transaction (or of one savepoint in it:
    a test's ``captureOnCommitCallbacks`` runs each service's hooks on their own)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def __call__(self) -> None:
        if getattr(self.connection, "_gongkai_page_cache_pending", None) is not None:
            self.connection._gongkai_page_cache_pending = None
        invalidate_public_pages()


def watch_writes(
    execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Database execute wrapper: after a statement that changes public data, move the
    generation on — after the commit when in a transaction, at once in autocommit."""
    result = execute(sql, params, many, context)
    if changes_public_data(sql):
        public_data_written(context["connection"])
    return result


def public_data_written(connection: Any) -> None:
    """Move the generation on for a write to public data on ``connection``: after the commit
    when in a transaction (once for its writes), at once in autocommit. ``watch_writes`` calls
    it for every statement; a write that is not an ``execute`` (PostgreSQL's ``COPY``,
    :mod:`gongkai.core.bulk_insert`) calls it itself."""
    if not connection.in_atomic_block:
        invalidate_public_pages()
        return
    marker = (connection.run_on_commit, tuple(connection.savepoint_ids))
    pending = getattr(connection, "_gongkai_page_cache_pending", None)
    if pending is None or pending[0] is not marker[0] or pending[1] != marker[1]:
        connection._gongkai_page_cache_pending = marker
        connection.on_commit(_AfterCommit(connection), robust=True)


def install_write_watcher(sender: Any = None, connection: Any = None, **kwargs: Any) -> None:
    """``connection_created`` receiver: watch every connection's writes (once)."""
    if connection is not None and watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


# --------------------------------------------------------------------------- the middleware


def _may_lag(state: _State) -> bool:
    """Whether the page may have been drawn from a read replica that has not yet received the
    change that last moved the generation on: read from a replica within
    ``DATABASE_REPLICA_PIN_SECONDS`` of that change (the time a browser that has just sent a
    form reads from the primary, decision 0034). Such a page is answered but not stored: it
    would otherwise be served as current for the whole generation."""
    if state.bumped is None or not db_router.read_from_replica():
        return False
    return time.time() - state.bumped < settings.DATABASE_REPLICA_PIN_SECONDS


@dataclass
class Entry:
    """A stored page: the view's response as it left the view, before any middleware."""

    generation: int
    content: bytes
    headers: list[tuple[str, str]]
    etag: str  # hash of the content (with the CSRF placeholder, when it holds one)
    rendered: int  # when: the Last-Modified
    csrf: bool  # holds the CSRF placeholder
    hooks: tuple[str, ...]
    attributes: dict[str, Any]  # the response's own flags that outer middleware read
    gzip: GzipForm | None = None  # the page compressed once, for clients that accept it (0047)

    @property
    def stored_bytes(self) -> int:
        """What both forms hold: ``LocalPages`` is bounded in bytes."""
        return len(self.content) + (self.gzip.stored_bytes if self.gzip is not None else 0)


@dataclass
class _Lookup:
    """What the cache said about a request: its key, the generation, and the page if stored."""

    key: str
    generation: int
    bumped: float | None = None  # when the generation was moved on, if the cache knows
    entry: Entry | None = None


class LocalPages:
    """The pages this process answered most recently, kept in its memory (bounded in bytes):
    a hit then costs one small read of the generation from the cache server instead of the
    whole page. An entry is used only while its generation is the current one and its
    lifetime (``GONGKAI_PAGE_CACHE_SECONDS``) has not run out, exactly as the shared copy."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0

    def get(self, key: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if time.time() - entry.rendered >= settings.GONGKAI_PAGE_CACHE_SECONDS:
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        limit = settings.GONGKAI_PAGE_CACHE_LOCAL_BYTES
        if entry.stored_bytes > limit:
            return
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = entry
            self.size += entry.stored_bytes
            while self.size > limit:
                self._drop(next(iter(self.entries)))

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        self.size -= self.entries.pop(key).stored_bytes


LOCAL_PAGES = LocalPages()


class PublicPaths:
    """The paths this process has found not to be public pages (bounded): a request for one
    of them is not looked up in the cache, whose entries are public pages only, so that the
    workbench, the forms and the pages not found pay nothing for the cache."""

    SIZE = 4096

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.private: OrderedDict[str, None] = OrderedDict()

    def known_private(self, path: str) -> bool:
        return path in self.private

    def learn(self, path: str, public: bool) -> None:
        if public:
            return
        with self.lock:
            self.private[path] = None
            self.private.move_to_end(path)
            if len(self.private) > self.SIZE:
                self.private.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.private.clear()


PUBLIC_PATHS = PublicPaths()


@dataclass
class _State:
    key: str
    generation: int
    bumped: float | None = None  # when the generation was moved on, if the cache knows
    hit: bool = False
    csrf: bool = False
    hooks: list[str] = field(default_factory=list)
    session_accessed: bool = False
    cookies: _WatchedCookies | None = None


class _WatchedCookies(dict):
    """The request's cookies, noting every one the view reads that the key does not hold."""

    def __init__(self, cookies: dict[str, str], keyed: set[str]) -> None:
        super().__init__(cookies)
        self.keyed = keyed
        self.unkeyed_read = False

    def _note(self, name: object) -> None:
        if name not in self.keyed:
            self.unkeyed_read = True

    def __getitem__(self, name: str) -> str:
        self._note(name)
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        self._note(name)
        return super().get(name, default)

    def __contains__(self, name: object) -> bool:
        self._note(name)
        return super().__contains__(name)

    def _all(self) -> None:
        self.unkeyed_read = True

    def items(self):  # type: ignore[no-untyped-def]
        self._all()
        return super().items()

    def values(self):  # type: ignore[no-untyped-def]
        self._all()
        return super().values()

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._all()
        return super().__iter__()


def _keyed_cookies() -> set[str]:
    return {
        settings.LANGUAGE_COOKIE_NAME,
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        "messages",
        *POLICY.cookies,
    }


def _is_public(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None or not match.namespaces:
        return False
    return match.namespaces[0] in POLICY.namespaces and match.view_name not in POLICY.never


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool((user is not None and user.is_authenticated) or getattr(request, "citizen", None))


def _messages_waiting(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _query(request: HttpRequest) -> str:
    """The query string with its parameters in order of name (a repeated name keeps its
    values' order), as sent: not decoded, which a hit would pay for. Two spellings of one
    query (``%20`` and ``+``) are two entries of the same page, never one entry for two."""
    query = request.META.get("QUERY_STRING", "")
    if "&" not in query:
        return query
    return "&".join(sorted(query.split("&"), key=lambda pair: pair.partition("=")[0]))


def cache_key(request: HttpRequest) -> str:
    """Scheme, host, path, query (its parameters in order of name), interface language and
    the values of the cookies pages vary on."""
    parts = [
        request.scheme or "",
        request.get_host(),
        request.path,
        _query(request),
        getattr(request, "LANGUAGE_CODE", "") or "",
        *(request.COOKIES.get(name, "") for name in POLICY.cookies),
    ]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return ENTRY_PREFIX + digest


def _uncacheable(response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or not isinstance(response, HttpResponse):
        return True
    if response.cookies or response.has_header("Vary"):
        return True
    control = response.get("Cache-Control", "").lower()
    return "private" in control or "no-store" in control


_RESPONSE_FLAGS = ("xframe_options_exempt",)


def _flags(response: HttpResponseBase) -> dict[str, Any]:
    """Attributes of the response that outer middleware read (django-csp's per-view policy,
    the clickjacking exemption): kept with the page so that a hit gets the same headers."""
    return {
        name: value
        for name, value in vars(response).items()
        if name.startswith("_csp") or name in _RESPONSE_FLAGS
    }


class PageCacheMiddleware:
    """Answers anonymous requests for public pages from the cache (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        found = self._lookup(request)
        if found is not None and found.entry is not None:
            return self._hit(request, found)
        response = self.get_response(request)
        if found is not None:
            PUBLIC_PATHS.learn(request.path, _is_public(request))
        state: _State | None = getattr(request, STATE_ATTR, None)
        if state is None:
            signed_in = getattr(request, "_gongkai_page_cache_private", False)
            if signed_in and not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
            return response
        return self._rendered(request, response, state)

    # -- lookup (after every middleware's request hooks, before the URL is resolved) ------

    def _lookup(self, request: HttpRequest) -> _Lookup | None:
        """The stored page for this request, if any (``entry``), and what storing the page
        once rendered needs. None when the request may not be answered from the cache.

        Only public pages are ever stored, so a stored entry for the request's key is a public
        page: the hit is answered before the URL is resolved, which is a good part of the cost
        of a hit. Nothing that runs later is skipped for an anonymous visitor: the rate limits
        run in their middleware's ``__call__`` (but the search page's, which counts the
        searches that run, in its ``process_view``: decision 0049), and the sign-in checks
        concern signed-in users, who never get here."""
        if not enabled() or request.method not in ("GET", "HEAD"):
            return None
        if _signed_in(request):
            request._gongkai_page_cache_private = True  # type: ignore[attr-defined]
            return None
        if PUBLIC_PATHS.known_private(request.path) or _messages_waiting(request):
            return None
        key = cache_key(request)
        try:
            local = LOCAL_PAGES.get(key)
            pushed = PUSHED.get()
            # The usual hit: the generation pushed to this process (decision 0042), or else
            # the one round trip to the cache server.
            if local is not None and (
                local.generation == pushed[0]
                if pushed is not None
                else cache.get(GENERATION_KEY) == local.generation
            ):
                found = _Lookup(key=key, generation=local.generation, entry=local)
                request._gongkai_page_cache_lookup = found  # type: ignore[attr-defined]
                return found
            generation: Any
            if pushed is not None:
                generation, bumped = pushed
                entry = cache.get(key)
            else:
                values = cache.get_many([GENERATION_KEY, BUMPED_KEY, key])
                generation = values.get(GENERATION_KEY)
                if generation is None:
                    generation = _start_generation()
                entry = values.get(key)
                bumped = values.get(BUMPED_KEY)
        except Exception:
            logger.warning("public page cache: the cache cannot be read", exc_info=True)
            return None
        memo = request_memo.get()
        if memo is not None and memo.get(SAFE_REQUEST):  # the page, if rendered, reads it again
            memo[GENERATION_MEMO] = (generation, bumped)
        found = _Lookup(
            key=key,
            generation=int(generation),
            bumped=bumped if isinstance(bumped, int | float) else None,
        )
        if isinstance(entry, Entry) and entry.generation == found.generation:
            found.entry = entry
            LOCAL_PAGES.put(key, entry)
        request._gongkai_page_cache_lookup = found  # type: ignore[attr-defined]
        return found

    def _hit(self, request: HttpRequest, found: _Lookup) -> HttpResponseBase:
        entry = found.entry
        assert entry is not None  # noqa: S101 - the caller checked
        setattr(request, STATE_ATTR, _State(key=found.key, generation=found.generation, hit=True))
        for name in entry.hooks:
            hook = POLICY.hit_hooks.get(name)
            if hook is not None:
                hook(request)
        return self._answer(request, entry, hit=True)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        """A page that was not in the cache: if it is public, watch what its rendering
        reads, so that it is stored only when nothing in it is personal."""
        found: _Lookup | None = getattr(request, "_gongkai_page_cache_lookup", None)
        if found is None or not _is_public(request):
            return None
        state = _State(key=found.key, generation=found.generation, bumped=found.bumped)
        session = getattr(request, "session", None)
        if session is not None:
            state.session_accessed = session.accessed
            session.accessed = False
        state.cookies = _WatchedCookies(request.COOKIES, _keyed_cookies())
        request.COOKIES = state.cookies  # type: ignore[misc]
        setattr(request, STATE_ATTR, state)
        return None

    # -- a page just rendered -----------------------------------------------------------

    def _rendered(
        self, request: HttpRequest, response: HttpResponseBase, state: _State
    ) -> HttpResponseBase:
        session = getattr(request, "session", None)
        session_used = bool(session is not None and session.accessed)
        if session is not None:
            session.accessed = session_used or state.session_accessed
        if (
            request.method != "GET"
            or _uncacheable(response)
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a form of its own
            or bool(getattr(request, "csp_nonce", None))  # evaluated only when used
            or _messages_waiting(request)
            or session_used
            or (state.cookies is not None and state.cookies.unkeyed_read)
            or len(getattr(response, "content", b"")) > settings.GONGKAI_PAGE_CACHE_MAX_BYTES
            or _may_lag(state)
        ):
            if state.csrf and isinstance(response, HttpResponse):
                self._fill_csrf(request, response)
            return response
        assert isinstance(response, HttpResponse)  # noqa: S101 - _uncacheable checked it
        content = response.content
        csrf = state.csrf and _CSRF_PLACEHOLDER_BYTES in content
        entry = Entry(
            generation=state.generation,
            content=content,
            headers=list(response.headers.items()),
            etag=hashlib.sha256(content).hexdigest()[:32],
            rendered=int(time.time()),
            csrf=csrf,
            hooks=tuple(state.hooks),
            attributes=_flags(response),
            gzip=_gzip_form(response, csrf=csrf),
        )
        try:
            cache.set(state.key, entry, timeout=settings.GONGKAI_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("public page cache: the page could not be stored", exc_info=True)
        else:
            LOCAL_PAGES.put(state.key, entry)
        return self._answer(request, entry, hit=False, response=response)

    # -- the answer, the same for a hit and for the page that filled the entry -----------

    def _answer(
        self,
        request: HttpRequest,
        entry: Entry,
        *,
        hit: bool,
        response: HttpResponse | None = None,
    ) -> HttpResponseBase:
        # Both forms come from one entry: the gzip one for a client that accepts it (0047).
        form = entry.gzip if entry.gzip is not None and settings.GONGKAI_PAGE_GZIP else None
        if form is not None and not accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            form = None
        if response is None:
            response = HttpResponse(
                entry.content if form is None else b"", headers=dict(entry.headers)
            )
            for name, value in entry.attributes.items():
                setattr(response, name, value)
        if not response.has_header("Cache-Control"):
            # Revalidate every time: a withdrawn document must leave every browser at once;
            # the validators make the revalidation a cheap 304.
            patch_cache_control(response, no_cache=True)
        if entry.gzip is not None and settings.GONGKAI_PAGE_GZIP:
            patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        else:
            patch_vary_headers(response, ("Cookie",))
        response.headers["Last-Modified"] = http_date(entry.rendered)
        response.headers["X-Cache"] = "HIT" if hit else "MISS"
        # Each form has validators of its own: a copy of one never stands for the other.
        etag = entry.etag if form is None else entry.etag + GZIP_ETAG_SUFFIX
        if not entry.csrf:
            response.headers["ETag"] = f'"{etag}"'
            if form is not None:
                self._send_gzip(response, form.parts[0])
            return self._conditional(request, response, entry)
        # The page holds the visitor's CSRF token: a weak validator of the page and the
        # visitor's CSRF secret, so that a 304 keeps a copy whose token is still good.
        secret = request.META.get("CSRF_COOKIE")
        if secret:
            response.headers["ETag"] = _csrf_etag(etag, secret)
            answer = self._conditional(request, response, entry)
            if answer.status_code != 200:
                return answer
        if form is None:
            self._fill_csrf(request, response)
        else:
            self._send_gzip(response, form.body(visitor_csrf_token(request).encode("ascii")))
        response.headers["ETag"] = _csrf_etag(etag, request.META["CSRF_COOKIE"])
        return response

    @staticmethod
    def _send_gzip(response: HttpResponse, body: bytes) -> None:
        response.content = body
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(body))

    @staticmethod
    def _conditional(
        request: HttpRequest, response: HttpResponse, entry: Entry
    ) -> HttpResponseBase:
        answer = get_conditional_response(
            request, etag=response.headers["ETag"], last_modified=entry.rendered, response=response
        )
        if answer is None:  # pragma: no cover - never without a response to fall back on
            return response
        if answer is not response:
            answer.headers["X-Cache"] = response.headers["X-Cache"]
        return answer

    @staticmethod
    def _fill_csrf(request: HttpRequest, response: HttpResponse) -> None:
        token = visitor_csrf_token(request).encode("ascii")
        response.content = response.content.replace(_CSRF_PLACEHOLDER_BYTES, token)


# Each byte below this maps to one of the 62 characters uniformly (248 = 4 × 62).
_UNIFORM_BELOW = 256 - 256 % len(CSRF_ALLOWED_CHARS)
_CHAR_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def _random_csrf_string() -> str:
    """``CSRF_SECRET_LENGTH`` characters drawn uniformly from ``CSRF_ALLOWED_CHARS`` by the
    operating system's CSPRNG, as Django's ``get_random_string`` draws them — from one
    ``os.urandom`` call instead of one for each character (64 for a new secret and its mask,
    the larger part of a hit's cost; decision 0042)."""
    chars: list[str] = []
    while len(chars) < CSRF_SECRET_LENGTH:
        chars.extend(
            CSRF_ALLOWED_CHARS[byte % len(CSRF_ALLOWED_CHARS)]
            for byte in secrets.token_bytes(CSRF_SECRET_LENGTH + 8)
            if byte < _UNIFORM_BELOW
        )
    return "".join(chars[:CSRF_SECRET_LENGTH])


def visitor_csrf_token(request: HttpRequest) -> str:
    """Django's ``get_token``, with ``_random_csrf_string`` for the randomness: the visitor's
    secret (a new one, set as the CSRF cookie, when the request brought none) under a new mask.
    The token is checked by Django's ``CsrfViewMiddleware`` as any other."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = _random_csrf_string()
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie renewed
    mask = _random_csrf_string()
    size = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_CHAR_INDEX[x] + _CHAR_INDEX[y]) % size]
        for x, y in zip(secret, mask, strict=False)  # as Django's own
    )
    return mask + cipher


GZIP_ETAG_SUFFIX = "-gzip"


def _gzip_form(response: HttpResponse, *, csrf: bool) -> GzipForm | None:
    """The gzip form of a page being stored (decision 0047), unless switched off, too small
    to be worth it, or already encoded by its view."""
    content = response.content
    if (
        not settings.GONGKAI_PAGE_GZIP
        or len(content) < settings.GONGKAI_PAGE_GZIP_MIN_BYTES
        or response.has_header("Content-Encoding")
    ):
        return None
    return compress_page(content, _CSRF_PLACEHOLDER_BYTES if csrf else None)


def _csrf_etag(etag: str, secret: str) -> str:
    digest = hashlib.sha256(f"{etag}:{secret}".encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def page_csrf_token_placeholder(request: HttpRequest | None) -> bool:
    """For ``{% page_csrf_token %}``: True (and noted) when the page being rendered may be
    stored, so that the token must be a placeholder filled on every answer."""
    state = getattr(request, STATE_ATTR, None) if request is not None else None
    if state is None or state.hit:
        return False
    state.csrf = True
    return True
