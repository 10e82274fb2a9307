"""The hostile-file set of issue 9 ("Uploads"), made in memory, and a fake clamd.

No binary fixtures: each file is built by the function that names it, small enough to make in
milliseconds. ``HOSTILE`` lists them with the refusal each must meet on any upload field whose
policy admits PDF, Word and images (every attachment field), and a word of the message.
"""

from __future__ import annotations

import functools
import io
import socket
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from gongkai.core import uploads

# The EICAR anti-virus test file: harmless text that every scanner reports as a virus.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def png(size: tuple[int, int] = (4, 4), **save: object) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG", **save)  # type: ignore[arg-type]
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    """A photo whose EXIF holds a GPS position and a comment."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SentinelCamera"
    exif[0x8825] = {1: "N", 2: (36.0, 48.0, 0.0), 3: "E", 4: (118.0, 3.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 30)).save(
        buffer, format="JPEG", exif=exif.tobytes(), comment=b"SentinelComment"
    )
    return buffer.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def html_png_polyglot() -> bytes:
    """A valid PNG that is also a web page: a text chunk carrying a script, right after the
    header, where a browser sniffing for HTML would find it."""
    image = png()
    header_end = 8 + 25  # the signature and the IHDR chunk
    page = b"<html><body><script>alert(document.cookie)</script></body></html>"
    return image[:header_end] + _chunk(b"tEXt", b"Comment\0" + page) + image[header_end:]


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG announcing 10 gigapixels in a few dozen bytes (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    data = zlib.compress(b"\0" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
)


def docx_zip_bomb(inflated: int = 16 * 1024 * 1024) -> bytes:
    """Something named .docx, shaped like a Word package, inflating ~1000 times its size."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("word/document.xml", b"<w:document>" + b" " * inflated + b"</w:document>")
    return buffer.getvalue()


def exe_named_pdf() -> bytes:
    """The start of a Windows program (a DOS stub and a PE header)."""
    stub = b"MZ" + b"\x90\x00" * 29 + struct.pack("<I", 64)
    return stub + b"PE\0\0" + b"\x4c\x01" + b"\0" * 200


def pdf(catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF; ``catalog_extra`` goes into the catalogue dictionary and
    ``extra_objects`` are numbered from 6."""
    content = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *extra_objects,
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


def pdf_with_javascript() -> bytes:
    """A PDF running a script when opened; the action's name escaped (/J#61vaScript) so that
    a search of the raw bytes alone would miss it."""
    return pdf(b"/OpenAction 6 0 R", (b"<< /S /J#61vaScript /JS (app.alert\\(1\\)) >>",))


@dataclass(frozen=True)
class Hostile:
    name: str
    make: object  # () -> bytes
    reason: str
    words: str  # a phrase of the English message

    def content(self) -> bytes:
        return self.make() if callable(self.make) else bytes(self.make)  # type: ignore[call-overload]


HOSTILE = (
    Hostile("说明.png", html_png_polyglot, uploads.POLYGLOT, "web-page code hidden in it"),
    Hostile("logo.svg", SVG_WITH_SCRIPT, uploads.MARKUP, "an SVG or an XML document"),
    Hostile("报告.docx", docx_zip_bomb, uploads.ZIP_BOMB, "far more than a real document"),
    Hostile("eicar.txt", EICAR, uploads.INFECTED, "the virus scanner found"),
    Hostile("通知.pdf", exe_named_pdf, uploads.PROGRAM, "it is a program or a script"),
    Hostile("表格.pdf", pdf_with_javascript, uploads.PDF_ACTIVE, "a PDF with scripts"),
    Hostile("照片.png", png_bomb, uploads.IMAGE_TOO_LARGE, "has too many pixels"),
)


@functools.cache
def _contents() -> tuple[bytes, ...]:
    return tuple(hostile.content() for hostile in HOSTILE)


def hostile_files() -> Iterator[tuple[Hostile, bytes]]:
    """Each hostile file with its bytes (made once per test run)."""
    yield from zip(HOSTILE, _contents(), strict=True)


# --------------------------------------------------------------------------- a fake clamd


@contextmanager
def fake_clamd() -> Iterator[str]:
    """A clamd speaking INSTREAM on a local TCP port, in a thread: the EICAR string is a
    virus, anything else is clean. Yields the ``GONGKAI_CLAMAV`` address."""
    server = socket.create_server(("127.0.0.1", 0))
    address = server.getsockname()
    stop = threading.Event()

    def answer(connection: socket.socket) -> None:
        with connection:
            received = b""
            while not received.startswith(b"zINSTREAM\0"):
                more = connection.recv(65536)
                if not more:
                    return
                received += more
            buffer, data = received[len(b"zINSTREAM\0") :], b""

            def need(count: int) -> bytes:
                nonlocal buffer
                while len(buffer) < count:
                    more = connection.recv(65536)
                    if not more:
                        raise ConnectionError("the client went away")
                    buffer += more
                return buffer

            while True:
                (length,) = struct.unpack("!L", need(4)[:4])
                if length == 0:
                    break
                data += need(4 + length)[4 : 4 + length]
                buffer = buffer[4 + length :]
            found = b"Eicar-Test-Signature FOUND" if EICAR in data else b"OK"
            connection.sendall(b"stream: " + found + b"\0")

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _address = server.accept()
            except OSError:
                return
            if stop.is_set():
                connection.close()
                return
            try:
                answer(connection)
            except ConnectionError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp:127.0.0.1:{address[1]}"
    finally:
        stop.set()
        socket.create_connection(address, timeout=5).close()  # wakes the waiting accept()
        thread.join(timeout=5)
        server.close()


def unreachable_clamd() -> str:
    """An address where nothing listens (a port just freed)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"tcp:127.0.0.1:{port}"


# --------------------------------------------------------------------------- the form check


def stored_files() -> list[str]:
    """Every file under the media root (the tests' temporary one)."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def assert_every_hostile_file_refused(
    post, state, *, status: int = 400, words: dict[str, str] | None = None
) -> None:
    """Issue 9, uploads: send each hostile file through ``post(name, content)`` (a view, with
    a fake clamd configured) and assert that the page answers ``status`` naming the file and
    the reason (``words``: another phrase for a reason, where the field's policy refuses the
    type first), and that ``state()`` and the stored files are exactly as before."""
    from django.test import override_settings
    from django.utils.html import escape

    before, files = state(), stored_files()
    with fake_clamd() as address, override_settings(GONGKAI_CLAMAV=address):
        for hostile, content in hostile_files():
            response = post(hostile.name, content)
            page = response.content.decode()
            assert response.status_code == status, hostile.name
            expected = (words or {}).get(hostile.reason, hostile.words)
            assert escape(expected) in page, (hostile.name, expected)
            assert escape(f"“{hostile.name}”") in page, hostile.name
            assert state() == before, hostile.name
            assert stored_files() == files, hostile.name
