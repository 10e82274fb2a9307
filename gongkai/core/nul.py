"""NUL characters are dropped from request parameters before any view (issue 9).

No form or link of the site sends one, and PostgreSQL can neither store nor compare text with
NUL in it: a query string such as ``/letters/write/?type=%00`` reached a database filter and
answered 500 (found by the fuzzer of the public pages). Django's form fields refuse NUL, but
parameters read outside a form, and choice fields that look their value up, do not. The search
and the suggestions promise an answer to any input, so the character is dropped rather than
the request refused: every view sees the query string and the posted form without it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def without_nul(data: QueryDict) -> QueryDict | None:
    """``data`` without NUL in its names and values; None when it has none."""
    if not any(NUL in key or any(NUL in v for v in values) for key, values in data.lists()):
        return None
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(key.replace(NUL, ""), [value.replace(NUL, "") for value in values])
    cleaned._mutable = False
    return cleaned


def _may_hold_nul(query_string: str) -> bool:
    return "%00" in query_string or NUL in query_string


class DropNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # NUL reaches a query string only as "%00" (its one encoding in UTF-8; Django decodes
        # overlong forms to U+FFFD), or raw from a lax client: without either the parameters
        # are not parsed here, which a page from the public page cache never needs.
        if _may_hold_nul(request.META.get("QUERY_STRING", "")):
            query = without_nul(request.GET)
            if query is not None:
                request.GET = query  # type: ignore[assignment]  # immutable, as Django makes it
        if request.method == "POST" and request.content_type in FORM_TYPES:
            form = without_nul(request.POST)
            if form is not None:
                request.POST = form  # type: ignore[assignment]
        return self.get_response(request)
