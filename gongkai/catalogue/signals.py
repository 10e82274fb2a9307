"""Signals the catalogue sends for side concerns, such as the search index.

Ordinary saves already send Django's model signals; a bulk import writes its rows without model
saves (for speed), so it says what it created once its transaction has committed.
"""

from django.dispatch import Signal

# Sent after a bulk import commits, with ``document_ids``: the documents it created, and
# ``written``: for each of them (by id) the document, its version and its attachments as the
# import wrote them (``bulk_import.WrittenDocument``), so that a receiver need not read them back.
documents_imported = Signal()
