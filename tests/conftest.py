"""Fixtures for the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import DEFAULT_PASSWORD, AgencyFactory, StaffRoleFactory, UserFactory


@pytest.fixture
def user_factory():
    return UserFactory


@pytest.fixture
def agency_factory():
    return AgencyFactory


@pytest.fixture
def staff_role_factory():
    return StaffRoleFactory


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def agency(db):
    return AgencyFactory()


@pytest.fixture
def other_agency(db):
    return AgencyFactory()


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


# The tests of the demonstration district share one load of it (tests/demo/conftest.py): one
# worker must run all of them, and start on them first, since they are the longest unit of work.
DEMO_TESTS = "tests/demo/"


def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist, send the whole of tests/demo/ to one worker as one unit of work and
    every other test on its own, as ``--dist load`` would. (xdist's own ``--dist loadgroup``
    does not group under pytest 9, whose node ids it can no longer suffix.)"""
    from xdist.scheduler import LoadScopeScheduling

    class DemoAsOneUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return DEMO_TESTS if nodeid.startswith(DEMO_TESTS) else nodeid

    return DemoAsOneUnit(config, log)


# Fixtures through which a test reaches the database (pytest-django blocks it otherwise).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_blocker", "live_server"}


def pytest_collection_modifyitems(config, items):
    """Run the demonstration's tests first (the longest unit of work: started first, it runs
    beside all the others). On SQLite, skip the tests marked ``postgres``. On PostgreSQL (the
    second pass of ``make test``), leave out what cannot come out otherwise there: tests that
    never reach the database, the browser flows (their views and services are tested on both
    databases through the test client) and the ``once`` runs."""
    items.sort(key=lambda item: not item.nodeid.startswith(DEMO_TESTS))  # stable otherwise

    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        again = [item for item in items if _runs_on_postgresql_too(item)]
        if len(again) < len(items):
            config.hook.pytest_deselected(items=[item for item in items if item not in again])
            items[:] = again
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass of make test)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _runs_on_postgresql_too(item) -> bool:
    if "postgres" in item.keywords:
        return True
    if "browser" in item.keywords or "once" in item.keywords:
        return False
    return bool(item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames))


# The read replica of the tests of the database router (tests/core/test_db_router.py).
TEST_REPLICA = "replica_1"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A second database alias, ``replica_1``: a test mirror of ``default`` (Django's
    ``TEST["MIRROR"]``), so that what a test writes through ``default`` a read through
    ``replica_1`` finds, as on a streaming replica. Nothing is created for it.

    Added here, just before the test databases are set up, rather than in the settings: no
    router uses it unless a test turns ``gongkai.core.db_router.ReplicaRouter`` on, and
    pytest-django refuses its queries in every test that does not name it in ``databases`` —
    the rest of the suite reads and writes ``default`` as before. (Django cannot add an alias
    by ``override_settings``.)"""
    from django.conf import settings

    default = settings.DATABASES["default"]
    if TEST_REPLICA not in settings.DATABASES:
        # The same dict Django's connections read (configured, with every default filled in).
        settings.DATABASES[TEST_REPLICA] = {
            **default,
            "OPTIONS": dict(default.get("OPTIONS", {})),
            "TEST": {**default.get("TEST", {}), "NAME": None, "MIRROR": "default"},
        }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with PBKDF2 costs ~0.1 s a user; the suite creates hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _two_factor_off(settings):
    """Staff two-factor sign-in (decision 0026) is off for the suite: its tests sign staff in
    with ``force_login`` to test what lies behind the sign-in, which the second step would
    otherwise send to the code page. tests/workbench/test_two_factor.py turns it on."""
    settings.GONGKAI_STAFF_TWO_FACTOR = False


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test's client comes from 127.0.0.1: each starts with the rate limits' counters
    (kept in the cache, gongkai.core.ratelimit) at zero, whatever ran before it."""
    from django.core.cache import cache

    from gongkai.core import page_cache

    cache.clear()
    page_cache.LOCAL_PAGES.clear()  # each process's own copy of the pages (decision 0033)
    page_cache.PUBLIC_PATHS.clear()


@pytest.fixture(autouse=True)
def _no_page_cache_unless_asked(settings):
    """The public page cache (gongkai.core.page_cache) is off unless a test switches it on, as
    the tests of the cache do: a test's writes are never committed, so the cache would not hear
    of them and a page asked for twice would come back as it first was."""
    settings.GONGKAI_PAGE_CACHE = False
    # The same for what pages share (gongkai.core.shared_cache): kept under the generation,
    # which uncommitted writes never move on.
    settings.GONGKAI_SHARED_CACHE = False


@pytest.fixture(autouse=True)
def _page_visits_written_at_once(settings):
    """Page views (gongkai.catalogue.visits) are written at once unless a test asks for the
    buffer, as tests/catalogue/test_visits.py does; none is left over for the next test."""
    from gongkai.catalogue import visits

    settings.GONGKAI_VISIT_FLUSH_SECONDS = 0
    yield
    visits._buffer.take()


@pytest.fixture(autouse=True)
def _no_captcha_unless_asked(settings):
    """The CAPTCHA after repeated submissions (gongkai.core.captcha) would stop any test that
    sends more than a few forms from 127.0.0.1; it is off unless a test switches it on, as
    tests/core/test_captcha.py does for every public form."""
    settings.GONGKAI_CAPTCHA_AFTER = -1


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test reads the working-day calendar of its own database, not a table cached by
    another test (the calendar is cached per process and rebuilt when it changes)."""
    from gongkai.core.workdays import reload_calendar

    reload_calendar()
    yield
    reload_calendar()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Domain errors are asserted on in English; pages still render in the language the
    request negotiates (Simplified Chinese by default), since LocaleMiddleware activates it."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(scope="session", autouse=True)
def _english_in_shared_fixtures():
    """The same for the data module- and session-scoped fixtures load before any test's own
    fixtures (a demonstration's printed summary is asserted in English too)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _own_search_index(settings, tmp_path_factory):
    """Each test has its own (empty) Tantivy index: the database rolls back after a test, an
    index directory does not."""
    from gongkai.search.backends.tantivy import forget_indexes

    settings.GONGKAI_SEARCH_INDEX_DIR = tmp_path_factory.mktemp("search-index")
    yield
    forget_indexes()


# --- The browser (Playwright driving Debian's chromium, headless: docs/decisions/0008) --------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def allow_sync_orm_in_event_loop():
    """Playwright's sync API runs an event loop in the test's thread.

    The ORM calls made beside it (the test's data, the live server's database set-up and
    teardown) are still synchronous and safe, so Django's guard is lifted while the browser runs.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(django_db_setup, allow_sync_orm_in_event_loop):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make browser-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def private_media(settings, tmp_path):
    """Files stored by the test (exports, uploads) go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def exported(private_media, django_capture_on_commit_callbacks):
    """Press an export button (a POST to ``url``) as the signed-in ``client``, let the queued
    job run (the immediate backend, after the commit: the suite never commits, so the commit
    callbacks are run here), and download the file from "My exports" (decision 0041). Returns
    the download's response, or the button's own answer when it did not redirect there."""
    from django.urls import reverse

    from gongkai.core.models import Export

    def export(client, url, data=None):
        before = set(Export.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.post(url, data or {})
        if asked.status_code != 302:
            return asked
        assert asked["Location"] == reverse("workbench:exports")
        made = Export.objects.exclude(pk__in=before).get()
        return client.get(reverse("workbench:export_download", args=[made.pk]))

    return export
