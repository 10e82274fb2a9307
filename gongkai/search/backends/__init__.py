"""The backend for the database in use: FTS5 on SQLite, text search on PostgreSQL.

``GONGKAI_SEARCH_BACKEND`` (setting or environment variable: ``sqlite`` or ``postgres``) may
name one; it must suit the database vendor.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from gongkai.search.backends.base import SearchBackend
from gongkai.search.backends.postgres import PostgresBackend
from gongkai.search.backends.sqlite import SqliteBackend

BACKENDS: dict[str, type[SearchBackend]] = {"sqlite": SqliteBackend, "postgres": PostgresBackend}
_BY_VENDOR = {"sqlite": "sqlite", "postgresql": "postgres"}


def get_backend() -> SearchBackend:
    name = (
        getattr(settings, "GONGKAI_SEARCH_BACKEND", "")
        or os.environ.get("GONGKAI_SEARCH_BACKEND", "")
        or _BY_VENDOR.get(connection.vendor, "")
    )
    backend_class = BACKENDS.get(name)
    if backend_class is None:
        raise ImproperlyConfigured(f"No search backend {name!r} for {connection.vendor}.")
    if backend_class.vendor != connection.vendor:
        raise ImproperlyConfigured(
            f"The search backend {name!r} needs {backend_class.vendor}, not {connection.vendor}."
        )
    return backend_class()
