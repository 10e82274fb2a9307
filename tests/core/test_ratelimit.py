"""Rate limits on every public form and on search (issue 9, "Web"): the request over the limit
is answered 429 with a message in the interface's language, changes nothing, and the limit is
per client address — not escaped by a forged X-Forwarded-For, not shared by everyone behind
a trusted proxy."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gongkai.core import ratelimit
from gongkai.interaction.letters.models import Letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight(settings):
    # Windows of an hour: a loaded machine must not carry a test across a window's end.
    settings.GONGKAI_RATE_LIMITS = {"public_write": "3/3600", "search": "5/3600"}


def test_a_rule_allows_its_limit_in_a_window_then_refuses_until_the_next():
    verdicts = [ratelimit.hit("search", "192.0.2.1", now=1000.0) for _ in range(121)]
    assert all(v.allowed for v in verdicts[:120])
    assert not verdicts[120].allowed
    assert 1 <= verdicts[120].retry_after <= 61
    assert ratelimit.hit("search", "192.0.2.2", now=1000.0).allowed  # another address
    assert ratelimit.hit("search", "192.0.2.1", now=1060.0).allowed  # the next window


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/letters/write/", "public_write"),
        ("POST", "/apply/", "public_write"),
        ("GET", "/apply/", None),
        ("GET", "/search/", "search"),
        ("GET", "/api/v1/search", "search"),
        ("POST", "/workbench/sign-in/", None),  # staff sign-in has its own lockout
        ("POST", "/admin/login/", None),
        ("POST", "/i18n/setlang/", None),
    ],
)
def test_which_requests_are_limited(rf, method, path, expected):
    request = rf.generic(method, path)
    assert ratelimit.rule_for(request) == expected


def test_search_over_the_limit_is_429_in_chinese_and_the_api_in_json(client, tight):
    for _ in range(5):
        assert client.get("/search/", {"q": "低保"}).status_code == 200
    page = client.get("/search/", {"q": "低保"})
    assert page.status_code == 429
    assert "Retry-After" in page
    assert "请求过于频繁" in page.content.decode()
    api = client.get("/api/v1/search", {"q": "低保"})
    assert api.status_code == 429
    assert "detail" in api.json()


def test_the_429_page_follows_the_interface_language(tight):
    client = Client()
    client.cookies["gongkai_language"] = "en"
    for _ in range(6):
        response = client.get("/search/", {"q": "招生"})
    assert response.status_code == 429
    assert "Too many requests from your address" in response.content.decode()


def test_a_refused_submission_changes_nothing(client, tight):
    for _ in range(3):
        client.post("/letters/write/", {})
    before = Letter.objects.count()
    response = client.post("/letters/write/", {"subject": "x"})
    assert response.status_code == 429
    assert Letter.objects.count() == before


def test_a_forged_forwarded_header_does_not_escape_the_limit(client, tight, settings):
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        client.get("/search/", {"q": "x"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = client.get("/search/", {"q": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, tight, settings):
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.get("/search/", {"q": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    blocked = client.get("/search/", {"q": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    other = client.get("/search/", {"q": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert blocked.status_code == 429
    assert other.status_code == 200


def _public_post_views() -> list[str]:
    """Every URL pattern of the public site (outside the workbench and the admin)."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.append(route)

    walk(get_resolver().url_patterns, "/")
    return [r for r in found if not r.startswith(("/workbench/", "/admin/", "/i18n/"))]


def test_every_public_url_falls_under_the_write_rule_for_posts(rf):
    routes = _public_post_views()
    assert len(routes) > 20
    for route in routes:
        path = "/" + route.lstrip("/").replace("^", "").replace("$", "")
        assert ratelimit.rule_for(rf.post(path)) == "public_write", route


def test_the_status_lookup_keeps_its_own_stricter_limit(client):
    # The application status lookup counts failures (10 an hour), below the general limit.
    url = reverse("info_requests:status")
    for _ in range(10):
        client.post(url, {"number": "YSQ000", "code": "wrong-code"})
    assert client.post(url, {"number": "YSQ000", "code": "wrong-code"}).status_code == 429
