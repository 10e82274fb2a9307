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

from gongkai.core.context import request_address, request_memo


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
        memo_token = request_memo.set({})
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
