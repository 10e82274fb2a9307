"""Comparing XLSX files: an XLSX is a zip archive, and openpyxl's write-only mode stamps the
worksheet's entry with the time its temporary file was written (the file system's clock, which
no frozen clock reaches) — two builds of the same workbook a second apart differ in those bytes
only. The same workbook is the same entries, in the same order, with the same contents."""

from __future__ import annotations

import io
import zipfile


def parts(content: bytes) -> list[tuple[str, int, bytes]]:
    """Each entry of the archive: its name, its compression and its contents."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            (info.filename, info.compress_type, archive.read(info)) for info in archive.infolist()
        ]
