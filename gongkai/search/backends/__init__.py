"""The search backend in use, chosen by ``GONGKAI_SEARCH_BACKEND`` (setting or environment):

- ``tantivy`` (the default): the embedded Tantivy engine in ``GONGKAI_SEARCH_INDEX_DIR``, with
  either database; the fastest, for one machine (see docs/decisions/0012);
- ``database``: the database's own full-text search — FTS5 on SQLite, ``tsvector`` on
  PostgreSQL — for several application servers without a shared disk;
- ``sqlite`` or ``postgres``: the same, named explicitly (they must suit the database).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from gongkai.search.backends.base import SearchBackend
from gongkai.search.backends.postgres import PostgresBackend
from gongkai.search.backends.sqlite import SqliteBackend
from gongkai.search.backends.tantivy import TantivyBackend

BACKENDS: dict[str, type[SearchBackend]] = {
    "tantivy": TantivyBackend,
    "sqlite": SqliteBackend,
    "postgres": PostgresBackend,
}
_BY_VENDOR = {"sqlite": "sqlite", "postgresql": "postgres"}
DEFAULT = "tantivy"


def backend_name() -> str:
    name = (
        getattr(settings, "GONGKAI_SEARCH_BACKEND", "")
        or os.environ.get("GONGKAI_SEARCH_BACKEND", "")
        or DEFAULT
    )
    if name == "database":
        name = _BY_VENDOR.get(connection.vendor, "")
    return name


def get_backend() -> SearchBackend:
    name = backend_name()
    backend_class = BACKENDS.get(name)
    if backend_class is None:
        raise ImproperlyConfigured(f"No search backend {name!r} for {connection.vendor}.")
    if connection.vendor not in backend_class.vendors:
        raise ImproperlyConfigured(
            f"The search backend {name!r} does not work with {connection.vendor}."
        )
    return backend_class()
