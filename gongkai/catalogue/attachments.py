"""Attachment files: the type read from the content, the size limit, the hash and the text.

An attachment is accepted only as PDF, DOCX, XLSX, PNG, JPEG or GIF, and the type is what the
bytes are, whatever the name says: a PNG named ``x.pdf`` is a PNG, an HTML page named ``x.pdf``
is refused. Text is extracted from PDF, DOCX and XLSX for the search index and the
pre-publication screening; a file the reader cannot open is refused with a message saying so,
since its text could not be screened.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from gongkai.catalogue.workflow import CatalogueError

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # settings.GONGKAI_ATTACHMENT_MAX_BYTES overrides it
MAX_TEXT_CHARS = 2_000_000  # extracted text kept for search and screening
MAX_PDF_PAGES = 2_000
MAX_XLSX_CELLS = 500_000
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024  # an office file inflating past this is refused

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"

# Content type -> (label shown to people, usual extension).
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    PDF: ("PDF", "pdf"),
    DOCX: ("Word (DOCX)", "docx"),
    XLSX: ("Excel (XLSX)", "xlsx"),
    PNG: ("PNG", "png"),
    JPEG: ("JPEG", "jpg"),
    GIF: ("GIF", "gif"),
}
IMAGE_TYPES = frozenset({PNG, JPEG, GIF})


class AttachmentError(CatalogueError):
    """A file that cannot be attached; the message names the file and says why."""


@dataclass(frozen=True)
class InspectedFile:
    """What an upload turned out to be."""

    original_name: str
    content_type: str
    size: int
    sha256: str
    text: str

    @property
    def type_label(self) -> str:
        return ALLOWED_TYPES[self.content_type][0]


def max_bytes() -> int:
    """The size limit, read when needed (never at import time)."""
    return int(getattr(settings, "GONGKAI_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def clean_file_name(name: str) -> str:
    """The file's own name without any path, control characters or excess length."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(char for char in base if char.isprintable()).strip()
    if len(base) > 255:
        stem, dot, extension = base.rpartition(".")
        base = (stem[: 250 - len(extension)] + dot + extension) if dot else base[:255]
    return base or "attachment"


def _office_kind(head: IO[bytes]) -> str | None:
    """DOCX or XLSX by the parts inside the ZIP package; None for any other ZIP."""
    try:
        with zipfile.ZipFile(head) as package:
            names = set(package.namelist())
            if sum(info.file_size for info in package.infolist()) > MAX_UNZIPPED_BYTES:
                return None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def detect_content_type(stream: IO[bytes]) -> str | None:
    """The allowed type of the bytes in ``stream`` (read from the start), or None."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    content_type: str | None = None
    if head.startswith(b"%PDF-"):
        content_type = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        content_type = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        content_type = JPEG
    elif head.startswith((b"GIF87a", b"GIF89a")):
        content_type = GIF
    elif head.startswith(b"PK\x03\x04"):
        content_type = _office_kind(stream)
    stream.seek(0)
    return content_type


def _text_of_pdf(stream: IO[bytes]) -> str:
    from pypdf import PdfReader

    reader = PdfReader(stream)
    if reader.is_encrypted:
        # An empty user password opens many "protected" PDFs; otherwise the text is unknown.
        reader.decrypt("")
    parts: list[str] = []
    length = 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        length += len(text)
        if length > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _text_of_docx(stream: IO[bytes]) -> str:
    import docx

    document = docx.Document(stream)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    for section in document.sections:
        for block in (section.header, section.footer):
            parts.extend(paragraph.text for paragraph in block.paragraphs)
    return "\n".join(part for part in parts if part)


def _text_of_xlsx(stream: IO[bytes]) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    parts: list[str] = []
    cells = 0
    try:
        for sheet in workbook.worksheets:
            parts.append(str(sheet.title))
            for row in sheet.iter_rows(values_only=True):
                values = [str(value) for value in row if value is not None]
                cells += len(row)
                if values:
                    parts.append("\t".join(values))
                if cells > MAX_XLSX_CELLS:
                    break
    finally:
        workbook.close()
    return "\n".join(parts)


def _check_image(stream: IO[bytes]) -> None:
    from PIL import Image

    with Image.open(stream) as image:
        image.verify()


def extract_text(stream: IO[bytes], content_type: str) -> str:
    """The text of a PDF, DOCX or XLSX file ('' for images); raises on a broken file."""
    stream.seek(0)
    if content_type == PDF:
        text = _text_of_pdf(stream)
    elif content_type == DOCX:
        text = _text_of_docx(stream)
    elif content_type == XLSX:
        text = _text_of_xlsx(stream)
    else:
        _check_image(stream)
        text = ""
    stream.seek(0)
    return text.replace("\x00", "")[:MAX_TEXT_CHARS]


def inspect_upload(uploaded_file: UploadedFile) -> InspectedFile:
    """Check an upload and read what the catalogue needs from it; raises AttachmentError.

    Refuses a file over the size limit, an empty file, a type other than the allowed six (by
    content) and a file its reader cannot open.
    """
    name = clean_file_name(uploaded_file.name or "")
    size = uploaded_file.size or 0
    limit = max_bytes()
    if size > limit:
        raise AttachmentError(
            _("“%(name)s” is %(size)s; an attachment may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise AttachmentError(_("“%(name)s” is empty.") % {"name": name})
    digest = hashlib.sha256()
    buffer = io.BytesIO()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
        buffer.write(chunk)
        if buffer.tell() > limit:  # the declared size may understate the content
            raise AttachmentError(
                _("“%(name)s” is larger than %(limit)s, the limit for an attachment.")
                % {"name": name, "limit": filesizeformat(limit)}
            )
    uploaded_file.seek(0)
    content_type = detect_content_type(buffer)
    if content_type is None:
        raise AttachmentError(
            _(
                "“%(name)s” is not a PDF, Word (DOCX), Excel (XLSX), PNG, JPEG or GIF file "
                "(the type is read from the content, not the name)."
            )
            % {"name": name}
        )
    label = ALLOWED_TYPES[content_type][0]
    try:
        text = extract_text(buffer, content_type)
    except Exception as error:  # any reader failure means an unreadable file
        logger.info("Attachment %s refused as unreadable %s: %r", name, label, error)
        raise AttachmentError(
            _(
                "“%(name)s” cannot be read as a %(type)s file: it may be damaged or protected. "
                "Save it again and upload the new copy."
            )
            % {"name": name, "type": label}
        ) from error
    return InspectedFile(
        original_name=name,
        content_type=content_type,
        size=buffer.getbuffer().nbytes,
        sha256=digest.hexdigest(),
        text=text,
    )
