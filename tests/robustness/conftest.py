"""The real HTTP stack for the robustness tests (issue 9, "Concurrency" and "Faults").

``http_server`` serves the project's WSGI application from this process the way a production
application server does: a listening socket with a large backlog and a bounded pool of worker
threads, each with its own database connection (closed after every request, as Django's own
servers do). ``Visitor`` is a browser reduced to what the public forms need: cookies, the
CSRF token, the form's submission key, and a client address of its own.

The database must be one that other connections can see: these tests use
``django_db(transaction=True)`` and, on SQLite, a file database (``GONGKAI_SQLITE_TEST_PATH``).
"""

from __future__ import annotations

import http.client
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from importlib import import_module
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.crypto import get_random_string

from gongkai.core.workdays import reload_calendar
from gongkai.info_requests.models import InfoRequest
from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID
from tests.robustness.server import PooledWSGIServer, QuietHandler
from tests.seeds import SEED_MIGRATIONS

APPLY = "/apply/"
CALENDAR_SEED = SEED_MIGRATIONS[0]
assert CALENDAR_SEED.endswith("seed_calendar")
SERVER_THREADS = 16  # a worker pool, as an application server has (PostgreSQL allows 100)


def needs_shared_database() -> None:
    """Skip unless other connections (threads, processes) see the test database: PostgreSQL or
    a SQLite file (an in-memory SQLite database is private to one connection)."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs PostgreSQL or SQLite with a file test database")


@dataclass
class Server:
    url: str
    host: str
    port: int


@pytest.fixture
def seeded(transactional_db) -> None:
    """The working-day calendar the migrations seed (an application's clock needs it), which
    the flush after an earlier transactional test has emptied. Only the calendar: the other
    seeds (``tests.seeds``) cost seconds and an application needs none of them."""
    from django.apps import apps

    import_module(CALENDAR_SEED).seed(apps, None)
    reload_calendar()


@pytest.fixture
def http_server(seeded, settings) -> Iterator[Server]:
    """The application served over HTTP on 127.0.0.1 by a pool of threads.

    The server trusts one proxy, so that each ``Visitor`` can come from an address of its own
    (``X-Forwarded-For``): the per-address defences of the public forms (rate limits, CAPTCHA)
    then see 200 citizens, not one machine sending 200 forms.
    """
    needs_shared_database()
    settings.GONGKAI_TRUSTED_PROXY_COUNT = 1
    server = PooledWSGIServer(("127.0.0.1", 0), QuietHandler, threads=SERVER_THREADS)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Server(url=f"http://{host}:{port}", host=str(host), port=int(port))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Visitor:
    """One browser: its cookies and its client address (sent as X-Forwarded-For)."""

    host: str
    port: int
    address: str
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 120.0

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> Response:
        headers = {"Connection": "close", "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            text = answer.read().decode("utf-8", "replace")
            for header in answer.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            found = {name.lower(): value for name, value in answer.getheaders()}
            return Response(status=answer.status, headers=found, body=text)
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str]) -> Response:
        return self.request("POST", path, data)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"the form carries {name}"
    return match.group(1)


def application_form(agency_pk: int, **overrides: str) -> dict[str, str]:
    """The online application form filled in (without its CSRF token and submission key)."""
    values = {
        "applicant_kind": InfoRequest.ApplicantKind.PERSON,
        "name": APPLICANT_NAME,
        "id_type": InfoRequest.IdType.RESIDENT_ID,
        "id_number": VALID_ID,
        "phone": APPLICANT_PHONE,
        "email": "wang@example.cn",
        "address": "张家港市人民路1号",
        "postcode": "215600",
        "case_type": InfoRequest.CaseType.INFORMATION,
        "agency": str(agency_pk),
        "description": "2024年城乡最低生活保障资金发放明细",
        "form": InfoRequest.Form.ELECTRONIC,
        "delivery": InfoRequest.Delivery.EMAIL,
    }
    values.update(overrides)
    return values


def open_form(visitor: Visitor) -> dict[str, str]:
    """GET the application form: the session, the CSRF token and the form's submission key."""
    page = visitor.get(APPLY)
    assert page.status == 200, page.status
    return {
        "csrfmiddlewaretoken": hidden(page.body, "csrfmiddlewaretoken"),
        "submission_key": hidden(page.body, "submission_key"),
    }


def form_opened_earlier(visitor: Visitor) -> dict[str, str]:
    """What a browser holds that opened the form some time ago: a CSRF cookie, the token in
    the form and the form's submission key (as the form page makes them). Saves rendering the
    form page for each of hundreds of visitors, whose submissions are what is being tested."""
    secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    visitor.cookies[django_settings.CSRF_COOKIE_NAME] = secret
    return {"csrfmiddlewaretoken": secret, "submission_key": secrets.token_urlsafe(32)}


RECEIVED_RE = re.compile(r"^/apply/received/(?P<number>[^/]+)/$")


def acknowledged_number(response: Response) -> str | None:
    """The tracking number a submission was acknowledged with (the redirect to the page that
    shows it), or None."""
    if response.status != 302:
        return None
    match = RECEIVED_RE.match(response.location)
    return match.group("number") if match else None


def in_parallel(count: int, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """Run ``work(i, barrier)`` for i in 0..count-1 in ``count`` threads that meet at the
    barrier before the part that must overlap; the results in order, errors re-raised."""
    barrier = threading.Barrier(count, timeout=300)
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(work, i, barrier) for i in range(count)]
        return [future.result(timeout=600) for future in futures]
