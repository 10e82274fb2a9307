"""Issue 9, "Permission matrix": every URL of the workbench, the admin and the API, requested by
every persona against agency A's records, allowed or refused as the table says.

The URLs come from walking the URL resolver, never from a list typed here: a URL nobody
classified in ``tests/permission_matrix_data.py`` fails :func:`test_every_url_is_classified`
and its own matrix test, naming it. For each URL the table says who may GET and who may POST;
each persona of ``tests/permission_world.py`` requests it both ways and the test asserts:

* allowed: 200 or a redirect (a POST may also come back 400, its empty form refused: the
  permission check came first and let it through);
* refused: anonymous is sent to sign in (or turned away by the method, 405); a signed-in
  person gets 403 or 404 (the admin sends people without its staff flag to its sign-in page;
  a form offering only the user's own agencies answers agency A's with its error); never a
  page, never a server error;
* a refused request changes nothing: no row is written (the session's own excepted) and the
  records the URL names are exactly as before;
* no answer, allowed or refused, shows a persona what it may not read: the applicant's or the
  letter writer's personal data, a commenter's contact, the person held accountable, or (to
  agency B) agency A's unpublished records (``permission_matrix_data.secrets``).

A method the URL does not take (405) is requested by anonymous and by one of those allowed the
other method, who would get past the permission checks if it were taken after all. A page's own
form is posted by everyone refused and by one of those allowed (the others opened the page).

Every request runs in a savepoint rolled back after it, so that an allowed POST (which acts)
never changes what the next persona sees; the records are built once for the module, and the
URLs are checked one app at a time (a test each).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.agencies.permissions import agencies_visible_to, is_administrator, is_office, roles_of
from gongkai.workbench.session import SESSION_KEY
from tests.permission_matrix_data import (
    ADMIN_PERSONAS,
    ADMIN_POSTERS,
    MATRIX,
    Row,
    admin_model,
    secrets,
    url_for,
)
from tests.permission_world import (
    ADMINISTRATOR,
    ANONYMOUS,
    EDITOR,
    NOW,
    OFFICE,
    OTHER_AGENCY,
    PERSONAS,
    SUPERUSER,
    World,
    build_world,
)
from tests.url_patterns import url_patterns

pytestmark = pytest.mark.django_db

FAMILIES = ("workbench", "admin", "api")
# In the workbench the superuser holds the administrator role implicitly and nothing more, so
# it stands for that role there (test_the_superuser_stands_for_the_administrator_role).
WORKBENCH_PERSONAS = tuple(persona for persona in PERSONAS if persona != ADMINISTRATOR)
# The API reads no role at all (it is public and read-only): a few personas stand for all.
API_PERSONAS = (ANONYMOUS, EDITOR, SUPERUSER)


# --- the URLs, from the resolver ------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the URL's name with its namespaces, or its pattern when it has none
    pattern: str  # the whole route as the resolver holds it
    name: str | None  # for reverse()

    @property
    def family(self) -> str:
        return self.pattern.lstrip("^").split("/", 1)[0]


def staff_routes() -> list[Route]:
    """Every URL pattern under /workbench/, /admin/ and /api/, walking the URL resolver."""
    routes = (
        Route(key=name or route, pattern=route, name=name) for name, route, _ in url_patterns()
    )
    return [route for route in routes if route.family in FAMILIES]


ROUTES = staff_routes()


def test_every_url_is_classified():
    """A URL of the workbench, the admin or the API that nobody added to the matrix fails here,
    named; so does a row of the matrix whose URL is gone."""
    keys = {route.key for route in ROUTES}
    shared = sorted({route.key for route in ROUTES if [r.key for r in ROUTES].count(route.key) > 1})
    assert not shared, "URLs sharing a name (give each its own, for the matrix): " + str(shared)
    unclassified = sorted(keys - MATRIX.keys())
    assert not unclassified, (
        "URLs missing from the permission matrix (tests/permission_matrix_data.py) — say who "
        "may GET and POST each: " + ", ".join(unclassified)
    )
    stale = sorted(MATRIX.keys() - keys)
    assert not stale, "rows of the permission matrix without a URL: " + ", ".join(stale)


# --- requests -------------------------------------------------------------------------------


@dataclass
class Outcome:
    status: int
    location: str = ""
    writes: tuple[str, ...] = ()
    changed: bool = False
    error: str = ""
    body: str = ""  # the text of an HTML, JSON, CSV or plain-text answer

    def __str__(self) -> str:
        text = str(self.status)
        if self.location:
            text += f" → {self.location}"
        if self.error:
            text += f" ({self.error})"
        if self.writes:
            text += f", wrote {', '.join(self.writes)}"
        if self.changed:
            text += ", changed the records it names"
        return text


@dataclass
class Matrix:
    world: World
    clients: dict[str, Client]


WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.I)
SESSION_TABLES = {"django_session"}  # signing in and out, messages
TEXT_TYPES = ("text/", "application/json")  # answers read for what they show


def _written(queries: list[dict[str, Any]]) -> tuple[str, ...]:
    tables = (WRITE.match(query["sql"]) for query in queries)
    return tuple(sorted({m.group(1) for m in tables if m and m.group(1) not in SESSION_TABLES}))


def fingerprint(targets: list[Model]) -> list[Any]:
    """The rows the URL names as stored, and how many rows their tables hold (plain SQL: it is
    read around every refused request)."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for obj in targets:
            table, key = quote(obj._meta.db_table), quote(obj._meta.pk.column)
            value = obj._meta.pk.get_db_prep_value(obj.pk, connection)  # a UUID as stored
            cursor.execute(f"SELECT * FROM {table} WHERE {key} = %s", [value])  # noqa: S608
            row = cursor.fetchall()
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            found.append((row, cursor.fetchone()))
    return found


@dataclass(frozen=True)
class Watched:
    """The records a URL names, as they were before any request (every request is rolled
    back, so once per URL is enough)."""

    targets: list[Model]
    before: list[Any]


def send(
    matrix: Matrix,
    persona: str,
    method: str,
    url: str,
    data: dict[str, Any],
    watched: Watched | None,
) -> Outcome:
    """``persona`` requests ``url`` in a savepoint rolled back after it. For a request that
    must be refused (``watched``), what it wrote and whether the records the URL names changed
    are read before the rollback."""
    client = matrix.clients[persona]
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    response = None
    error = ""
    capture = CaptureQueriesContext(connection) if watched is not None else nullcontext()
    with transaction.atomic(), capture as queries:
        try:
            response = client.get(url) if method == "GET" else client.post(url, data)
        except Exception as exc:  # the server error it would have been
            error = f"{type(exc).__name__}: {exc}"[:300]
        writes = _written(queries.captured_queries) if queries is not None else ()
        changed = watched is not None and fingerprint(watched.targets) != watched.before
        transaction.set_rollback(True)
    client.cookies = cookies  # a sign-out's or a message's cookies do not carry over
    if response is None:
        return Outcome(500, writes=writes, changed=changed, error=error)
    location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
    # A file is read to the end: the test client's wrapper then closes it without closing the
    # database connection (response.close() would, inside the savepoint).
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return Outcome(response.status_code, location, writes, changed, body=_text(response, content))


def _text(response: Any, content: bytes) -> str:
    """What an HTML, CSV, plain-text or JSON answer says (JSON's escapes undone, so that its
    Chinese reads as such)."""
    kind = response.get("Content-Type", "")
    if not kind.startswith(TEXT_TYPES):
        return ""
    text = content.decode(response.charset or "utf-8", errors="replace")
    if kind.startswith("application/json"):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def _to_sign_in(outcome: Outcome) -> bool:
    path = outcome.location.split("?", 1)[0]
    return path in (reverse("workbench:login"), reverse("admin:login"))


def allowed(outcome: Outcome, method: str, row: Row) -> bool:
    if outcome.status == 200 or (method == "POST" and outcome.status == 400):
        return True
    if 300 <= outcome.status < 400:
        return row.signs_out or not _to_sign_in(outcome)
    return False


def refused(outcome: Outcome, persona: str, method: str, route: Route, row: Row) -> bool:
    status = outcome.status
    if status in (403, 404, 405):
        return True
    if route.family == "api":
        return status == 401
    if status == 302 and (persona == ANONYMOUS or route.family == "admin"):
        # The admin also sends people without its staff flag from its sign-out to its index.
        return _to_sign_in(outcome) or (
            route.family == "admin" and outcome.location == reverse("admin:index")
        )
    return row.form_refusal and method == "POST" and status in (200, 400)


# --- the module's records and people --------------------------------------------------------


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Matrix]:
    """Agency A's records and a signed-in client per persona, made once for the module inside
    a transaction rolled back after it, at a fixed present.

    The office and the administrators work for agency A (the workbench's agency switcher);
    agency B's staff carry a forged choice of agency A in their session, which must grant
    nothing."""
    media = tmp_path_factory.mktemp("matrix-media")
    # Thousands of refusals are expected here: Django's warning for each (with its traceback,
    # formatted by every log handler) would cost more than many of the requests.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=str(media),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            SESSION_ENGINE="django.contrib.sessions.backends.db",
            SESSION_SAVE_EVERY_REQUEST=False,  # the sessions outlive their requests here
        ),
        time_machine.travel(NOW, tick=False),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            clients = {}
            for persona in PERSONAS:
                client = Client()
                if persona != ANONYMOUS:
                    client.force_login(world.people[persona])
                    if persona in (OFFICE, ADMINISTRATOR, SUPERUSER, OTHER_AGENCY):
                        session = client.session
                        session[SESSION_KEY] = world.agency.pk
                        session.save()
                clients[persona] = client
            yield Matrix(world, clients)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            request_log.setLevel(level)


def test_the_superuser_stands_for_the_administrator_role_in_the_workbench(matrix):
    """Every check of the workbench reads roles through agencies.permissions, where a superuser
    holds the administrator role implicitly and nothing more: the two see and may do the same,
    so the workbench's matrix is requested as the superuser (the admin's as both)."""
    people, world = matrix.world.people, matrix.world
    superuser, administrator = people[SUPERUSER], people[ADMINISTRATOR]
    for agency in (None, world.government, world.agency, world.other):
        assert roles_of(superuser, agency) == roles_of(administrator, agency) == {ADMINISTRATOR}
    assert set(agencies_visible_to(superuser)) == set(agencies_visible_to(administrator))
    assert is_administrator(superuser) and is_administrator(administrator)
    assert not is_office(superuser) and not is_office(administrator)


def test_only_the_administrators_carry_the_admin_staff_flag(matrix):
    """The admin matrix requests as anonymous, one member of agency A's staff and the two
    administrators: the admin's gate is its staff flag, which no other persona holds."""
    flagged = {name for name, user in matrix.world.people.items() if user.is_staff}
    assert flagged == {ADMINISTRATOR, SUPERUSER}


# --- the matrix -----------------------------------------------------------------------------


def _personas(route: Route, method: str, row: Row) -> tuple[str, ...]:
    if route.family == "admin":
        may = row.get or frozenset()
        if method == "POST":
            # Django's admin checks a POST against the same permission as its page, or a
            # stricter one: the administrator posts where it may open the page.
            return tuple(p for p in ADMIN_POSTERS if p != ADMINISTRATOR or ADMINISTRATOR in may)
        if SUPERUSER in may and not row.request_superuser:
            return tuple(p for p in ADMIN_PERSONAS if p != SUPERUSER)
        return ADMIN_PERSONAS
    if route.family == "api":
        return API_PERSONAS
    return WORKBENCH_PERSONAS


def _group(route: Route) -> str:
    """The matrix runs one test per app (its namespace; the admin's per model's app), so that
    the suite's per-test set-up is paid a few dozen times, not once per URL."""
    if route.family == "admin":
        model = admin_model(route.pattern)
        return f"admin:{model._meta.app_label}" if model is not None else "admin"
    return route.key.split(":", 1)[0] if route.name else route.family


GROUPS: dict[str, list[Route]] = {}
for _route in ROUTES:
    GROUPS.setdefault(_group(_route), []).append(_route)


def check_route(matrix: Matrix, route: Route) -> list[str]:
    """Request ``route`` as every persona both ways; the failures, each naming the URL, the
    persona and what came back."""
    row = MATRIX.get(route.key)
    if row is None:
        return [f"{route.key} ({route.pattern}) is not in the permission matrix"]
    url, targets = url_for(route, row, matrix.world)
    data = row.data(matrix.world) if row.data is not None else {}
    cache.clear()  # the rate limits' counters, as for a test of its own
    watched = Watched(targets, fingerprint(targets))
    hidden = secrets(matrix.world)
    failures = []
    for method, may in (("GET", row.get), ("POST", row.post)):
        personas = _personas(route, method, row)
        if may is None:  # not taken: anonymous, and one who may use the other method
            other = row.post if method == "GET" else row.get
            personas = [ANONYMOUS, *[p for p in personas if p in other][:1]]
        elif method == "POST" and row.get:
            # A page's own form: those allowed both opened it already; one of them posts.
            both = [p for p in personas if p in may and p in row.get]
            personas = [p for p in personas if p not in both[1:]]
        for persona in personas:
            permitted = may is not None and persona in may
            outcome = send(matrix, persona, method, url, data, None if permitted else watched)
            if permitted:
                ok = allowed(outcome, method, row)
                expected = "allowed"
            else:
                ok = refused(outcome, persona, method, route, row) and not (
                    outcome.writes or outcome.changed
                )
                expected = "refused, changing nothing"
            if not ok or outcome.status >= 500:
                failures.append(
                    f"{method} {url} ({route.key}) as {persona}: {expected}, got {outcome}"
                )
            leaked = [
                what
                for what, (values, may_see) in hidden.items()
                if (persona not in may_see or route.family == "api")  # the API is the public's
                and any(value in outcome.body for value in values)
            ]
            if leaked:
                failures.append(
                    f"{method} {url} ({route.key}) as {persona} shows {', '.join(leaked)}"
                )
    return failures


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_permission_matrix(matrix, group):
    """Issue 9: every URL of the group answers each persona as the matrix says — the right role
    gets the page (or its action), anyone else a refusal that changes nothing, nobody a server
    error, and no page shows anyone what they may not read."""
    failures = [failure for route in GROUPS[group] for failure in check_route(matrix, route)]
    assert not failures, "\n".join(failures)
