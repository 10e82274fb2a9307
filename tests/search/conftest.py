"""Search fixtures: the catalogue's fixtures (documents published through the services) and a
helper that runs the index updates a commit would run."""

from __future__ import annotations

import pytest

from tests.catalogue.conftest import (  # noqa: F401 - fixtures
    _media_root,
    document_factory,
    editor,
    publish,
    published_document,
    reviewer,
)


@pytest.fixture(autouse=True, params=["tantivy", "tantivy-counting", "database"])
def search_backend(request, settings, monkeypatch):
    """Every search test runs on the embedded engine and on the database's own full-text
    search (FTS5 or PostgreSQL, whichever database the suite runs on). ``tantivy-counting``
    is the embedded engine as it answers a common word: the engine counts the matches and the
    facets, the database checks the page's hits."""
    if request.param == "tantivy-counting":
        monkeypatch.setattr("gongkai.search.backends.tantivy.EXACT_LIMIT", 0)
    settings.GONGKAI_SEARCH_BACKEND = request.param.removesuffix("-counting")
    return request.param


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """A context manager: what happens inside is committed, as far as the index is concerned."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
