"""Pages rendered with the templates' indentation and without it: the same to a reader?

``GONGKAI_SQLITE_PATH=/tmp/x.sqlite3 .venv/bin/python bench/template_dedent.py [--limit 300]``

Renders each page twice in one process, with ``GONGKAI_TEMPLATE_DEDENT`` off and on (the cached
loader emptied between), through Django's test client with ``DEBUG`` off and the page cache
off: a list of public pages (home, the catalogue with filters, documents with relations,
interpretations, attachments and repealed ones, search, the agency directory and pages,
interpretations, letters, the application form, ...), the workbench's pages signed in as the
demonstration's ``office``, ``admin`` and ``edu-handler`` (two-factor off), and then the links
those pages lead to, at most three of each shape, up to ``--limit`` pages. Each rendering runs
in a transaction that is rolled back, so a page's own writes (audit of reads, sessions) do not
show in the next one. The demonstration district must be loaded (``manage.py load_demo``).

A page passes when both renderings are the same once every whitespace run is one space (CSRF
tokens, CSP nonces, captcha tokens, submission keys and times to the second masked), and every
``<pre>`` and ``<textarea>`` element is the same byte for byte. A page that differs from itself
with the feature off is left out and counted. Prints bytes before and after for each page and
the totals; exits 1 if any page differs.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PUBLIC = [
    "/",
    "/catalogue/",
    "/catalogue/?q=%E6%95%99%E8%82%B2",
    "/catalogue/?kind=interpretation",
    "/catalogue/?validity=repealed",
    "/catalogue/?page=2",
    "/search/?q=%E5%85%AC%E5%BC%80",
    "/search/?q=%E5%AD%A6%E6%A0%A1",
    "/agencies/",
    "/interpretations/",
    "/normative/",
    "/key-areas/",
    "/letters/",
    "/letters/qa/",
    "/letters/write/",
    "/letters/statistics/",
    "/apply/",
    "/apply/status/",
    "/consultations/",
    "/surveys/",
    "/key-tasks/",
    "/performance/",
    "/scorecards/",
    "/interaction/",
    "/accessibility/",
    "/account/sign-in/",
]
STAFF = [
    "/workbench/",
    "/workbench/catalogue/",
    "/workbench/catalogue/review/",
    "/workbench/catalogue/new/",
    "/workbench/requests/",
    "/workbench/requests/notice-templates/",
    "/workbench/letters/",
    "/workbench/consultations/",
    "/workbench/surveys/",
    "/workbench/plans/",
    "/workbench/monthly/",
    "/workbench/assessment/",
    "/workbench/reports/",
    "/workbench/statistics/",
    "/workbench/audit/",
    "/workbench/account/",
]
# Not followed: what changes state on GET or is no HTML page.
SKIP = re.compile(
    r"/(sign-out|logout|download|export|feeds|captcha|static|media|api|i18n|health)\b|\.(pdf|docx|"
    r"xlsx|csv|png|jpg|xml|json|txt)$"
)
MASKS = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*'), r"\1…"),
    (re.compile(r'(nonce=")[^"]*'), r"\1…"),
    (re.compile(r"captcha/[^\"'/]+\.png"), "captcha/….png"),
    (re.compile(r'(name="captcha_token" value=")[^"]*'), r"\1…"),
    (re.compile(r'(name="[a-z_]*token" value=")[^"]*'), r"\1…"),
    (re.compile(r'(name="submission_key" value=")[^"]*'), r"\1…"),
    (re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\b"), "…"),  # times to the second
]
KEPT = re.compile(r"<(pre|textarea)\b.*?</\1>", re.S | re.I)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=300, help="pages in all (default 300)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    os.environ.update(
        DJANGO_DEBUG="0",
        GONGKAI_PAGE_CACHE="0",
        GONGKAI_STAFF_TWO_FACTOR="0",
        GONGKAI_LOG_LEVEL="ERROR",
        GONGKAI_RATE_SEARCH="1000000/60",
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.template import engines
    from django.test import Client

    from gongkai.agencies.models import Agency
    from gongkai.catalogue.models import Document, DocumentRelation
    from gongkai.catalogue.selectors.public import published_documents
    from gongkai.core.models import User

    public = published_documents()
    documents = [
        public.filter(pk__in=DocumentRelation.objects.values("target")).first(),
        public.filter(pk__in=DocumentRelation.objects.values("source")).first(),
        public.filter(kind=Document.Kind.INTERPRETATION).first(),
        public.filter(interpretations__isnull=False).first(),
        public.filter(attachments__isnull=False).first(),
        public.filter(validity=Document.Validity.REPEALED).first(),
        public.order_by("-published_at").first(),
    ]
    pages = [(path, None) for path in PUBLIC]
    pages += [(f"/documents/{d.pk}/", None) for d in documents if d is not None]
    pages += [(f"/agencies/{a.slug}/", None) for a in Agency.objects.order_by("pk")[:3]]
    for username in ("office", "admin", "edu-handler"):
        pages += [(path, username) for path in STAFF]
    draft = Document.objects.filter(versions__isnull=False).order_by("-pk").first()
    if draft is not None:
        pages += [(f"/workbench/catalogue/{draft.pk}/versions/", "office")]
    pages += [("/admin/", "admin"), ("/admin/catalogue/document/", "admin")]

    loader = engines["django"].engine.template_loaders[0]
    names = ("office", "admin", "edu-handler")
    users = {u.username: u for u in User.objects.filter(username__in=names)}

    def render(path: str, username: str | None, dedent: bool) -> tuple[bool, str]:
        """Whether the page is an HTML page answered 200, and its body."""
        settings.GONGKAI_TEMPLATE_DEDENT = dedent
        loader.reset()
        client = Client()
        with transaction.atomic():
            if username:
                client.force_login(users[username])
            response = client.get(path)
            transaction.set_rollback(True)
        html = (
            response.status_code == 200
            and not response.streaming
            and response["Content-Type"].startswith("text/html")
        )
        return html, response.content.decode() if html else ""

    def masked(body: str) -> str:
        for pattern, replacement in MASKS:
            body = pattern.sub(replacement, body)
        return body

    seen: set[tuple[str, str | None]] = set()
    shapes: dict[tuple[str, str | None], int] = {}
    queue = list(pages)
    failures = unstable = raw_elements = 0
    count = 0
    totals = [0, 0]
    print(f"{'page':<60} {'user':<7} {'before':>8} {'after':>8} {'saved':>6}")
    while queue and count + unstable < args.limit:
        path, username = queue.pop(0)
        if (path, username) in seen:
            continue
        seen.add((path, username))
        html, before = render(path, username, dedent=False)
        if not html:
            continue
        html_after, after = render(path, username, dedent=True)
        old, new = masked(before), masked(after)
        same = re.sub(r"\s+", " ", old) == re.sub(r"\s+", " ", new)
        raw = [m.group() for m in KEPT.finditer(old)]
        kept = raw == [m.group() for m in KEPT.finditer(new)]
        ok = html_after and same and kept
        if not ok and masked(render(path, username, dedent=False)[1]) != old:
            unstable += 1  # it differs from itself too: two renderings with the feature off
            print(f"{path[:60]:<60} {username or '-':<7} not the same twice, left out")
            continue
        count += 1
        raw_elements += len(raw)
        failures += not ok
        size_old, size_new = len(before.encode()), len(after.encode())
        totals[0] += size_old
        totals[1] += size_new
        saved = 100 * (size_old - size_new) / size_old if size_old else 0
        flag = "" if ok else "  DIFFERS" + ("" if same else " (text)") + ("" if kept else " (pre)")
        row = f"{path[:60]:<60} {username or '-':<7} {size_old:>8} {size_new:>8}"
        print(f"{row} {saved:>5.1f}%{flag}")
        links = Links()
        links.feed(before)
        for href in links.hrefs:
            url = urlsplit(urljoin(path, href))
            if url.netloc or not url.path.startswith("/") or SKIP.search(url.path):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if username is None and target.startswith(("/workbench/", "/admin/")):
                continue
            # At most three links of one shape (the same path but for its numbers, the same
            # query keys): many kinds of page rather than many of one kind.
            shape = (
                re.sub(r"\d+", "N", url.path)
                + "?"
                + "&".join(sorted(key.split("=")[0] for key in url.query.split("&"))),
                username,
            )
            if shapes.get(shape, 0) >= 3:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append((target, username))
    saved = 100 * (totals[0] - totals[1]) / totals[0] if totals[0] else 0
    print(
        f"{count} pages compared, {totals[0]} bytes before, {totals[1]} after "
        f"({saved:.1f} % less); "
        f"{raw_elements} <pre>/<textarea> compared; {failures} differ; "
        f"{unstable} left out (not the same twice with the feature off)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
