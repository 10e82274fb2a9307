"""What a public page answered from the page cache costs in process, beside the minimal view.

``.venv/bin/python bench/page_hit.py [--requests 1000] [--rounds 5] [--gzip] [PATH ...]``

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
the same rounds. ``--profile PATH`` prints cProfile's top functions for PATH. No
pass/fail; compare the rows of one run (the load moves them all).
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


def measure(app: Any, path: str, requests: int, cookie: str = "", encoding: str = "") -> float:
    """CPU µs a request (warm: the first calls store the page and fill the process copy)."""
    for _ in range(20):
        status, headers, body = call(app, path, cookie, encoding)
    if status[:3] != "200":
        raise SystemExit(f"{path}: {status}")
    SIZES[path, encoding] = f"{len(body)} B {headers.get('Content-Encoding', '')}".strip()
    cpu = time.process_time()
    for _ in range(requests):
        call(app, path, cookie, encoding)
    return (time.process_time() - cpu) / requests * 1e6


def application() -> Any:
    """The WSGI application as the benchmark serves it: DEBUG off, the page cache on (Redis
    from ``REDIS_URL``), the minimal view routed, the search rate limit out of the way."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    os.environ.update(
        DJANGO_DEBUG="0",
        GONGKAI_PAGE_CACHE="1",
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
    parser.add_argument("pages", nargs="*", default=DEFAULT_PAGES)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gzip", action="store_true", help="send Accept-Encoding: gzip")
    parser.add_argument("--both", action="store_true", help="each page without and with gzip")
    parser.add_argument("--profile", metavar="PATH")
    parser.add_argument("--profile-out", metavar="FILE", help="where to write the profile")
    args = parser.parse_args()

    app = application()
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
        if pushed is not None:
            rows.append((path, "generation read", ""))
    figures: dict[tuple[str, str], list[float]] = {}
    load = [open("/proc/loadavg").read().split()[0]]  # noqa: SIM115 - read once
    for _round in range(args.rounds):
        for path, variant, sent in rows:
            encoding = "gzip" if args.gzip or variant == "gzip" else ""
            get = page_cache.PushedGeneration.get if pushed is not None else None
            if variant == "generation read":  # as before decision 0042: one round trip
                page_cache.PushedGeneration.get = lambda self: None  # type: ignore[method-assign]
            try:
                cpu = measure(app, path, args.requests, sent, encoding)
            finally:
                if get is not None:
                    page_cache.PushedGeneration.get = get  # type: ignore[method-assign]
            figures.setdefault((path, variant), []).append(cpu)
    load.append(open("/proc/loadavg").read().split()[0])  # noqa: SIM115
    print(f"# {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, load average {' → '.join(load)}")
    print(
        f"# CPU µs a request, {args.rounds} rounds of {args.requests} requests: min, median"
        f"{'; Accept-Encoding: gzip' if args.gzip else ''}; the body"
    )
    for (path, variant), values in figures.items():
        values.sort()
        label = f"{path} {variant}".strip()
        sent = "gzip" if args.gzip or variant == "gzip" else ""
        size = SIZES.get((path, sent), "") if variant in ("", "gzip") else ""
        print(f"{label:50} {values[0]:7.0f} {values[len(values) // 2]:7.0f}  {size}")
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
