"""Shared catalogue fixtures: staff of the ``agency`` fixture and documents made through the
services, so that every test reaches its state the way a person would."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from gongkai.agencies.models import StaffRole
from gongkai.catalogue.models import Document


@pytest.fixture
def editor(db, agency, staff_role_factory):
    """An editor (信息员) of ``agency``."""
    return staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user


@pytest.fixture
def reviewer(db, agency, staff_role_factory):
    """A reviewer (审核人) of ``agency``: approves what the editor submits."""
    return staff_role_factory(agency=agency, role=StaffRole.Role.REVIEWER).user


@pytest.fixture
def office_user(db, agency, staff_role_factory):
    """A member of the disclosure office (公开办)."""
    return staff_role_factory(agency=agency, role=StaffRole.Role.OFFICE).user


@pytest.fixture
def other_editor(db, other_agency, staff_role_factory):
    """An editor of ``other_agency``."""
    return staff_role_factory(agency=other_agency, role=StaffRole.Role.EDITOR).user


@pytest.fixture
def other_reviewer(db, other_agency, staff_role_factory):
    """A reviewer of ``other_agency``."""
    return staff_role_factory(agency=other_agency, role=StaffRole.Role.REVIEWER).user


@pytest.fixture
def document_factory(db, agency, editor) -> Callable[..., Document]:
    """Make a draft through ``services.create_document``.

    Defaults: ``agency``'s editor, a plain proactive document with a 文号 and a formation date.
    Any keyword of ``create_document`` may be given (``agency=``, ``actor=``, ``kind=`` …).
    """
    from gongkai.catalogue import services

    counter = {"n": 0}

    def make(**fields: Any) -> Document:
        counter["n"] += 1
        n = counter["n"]
        values: dict[str, Any] = {
            "agency": agency,
            "actor": editor,
            "kind": Document.Kind.DOCUMENT,
            "title": f"关于做好第{n}项工作的通知",
            "summary": "内容概述",
            "body": f"<p>第{n}项工作的正文。</p>",
            "formation_date": datetime.date(2024, 3, 1),
        }
        values.update(fields)
        return services.create_document(**values)

    return make


@pytest.fixture
def publish(db, agency, editor, reviewer) -> Callable[..., Document]:
    """A function taking a draft through submit, approve and publish (at once, by default).

    ``publish(document, submitter=None, approver=None, now=None, **approve_kwargs)`` returns
    the document as it is afterwards (published, or approved when ``publish_at`` is later).
    The submitter defaults to ``editor`` and the approver to ``reviewer`` of ``agency``; pass
    others for documents of other agencies.
    """
    from gongkai.catalogue import services

    def run(
        document: Document,
        *,
        submitter=None,
        approver=None,
        now: datetime.datetime | None = None,
        **approve_kwargs: Any,
    ) -> Document:
        document = services.submit_document(document, actor=submitter or editor)
        return services.approve_document(
            document, actor=approver or reviewer, now=now, **approve_kwargs
        )

    return run


@pytest.fixture
def published_document(document_factory, publish) -> Callable[..., Document]:
    """Make a draft with ``document_factory(**fields)`` and publish it at once."""

    def make(**fields: Any) -> Document:
        return publish(document_factory(**fields))

    return make


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Attachments are written under a temporary directory, never the real media root."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


# --- Files for attachment tests ------------------------------------------------------------
# Small real files made on the fly: the catalogue reads their type from the content.


def make_docx(*paragraphs: str) -> bytes:
    """A DOCX file with these paragraphs."""
    import io

    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx(*rows: tuple[object, ...]) -> bytes:
    """An XLSX workbook with one sheet holding ``rows``."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_png(size: tuple[int, int] = (4, 4)) -> bytes:
    """A small PNG image."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def make_pdf(text: str = "Hello") -> bytes:
    """A one-page PDF showing ``text`` (ASCII: digits and Latin letters) in Helvetica."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def upload(name: str, content: bytes):
    """An uploaded file as a view would receive it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
