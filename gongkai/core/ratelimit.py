"""Rate limits on everything the public can send, and on search (issue 9, "Web").

One middleware covers every public form and the search page and API, so that a new form is
limited without anyone remembering to: a *public write* is any POST (or PUT, PATCH, DELETE) to
a URL outside the workbench and the admin — where staff sign in, and sign-in has its own
lockout; a *search* is a GET of the search page or of the search API. Each rule allows
``limit`` requests per client address in a fixed window of ``window`` seconds; the next one is
answered 429 with a message in the interface's language (JSON for the API) and a
``Retry-After`` header, and changes nothing — the view never runs.

The search page is counted when it is built, not when the public page cache answers it
(decision 0049): the limit guards the search engine and the database, and a page from the
cache costs what any other cached public page costs, none of which is limited. So its count
is taken in ``process_view``, which runs only on the way to the view — a cache hit is answered
before the URL is resolved. Every request of the search API is counted, hit or not (issue 9
names it), as is every public write.

The counters live in the cache (Redis in production, shared by every server; the process's
memory otherwise). The client address is the one the audit trail records
(``core.middleware.client_address``: X-Forwarded-For trusted only as far as the configured
proxies, so a forged header neither escapes the limit nor locks out everyone behind a proxy).
Limits are settings (``GONGKAI_RATE_LIMITS``: rule → "count/seconds").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from gongkai.core.middleware import client_address

PUBLIC_WRITE = "public_write"
SEARCH = "search"
DEFAULT_LIMITS = {
    PUBLIC_WRITE: "30/600",  # 30 submissions in 10 minutes from one address
    SEARCH: "120/60",  # 120 searches a minute
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
STAFF_PREFIXES = ("/workbench/", "/admin/")
SEARCH_PATHS = ("/search/", "/api/v1/search")
SEARCH_PAGE = "/search/"  # counted when built (decision 0049); the API on every request
EXEMPT_PATHS = ("/i18n/setlang/",)  # switching the language is not a submission


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: int  # seconds


def rule(name: str) -> Rule:
    text = getattr(settings, "GONGKAI_RATE_LIMITS", {}).get(name) or DEFAULT_LIMITS[name]
    count, _sep, seconds = str(text).partition("/")
    return Rule(name=name, limit=int(count), window=int(seconds or 60))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def hit(name: str, address: str, *, now: float | None = None) -> Verdict:
    """Count one request of ``address`` under the rule ``name``."""
    current = rule(name)
    if current.limit <= 0:
        return Verdict(True)
    moment = time.time() if now is None else now
    window = int(moment // current.window)
    key = f"ratelimit:{current.name}:{address}:{window}"
    counter = getattr(cache, "count", None)
    if counter is not None:  # Redis (core/cache.py): one round trip
        count = counter(key, current.window + 5)
        return _verdict(count, current, window, moment)
    # The counter usually exists: increment first (one round trip fewer on every request but
    # the window's first); create it when it does not.
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first request
        if cache.add(key, 1, timeout=current.window + 5):
            count = 1
        else:  # another request created it in between
            try:
                count = cache.incr(key)
            except ValueError:  # and it expired at once
                cache.set(key, 1, timeout=current.window + 5)
                count = 1
    return _verdict(count, current, window, moment)


def _verdict(count: int, current: Rule, window: int, moment: float) -> Verdict:
    if count <= current.limit:
        return Verdict(True)
    retry = int((window + 1) * current.window - moment) + 1
    return Verdict(False, retry_after=max(retry, 1))


def rule_for(request: HttpRequest) -> str | None:
    """Which rule a request falls under, or None."""
    path = request.path
    if path.startswith(EXEMPT_PATHS) or path.startswith(STAFF_PREFIXES):
        return None
    if request.method in WRITE_METHODS:
        return PUBLIC_WRITE
    if request.method in ("GET", "HEAD") and path.startswith(SEARCH_PATHS):
        return SEARCH
    return None


def _counted_when_built(name: str, request: HttpRequest) -> bool:
    return name == SEARCH and request.path.startswith(SEARCH_PAGE)


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = _("Too many requests from your address. Please wait a moment and try again.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = HttpResponse(
            loader.render_to_string("429.html", {"retry_after": retry_after}), status=429
        )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class RateLimitMiddleware:
    """Answer 429 before the view when the request's rule is exhausted for its address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Before the URL is resolved (the rules go by path and method): the public page cache
        # answers its hits there too (decision 0033), and a limited request is refused first.
        name = rule_for(request)
        if name is not None and not _counted_when_built(name, request):
            refused = self.refuse(request, name)
            if refused is not None:
                return refused
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        """The search page on its way to the view: the page cache did not answer it, so the
        search runs — count it now (decision 0049)."""
        name = rule_for(request)
        if name is not None and _counted_when_built(name, request):
            return self.refuse(request, name)
        return None

    def refuse(self, request: HttpRequest, name: str) -> HttpResponse | None:
        address = client_address(request) or "unknown"
        verdict = hit(name, address)
        if verdict.allowed:
            return None
        return too_many(request, verdict.retry_after)
