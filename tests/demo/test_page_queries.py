"""Issue 10: no page above 20 database queries — a walk through every page of the demonstration.

The walk is a crawler. It starts at the public home page as an anonymous visitor, and at the
workbench's home as the demonstration's office, an agency's editor and the administrator (who
is the superuser too, and so also opens Django's admin); each follows the internal links
(``href``) of every HTML page it is given, the URLs in the API's JSON, and every redirect; an
applicant whose session unlocked an application and a letter walks from their status pages. A
*page* is one GET through the test client; its queries are counted on every database
connection. A *pattern* is a URL pattern of the resolver together with the names (never the
values) of the query parameters: each persona opens at most ``PER_PATTERN`` URLs of one pattern
and ``PER_ROUTE`` of one route, so the walk stays bounded although the demonstration holds some
10,000 documents and their facets.

What links do not reach (pages typed in, the admin's object pages, pages a state of a record
opens) is opened from the demonstration's records afterwards (:func:`_opened_from_records`),
once a pattern still unvisited. At the end
every URL pattern that answers GET must have been opened, but for the commented allow-list
:data:`NOT_REACHED`; no page may have answered with a server error; and none may have run more
than :data:`LIMIT` queries. The failure names the URL, its count and its most repeated
statements, so the N+1 is plain to see.

Links that would change something are never followed: signing out, and every view that only
takes POST (GET must not change state, and the permission matrix checks the POST-only views
refuse it). Everything runs inside the test's savepoint and is rolled back.
"""

from __future__ import annotations

import inspect
import re
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.db import connections
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from gongkai.core.models import User
from tests.url_patterns import url_patterns

pytestmark = pytest.mark.django_db

LIMIT = 20  # issue 10: no page above 20 database queries
PER_PATTERN = 3  # URLs a persona opens of one pattern (route + query parameter names)
# … and of one route whatever its parameters: the catalogue's facets combine into hundreds of
# sets of names, each page of which costs a tenth of a second.
PER_ROUTE = 4
# A member of staff opens the public site's pages too (signed in, a page reads the session and
# the user besides), but once a route: the anonymous visitor walks that site.
PER_ROUTE_ELSEWHERE = 1
HOST = "testserver"
# The test runs in a transaction, so each of a view's atomic blocks is a savepoint here: its
# SAVEPOINT and RELEASE are not the page's queries (outside a test they are BEGIN and COMMIT,
# which Django does not log either).
TRANSACTION_CONTROL = re.compile(r"^(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) ", re.I)


@dataclass(frozen=True)
class Persona:
    name: str
    username: str | None  # None: anonymous
    starts: tuple[str, ...]
    # Where the persona works; elsewhere it opens one URL of a route (PER_ROUTE_ELSEWHERE).
    area: tuple[str, ...] = ("/",)


STAFF_AREA = ("/workbench/", "/admin/")
PERSONAS = (
    Persona("anonymous", None, ("/", "/api/v1/")),
    # The disclosure office (公开办), an agency's editor (信息员), the administrator (also the
    # superuser, who opens Django's admin).
    Persona("office", "office", ("/workbench/",), STAFF_AREA),
    Persona("editor", "edu-editor", ("/workbench/",), STAFF_AREA),
    Persona("administrator", "admin", ("/workbench/", "/admin/"), STAFF_AREA),
)


# --- the URL patterns, from the resolver ----------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the URL's name with its namespaces, or its route when it has none
    route: str
    takes_get: bool


def _takes_get(callback: Callable) -> bool:
    """Whether the view answers GET: function views say otherwise through Django's
    ``require_http_methods`` (``require_POST`` …), class-based views through their methods."""
    func: Callable | None = callback
    seen: set[int] = set()
    while func is not None and id(func) not in seen:
        seen.add(id(func))
        view_class = getattr(func, "view_class", None)
        if view_class is not None:
            return "get" in view_class.http_method_names and hasattr(view_class, "get")
        try:
            methods = inspect.getclosurevars(func).nonlocals.get("request_method_list")
        except TypeError:  # not a Python function (a callable object)
            methods = None
        if methods is not None:
            return "GET" in methods
        func = getattr(func, "__wrapped__", None)
    return True


def _key(name: str | None, route: str) -> str:
    return name or route.replace("^", "")


def every_route() -> dict[str, Route]:
    return {
        _key(name, route): Route(key=_key(name, route), route=route, takes_get=_takes_get(view))
        for name, route, view in url_patterns()
    }


# Never requested: they sign the visitor out (and take only POST besides).
SIGN_OUT = {"workbench:logout", "citizens:sign_out", "admin:logout"}

# URL patterns that answer GET and that the demonstration cannot show, each with its reason.
NO_FILE = "the demonstration uploads no such file (a download of one is a file response)"
NOT_REACHED = {
    # The admin's logout takes POST only (Django's LogoutView), which the introspection of
    # ``_takes_get`` cannot see through the admin's own wrapper; it signs out besides.
    "admin:logout": "POST only; signs out",
    # django-ninja names the API's root twice; resolve() answers the other name.
    "api:api-root": "the same URL as api:home",
    "info_requests_staff:download_file": NO_FILE,
    "info_requests:status_file": NO_FILE,
    "letters_staff:download_attachment": NO_FILE,
    "letters:status_attachment": NO_FILE,
    "consultations_staff:attachment_download": NO_FILE,
    "consultations:attachment": NO_FILE,
    "plans_staff:report_file": NO_FILE,
    "plans_staff:answer_file": NO_FILE,
    "assessment_staff:evidence_file": NO_FILE,
    "workbench:export_download": "the demonstration asks for no export (decision 0041)",
    # The demonstration has no permission groups (roles are the platform's own StaffRole).
    "admin:auth_group_change": "no group in the demonstration",
    "admin:auth_group_history": "no group in the demonstration",
    "admin:auth_group_delete": "no group in the demonstration",
    "admin/auth/group/<path:object_id>/": "no group in the demonstration",
    # Settings rows the demonstration leaves unsaved (their defaults apply until then).
    **dict.fromkeys(
        (
            key
            for app, model in (
                ("catalogue", "agencycataloguesettings"),
                ("info_requests", "requestpolicy"),
                ("supervision", "plansettings"),
                ("supervision", "healthsettings"),
            )
            for key in (
                f"admin:{app}_{model}_change",
                f"admin:{app}_{model}_history",
                f"admin:{app}_{model}_delete",
                f"admin/{app}/{model}/<path:object_id>/",
            )
        ),
        "no row in the demonstration: the defaults apply until the administrator saves one",
    ),
    # Sign-in attempts and failures are written by django-axes on a failed sign-in; the
    # demonstration signs nobody in.
    **dict.fromkeys(
        (
            f"admin{part}"
            for model in ("accessattempt", "accessfailurelog")
            for part in (
                f":axes_{model}_change",
                f":axes_{model}_history",
                f":axes_{model}_delete",
                f"/axes/{model}/<path:object_id>/",
            )
        ),
        "django-axes writes these on failed sign-ins; the demonstration has none",
    ),
    **dict.fromkeys(
        (
            "admin:django_tasks_database_dbtaskresult_change",
            "admin:django_tasks_database_dbtaskresult_history",
            "admin:django_tasks_database_dbtaskresult_delete",
            "admin/django_tasks_database/dbtaskresult/<path:object_id>/",
        ),
        "the queue's rows: the demonstration runs its jobs in-process (immediate backend)",
    ),
}


def _first(queryset) -> object | None:
    return queryset.order_by("pk").first()


def _opened_from_records() -> list[tuple[str, str]]:
    """(persona, URL) for the patterns no link of the demonstration leads to: pages reached by
    typing their address (health checks, the sitemap, the kiosk), the admin's own pages and
    its object pages, and pages a state of a record opens. Built from the demonstration's
    records; a record it lacks leaves its pattern unvisited, and the test says so."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from gongkai.agencies.models import Agency
    from gongkai.catalogue.models import Attachment, Document
    from gongkai.core import captcha
    from gongkai.interaction.consultations.models import Consultation
    from gongkai.interaction.letters.models import Letter
    from gongkai.interaction.surveys.models import Survey
    from gongkai.reports.models import AnnualReport

    urls: list[tuple[str, str]] = []

    def add(persona: str, url: str | None) -> None:
        if url is not None:
            urls.append((persona, url))

    for path in (
        "/i18n/setlang/",
        "/health/live",
        "/health/ready",
        reverse("captcha_image", kwargs={"token": captcha.new_challenge()}),
        "/sitemap.xml",
        "/kiosk/",
        "/admin/login/",
        "/admin/no-such-page/",  # the admin's catch-all
        "/account/",
        "/account/sign-up/sent/",
        "/account/password-reset/sent/",
        "/account/applications/YSQ202600001/",  # a citizen's page: sends the public to sign in
        "/account/confirm/no-such-token/",
        "/account/password-reset/no-such-token/",
    ):
        add("anonymous", path)
    survey = _first(Survey.objects.all())
    if survey is not None:
        add("anonymous", reverse("surveys:thanks", kwargs={"pk": survey.pk}))
        add("anonymous", reverse("surveys:answered", kwargs={"pk": survey.pk}))
    attachment = _first(Attachment.objects.filter(document__state=Document.State.PUBLISHED))
    if attachment is not None:
        add(
            "anonymous",
            reverse(
                "catalogue:attachment",
                kwargs={"pk": attachment.document_id, "attachment_pk": attachment.pk},
            ),
        )
    # The admin's own pages, and each registered model's object pages for its first row.
    for path in ("/admin/password_change/done/", "/admin/jsi18n/", "/admin/autocomplete/"):
        add("administrator", path)
    agency = _first(Agency.objects.all())
    if agency is not None:
        content_type = ContentType.objects.get_for_model(Agency)
        add("administrator", f"/admin/r/{content_type.pk}/{agency.pk}/")
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        add("administrator", f"{base}add/")
        obj = model._base_manager.order_by("pk").first()
        if obj is None:
            continue
        for page in ("", "change/", "history/", "delete/"):
            add("administrator", f"{base}{obj.pk}/{page}")
    add("administrator", "/admin/core/calendaryear/import/")
    user = _first(User.objects.all())
    if user is not None:
        add("administrator", f"/admin/core/user/{user.pk}/password/")
    # The workbench: pages a record's state opens, or that only a form's script asks for.
    add("office", "/workbench/catalogue/review/")
    add("office", reverse("catalogue_staff:doc_number_check") + "?value=张政办发〔2014〕50号")
    # No document of the demonstration was amended: the versions page of one published once.
    amended = (
        Document.objects.filter(versions__isnull=False)
        .annotate(n=Count("versions"))
        .order_by("-n", "pk")
        .first()
    )
    if amended is not None:
        add("office", reverse("catalogue_staff:version_diff", kwargs={"pk": amended.pk}))
    published = _first(Document.objects.filter(agency__slug="education"))
    if published is not None:
        add("editor", reverse("catalogue_staff:document_edit", kwargs={"pk": published.pk}))
    office_agency = Agency.objects.filter(slug="general-office").first()
    if office_agency is not None:
        add(
            "office",
            reverse(
                "info_requests_staff:revert_notice_template",
                kwargs={"scope": office_agency.pk, "kind": "acknowledgement"},
            ),
        )
    answered = _first(Letter.objects.exclude(reply_text=""))
    if answered is not None:
        add("office", reverse("letters_staff:publication", kwargs={"pk": answered.pk}))
    consultation = _first(Consultation.objects.filter(agency__slug="education"))
    if consultation is None:
        consultation = _first(Consultation.objects.all())
    if consultation is not None:
        add("editor", reverse("consultations_staff:edit", kwargs={"pk": consultation.pk}))
    if survey is not None:
        add("office", reverse("surveys_staff:question_add", kwargs={"pk": survey.pk}))
        question = survey.questions.order_by("pk").first()
        if question is not None:
            add(
                "office",
                reverse(
                    "surveys_staff:question_edit",
                    kwargs={"pk": survey.pk, "question_pk": question.pk},
                ),
            )
    report = _first(AnnualReport.objects.all())
    if report is not None:
        from gongkai.reports.annual.services import prose_sections

        for key, _title in prose_sections(report)[:1]:
            add(
                "office", reverse("reports_staff:section", kwargs={"pk": report.pk, "section": key})
            )
    add("office", "/workbench/sign-in/code/")
    add("office", "/workbench/sign-in/set-up/")
    return urls


# --- the walk -------------------------------------------------------------------------------


def counted_connections() -> list:
    """Every connection the pages may use — not a test mirror (tests/conftest.py's
    ``replica_1``): it is ``default`` itself, no router sends a read there in the walk, and
    pytest-django refuses to open it in a test that does not name it."""
    return [
        connections[alias]
        for alias in connections
        if not connections.settings[alias].get("TEST", {}).get("MIRROR")
    ]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("a", "area"):
            for name, value in attrs:
                if name == "href" and value:
                    self.hrefs.append(value)


def links_of(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url, _fragment = urldefrag(urljoin(f"http://{HOST}{base}", href.strip()))
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == HOST:
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def links_in_json(data: object, base: str) -> list[str]:
    """The API's links: every string of the answer that is a URL of this site."""
    strings: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and (item.startswith("/") or item.startswith("http")):
            strings.append(item)
    return links_of("".join(f'<a href="{s}">' for s in strings), base) if strings else []


@dataclass
class Page:
    persona: str
    url: str
    key: str
    status: int
    queries: list[str]
    seconds: float
    error: str = ""

    @property
    def count(self) -> int:
        return len(self.queries)


@dataclass
class Walk:
    routes: dict[str, Route]
    pages: list[Page] = field(default_factory=list)
    opened: dict[tuple[str, str, frozenset[str]], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    per_route: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def pattern(self, url: str) -> tuple[str, frozenset[str]] | None:
        parts = urlsplit(url)
        try:
            match = resolve(parts.path)
        except Resolver404:
            return None  # static files, or a link to nowhere (a 404 the crawler ignores)
        names = frozenset(name for name, _value in parse_qsl(parts.query, keep_blank_values=True))
        return _key(match.view_name if match.url_name else None, match.route), names

    def open(self, persona: Persona, client: Client, url: str) -> Page | None:
        """GET ``url`` as ``persona`` unless the persona opened enough of its pattern."""
        pattern = self.pattern(url)
        if pattern is None:
            return None
        key, names = pattern
        route = self.routes.get(key)
        if key in SIGN_OUT or (route is not None and not route.takes_get):
            return None
        at_home = url.startswith(persona.area)
        if self.opened[(persona.name, key, names)] >= PER_PATTERN:
            return None
        if self.per_route[(persona.name, key)] >= (PER_ROUTE if at_home else PER_ROUTE_ELSEWHERE):
            return None
        self.opened[(persona.name, key, names)] += 1
        self.per_route[(persona.name, key)] += 1
        for connection in counted_connections():
            connection.queries_log.clear()  # it keeps 9,000: a walk runs more
        with ExitStack() as stack:
            captured = [
                stack.enter_context(CaptureQueriesContext(connection))
                for connection in counted_connections()
            ]
            error = ""
            started = time.monotonic()
            try:
                response = client.get(url)
                if response.streaming:  # exports: their queries run as the body is written
                    # (the client's wrapper closes the response without closing the database)
                    b"".join(response.streaming_content)
                status = response.status_code
            except Exception as exc:  # a server error: reported by the test
                response, status, error = None, 500, f"{type(exc).__name__}: {exc}"
        seconds = time.monotonic() - started
        queries = [
            query["sql"]
            for capture in captured
            for query in capture.captured_queries
            if not TRANSACTION_CONTROL.match(query["sql"])
        ]
        page = Page(persona.name, url, key, status, queries, seconds, error)
        self.pages.append(page)
        page.response = response  # type: ignore[attr-defined]
        return page

    def crawl(self, persona: Persona, client: Client, starts: tuple[str, ...] = ()) -> None:
        queue = deque(starts or persona.starts)
        seen = set(queue)
        while queue:
            url = queue.popleft()
            page = self.open(persona, client, url)
            if page is None or page.response is None:  # type: ignore[attr-defined]
                continue
            response = page.response  # type: ignore[attr-defined]
            page.response = None  # type: ignore[attr-defined]
            links: list[str] = []
            if response.status_code in (301, 302, 303, 307, 308):
                links = links_of(f'<a href="{response["Location"]}">', url)
            elif response.status_code == 200:
                kind = response.get("Content-Type", "")
                if kind.startswith("text/html"):
                    links = links_of(response.content.decode(), url)
                elif kind.startswith("application/json"):
                    links = links_in_json(response.json(), url)
            for link in links:
                if link not in seen:
                    seen.add(link)
                    queue.append(link)

    def visited(self) -> set[str]:
        return {page.key for page in self.pages}  # a few thousand pages: cheap enough


def run_walk() -> Walk:
    walk = Walk(routes=every_route())
    clients = {}
    for persona in PERSONAS:
        clients[persona.name] = client_for(persona)
        walk.crawl(persona, clients[persona.name])
    applicant, starts = applicant_client()
    walk.crawl(APPLICANT, applicant, starts)
    by_name = {persona.name: persona for persona in PERSONAS}
    for name, url in _opened_from_records():
        pattern = walk.pattern(url)
        if pattern is not None and pattern[0] not in walk.visited():
            walk.open(by_name[name], clients[name], url)
    return walk


def _shape(sql: str) -> str:
    """The statement with its literals replaced, so that an N+1's queries count as one."""
    return re.sub(r"'(?:[^']|'')*'|\b\d+\b", "?", sql)


def top_statements(queries: list[str], n: int = 3) -> str:
    counts = Counter(_shape(sql) for sql in queries)
    return "\n".join(f"      {times}× {sql[:300]}" for sql, times in counts.most_common(n))


def client_for(persona: Persona) -> Client:
    client = Client()
    if persona.username is not None:
        client.force_login(User.objects.get(username=persona.username))
    return client


# Someone who applied and wrote, and opened both with their query codes in this browser: the
# status pages (and the "received" pages shown once after sending) hold the applicant's own
# data and notices. The session is what the status forms leave in it once the code matched.
APPLICANT = Persona("applicant", None, ())


def applicant_client() -> tuple[Client, tuple[str, ...]]:
    from django.urls import reverse

    from gongkai.info_requests.models import InfoRequest
    from gongkai.info_requests.views import public as requests_public
    from gongkai.interaction.letters.models import Letter
    from gongkai.interaction.letters.views import public as letters_public

    client = Client()
    session = client.session
    starts: list[str] = []
    application = (
        InfoRequest.objects.filter(notices__isnull=False).order_by("-pk").distinct().first()
    )
    if application is not None:
        session[requests_public.SESSION_UNLOCKED] = [application.number]
        session[requests_public.SESSION_RECEIVED] = [application.number]
        starts += [
            reverse("info_requests:status_detail", kwargs={"number": application.number}),
            reverse("info_requests:received", kwargs={"number": application.number}),
        ]
    letter = Letter.objects.exclude(reply_text="").order_by("-pk").first()
    if letter is not None:
        session[letters_public.SESSION_UNLOCKED] = [letter.number]
        session[letters_public.SESSION_SENT] = [letter.number]
        starts += [
            reverse("letters:status_detail", kwargs={"number": letter.number}),
            reverse("letters:received", kwargs={"number": letter.number}),
        ]
    session.save()
    return client, tuple(starts)


# --- the test -------------------------------------------------------------------------------


def test_no_page_of_the_demonstration_runs_more_than_20_queries(district, settings, capsys):
    # The crawler is one client address: the search page's rate limit would stop it.
    settings.GONGKAI_RATE_LIMITS = {**settings.GONGKAI_RATE_LIMITS, "search": "0/60"}
    started, cpu = time.monotonic(), time.process_time()
    walk = run_walk()
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu

    problems: list[str] = []
    failed = [page for page in walk.pages if page.status >= 500]
    problems += [
        f"{page.status} {page.url} as {page.persona}: {page.error}".rstrip() for page in failed
    ]
    unvisited = sorted(
        key
        for key, route in walk.routes.items()
        if route.takes_get and key not in walk.visited() and key not in NOT_REACHED
    )
    problems += [f"never opened: {key} ({walk.routes[key].route})" for key in unvisited]
    stale = sorted(key for key in NOT_REACHED if key in walk.visited() or key not in walk.routes)
    problems += [f"NOT_REACHED names a pattern opened or gone: {key}" for key in stale]
    heavy = sorted(
        (page for page in walk.pages if page.count > LIMIT), key=lambda p: p.count, reverse=True
    )
    problems += [
        f"{page.count} queries: {page.url} as {page.persona}\n{top_statements(page.queries)}"
        for page in heavy
    ]

    worst = sorted(walk.pages, key=lambda p: p.count, reverse=True)[:10]
    with capsys.disabled():
        print(
            f"\n{len(walk.pages)} pages of {len(walk.visited())} patterns in {seconds:.1f} s "
            f"({cpu:.1f} s of CPU in this process); "
            f"the most queries: "
            + ", ".join(f"{page.count} {page.url} ({page.persona})" for page in worst)
        )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
