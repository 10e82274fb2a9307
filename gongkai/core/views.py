"""Views of the platform itself, not of a capability: health endpoints and the error handler
that tells an outage from a bug."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from gongkai.core.health import readiness

OUTAGE_ERRORS = (OperationalError, InterfaceError)  # the database cannot be reached
RETRY_AFTER_SECONDS = 60


@never_cache
@require_safe
def live(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers (touches nothing else)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def bench_minimal(request: HttpRequest) -> HttpResponse:
    """A fixed string through the whole middleware stack: the floor the throughput benchmark
    (``bench/throughput.py``, issue 10) measures public pages against. Routed only when
    ``GONGKAI_BENCH_VIEWS=1``."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: the primary database and the cache answer; 503 otherwise (with which
    failed). Read replicas are reported but not required."""
    result = readiness()
    return JsonResponse(result.as_dict(), status=200 if result.ready else 503)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: when the error is that the database cannot be reached, a 503
    saying the site is briefly unavailable (in the interface's language) with Retry-After;
    otherwise the generic error page. Rendered without the request: no context processor, no
    database, no session."""
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGE_ERRORS):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
