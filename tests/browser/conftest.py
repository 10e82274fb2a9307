"""Playwright driving Debian's chromium (docs/decisions/0008), headless."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.seeds import reseed

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


# The data migrations that seed a new installation: the working-day calendar, the catalogue's
# taxonomies and its list types. Each is idempotent.


@pytest.fixture(autouse=True)
def seeded_reference_data(transactional_db):
    """Browser tests are transactional: the flush after each one empties every table, including
    what the data migrations seeded. Run those seeds again before each test, whatever ran
    before (``serialized_rollback`` does not help once the live server holds other
    connections)."""
    reseed()
