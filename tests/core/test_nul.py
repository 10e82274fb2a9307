"""NUL dropped from request parameters before any view (issue 9), and the parameters left
unparsed when the query string cannot hold one (a page from the public page cache needs none)."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from gongkai.core.nul import DropNulMiddleware


def run(query: str):
    seen = {}

    def view(request):
        seen["request"] = request
        seen["parsed_before_view"] = "GET" in request.__dict__
        return HttpResponse()

    DropNulMiddleware(view)(RequestFactory().get("/search/", QUERY_STRING=query))
    return seen


def test_nul_is_dropped_from_names_and_values():
    seen = run("q=%E5%85%AC%00%E5%BC%80&ty%00pe=%00")
    assert seen["request"].GET.dict() == {"q": "公开", "type": ""}


def test_a_raw_nul_in_the_query_string_is_dropped_too():
    seen = run("q=a\x00b")
    assert seen["request"].GET["q"] == "ab"


def test_a_query_without_nul_is_not_parsed_by_the_middleware():
    seen = run("q=%E5%85%AC%E5%BC%80&page=2")
    assert seen["parsed_before_view"] is False
    assert seen["request"].GET.dict() == {"q": "公开", "page": "2"}
