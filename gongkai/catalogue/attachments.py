"""Attachment files of documents: the checks of ``gongkai.core.uploads`` under the document
policy (PDF, DOCX, XLSX, PNG, JPEG or GIF by content, the name agreeing, at most
``GONGKAI_ATTACHMENT_MAX_BYTES``), raised as the catalogue's own error.

Text is extracted from PDF, DOCX and XLSX for the search index and the pre-publication
screening; a file the reader cannot open is refused with a message saying so, since its text
could not be screened. Images are stored encoded afresh, without their metadata.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from gongkai.catalogue.workflow import CatalogueError
from gongkai.core import uploads
from gongkai.core.uploads import InspectedFile, clean_file_name

__all__ = ["AttachmentError", "InspectedFile", "clean_file_name", "inspect_upload", "max_bytes"]

POLICY = uploads.DOCUMENT_ATTACHMENT


class AttachmentError(CatalogueError):
    """A file that cannot be attached; the message names the file and says why."""

    def __init__(self, message: str, *, reason: str = "", field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.reason = reason


def max_bytes() -> int:
    """The size limit, read when needed (never at import time)."""
    return POLICY.max_bytes()


def inspect_upload(uploaded_file: UploadedFile, *, fix_extension: bool = False) -> InspectedFile:
    """Check an upload and read what the catalogue needs from it; raises AttachmentError.
    ``fix_extension``: see ``core.uploads.inspect_upload`` (the bulk import)."""
    try:
        return uploads.inspect_upload(uploaded_file, policy=POLICY, fix_extension=fix_extension)
    except uploads.UploadRefused as refused:
        raise AttachmentError(refused.message, reason=refused.reason) from None
