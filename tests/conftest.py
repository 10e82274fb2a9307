"""Fixtures for the whole suite."""

from __future__ import annotations

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


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``postgres`` when the suite runs on SQLite."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass of make test)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing with PBKDF2 costs ~0.1 s a user; the suite creates hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture(autouse=True)
def _own_search_index(settings, tmp_path_factory):
    """Each test has its own (empty) Tantivy index: the database rolls back after a test, an
    index directory does not."""
    from gongkai.search.backends.tantivy import forget_indexes

    settings.GONGKAI_SEARCH_INDEX_DIR = tmp_path_factory.mktemp("search-index")
    yield
    forget_indexes()
