"""Index updates as queued jobs (docs/decisions/0031): the signals in ``signals`` enqueue one
with each change that alters what the public sees. Each re-reads the object through the public
selectors, so running one late, twice or out of order still leaves the right row."""

from __future__ import annotations

from django_tasks import task

from gongkai.search import indexing


@task()
def index_document_and_interpretations(document_id: int) -> None:
    """A document changed: index it and the interpretations whose rows hold its title."""
    indexing.index_document_and_interpretations(document_id)


@task()
def index_document(document_id: int) -> None:
    """An interpretation link changed: index the interpretation again."""
    indexing.index_document(document_id)


@task()
def index_record(record_id: int) -> None:
    """A list record changed: index it, or remove it when it is not public."""
    indexing.index_record(record_id)


@task()
def index_object(source: str, object_id: int) -> None:
    """An object of a registered source (public Q&A, consultations) changed."""
    indexing.index_object(source, object_id)
