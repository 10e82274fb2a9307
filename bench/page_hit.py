"""What a public page answered from the page cache costs in process, beside the minimal view.

``.venv/bin/python bench/page_hit.py [--requests 1000] [--rounds 5] [--gzip] [--uncached]
[--calls] [PATH ...]``

Builds the WSGI application (``DJANGO_DEBUG=0``, ``GONGKAI_PAGE_CACHE=1``,
``GONGKAI_BENCH_VIEWS=1``; ``REDIS_URL`` and ``GONGKAI_SQLITE_PATH`` from the environment: the
demonstration district, ``collectstatic`` run with ``DJANGO_DEBUG=0``) and calls it with a
bare environ, as gunicorn would, after warm-up calls that store the page. Rounds go through
the minimal view and, for each page, a hit from a client without cookies (a new CSRF secret),
one that sends the CSRF cookie (``+cookie``) and one with the generation read from Redis as
before decision 0042 (``generation read``), interleaved; prints the process's CPU time a
request, the least and the median of the rounds, and the bytes of the body. ``--gzip``: every
request, the minimal view's too, sends ``Accept-Encoding: gzip`` (decision 0047: the stored
page's gzip form); ``--both``: each page's hit without and with it (``gzip``), interleaved in
the same rounds. ``--uncached``: the page cache off (``GONGKAI_PAGE_CACHE=0``; the shared
cache of the frame stays on with Redis), so that every request renders the page (default
page: the newest document, ``/documents/9985/``). ``--calls``: the Python function calls a
request of each row (cProfile; they do not move with the load). ``--profile PATH`` prints
cProfile's top functions for PATH. No pass/fail; compare the rows of one run (the load moves
them all).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PAGES = ["/", "/documents/9985/", "/catalogue/", "/search/?q=%E5%85%AC%E5%BC%80"]
UNCACHED_PAGES = ["/documents/9985/"]


def environ(path: str, cookie: str = "", encoding: str = "") -> dict[str, Any]:
    path_info, _, query = path.partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "18606",
        "HTTP_HOST": "127.0.0.1:18606",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        env["HTTP_COOKIE"] = cookie
    if encoding:
        env["HTTP_ACCEPT_ENCODING"] = encoding
    return env


def call(
    app: Any, path: str, cookie: str = "", encoding: str = ""
) -> tuple[str, dict[str, str], bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer["status"] = status
        answer["headers"] = dict(headers)
        return lambda data: None

    chunks = app(environ(path, cookie, encoding), start_response)
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return answer["status"], answer["headers"], body


SIZES: dict[tuple[str, str], str] = {}  # (path, Accept-Encoding): the body's bytes, encoding


def measure(
    app: Any, path: str, requests: int, cookie: str = "", encoding: str = "", warm: int = 20
) -> float:
    """CPU µs a request (warm: the first calls store the page and fill the process copy)."""
    for _ in range(warm):
        status, headers, body = call(app, path, cookie, encoding)
    if status[:3] != "200":
        raise SystemExit(f"{path}: {status}")
    SIZES[path, encoding] = f"{len(body)} B {headers.get('Content-Encoding', '')}".strip()
    cpu = time.process_time()
    for _ in range(requests):
        call(app, path, cookie, encoding)
    return (time.process_time() - cpu) / requests * 1e6


def calls(app: Any, path: str, requests: int, cookie: str = "", encoding: str = "") -> float:
    """Python function calls a request (cProfile's count, primitive and recursive)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call(app, path, cookie, encoding)
    profiler.disable()
    return pstats.Stats(profiler).total_calls / requests  # type: ignore[attr-defined,no-any-return]


def application(*, page_cache: bool = True) -> Any:
    """The WSGI application as the benchmark serves it: DEBUG off, the page cache on (Redis
    from ``REDIS_URL``) unless ``page_cache`` is false, the minimal view routed, the search
    rate limit out of the way."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    os.environ.update(
        DJANGO_DEBUG="0",
        GONGKAI_PAGE_CACHE="1" if page_cache else "0",
        GONGKAI_BENCH_VIEWS="1",
        GONGKAI_LOG_LEVEL="WARNING",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        GONGKAI_RATE_SEARCH="1000000000/60",
    )
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("REDIS_URL must be set: the page cache's generation lives there")
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gzip", action="store_true", help="send Accept-Encoding: gzip")
    parser.add_argument("--both", action="store_true", help="each page without and with gzip")
    parser.add_argument("--uncached", action="store_true", help="the page cache off")
    parser.add_argument("--calls", action="store_true", help="Python calls a request")
    parser.add_argument("--profile", metavar="PATH")
    parser.add_argument("--profile-out", metavar="FILE", help="where to write the profile")
    args = parser.parse_args()
    if not args.pages:
        args.pages = UNCACHED_PAGES if args.uncached else DEFAULT_PAGES

    app = application(page_cache=not args.uncached)
    from django.conf import settings

    from gongkai.core import page_cache

    cookie = ""
    for path in ["/bench/minimal", *args.pages]:
        _status, headers, _body = call(app, path)
        set_cookie = headers.get("Set-Cookie", "")
        if set_cookie.startswith(settings.CSRF_COOKIE_NAME + "="):
            cookie = set_cookie.split(";", 1)[0]
    pushed = getattr(page_cache, "PUSHED", None)  # decision 0042; absent from older trees
    if pushed is not None:
        with pushed.changed:
            pushed.changed.wait_for(lambda: pushed.value is not None, timeout=5)
    rows: list[tuple[str, str, str]] = [("/bench/minimal", "", "")]
    for path in args.pages:
        rows += [(path, "", ""), (path, "+cookie", cookie)]
        if args.both:
            rows.append((path, "gzip", ""))
        if pushed is not None and not args.uncached:
            rows.append((path, "generation read", ""))
    warm = 3 if args.uncached else 20
    figures: dict[tuple[str, str], list[float]] = {}
    load = [open("/proc/loadavg").read().split()[0]]  # noqa: SIM115 - read once
    for _round in range(args.rounds):
        for path, variant, sent in rows:
            encoding = "gzip" if args.gzip or variant == "gzip" else ""
            get = page_cache.PushedGeneration.get if pushed is not None else None
            if variant == "generation read":  # as before decision 0042: one round trip
                page_cache.PushedGeneration.get = lambda self: None  # type: ignore[method-assign]
            try:
                cpu = measure(app, path, args.requests, sent, encoding, warm)
            finally:
                if get is not None:
                    page_cache.PushedGeneration.get = get  # type: ignore[method-assign]
            figures.setdefault((path, variant), []).append(cpu)
    load.append(open("/proc/loadavg").read().split()[0])  # noqa: SIM115
    counted: dict[tuple[str, str], float] = {}
    if args.calls:
        for path, variant, sent in rows:
            if variant in ("", "+cookie", "gzip"):
                encoding = "gzip" if args.gzip or variant == "gzip" else ""
                counted[path, variant] = calls(app, path, min(args.requests, 50), sent, encoding)
    print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, load average {' → '.join(load)}")
    print(
        f"# {'uncached' if args.uncached else 'cached'}: CPU µs a request, {args.rounds} rounds"
        f" of {args.requests} requests: min, median"
        f"{'; Accept-Encoding: gzip' if args.gzip else ''}; minimal ÷ min;"
        f"{' Python calls a request;' if args.calls else ''} the body"
    )
    minimal = min(figures["/bench/minimal", ""])
    for (path, variant), values in figures.items():
        values.sort()
        label = f"{path} {variant}".strip()
        sent = "gzip" if args.gzip or variant == "gzip" else ""
        size = SIZES.get((path, sent), "") if variant in ("", "gzip") else ""
        ratio = f"{minimal / values[0] * 100:5.1f} %"
        count = f"{counted[path, variant]:8.0f}" if (path, variant) in counted else " " * 8
        least, median = values[0], values[len(values) // 2]
        print(f"{label:50} {least:7.0f} {median:7.0f} {ratio} {count}  {size}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            call(app, args.profile, "", "gzip" if args.gzip else "")
        profiler.disable()
        stats = pstats.Stats(profiler)
        if args.profile_out:
            stats.dump_stats(args.profile_out)
        stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
