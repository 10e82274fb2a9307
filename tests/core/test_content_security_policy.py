"""The Content-Security-Policy (issue 9, "Web"): every page is served with a policy that
allows scripts, styles, fonts and images from the site only — so no template may carry an
inline script, an inline event handler or a style attribute — and the views that serve
uploaded files keep their stricter sandbox policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR) / "gongkai"
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")", re.I
)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def _directives(header: str) -> dict[str, list[str]]:
    found = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


@pytest.mark.parametrize(
    "path", ["/", "/search/?q=低保", "/api/v1/search?q=低保", "/workbench/sign-in/"]
)
def test_every_page_carries_the_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_error_pages_carry_it_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]


def _templates() -> list[Path]:
    return [p for p in ROOT.rglob("*.html") if "static" not in p.parts]


def test_no_template_has_an_inline_script_handler_or_style():
    templates = _templates()
    assert len(templates) > 100
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("event handler", EVENT_HANDLER),
            ("style attribute", STYLE_ATTRIBUTE),
        ):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_the_scan_would_find_each_kind_of_offence():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/a.js"></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="d">{}</script>')
    assert EVENT_HANDLER.search('<button onclick="go()">')
    assert STYLE_ATTRIBUTE.search('<div style="color:red">')
    assert not STYLE_ATTRIBUTE.search('<div class="style">')
