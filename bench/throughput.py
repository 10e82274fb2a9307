"""Throughput of public pages under gunicorn, measured by wrk from a second process.

``.venv/bin/python bench/throughput.py --dataset demo|province [--db sqlite|postgres]``
(``make bench-throughput``; wrk comes from ``make bench-deps``). Starts gunicorn with 2
workers on this tree against the chosen data — the demonstration district (``load_demo`` into
a bench database of its own: ``var/bench/throughput-demo.sqlite3`` or
``gongkai_bench_throughput_demo``) or the province dataset of ``bench/province`` (``--scale``,
``--seed``) — with ``GONGKAI_BENCH_VIEWS=1`` (the minimal view ``/bench/minimal``: a fixed
string through the whole middleware stack), and runs wrk against

* the minimal view, the home page, a document page, the catalogue's list page and the search
  page (two common words),

once with ``GONGKAI_PAGE_CACHE=0`` and once with ``GONGKAI_PAGE_CACHE=1`` (the per-URL page
cache, Redis database ``--redis``; until the cache is in the tree both runs are uncached). Each
page gets a warm-up run, then a timed one; it prints requests a second, latency p50/p90/p99,
errors and the ratio to the minimal view of the same run. Figures only. Issue 10's targets on
this 2-core machine: cached pages ≥ 80% of the minimal view, an uncached document page ≥ 30%.
wrk shares the machine's two cores with gunicorn: the ratios are the figures to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.province.common import (  # noqa: E402
    POSTGRES,
    VAR,
    Dataset,
    add_dataset_arguments,
    configure,
    ensure_dataset,
    header,
    load,
    migrate,
)

BIN = Path(sys.executable).parent
SEARCH_WORDS = "公开 管理"


class DemoDataset(Dataset):
    """The demonstration district loaded into a bench database of its own."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(args)
        self.sqlite_path = VAR / "throughput-demo.sqlite3"
        self.pg_name = "gongkai_bench_throughput_demo"
        self.index_dir = VAR / f"throughput-demo-index-{args.db}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_dataset_arguments(parser)
    parser.add_argument("--dataset", choices=("demo", "province"), default="demo")
    parser.add_argument("--cache", choices=("both", "on", "off"), default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds a timed run (10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds a warm-up run (3)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5", metavar="URL")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures here too")
    args = parser.parse_args(argv)
    if args.postgres == POSTGRES:
        args.postgres = POSTGRES
    return args


def prepare(args: argparse.Namespace) -> Dataset:
    """The database (made once), its search index, and Django configured on it."""
    dataset: Dataset = DemoDataset(args) if args.dataset == "demo" else Dataset(args)
    if args.fresh:
        dataset.drop()
    dataset.create()
    configure(dataset)
    print(header(args))
    if args.dataset == "province":
        ensure_dataset(args, dataset)
        _ensure_index(dataset)
        return dataset
    migrate()
    from django.core.management import call_command

    from gongkai.agencies.models import SiteIdentity

    if not SiteIdentity.objects.filter(government__isnull=False).exists():
        print("loading the demonstration district (load_demo)")
        call_command("load_demo", verbosity=0)
    _ensure_index(dataset)
    return dataset


def _ensure_index(dataset: Dataset) -> None:
    marker = dataset.index_dir / ".bench-built"
    if marker.exists():
        return
    from gongkai.search.indexing import rebuild_index

    started = time.perf_counter()
    count = rebuild_index()
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(count), encoding="utf-8")
    print(f"search index rebuilt: {count:,} objects in {time.perf_counter() - started:.0f} s")


def pages() -> dict[str, str]:
    """The paths to time, found in the data (Django configured)."""
    from django.urls import reverse

    from gongkai.catalogue.selectors.public import published_documents

    ids = list(
        published_documents().filter(kind="document").order_by("-published_at")
        .values_list("pk", flat=True)[:200]
    )  # fmt: skip
    if not ids:
        raise SystemExit("no public document in this database")
    document = ids[len(ids) // 2]  # a recent one, not the very newest
    return {
        "minimal view": "/bench/minimal",
        "home page": reverse("portal:home"),
        "document page": reverse("catalogue:document", args=[document]),
        "catalogue list": reverse("catalogue:index"),
        "search page": reverse("search:results")
        + "?"
        + urllib.parse.urlencode({"q": SEARCH_WORDS}),
    }


def _flush_redis(url: str) -> None:
    try:
        import redis

        redis.Redis.from_url(url).flushdb()
    except Exception as error:  # a missing Redis: the cached run is uncached, said here
        print(f"  (Redis at {url} not flushed: {error})")


class Server:
    """gunicorn with ``workers`` workers on this tree, in the dataset's environment."""

    def __init__(self, args: argparse.Namespace, dataset: Dataset, cache: bool) -> None:
        self.args, self.cache = args, cache
        self.log = VAR / "logs" / f"gunicorn-{args.dataset}-{args.db}-cache{int(cache)}.log"
        self.env = {
            **os.environ,
            **dataset.environment(),
            "GONGKAI_BENCH_VIEWS": "1",
            "GONGKAI_PAGE_CACHE": "1" if cache else "0",
            "REDIS_URL": args.redis,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GONGKAI_RATE_SEARCH": "100000000/60",  # wrk is one address: no rate limit
            "PYTHONPATH": str(ROOT),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        gunicorn = shutil.which("gunicorn", path=str(BIN)) or "gunicorn"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    gunicorn,
                    "gongkai.wsgi:application",
                    "--workers",
                    str(self.args.workers),
                    "--bind",
                    f"127.0.0.1:{self.args.port}",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/health/live"), timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise SystemExit(f"gunicorn did not answer within 60 s: see {self.log}")

    def drain(self, seconds: float = 300) -> None:
        """Wait until the workers have answered what wrk left queued (a slow page's requests
        outlive the run) so that the next page starts on idle workers."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/health/live"), timeout=10):  # noqa: S310
                    return
            except OSError:
                continue

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.args.port}{path}"

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(args: argparse.Namespace, url: str, seconds: int) -> dict[str, Any]:
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency",
        "--timeout", "10s", url,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    figures: dict[str, Any] = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
    }
    for percent in ("50", "90", "99"):
        found = re.search(rf"^\s+{percent}%\s+(\S+)", output, re.MULTILINE)
        figures[f"p{percent}"] = _ms(found.group(1)) if found else 0.0
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket = re.search(r"Socket errors:.*", output)
    figures["non_2xx"] = int(errors.group(1)) if errors else 0
    figures["socket_errors"] = socket.group(0) if socket else ""
    return figures


def run(args: argparse.Namespace, dataset: Dataset, paths: dict[str, str]) -> dict[str, Any]:
    settings = {"both": (False, True), "on": (True,), "off": (False,)}[args.cache]
    results: dict[str, Any] = {}
    for cache in settings:
        label = "cached" if cache else "uncached"
        _flush_redis(args.redis)
        print(f"\n{label} (GONGKAI_PAGE_CACHE={int(cache)}), load {load()}")
        with Server(args, dataset, cache) as server:
            for name, path in paths.items():
                url = server.url(path)
                try:
                    with urllib.request.urlopen(url, timeout=120) as answer:  # noqa: S310
                        status, cache_header = answer.status, answer.headers.get("X-Cache", "")
                        size = len(answer.read())
                except OSError as error:
                    print(f"  {name:<15} no answer within 120 s ({error}): not measured")
                    continue
                wrk(args, url, args.warmup)
                figures = {**wrk(args, url, args.duration), "status": status, "bytes": size}
                server.drain()
                if cache_header:
                    figures["x_cache"] = cache_header
                results[f"{label} {name}"] = figures
                minimal = results.get(f"{label} minimal view", figures)["rps"]
                print(
                    f"  {name:<15} {figures['rps']:8.1f} req/s  p50 {figures['p50']:7.1f} ms  "
                    f"p90 {figures['p90']:7.1f} ms  p99 {figures['p99']:7.1f} ms  "
                    f"{figures['rps'] / minimal:6.1%} of minimal  ({status}, {size:,} bytes"
                    + (f", {figures['non_2xx']} non-2xx" if figures["non_2xx"] else "")
                    + (f"; {figures['socket_errors']}" if figures["socket_errors"] else "")
                    + ")"
                )
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: make bench-deps (scripts/apt-install wrk)")
    dataset = prepare(args)
    paths = pages()
    print(
        f"gunicorn: {args.workers} workers; wrk: {args.threads} thread(s), {args.connections} "
        f"connections, {args.warmup} s warm-up + {args.duration} s per page; pages: "
        + ", ".join(f"{name} {path}" for name, path in paths.items())
    )
    from django.db import connections

    connections.close_all()  # the server's workers use the database from now on
    results = run(args, dataset, paths)
    print(f"\nload average at the end: {load()}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
