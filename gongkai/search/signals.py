"""The index follows publishing: after a commit that saved or deleted a document, one of its
versions or attachments, an interpretation link, a list record, or an object of a registered
source (``sources``: public Q&A, consultations on drafts), the objects whose index rows show it
are indexed again (or removed when no longer public). A decoupled side concern, so a signal
(STYLE.md); the engine never trusts the index alone anyway — every hit is checked against the
public selectors.

Each update is a queued job (``tasks``, docs/decisions/0031) asked for with the change: with
the database backend its row commits or rolls back with the change and a worker applies it;
with the immediate backend it runs in this process right after the commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from gongkai.catalogue.models import Attachment, Document, DocumentVersion, ListRecord
from gongkai.catalogue.signals import documents_imported
from gongkai.core.jobs import enqueue_with_change

if TYPE_CHECKING:
    from gongkai.search.sources import IndexSource, Watched

_UID = "gongkai.search"


def _document_changed(sender: Any, instance: Document, **kwargs: Any) -> None:
    from gongkai.search.tasks import index_document_and_interpretations

    enqueue_with_change(index_document_and_interpretations, instance.pk)


def _part_changed(sender: Any, instance: DocumentVersion | Attachment, **kwargs: Any) -> None:
    """A version or an attachment (its file or its extracted text) of a document."""
    from gongkai.search.tasks import index_document_and_interpretations

    enqueue_with_change(index_document_and_interpretations, instance.document_id)


def _interpretation_linked(
    sender: Any,
    instance: Document,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """An interpretation linked to or unlinked from a policy: the interpretation's row lists
    the policies it explains."""
    from gongkai.search.tasks import index_document

    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        targets = {instance.pk}
    elif action == "pre_clear":  # policy.interpretations.clear(): those linked until now
        targets = set(instance.interpretations.values_list("pk", flat=True))
    else:  # policy.interpretations changed: the interpretations are in pk_set
        targets = set(pk_set or ())
    for document_id in sorted(targets):
        enqueue_with_change(index_document, document_id)


def _record_changed(sender: Any, instance: ListRecord, **kwargs: Any) -> None:
    from gongkai.search.tasks import index_record

    enqueue_with_change(index_record, instance.pk)


def _documents_imported(
    sender: Any, document_ids: list[int], written: Any = None, **kwargs: Any
) -> None:
    """A bulk import wrote its documents without model saves; index them now (it has
    committed already), in batches: one engine commit a batch, not one a document, from what
    the import wrote (``written``) rather than from the documents read back."""
    from gongkai.search.indexing import index_documents

    index_documents(document_ids, written=written)


def _watcher(source: str, watched: Watched) -> Any:
    def changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        from gongkai.search.tasks import index_object

        object_id = watched.object_id(instance)
        if object_id is not None:
            enqueue_with_change(index_object, source, object_id)

    return changed


def watch(source: IndexSource) -> None:
    """Index ``source``'s object again after each commit that saved or deleted one of its
    watched models."""
    for watched in source.watched:
        handler = _watcher(source.source, watched)
        label = watched.model._meta.label_lower
        for signal in (post_save, post_delete):
            signal.connect(
                handler,
                sender=watched.model,
                weak=False,
                dispatch_uid=f"{_UID}.{source.source}.{label}",
            )


def connect() -> None:
    documents_imported.connect(_documents_imported, dispatch_uid=f"{_UID}.imported")
    m2m_changed.connect(
        _interpretation_linked, sender=Document.interprets.through, dispatch_uid=f"{_UID}.links"
    )
    for signal in (post_save, post_delete):
        signal.connect(_document_changed, sender=Document, dispatch_uid=f"{_UID}.document")
        signal.connect(_part_changed, sender=DocumentVersion, dispatch_uid=f"{_UID}.version")
        signal.connect(_part_changed, sender=Attachment, dispatch_uid=f"{_UID}.attachment")
        signal.connect(_record_changed, sender=ListRecord, dispatch_uid=f"{_UID}.record")
