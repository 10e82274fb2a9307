"""The site's URLs plus a few pages made to test the public page cache (tests/core/
test_page_cache.py): each does one thing that must keep its page out of the cache."""

from __future__ import annotations

import gzip
import random

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.cache import never_cache

from gongkai.urls import urlpatterns as site_urlpatterns

TEMPLATE = engines["django"].from_string(
    '{% extends "portal_base.html" %}{% block main %}<p>{{ text }}</p>{{ form }}{% endblock main %}'
)
FORM = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')


def _page(request: HttpRequest, text: str = "plain", form: str = "") -> HttpResponse:
    return HttpResponse(TEMPLATE.render({"text": text, "form": form}, request))


def plain(request: HttpRequest) -> HttpResponse:
    return _page(request)


def with_form(request: HttpRequest) -> HttpResponse:
    return _page(request, form=FORM.render({}, request))


def sets_cookie(request: HttpRequest) -> HttpResponse:
    response = _page(request)
    response.set_cookie("seen", "1")
    return response


def reads_cookie(request: HttpRequest) -> HttpResponse:
    return _page(request, text=request.COOKIES.get("seen", "unseen"))


def reads_session(request: HttpRequest) -> HttpResponse:
    return _page(request, text=request.session.get("last", "none"))


@never_cache
def private(request: HttpRequest) -> HttpResponse:
    return _page(request)


def not_found(request: HttpRequest) -> HttpResponse:
    response = _page(request)
    response.status_code = 404
    return response


def leaves_message(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Noted")
    return _page(request)


# Larger than the smallest page the cache compresses, once compressed.
ENCODED_TEXT = random.Random(47).randbytes(4096).hex().encode()


def already_encoded(request: HttpRequest) -> HttpResponse:
    """A page its view compressed itself: the cache must not compress it again."""
    response = HttpResponse(gzip.compress(ENCODED_TEXT))
    response["Content-Encoding"] = "gzip"
    return response


test_patterns = (
    [
        path("plain/", plain, name="plain"),
        path("form/", with_form, name="form"),
        path("cookie/", sets_cookie, name="cookie"),
        path("reads-cookie/", reads_cookie, name="reads_cookie"),
        path("session/", reads_session, name="session"),
        path("private/", private, name="private"),
        path("missing/", not_found, name="missing"),
        path("message/", leaves_message, name="message"),
        path("encoded/", already_encoded, name="encoded"),
    ],
    "cachetest",
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("cachetest/", include(test_patterns)),
    *site_urlpatterns,
]
