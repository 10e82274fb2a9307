"""Request context for the layers below the views.

The audit trail records the client address of the request that caused a change. Services take
an explicit ``actor``; the address is carried in a context variable set here so that every
service need not pass the request down.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from gongkai.core.context import SAFE_REQUEST, request_address, request_memo
from gongkai.core.db_router import replica_reads, replicas_in_use


def client_address(request: HttpRequest) -> str | None:
    """The client's address, trusting X-Forwarded-For only as far as the configured proxies.

    With ``GONGKAI_TRUSTED_PROXY_COUNT = n`` the address is the n-th from the right of
    X-Forwarded-For, so a client cannot forge its way past the proxies we run.
    """
    trusted = settings.GONGKAI_TRUSTED_PROXY_COUNT
    if trusted > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_address.set(client_address(request))
        memo_token = request_memo.set({SAFE_REQUEST: request.method in SAFE_METHODS})
        try:
            return self.get_response(request)
        finally:
            request_memo.reset(memo_token)
            request_address.reset(token)


class InterfaceLanguageMiddleware(LocaleMiddleware):
    """The interface language: the visitor's choice (language cookie), else Simplified Chinese.

    Unlike Django's ``LocaleMiddleware`` the browser's Accept-Language is not consulted: a
    Chinese government site speaks Chinese unless the visitor switches, whatever language the
    browser happens to be set to.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# Paths whose reads always come from the primary, even for an anonymous GET: the staff side
# (sign-in included), the citizens' accounts (sign-up and e-mail links read tokens just made)
# and the health checks (which probe each database by name).
PRIMARY_ONLY_PATHS = ("/workbench/", "/admin/", "/account/", "/health/", "/i18n/")
# Set on the answer to a form: this browser reads from the primary for a few seconds, so that
# the page it is sent to shows what it sent even while a replica lags behind.
PRIMARY_COOKIE = "gongkai_primary"
SAFE_METHODS = frozenset({"GET", "HEAD"})


class ReplicaReadsMiddleware:
    """Decides whether a request may read from a read replica (gongkai.core.db_router).

    Only an anonymous visitor's GET or HEAD of a public page or the public API may: not staff,
    not a signed-in citizen, not a form, not a browser that has just sent one. Does nothing
    unless replicas are configured.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replicas_in_use():
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            seconds = settings.DATABASE_REPLICA_PIN_SECONDS
            if seconds > 0:
                response.set_cookie(
                    PRIMARY_COOKIE,
                    "1",
                    max_age=seconds,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response
        if not may_read_from_replica(request):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)


def may_read_from_replica(request: HttpRequest) -> bool:
    """An anonymous GET or HEAD of a public page, from a browser that has not just sent a
    form."""
    if request.method not in SAFE_METHODS or PRIMARY_COOKIE in request.COOKIES:
        return False
    if request.path_info.startswith(PRIMARY_ONLY_PATHS):
        return False
    if getattr(request, "citizen", None) is not None:
        return False
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated
