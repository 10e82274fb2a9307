"""The index follows publishing: after a commit that saved or deleted a document, one of its
versions or a list record, that one object is indexed again (or removed when it is no longer
public). A decoupled side concern, so a signal (STYLE.md); the engine never trusts the index
alone anyway — every hit is checked against the public selectors.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from gongkai.catalogue.models import Document, DocumentVersion, ListRecord
from gongkai.catalogue.signals import documents_imported

_UID = "gongkai.search"


def _document_changed(sender: Any, instance: Document, **kwargs: Any) -> None:
    from gongkai.search.indexing import index_document

    transaction.on_commit(partial(index_document, instance.pk))


def _version_changed(sender: Any, instance: DocumentVersion, **kwargs: Any) -> None:
    from gongkai.search.indexing import index_document

    transaction.on_commit(partial(index_document, instance.document_id))


def _record_changed(sender: Any, instance: ListRecord, **kwargs: Any) -> None:
    from gongkai.search.indexing import index_record

    transaction.on_commit(partial(index_record, instance.pk))


def _documents_imported(sender: Any, document_ids: list[int], **kwargs: Any) -> None:
    """A bulk import wrote its documents without model saves; index them now (it has
    committed already)."""
    from gongkai.search.indexing import index_document

    for document_id in document_ids:
        index_document(document_id)


def connect() -> None:
    documents_imported.connect(_documents_imported, dispatch_uid=f"{_UID}.imported")
    for signal in (post_save, post_delete):
        signal.connect(_document_changed, sender=Document, dispatch_uid=f"{_UID}.document")
        signal.connect(_version_changed, sender=DocumentVersion, dispatch_uid=f"{_UID}.version")
        signal.connect(_record_changed, sender=ListRecord, dispatch_uid=f"{_UID}.record")
