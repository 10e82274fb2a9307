"""The gzip form of a stored public page, compressed once and sent to every visitor (decision 0047).

A stored page (``page_cache.Entry``) may hold the CSRF placeholder, filled with each visitor's
own token on every answer. Compressing each answer would cost more CPU than the whole hit, and
compressing the token together with the page (whose search box echoes ``?q=``) is the BREACH
attack. So the page is split at the placeholder and each static segment is compressed once,
when the page is stored, as raw deflate ended by a full flush (byte-aligned, the compression
history reset: nothing refers across a segment's end) and the last one finished. On each answer
the visitor's token goes in between as a *stored* deflate block — its bytes literally, in a
compression context of their own — and a gzip header and trailer wrap the whole. The length of
the answer is the same whatever the token or the query: nothing in it can be learnt from the
size.

The trailer's CRC-32 covers the whole body. The segments' CRCs are known when the page is stored;
after a token the CRC is carried on with ``zlib.crc32`` over the token, then over the next
segment — or, for a long segment, by a ``crc32_combine`` of its precomputed CRC: carrying a CRC
over ``n`` bytes is a linear map of the 32-bit value (that of ``n`` zero bytes), kept as the
images of the 32 bits (``_Shift``). Applying it costs about 3 µs against 17 µs for 60 KB of
``zlib.crc32``.
"""

from __future__ import annotations

import functools
import re
import struct
import zlib
from dataclasses import dataclass

# The gzip header: magic, deflate, no flags, no time (the page's own Last-Modified says when),
# no extra flags, operating system "unknown".
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
LEVEL = 9  # once per page and generation, served many times: the smallest form
# Below this many bytes after a token, zlib.crc32 carries the CRC on faster than the linear map.
SHIFT_FROM = 8192
_MASK = 0xFFFFFFFF
_POLYNOMIAL = 0xEDB88320  # CRC-32's, bit-reversed as zlib computes it


@dataclass(frozen=True)
class _Shift:
    """``crc32(segment, c)`` for any ``c`` without reading the segment again: ``apply(c) ^
    crc``, the images of the 32 bits of ``c`` under the map of ``len(segment)`` bytes."""

    bits: tuple[int, ...]
    crc: int  # zlib.crc32(segment, 0)

    @classmethod
    def of(cls, segment: bytes) -> _Shift:
        """One pass over the segment for the top bit's image; the others follow from it. The
        map is a power of the register's one-bit step ``B`` (``B(1 << i) = 1 << i - 1``), so
        it commutes with ``B``: the image of ``1 << i - 1`` is ``B`` of the image of ``1 << i``.
        """
        crc = zlib.crc32(segment)
        image = zlib.crc32(segment, 1 << 31) ^ crc
        images = [image]
        for _ in range(31):
            image = (image >> 1) ^ (_POLYNOMIAL if image & 1 else 0)
            images.append(image)
        return cls(tuple(reversed(images)), crc)

    def carry(self, value: int) -> int:
        out, bit = self.crc, 0
        while value:
            if value & 1:
                out ^= self.bits[bit]
            value >>= 1
            bit += 1
        return out


@dataclass(frozen=True)
class GzipForm:
    """A page's gzip form: ``parts`` are the compressed static segments (the first with the
    gzip header; for a page without a token, the single part is the whole answer, trailer
    included). ``after`` says for each segment after a token how to carry the CRC over it:
    its bytes (short segments) or its ``_Shift``."""

    parts: tuple[bytes, ...]
    crc: int  # the CRC-32 of the first segment (of the whole body, without a token)
    after: tuple[bytes | _Shift, ...]
    size: int  # the static segments' length in bytes

    @property
    def stored_bytes(self) -> int:
        """Roughly what it holds in memory (for ``LocalPages``'s bound)."""
        short = sum(len(item) for item in self.after if isinstance(item, bytes))
        return sum(len(part) for part in self.parts) + short + 300 * len(self.after)

    def body(self, token: bytes) -> bytes:
        """The answer with ``token`` in each place the placeholder held."""
        if not self.after:
            return self.parts[0]
        if len(token) > 0xFFFF:  # one stored block holds at most 65,535 bytes
            raise ValueError("a token longer than a stored block")
        stored = b"\x00" + struct.pack("<HH", len(token), len(token) ^ 0xFFFF) + token
        crc = self.crc
        pieces = [self.parts[0]]
        for part, segment in zip(self.parts[1:], self.after, strict=True):
            crc = zlib.crc32(token, crc)
            crc = zlib.crc32(segment, crc) if isinstance(segment, bytes) else segment.carry(crc)
            pieces += (stored, part)
        size = self.size + len(token) * len(self.after)
        pieces.append(struct.pack("<II", crc, size & _MASK))
        return b"".join(pieces)


def compress_page(content: bytes, placeholder: bytes | None) -> GzipForm:
    """The gzip form of ``content``; with ``placeholder``, split there for the tokens.

    Each segment but the last ends with a full flush, the last is finished: the segments'
    compressed forms are joined by the tokens' stored blocks without touching their bits."""
    segments = content.split(placeholder) if placeholder else [content]
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, 9)
    parts = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        data = compressor.compress(segment)
        parts.append(data + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH))
    if len(segments) == 1:
        parts[0] = HEADER + parts[0] + struct.pack("<II", zlib.crc32(content), len(content) & _MASK)
        return GzipForm(parts=(parts[0],), crc=zlib.crc32(content), after=(), size=len(content))
    parts[0] = HEADER + parts[0]
    after = tuple(
        segment if len(segment) < SHIFT_FROM else _Shift.of(segment) for segment in segments[1:]
    )
    size = sum(len(segment) for segment in segments)
    return GzipForm(parts=tuple(parts), crc=zlib.crc32(segments[0]), after=after, size=size)


_QVALUE = re.compile(r"(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\Z")


@functools.lru_cache(maxsize=256)
def accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (RFC 9110, 12.5.3): ``gzip`` (or
    ``x-gzip``) with a q-value above 0, or else ``*`` with one. ``gzip;q=0`` refuses it; a
    q-value that is not one (``q=abc``, ``q=2``) counts as a refusal: identity is always safe."""
    gzip: float | None = None
    anything: float | None = None
    for item in header.split(","):
        coding, *parameters = item.split(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                quality = float(value) if _QVALUE.match(value) else 0.0
        if coding in ("gzip", "x-gzip"):
            gzip = quality if gzip is None else max(gzip, quality)
        elif coding == "*":
            anything = quality if anything is None else max(anything, quality)
    if gzip is not None:
        return gzip > 0
    return anything is not None and anything > 0
