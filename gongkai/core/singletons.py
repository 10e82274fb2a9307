"""Settings rows that exist once (the site's identity, an app's settings): whether each exists.

The admin offers "add" for such a model only while it has no row, and its side bar asks every
one of them on every admin page. :func:`singleton_exists` answers for all the registered models
in one query a request (``SELECT EXISTS(…), EXISTS(…)``) instead of one query each.
"""

from __future__ import annotations

from django.db import connections, models, router

from gongkai.core.context import once_a_request

_models: list[type[models.Model]] = []


def register_singleton(model: type[models.Model]) -> type[models.Model]:
    """Count ``model`` among the singletons asked together (in its app's ``admin.py``)."""
    if model not in _models:
        _models.append(model)
    return model


def _existing(alias: str) -> tuple[frozenset[type[models.Model]], frozenset[type[models.Model]]]:
    """The models asked (those registered, read from ``alias``) and those of them with a row."""
    asked = [model for model in _models if router.db_for_read(model) == alias]
    connection = connections[alias]
    quote = connection.ops.quote_name
    columns = ", ".join(
        f"EXISTS(SELECT 1 FROM {quote(model._meta.db_table)})"  # noqa: S608 - table names
        for model in asked
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        row = cursor.fetchone()
    found = frozenset(model for model, present in zip(asked, row, strict=True) if present)
    return frozenset(asked), found


def singleton_exists(model: type[models.Model]) -> bool:
    """Whether ``model`` has a row: asked for every registered singleton at once, once a
    request (memoised only within a request; a request that adds the row sees it from the
    next request on)."""
    alias = router.db_for_read(model) or "default"
    if model in _models:
        asked, found = once_a_request(("core.singletons", alias), lambda: _existing(alias))
        if model in asked:
            return model in found
    return model._base_manager.using(alias).exists()
