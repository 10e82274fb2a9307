"""What the gzip form of stored pages costs and saves (decision 0047), page by page.

``.venv/bin/python bench/page_gzip.py [--repeat 200] [PATH ...]``

Same set-up as ``bench/page_hit.py`` (``REDIS_URL``, ``GONGKAI_SQLITE_PATH``, the demonstration
district, ``collectstatic`` run with ``DJANGO_DEBUG=0``). Renders each page once (a miss, which
stores it), takes its entry from the process's copy and prints, in CPU µs (the least of five
runs of ``--repeat`` calls): the render (the miss's whole request, for scale); the store-time
work — ``compress_page`` at levels 6 and 9, of which the CRC maps (``_Shift``); a hit's
assembly of the gzip body for one token against the identity body's ``bytes.replace``, and
the CRC carried over the segments after the token by ``zlib.crc32`` instead of the maps; the
entry pickled with and without its gzip form (bytes, and ``pickle.loads`` µs: what a process
pays when it first reads a page from Redis) against compressing it there instead; and the
bytes each form sends.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_PAGES = ["/", "/documents/9985/", "/catalogue/", "/search/?q=%E5%85%AC%E5%BC%80"]


def best(function: Any, repeat: int) -> float:
    """CPU µs a call, the least of five runs."""
    times = []
    for _ in range(5):
        cpu = time.process_time()
        for _ in range(repeat):
            function()
        times.append((time.process_time() - cpu) / repeat * 1e6)
    return min(times)


def page_figures(app: Any, path: str, repeat: int) -> tuple[str, ...]:
    """One page's row (see the module)."""
    from page_hit import call

    from gongkai.core import page_cache, page_gzip

    placeholder = page_cache.CSRF_PLACEHOLDER.encode()
    token = b"t" * 64
    page_cache.invalidate_public_pages()
    page_cache.LOCAL_PAGES.clear()
    cpu = time.process_time()
    status, headers, _body = call(app, path)
    render = (time.process_time() - cpu) * 1e6
    if headers.get("X-Cache") != "MISS" or not page_cache.LOCAL_PAGES.entries:
        raise SystemExit(f"{path}: {status}, not stored")
    entry = next(reversed(page_cache.LOCAL_PAGES.entries.values()))
    content = entry.content
    mark = placeholder if entry.csrf else None
    form = page_gzip.compress_page(content, mark)
    segments = content.split(placeholder) if mark else [content]
    level = page_gzip.LEVEL
    page_gzip.LEVEL = 6
    level6 = best(lambda: page_gzip.compress_page(content, mark), 5)
    size6 = len(page_gzip.compress_page(content, mark).body(token))
    page_gzip.LEVEL = level
    level9 = best(lambda: page_gzip.compress_page(content, mark), 5)
    shifts = best(
        lambda: [page_gzip._Shift.of(s) for s in segments[1:] if len(s) >= 8192],
        5,
    )
    assemble = best(lambda: form.body(token), repeat)
    identity = best(lambda: content.replace(placeholder, token), repeat)

    def crc_read() -> int:
        crc = form.crc
        for segment in segments[1:]:
            crc = zlib.crc32(segment, zlib.crc32(token, crc))
        return crc

    def crc_mapped() -> int:
        crc = form.crc
        for item in form.after:
            crc = zlib.crc32(token, crc)
            crc = zlib.crc32(item, crc) if isinstance(item, bytes) else item.carry(crc)
        return crc

    assert crc_read() == crc_mapped()  # noqa: S101 - the two ways agree
    with_form = pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)
    without = pickle.dumps(replace(entry, gzip=None), pickle.HIGHEST_PROTOCOL)
    loads_with = best(lambda: pickle.loads(with_form), repeat)  # noqa: S301
    loads_without = best(lambda: pickle.loads(without), repeat)  # noqa: S301
    return (
        path,
        f"{render / 1000:.1f} ms",
        f"{level6:.0f}",
        f"{level9:.0f}",
        f"{shifts:.0f}",
        f"{assemble:.1f}",
        f"{identity:.1f}",
        f"{best(crc_read, repeat):.1f}",
        f"{best(crc_mapped, repeat):.1f}",
        f"{len(without)}→{len(with_form)}",
        f"{loads_without:.0f}→{loads_with:.0f}",
        f"{len(content.replace(placeholder, token)) if mark else len(content)}",
        f"{len(form.body(token))} ({size6} at level 6)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=DEFAULT_PAGES)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    from page_hit import application, call

    app = application()
    call(app, "/bench/minimal")
    load = [open("/proc/loadavg").read().split()[0]]  # noqa: SIM115 - read once
    rows = []
    for path in args.pages:
        rows.append(page_figures(app, path, args.repeat))
    load.append(open("/proc/loadavg").read().split()[0])  # noqa: SIM115
    print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, load average {' → '.join(load)}")
    print(
        "# page | render (the miss) | compress_page µs level 6 | level 9 | of which CRC maps |"
        " gzip body µs | identity body µs | CRC by crc32 µs | by the maps µs |"
        " pickled bytes without→with | loads µs without→with | identity B | gzip B"
    )
    for row in rows:
        print(" | ".join(row))


if __name__ == "__main__":
    main()
