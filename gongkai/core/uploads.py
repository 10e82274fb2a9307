"""Every file the platform accepts, checked in one place; every stored file served safely.

Issue 9, "Uploads" (decision 0027). An upload is held in memory and checked in this order,
and the first failed check refuses it with a message (translatable, naming the file and the
reason) before anything is written:

1. its size, against the limit of the field's policy (settings), and that it is not empty;
2. the virus scanner, when ``GONGKAI_CLAMAV`` names a clamd: an infected file is refused, and
   so is every file while the scanner cannot be reached ("try again later") — never accepted
   unscanned;
3. what the bytes are, whatever the name says (the ``filetype`` signatures and our own):
   programs and scripts (by content or by name), web pages, SVG and XML are refused on every
   field; a ZIP is checked for bombs (entry count, total inflated size, inflation ratio) and
   macros, ActiveX and external templates before anything inflates it; a PDF, PNG, JPEG or
   GIF with web-page markup in its first or last kilobyte (a polyglot) is refused;
4. the type, against the policy's allowed set; the name's extension must agree with the
   content (a name without extension gets the right one);
5. the structure: an image's pixel count (a decompression bomb is refused before decoding),
   a PDF must open and hold no JavaScript, launch action, XFA form or embedded file, a Word
   or Excel file must open, a text file must be UTF-8 or GB18030 without control characters;
6. what is stored is made safe: images are decoded and encoded again (metadata such as GPS
   positions and anything hidden in the file go), text is stored as UTF-8.

The result (:class:`InspectedFile`) carries the bytes to store, their hash and, for
documents, their text. Storage names are random (each model's ``upload_to``); the uploader's
name is kept only as data. Downloads go through :func:`file_response`: always an attachment,
``nosniff``, a sandboxing Content-Security-Policy, never an unknown content type.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import socket
import struct
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

MB = 1024 * 1024

# --------------------------------------------------------------------------- file types


@dataclass(frozen=True)
class FileType:
    """A type the platform may accept: what it is called, the extensions its name may have."""

    content_type: str
    label: str  # shown to people (a product name: not translated)
    extensions: tuple[str, ...]  # the first is the one given to a name without extension


PDF = FileType("application/pdf", "PDF", ("pdf",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word (DOCX)",
    ("docx",),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "Excel (XLSX)",
    ("xlsx",),
)
PNG = FileType("image/png", "PNG", ("png",))
JPEG = FileType("image/jpeg", "JPEG", ("jpg", "jpeg", "jpe", "jfif"))
GIF = FileType("image/gif", "GIF", ("gif",))
TXT = FileType("text/plain", "TXT", ("txt",))

FILE_TYPES: dict[str, FileType] = {
    file_type.content_type: file_type for file_type in (PDF, DOCX, XLSX, PNG, JPEG, GIF, TXT)
}
IMAGES = frozenset({PNG, JPEG, GIF})
# Never uploaded, but built by the platform's exports (core.exports) and downloaded as such.
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
OFFICE = frozenset({DOCX, XLSX})

# Names that say "program", "script" or "web page": refused whatever the bytes are, since a
# download keeps its name and the name decides what a desktop does with it.
# fmt: off
EXECUTABLE_EXTENSIONS = frozenset([
    "exe", "dll", "com", "scr", "pif", "cpl", "msi", "msp", "msc", "bat", "cmd", "ps1", "psm1",
    "vbs", "vbe", "js", "jse", "mjs", "wsf", "wsh", "hta", "lnk", "jar", "apk", "app", "dmg",
    "deb", "rpm", "sh", "bash", "zsh", "csh", "ksh", "py", "pyc", "pl", "rb", "php", "php3",
    "php5", "phtml", "asp", "aspx", "jsp", "cgi", "reg", "inf", "sys", "drv", "ocx", "gadget",
    "application",
])
MARKUP_EXTENSIONS = frozenset([
    "html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml", "svg", "svgz", "xml", "xsl", "xslt",
])
# fmt: on

# Signatures of programs that filetype does not know (Mach-O, Java class) or knows as archives.
_PROGRAM_MAGIC = (
    b"MZ",  # Windows (also .dll, .scr)
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
    b"#!",  # a script with its interpreter
)
_PROGRAM_MIMES = frozenset(
    {
        "application/x-msdownload",
        "application/x-executable",
        "application/x-shockwave-flash",
        "application/wasm",
        "application/x-google-chrome-extension",
        "application/x-deb",
        "application/x-rpm",
        "application/vnd.ms-cab-compressed",
        "application/postscript",  # a programming language, run by some viewers
    }
)
_OLE_MIMES = frozenset({"application/msword", "application/vnd.ms-excel"})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Markup a browser would run if it ever sniffed the file as HTML: looked for in the first and
# last kilobyte of every binary file (MIME sniffing reads the first 512 bytes).
_MARKUP_RE = re.compile(
    rb"<\s*(script|html|body|head|iframe|frame|svg|object|embed|img|meta|link|style|form|base)"
    rb"(?=[\s/>])|<!doctype\s+html|<\?php|javascript:",  # whole tag names: not <metadata>
    re.IGNORECASE,
)
_SNIFF_BYTES = 1024
# A text file that starts like markup is a web page, an SVG or XML document.
_MARKUP_START_RE = re.compile(r"\A\s*<\s*[a-zA-Z!?]")

# --------------------------------------------------------------------------- limits

MAX_TEXT_CHARS = 2_000_000  # extracted text kept for search and screening
MAX_PDF_PAGES = 2_000
MAX_PDF_OBJECTS = 200_000
MAX_XLSX_CELLS = 500_000
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_UNZIPPED = 200 * MB  # what an office file may inflate to, in all
ZIP_MAX_RATIO = 100  # inflated / compressed, for anything inflating past ZIP_RATIO_FLOOR
ZIP_RATIO_FLOOR = 10 * MB
DEFAULT_MAX_PIXELS = 50_000_000
CLAMD_CHUNK = 64 * 1024


# --------------------------------------------------------------------------- policies


@dataclass(frozen=True)
class UploadPolicy:
    """What one kind of upload field accepts: the types and the size limit (a setting)."""

    key: str  # in settings.GONGKAI_UPLOAD_MAX_BYTES
    types: tuple[FileType, ...]
    default_max_bytes: int
    types_label: str | Promise  # "PDF, Word (DOCX) … or GIF", for messages
    extract_text: bool = True  # documents: for search and screening; workbooks: read later

    def max_bytes(self) -> int:
        """The size limit, read when needed (never at import time)."""
        if self.key == "document":  # the setting the catalogue always had
            return int(getattr(settings, "GONGKAI_ATTACHMENT_MAX_BYTES", self.default_max_bytes))
        limits = getattr(settings, "GONGKAI_UPLOAD_MAX_BYTES", None) or {}
        return int(limits.get(self.key, self.default_max_bytes))

    @property
    def accept(self) -> str:
        """The ``accept`` attribute of a file input offering these types."""
        return ",".join(f".{extension}" for kind in self.types for extension in kind.extensions)

    def allows(self, file_type: FileType) -> bool:
        return file_type in self.types


_DOCUMENT_TYPES = (PDF, DOCX, XLSX, PNG, JPEG, GIF)
_DOCUMENT_LABEL = gettext_lazy("PDF, Word (DOCX), Excel (XLSX), PNG, JPEG or GIF")

# Attachments of catalogue documents and consultations on drafts: public once published.
DOCUMENT_ATTACHMENT = UploadPolicy("document", _DOCUMENT_TYPES, 50 * MB, _DOCUMENT_LABEL)
# Files the public sends (letters; staff register a paper letter's scans under it too).
CITIZEN_ATTACHMENT = UploadPolicy(
    "citizen",
    (*_DOCUMENT_TYPES, TXT),
    10 * MB,
    gettext_lazy("PDF, Word (DOCX), Excel (XLSX), plain text (TXT), PNG, JPEG or GIF"),
)
# Files of an application's case: scans of the original and the identity document, the
# information released.
CASE_FILE = UploadPolicy("case", _DOCUMENT_TYPES, 50 * MB, _DOCUMENT_LABEL)
# Evidence of key tasks, notice answers and hand scores: private to staff.
EVIDENCE = UploadPolicy("evidence", _DOCUMENT_TYPES, 20 * MB, _DOCUMENT_LABEL)
# A workbook to import (structured lists): read by openpyxl afterwards.
WORKBOOK = UploadPolicy(
    "workbook", (XLSX,), 10 * MB, gettext_lazy("Excel (XLSX)"), extract_text=False
)


# --------------------------------------------------------------------------- refusals


class UploadRefused(ValueError):
    """An upload that is not accepted; ``message`` is translated and names the file,
    ``reason`` is one of the constants below (for tests and logs)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


TOO_LARGE = "too_large"
EMPTY = "empty"
INFECTED = "infected"
SCANNER_UNAVAILABLE = "scanner_unavailable"
PROGRAM = "program"
MARKUP = "markup"
POLYGLOT = "polyglot"
ZIP_BOMB = "zip_bomb"
ACTIVE_CONTENT = "active_content"
OLD_OFFICE = "old_office"
NOT_ALLOWED = "not_allowed"
EXTENSION_MISMATCH = "extension_mismatch"
IMAGE_TOO_LARGE = "image_too_large"
PDF_ACTIVE = "pdf_active"
PDF_EMBEDDED = "pdf_embedded"
UNREADABLE = "unreadable"


def _refuse(reason: str, message: str, **values: Any) -> UploadRefused:
    return UploadRefused(message % values, reason=reason)


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class InspectedFile:
    """What an upload turned out to be, and the bytes to store (images encoded afresh)."""

    original_name: str
    content_type: str
    size: int
    sha256: str
    text: str
    data: bytes = field(default=b"", repr=False, compare=False)

    @property
    def type_label(self) -> str:
        return FILE_TYPES[self.content_type].label

    def as_file(self) -> ContentFile[bytes]:
        """The bytes to store, for ``FieldFile.save`` (the storage name is random anyway)."""
        return ContentFile(self.data, name=self.original_name)


def clean_file_name(name: str) -> str:
    """The file's own name without any path, control or direction-changing characters
    (a right-to-left override makes ``exe.pdf`` of ``fdp.exe``) or excess length."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(char for char in base if char.isprintable()).strip().strip(".").strip()
    if len(base) > 240:  # room for an extension added later, within the 255 of the models
        stem, dot, extension = base.rpartition(".")
        base = (stem[: 235 - len(extension)] + dot + extension) if dot else base[:240]
    return base or "file"


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


# --------------------------------------------------------------------------- the check


def inspect_upload(
    uploaded_file: UploadedFile | IO[bytes], *, policy: UploadPolicy, fix_extension: bool = False
) -> InspectedFile:
    """Check an upload against ``policy`` and make it safe to store; raises UploadRefused.

    A name whose extension disagrees with the content is refused, so that the uploader
    renames it; ``fix_extension`` gives it the right extension instead (a bulk import of a
    legacy archive, where nobody is there to rename). Nothing is written: the caller stores
    ``InspectedFile.data`` (``as_file()``) only after this returned.
    """
    name = clean_file_name(getattr(uploaded_file, "name", "") or "")
    data = _read(uploaded_file, name, policy.max_bytes())
    scan_for_viruses(data, name=name)
    file_type = _identify(data, name, policy)
    name = _check_name(name, file_type, fix=fix_extension)
    stored, text = _make_safe(data, name, file_type, policy)
    return InspectedFile(
        original_name=name,
        content_type=file_type.content_type,
        size=len(stored),
        sha256=hashlib.sha256(stored).hexdigest(),
        text=text.replace("\x00", "")[:MAX_TEXT_CHARS],
        data=stored,
    )


def _read(uploaded_file: UploadedFile | IO[bytes], name: str, limit: int) -> bytes:
    declared = getattr(uploaded_file, "size", None) or 0
    if declared > limit:
        raise _refuse(
            TOO_LARGE,
            _("“%(name)s” is %(size)s; an attachment may be at most %(limit)s."),
            name=name,
            size=filesizeformat(declared),
            limit=filesizeformat(limit),
        )
    buffer = io.BytesIO()
    uploaded_file.seek(0)
    chunks = uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else _chunks(uploaded_file)
    for chunk in chunks:
        buffer.write(chunk)
        if buffer.tell() > limit:  # the declared size may understate the content
            raise _refuse(
                TOO_LARGE,
                _("“%(name)s” is larger than %(limit)s, the limit for an attachment."),
                name=name,
                limit=filesizeformat(limit),
            )
    uploaded_file.seek(0)
    if buffer.tell() == 0:
        raise _refuse(EMPTY, _("“%(name)s” is empty."), name=name)
    return buffer.getvalue()


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CLAMD_CHUNK):
        yield chunk


def _not_allowed(name: str, policy: UploadPolicy) -> UploadRefused:
    return _refuse(
        NOT_ALLOWED,
        _("“%(name)s” is not a %(types)s file (the type is read from the content, not the name)."),
        name=name,
        types=policy.types_label,
    )


def _program(name: str, policy: UploadPolicy) -> UploadRefused:
    return _refuse(
        PROGRAM,
        _("“%(name)s” is not a %(types)s file: it is a program or a script, never accepted here."),
        name=name,
        types=policy.types_label,
    )


def _markup(name: str, policy: UploadPolicy) -> UploadRefused:
    return _refuse(
        MARKUP,
        _(
            "“%(name)s” is not a %(types)s file: it is a web page, an SVG or an XML document, "
            "never accepted here."
        ),
        name=name,
        types=policy.types_label,
    )


def _identify(data: bytes, name: str, policy: UploadPolicy) -> FileType:
    """The allowed type the bytes are; refuses anything dangerous or not allowed."""
    import filetype

    extension = _extension(name)
    if extension in EXECUTABLE_EXTENSIONS:
        raise _program(name, policy)
    if extension in MARKUP_EXTENSIONS:
        raise _markup(name, policy)
    head = data[:8192]
    guessed = filetype.guess(head)
    mime = guessed.mime if guessed is not None else ""
    if head.startswith(_PROGRAM_MAGIC) or mime in _PROGRAM_MIMES:
        raise _program(name, policy)
    if head.startswith(_OLE_MAGIC) or mime in _OLE_MIMES:
        raise _refuse(
            OLD_OFFICE,
            _(
                "“%(name)s” is in the old Word or Excel format (.doc, .xls) or is protected by "
                "a password; save it as an unprotected .docx or .xlsx and upload it again."
            ),
            name=name,
        )
    found: FileType | None = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith((b"GIF87a", b"GIF89a")):
        found = GIF
    elif head.startswith(b"PK\x03\x04"):
        found = _office_kind(data, name, policy)
    elif guessed is None:
        found = _text_kind(data, name, policy)
    if found is None:
        raise _not_allowed(name, policy)
    if found not in OFFICE and found is not TXT and _hides_markup(data):
        raise _refuse(
            POLYGLOT,
            _(
                "“%(name)s” is a %(type)s file with web-page code hidden in it and is refused. "
                "Save or export it again and upload the new copy."
            ),
            name=name,
            type=found.label,
        )
    if not policy.allows(found):
        raise _not_allowed(name, policy)
    return found


def _hides_markup(data: bytes) -> bool:
    return bool(_MARKUP_RE.search(data[:_SNIFF_BYTES]) or _MARKUP_RE.search(data[-_SNIFF_BYTES:]))


def _text_kind(data: bytes, name: str, policy: UploadPolicy) -> FileType | None:
    """TXT for plain text in UTF-8 or GB18030; refuses markup; None for anything else."""
    text = _decode_text(data)
    if text is None:
        return None
    if _MARKUP_START_RE.match(text) or _MARKUP_RE.search(data[:_SNIFF_BYTES]):
        raise _markup(name, policy)
    return TXT


def _decode_text(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ord(char) < 32 and char not in "\t\n\r\f" for char in text):
            return None
        return text
    return None


# --- ZIP packages (Word and Excel) ----------------------------------------------------------

_MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)", re.IGNORECASE)
_EXTERNAL_TEMPLATE = re.compile(
    rb"relationships/(attachedTemplate|oleObject|frame|subDocument)\"[^>]*TargetMode=\"External\"|"
    rb"TargetMode=\"External\"[^>]*relationships/(attachedTemplate|oleObject|frame|subDocument)\"",
    re.IGNORECASE,
)


def _office_kind(data: bytes, name: str, policy: UploadPolicy) -> FileType | None:
    """DOCX or XLSX, after the checks that must come before anything inflates the package;
    None for any other ZIP."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    with package:
        infos = package.infolist()
        _check_bomb(infos, name, policy)
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names:
            return None
        kind = XLSX if "xl/workbook.xml" in names else DOCX
        if any(info.flag_bits & 0x1 for info in infos):  # an encrypted entry
            raise _unreadable(name, kind)
        try:
            active = any(_MACRO_PARTS.search(part) for part in names) or (
                b"macroEnabled" in _read_small(package, "[Content_Types].xml")
            )
            active = active or any(
                _EXTERNAL_TEMPLATE.search(_read_small(package, part))
                for part in names
                if part.endswith(".rels")
            )
        except Exception as error:  # a damaged entry, an unknown compression method …
            raise _unreadable(name, kind) from error
        if active:
            raise _refuse(
                ACTIVE_CONTENT,
                _(
                    "“%(name)s” holds macros, ActiveX controls or links to templates elsewhere; "
                    "save it as a plain .docx or .xlsx without them and upload it again."
                ),
                name=name,
            )
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _check_bomb(infos: list[zipfile.ZipInfo], name: str, policy: UploadPolicy) -> None:
    """Refuse a package that would inflate far beyond its size. The sizes are the declared
    ones: Python's zipfile never inflates an entry past its declared size (and then fails its
    CRC), and every reader used here is Python's."""
    inflated = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    too_many = len(infos) > ZIP_MAX_ENTRIES
    too_big = inflated > ZIP_MAX_UNZIPPED
    too_dense = inflated > ZIP_RATIO_FLOOR and inflated > ZIP_MAX_RATIO * max(compressed, 1)
    if too_many or too_big or too_dense:
        raise _refuse(
            ZIP_BOMB,
            _(
                "“%(name)s” would unpack to %(inflated)s in %(count)d parts, far more than a "
                "real document; it is refused."
            ),
            name=name,
            inflated=filesizeformat(inflated),
            count=len(infos),
        )


def _read_small(package: zipfile.ZipFile, part: str, limit: int = MB) -> bytes:
    with package.open(part) as handle:
        return handle.read(limit)


def stored_bytes(data: bytes, inspected: InspectedFile) -> bytes:
    """The bytes to store for ``data`` that :func:`inspect_upload` accepted as ``inspected``
    without keeping them (a bulk import): the same input gives the same safe copy."""
    file_type = FILE_TYPES[inspected.content_type]
    if file_type in IMAGES:
        return _encode_image_again(data, inspected.original_name, file_type)
    if file_type is TXT:
        return (_decode_text(data) or "").encode("utf-8")
    return data


# --------------------------------------------------------------------------- the name


def _check_name(name: str, file_type: FileType, *, fix: bool) -> str:
    extension = _extension(name)
    if not extension:
        return f"{name}.{file_type.extensions[0]}"
    if extension not in file_type.extensions and fix:
        return f"{name.rpartition('.')[0]}.{file_type.extensions[0]}"
    if extension not in file_type.extensions:
        raise _refuse(
            EXTENSION_MISMATCH,
            _(
                "“%(name)s” is a %(type)s file, but its name ends in “.%(extension)s”. "
                "Rename it to end in “.%(expected)s” and upload it again."
            ),
            name=name,
            type=file_type.label,
            extension=extension,
            expected=file_type.extensions[0],
        )
    return name


# --------------------------------------------------------------------------- the structure


def _unreadable(name: str, file_type: FileType) -> UploadRefused:
    return _refuse(
        UNREADABLE,
        _(
            "“%(name)s” cannot be read as a %(type)s file: it may be damaged or protected. "
            "Save it again and upload the new copy."
        ),
        name=name,
        type=file_type.label,
    )


def _make_safe(
    data: bytes, name: str, file_type: FileType, policy: UploadPolicy
) -> tuple[bytes, str]:
    """The bytes to store and the text, or UploadRefused for a file its reader rejects."""
    try:
        if file_type in IMAGES:
            return _encode_image_again(data, name, file_type), ""
        if file_type is TXT:
            text = _decode_text(data) or ""
            return text.encode("utf-8"), text
        if file_type is PDF:
            text = _check_pdf(data, name, extract=policy.extract_text)
            return data, text
        if not policy.extract_text:
            return data, ""
        if file_type is DOCX:
            return data, _text_of_docx(io.BytesIO(data))
        return data, _text_of_xlsx(io.BytesIO(data))
    except UploadRefused:
        raise
    except Exception as error:  # any reader failure means an unreadable file
        logger.info("Upload refused as unreadable %s: %r", file_type.label, error)
        raise _unreadable(name, file_type) from error


# --- images ---------------------------------------------------------------------------------


def max_pixels() -> int:
    return int(getattr(settings, "GONGKAI_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


_PILLOW_FORMATS = {PNG: {"PNG"}, JPEG: {"JPEG", "MPO"}, GIF: {"GIF"}}


def _encode_image_again(data: bytes, name: str, file_type: FileType) -> bytes:
    """Decode the image and encode its pixels afresh: EXIF (GPS positions, camera serials),
    comments, text chunks and anything appended or hidden in the file are not kept; the
    colour profile, transparency and animation are. The pixel count (times frames) is checked
    before decoding."""
    from PIL import Image, ImageOps

    limit = max_pixels()
    too_large = _refuse(
        IMAGE_TOO_LARGE,
        _(
            "“%(name)s” has too many pixels to be opened safely (at most %(limit)s million); "
            "make the image smaller and upload it again."
        ),
        name=name,
        limit=f"{limit / 1_000_000:g}",
    )
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        raise too_large from error
    with image:
        if image.format not in _PILLOW_FORMATS[file_type]:
            raise ValueError(f"{image.format} where {file_type.label} was found")
        width, height = image.size
        frames = int(getattr(image, "n_frames", 1) or 1)
        if width * height * frames > limit:
            raise too_large
        kept = {
            key: image.info[key]
            for key in ("transparency", "duration", "loop")
            if key in image.info
        }
        icc_profile = image.info.get("icc_profile")
        out = io.BytesIO()
        options: dict[str, Any] = {k: v for k, v in kept.items() if v is not None}
        if icc_profile:
            options["icc_profile"] = icc_profile
        if file_type is JPEG:
            orientation = image.getexif().get(0x0112, 1)
            if orientation not in (1, None):
                turned = ImageOps.exif_transpose(image)
                turned.info = {}
                turned.save(out, format="JPEG", quality=90, **options)
            else:
                image.load()
                image.info = {}
                image.save(out, format="JPEG", quality="keep", subsampling="keep", **options)
        else:
            image.load()
            image.info = {}
            pillow_format = "PNG" if file_type is PNG else "GIF"
            image.save(out, format=pillow_format, save_all=frames > 1, **options)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------

_PDF_ACTION_TYPES = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"})
_PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/XFA", "/RichMedia"})
_PDF_EMBEDDED_KEYS = frozenset({"/EmbeddedFiles", "/EmbeddedFile"})
# Long enough never to occur by chance in compressed data (unlike /JS or /XFA).
_PDF_RAW_ACTIVE = re.compile(rb"/(JavaScript|Launch)\b")


def _check_pdf(data: bytes, name: str, *, extract: bool) -> str:
    """Open the PDF, refuse active content and embedded files, return its text.

    Every object in the cross-reference tables (object streams included) is read by pypdf,
    which decodes escaped names (``/J#61vaScript``); the raw bytes are searched as well, for
    objects a damaged table would hide from pypdf but not from a lenient viewer.
    """
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        # An empty user password opens many "protected" PDFs; otherwise it cannot be checked.
        reader.decrypt("")
    finding = "active" if _PDF_RAW_ACTIVE.search(data) else ""
    numbers = [
        (number, generation) for generation, table in reader.xref.items() for number in table
    ]
    numbers += [(number, 0) for number in reader.xref_objStm]
    if len(numbers) > MAX_PDF_OBJECTS:
        raise ValueError("too many objects")
    for number, generation in numbers:
        if finding == "active":
            break
        try:
            found = reader.get_object(IndirectObject(number, generation, reader))
        except Exception:  # noqa: S112  # a damaged object: reading the pages will tell
            continue
        finding = _pdf_finding(found) or finding
    if finding == "active":
        raise _refuse(
            PDF_ACTIVE,
            _(
                "“%(name)s” is a PDF with scripts, actions that start programs or a dynamic "
                "form; print it to a new PDF (or save it without them) and upload that copy."
            ),
            name=name,
        )
    if finding == "embedded":
        raise _refuse(
            PDF_EMBEDDED,
            _("“%(name)s” is a PDF with other files embedded in it; upload those files apart."),
            name=name,
        )
    if not reader.pages:
        raise ValueError("no pages")
    if not extract:
        return ""
    parts: list[str] = []
    length = 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        length += len(text)
        if length > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _pdf_finding(value: Any, depth: int = 0) -> str:
    """ "active", "embedded" or "" for one object, looking into its direct dictionaries and
    arrays (indirect ones are visited on their own)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if depth > 32 or isinstance(value, IndirectObject):
        return ""
    finding = ""
    if isinstance(value, DictionaryObject):  # streams are dictionaries too
        for key, item in value.items():
            if key in _PDF_ACTIVE_KEYS:
                return "active"
            if key == "/S" and item in _PDF_ACTION_TYPES:
                return "active"
            if key == "/Subtype" and item == "/RichMedia":
                return "active"
            if key in _PDF_EMBEDDED_KEYS or (key == "/Type" and item == "/EmbeddedFile"):
                finding = "embedded"
            found = _pdf_finding(item, depth + 1)
            if found == "active":
                return found
            finding = found or finding
    elif isinstance(value, ArrayObject):
        for item in value:
            found = _pdf_finding(item, depth + 1)
            if found == "active":
                return found
            finding = found or finding
    return finding


# --- Word and Excel text --------------------------------------------------------------------


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


# --------------------------------------------------------------------------- ClamAV


class ScannerUnavailable(OSError):
    """clamd could not be reached or did not answer as expected."""


def clamav_address() -> str:
    """``GONGKAI_CLAMAV``: ``unix:/run/clamav/clamd.ctl`` or ``tcp:host:3310``; '' for none."""
    return str(getattr(settings, "GONGKAI_CLAMAV", "") or "")


def _clamd_socket(address: str, timeout: float) -> socket.socket:
    kind, _sep, where = address.partition(":")
    if kind == "unix" and where:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(where)
        except OSError:
            connection.close()
            raise
        return connection
    if kind == "tcp" and where:
        host, _sep, port = where.rpartition(":")
        return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    raise ImproperlyConfigured(
        f"GONGKAI_CLAMAV must be unix:/path/to/clamd.ctl or tcp:host:port, not {address!r}."
    )


def clamd_scan(data: bytes, *, address: str, timeout: float = 30.0) -> str | None:
    """Stream ``data`` to clamd (the INSTREAM command); the signature found, or None when
    clean. Raises ScannerUnavailable when clamd cannot be reached or answers an error
    (a stream over its ``StreamMaxLength`` among them)."""
    try:
        with _clamd_socket(address, timeout) as connection:
            connection.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CLAMD_CHUNK):
                chunk = data[start : start + CLAMD_CHUNK]
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0") and len(reply) < 4096:
                received = connection.recv(4096)
                if not received:
                    break
                reply += received
    except (OSError, ValueError) as error:
        raise ScannerUnavailable(f"clamd at {address}: {error}") from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    _stream, _sep, result = answer.partition(": ")
    if result == "OK":
        return None
    if result.endswith(" FOUND"):
        return result[: -len(" FOUND")].strip() or "unknown"
    raise ScannerUnavailable(f"clamd at {address} answered {answer!r}")


def scan_for_viruses(data: bytes, *, name: str) -> None:
    """Refuse an infected file, and every file while the configured scanner is unreachable;
    nothing happens when no scanner is configured."""
    address = clamav_address()
    if not address:
        return
    timeout = float(getattr(settings, "GONGKAI_CLAMAV_TIMEOUT", 30))
    try:
        signature = clamd_scan(data, address=address, timeout=timeout)
    except ScannerUnavailable as error:
        logger.warning("Upload refused: the virus scanner is unavailable (%s).", error)
        raise _refuse(
            SCANNER_UNAVAILABLE,
            _(
                "“%(name)s” could not be checked for viruses just now, so it was not accepted. "
                "Try again later."
            ),
            name=name,
        ) from error
    if signature is not None:
        logger.warning("Upload refused: the virus scanner found %s.", signature)
        raise _refuse(
            INFECTED,
            _("“%(name)s” was refused: the virus scanner found %(signature)s in it."),
            name=name,
            signature=signature,
        )


# --------------------------------------------------------------------------- serving

FILE_CSP = "sandbox; default-src 'none'"
_UNSAFE_NAME_RE = re.compile(r"[\x00-\x1f\x7f/\\]+")


def content_disposition(name: str) -> str:
    """``attachment`` with the original file name (RFC 6266 and RFC 5987).

    ``filename*`` carries the exact UTF-8 name; ``filename`` an ASCII stand-in for old clients.
    """
    name = _UNSAFE_NAME_RE.sub("_", unicodedata.normalize("NFC", name)).strip() or "download"
    fallback = "".join(c if c.isascii() and c not in '"%;\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(
    handle: IO[bytes], *, filename: str, content_type: str, private: bool = True
) -> FileResponse:
    """A stored file as a download: always an attachment under its original name (never
    shown inline on the site's domain), ``nosniff``, a sandbox policy in case a browser shows
    it anyway, only the types the platform accepts (anything else as octet-stream), and for a
    non-public file no caching anywhere but the browser that asked."""
    if content_type == TXT.content_type:
        content_type = "text/plain; charset=utf-8"
    elif content_type not in FILE_TYPES and content_type != CSV_CONTENT_TYPE:
        content_type = "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(clean_file_name(filename))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
