"""Time search on a generated catalogue: the index build, then a fixed mix of queries.

Run as ``.venv/bin/python bench/search/run.py --docs 100000 --db sqlite --engine tantivy`` (or
``make bench-search``); one database and one engine per run, see bench/search/README.md. The
dataset (``generate.py``) is made once per size and seed in a database of its own and reused;
the index is rebuilt when it is missing, was built by the other engine, or ``--rebuild`` asks.

Every query of :data:`QUERIES` is timed four ways in each round: our layer
(``gongkai.search.engine.search``) with and without the facet counts, and the same words sent
straight to the engine (``get_backend().direct``) with and without facets, so that the cost of
our layer shows as a ratio. One warm-up round is not counted. Figures only: no pass or fail.
"""

from __future__ import annotations

import argparse
import datetime
import inspect
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "bench"
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
sys.path.insert(0, str(ROOT))

from bench.database import BenchDatabase  # noqa: E402

MODES = ("layer+facets", "layer", "engine+facets", "engine")
MODE_LABELS = {
    "layer+facets": "our layer, with facets",
    "layer": "our layer, no facets",
    "engine+facets": "engine direct, with facets",
    "engine": "engine direct, no facets",
}


@dataclass(frozen=True)
class BenchQuery:
    group: str
    q: str
    filters: tuple[tuple[str, Any], ...] = ()

    @property
    def label(self) -> str:
        return " ".join([self.q, *(f"{name}={value}" for name, value in self.filters)])


# The fixed mix. "Common" words are in most documents of the generated catalogue (工作 in all
# of them); "rare" ones are the last terms of generate.LONG_TAIL, each in well under 0.1% of
# the documents whatever the size or seed. The 文号 exist in every dataset of 20,000 documents
# or more (their serials are low), typed with the brackets people use; the last one exists in
# none (the dataset starts in 2021). The index number is the general office's twelfth of 2024.
QUERIES: tuple[BenchQuery, ...] = (
    BenchQuery("1 word, common", "工作"),
    BenchQuery("1 word, common", "公开"),
    BenchQuery("1 word, common", "管理"),
    BenchQuery("1 word, common", "通知"),
    BenchQuery("1 word, rare", "棚改"),
    BenchQuery("1 word, rare", "环评"),
    BenchQuery("1 word, rare", "经适房"),
    BenchQuery("1 word, rare", "告知书"),
    BenchQuery("2 words, common", "公开 管理"),
    BenchQuery("2 words, common", "工作 通知"),
    BenchQuery("2 words, common", "监督 检查"),
    BenchQuery("2 words, common", "政府 服务"),
    BenchQuery("2 words, rare", "棚改 工作"),
    BenchQuery("2 words, rare", "五保 政府"),
    BenchQuery("2 words, rare", "廉租房 通知"),
    BenchQuery("2 words, rare", "告知书 公开"),
    BenchQuery("3 words, common", "政府 工作 通知"),
    BenchQuery("3 words, common", "安全 监督 检查"),
    BenchQuery("3 words, common", "公开 管理 服务"),
    BenchQuery("3 words, common", "政府 公开 管理"),
    BenchQuery("3 words, rare", "廉租房 工作 管理"),
    BenchQuery("3 words, rare", "新农合 政府 公开"),
    BenchQuery("3 words, rare", "棚改 安全 检查"),
    BenchQuery("3 words, rare", "征地拆迁 工作 通知"),
    BenchQuery("文号 / index number", "张政办发[2023]12号"),
    BenchQuery("文号 / index number", "张政发〔2024〕3号"),
    BenchQuery("文号 / index number", "张教育发（2022）8号"),
    BenchQuery("文号 / index number", "张政办发[2019]999号"),
    BenchQuery("文号 / index number", "11370303MB2800028Q/2024-00012"),
    BenchQuery("with a filter", "信息公开", (("agency", "general-office"),)),
    BenchQuery("with a filter", "安全生产", (("year", 2024),)),
    BenchQuery("with a filter", "政策解读", (("type", "interpretation"),)),
    BenchQuery("with a filter", "工作", (("agency", "education"), ("year", 2023))),
    BenchQuery("with a filter", "管理 办法", (("type", "document"),)),
)


# --------------------------------------------------------------------------- set-up


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents (default 100000)")
    parser.add_argument("--seed", type=int, default=1, help="dataset seed (default 1)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--engine", choices=("tantivy", "database"), default="tantivy")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index even if built")
    parser.add_argument("--fresh", action="store_true", help="drop the dataset and generate again")
    parser.add_argument("--workers", type=int, help="passed to rebuild_index(workers=N)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures here too")
    parser.add_argument(
        "--generate-only", action="store_true", help="make the dataset if needed, then stop"
    )
    parser.add_argument(
        "--postgres", default=POSTGRES, metavar="URL", help=f"server (default {POSTGRES})"
    )
    args = parser.parse_args(argv)
    if args.docs < 1 or args.rounds < 1:
        parser.error("--docs and --rounds must be positive")
    return args


class Dataset(BenchDatabase):
    """Where one configuration's database, index and index marker live."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.db, self.docs, self.seed = args.db, args.docs, args.seed
        self.sqlite_path = VAR / f"search-{args.docs}-{args.seed}.sqlite3"
        self.pg_name = f"gongkai_bench_search_{args.docs}_{args.seed}"
        self.pg_server = args.postgres.rstrip("/") + "/"
        self.index_dir = VAR / f"index-{args.db}-{args.docs}-{args.seed}"
        # Which engine built the index of this database, and how many entries it held.
        self.marker = VAR / f"index-{args.db}-{args.docs}-{args.seed}.json"

    def drop(self) -> None:
        """Remove the database, its index and the index marker (Django must be disconnected)."""
        self.marker.unlink(missing_ok=True)
        super().drop()


def configure(args: argparse.Namespace, dataset: Dataset) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    os.environ["DATABASE_URL"] = dataset.url
    os.environ["GONGKAI_SEARCH_BACKEND"] = args.engine
    os.environ["GONGKAI_SEARCH_INDEX_DIR"] = str(dataset.index_dir)
    os.environ["DJANGO_DEBUG"] = "0"  # no query log: it would slow every query and fill memory
    os.environ.setdefault("GONGKAI_LOG_LEVEL", "WARNING")

    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_dataset(args: argparse.Namespace, dataset: Dataset) -> dict[str, Any]:
    """Generate the documents unless a finished dataset of this size is there already."""
    from django.db import connections

    from bench.search.generate import generate, is_complete

    migrate()
    if is_complete(args.docs):
        from gongkai.catalogue.models import Document

        print(f"dataset: reused ({Document.objects.count():,} documents)")
        return {"reused": True}
    from gongkai.catalogue.models import Document

    if Document.objects.exists():
        print("dataset: incomplete or of another version: dropped and generated again")
        connections.close_all()
        dataset.drop()
        dataset.create()
        migrate()
    print(f"dataset: generating {args.docs:,} documents from seed {args.seed}")
    figures = generate(args.docs, args.seed, sys.stdout)
    dataset.marker.unlink(missing_ok=True)  # an index of earlier rows is no index of these
    return {"reused": False, **figures}


def _directory_bytes(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def _database_bytes(dataset: Dataset) -> int:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    return sum(
        Path(f"{dataset.sqlite_path}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{dataset.sqlite_path}{suffix}").exists()
    )


def _index_is_built(args: argparse.Namespace, dataset: Dataset) -> str:
    """Why the index must be built, or "" when the one there can be used."""
    from gongkai.search.models import SearchEntry

    if not dataset.marker.exists():
        return "no index built yet"
    built = json.loads(dataset.marker.read_text(encoding="utf-8"))
    if built.get("engine") != args.engine:
        return f"the index was built by {built.get('engine')}"
    if SearchEntry.objects.count() != built.get("entries"):
        return "the entries changed since the index was built"
    if args.engine == "tantivy" and (
        not dataset.index_dir.exists() or not any(dataset.index_dir.rglob("*"))
    ):
        return "the index directory is empty"
    return ""


def ensure_index(args: argparse.Namespace, dataset: Dataset) -> dict[str, Any]:
    """Rebuild the index when needed (timed), else say what is reused."""
    from gongkai.search.indexing import rebuild_index
    from gongkai.search.models import SearchEntry

    reason = "--rebuild" if args.rebuild else _index_is_built(args, dataset)
    if not reason:
        built = json.loads(dataset.marker.read_text(encoding="utf-8"))
        print(
            f"index: reused ({built['entries']:,} entries, built by {built['engine']} in "
            f"{built['seconds']:.1f} s on {built['date']})"
        )
        return {"rebuilt": False, **built}
    kwargs: dict[str, Any] = {}
    if args.workers is not None:
        if "workers" in inspect.signature(rebuild_index).parameters:
            kwargs["workers"] = args.workers
        else:
            print("note: rebuild_index() takes no workers= in this tree; --workers ignored")
    print(f"index: full rebuild ({reason}) with {args.engine}")
    started = time.perf_counter()
    last = {"at": started, "reported": 0}

    def progress(done: int, total: int) -> None:
        last["at"] = time.perf_counter()
        if done - last["reported"] >= max(total // 10, 1) or done == total:
            last["reported"] = done
            seconds = last["at"] - started
            print(
                f"  {done:,} / {total:,} objects, {seconds:.0f} s, "
                f"{done / seconds if seconds else 0:,.0f} per second",
                flush=True,
            )

    objects = rebuild_index(progress=progress, **kwargs)
    seconds = time.perf_counter() - started
    tail = time.perf_counter() - last["at"]
    entries = SearchEntry.objects.count()
    figures = {
        "engine": args.engine,
        "objects": objects,
        "entries": entries,
        "seconds": round(seconds, 1),
        "per_second": round(objects / seconds) if seconds else None,
        "after_last_batch_seconds": round(tail, 1),
        "workers": kwargs.get("workers"),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    dataset.marker.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(
        f"index: rebuilt {objects:,} objects in {seconds:.1f} s "
        f"({figures['per_second']:,} per second; {tail:.1f} s of it after the last batch)"
    )
    return {"rebuilt": True, **figures}


# --------------------------------------------------------------------------- timing


def percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {}
    if len(samples) == 1:
        value = samples[0]
        return {"p50": value, "p95": value, "p99": value, "max": value, "n": 1}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "max": max(samples),
        "n": len(samples),
    }


def _calls(query: BenchQuery, modes: list[str]) -> dict[str, Callable[[], Any]]:
    from gongkai.search.backends import get_backend
    from gongkai.search.engine import SearchQuery, query_tokens, search

    search_query = SearchQuery(q=query.q, **dict(query.filters))
    tokens = query_tokens(query.q)
    backend = get_backend()
    calls: dict[str, Callable[[], Any]] = {
        "layer+facets": lambda: search(search_query),
        "layer": lambda: search(search_query, facets=False),
        "engine+facets": lambda: backend.direct(tokens, facets=True),
        "engine": lambda: backend.direct(tokens, facets=False),
    }
    return {mode: calls[mode] for mode in modes}


def available_modes() -> list[str]:
    from gongkai.search.backends import get_backend
    from gongkai.search.engine import search

    modes = ["layer+facets"]
    if "facets" in inspect.signature(search).parameters:
        modes.append("layer")
    else:
        print("note: search() takes no facets= in this tree: 'our layer, no facets' skipped")
    if callable(getattr(get_backend(), "direct", None)):
        modes += ["engine+facets", "engine"]
    else:
        print("note: the backend has no direct() in this tree: the engine's own times skipped")
    return modes


def run_queries(args: argparse.Namespace, documents: int) -> dict[str, Any]:
    from gongkai.search.engine import query_tokens

    modes = available_modes()
    times: dict[str, dict[str, list[float]]] = {q.label: {m: [] for m in modes} for q in QUERIES}
    matches: dict[str, dict[str, Any]] = {}
    calls = {query.label: _calls(query, modes) for query in QUERIES}
    print(
        f"\nqueries: {len(QUERIES)}, timed {len(modes)} ways each in {args.rounds} rounds after "
        "one warm-up round; matches (from the warm-up round):"
    )
    for round_number in range(args.rounds + 1):
        for query in QUERIES:
            for mode, call in calls[query.label].items():
                started = time.perf_counter()
                answer = call()
                elapsed = (time.perf_counter() - started) * 1000
                if round_number == 0:
                    found = matches.setdefault(query.label, {})
                    if mode == "layer+facets":
                        found["layer"] = answer.total
                    elif mode == "engine":
                        found["engine"] = answer
                else:
                    times[query.label][mode].append(elapsed)
            if round_number == 0:
                found = matches[query.label]
                share = found["layer"] / documents if documents else 0.0
                engine = f"{found['engine']:>9,}" if "engine" in found else " " * 9
                print(
                    f"  {_pad(query.group, 20)} {_pad(query.label, 40)} "
                    f"{found['layer']:>9,} ({share:7.3%})  engine {engine}  "
                    f"tokens {len(query_tokens(query.q))}"
                )
        if round_number > 0:
            print(f"  round {round_number} of {args.rounds} done", flush=True)
    return {"modes": modes, "times": times, "matches": matches}


# --------------------------------------------------------------------------- report


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _ms(value: float | None) -> str:
    return f"{value:8.1f}" if value is not None else "       -"


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    modes, times = results["modes"], results["times"]
    overall = {
        mode: percentiles([t for q in QUERIES for t in times[q.label][mode]]) for mode in modes
    }
    groups: dict[str, dict[str, dict[str, float]]] = {}
    for group in dict.fromkeys(q.group for q in QUERIES):
        groups[group] = {
            mode: percentiles(
                [t for q in QUERIES if q.group == group for t in times[q.label][mode]]
            )
            for mode in modes
        }
    per_query = {
        q.label: {mode: statistics.median(times[q.label][mode]) for mode in modes} for q in QUERIES
    }
    ratios: dict[str, dict[str, float]] = {}
    for layer, engine in (("layer+facets", "engine+facets"), ("layer", "engine")):
        if layer in overall and engine in overall:
            ratios[f"{layer} / {engine}"] = {
                p: overall[layer][p] / overall[engine][p] for p in ("p50", "p95")
            }
    return {"overall": overall, "groups": groups, "per_query": per_query, "ratios": ratios}


def print_report(results: dict[str, Any], summary: dict[str, Any], rounds: int) -> None:
    modes = results["modes"]
    samples = len(QUERIES) * rounds
    print(f"\nlatency in ms over {len(QUERIES)} queries × {rounds} rounds = {samples} each")
    print(f"  {_pad('', 28)}      p50      p95      p99      max")
    for mode in modes:
        p = summary["overall"][mode]
        print(
            f"  {_pad(MODE_LABELS[mode], 28)} {_ms(p['p50'])} {_ms(p['p95'])} "
            f"{_ms(p['p99'])} {_ms(p['max'])}"
        )
    header = "".join(f" {_pad(mode, 17)}" for mode in modes)
    print(f"\np50 / p95 in ms per group\n  {_pad('', 22)}{header}")
    for group, by_mode in summary["groups"].items():
        cells = "".join(
            f" {by_mode[mode]['p50']:7.1f} /{by_mode[mode]['p95']:7.1f} " for mode in modes
        )
        print(f"  {_pad(group, 22)}{cells}")
    print("\nmedian ms per query")
    header = "".join(f" {mode:>13}" for mode in modes)
    print(f"  {_pad('', 22)} {_pad('', 40)}{header}")
    for query in QUERIES:
        cells = "".join(f" {summary['per_query'][query.label][mode]:13.1f}" for mode in modes)
        print(f"  {_pad(query.group, 22)} {_pad(query.label, 40)}{cells}")
    if summary["ratios"]:
        print("\nour layer / engine direct")
        for name, ratio in summary["ratios"].items():
            print(f"  {_pad(name, 30)} p50 {ratio['p50']:5.2f}×   p95 {ratio['p95']:5.2f}×")
        print("  (the filtered queries reach the engine without their filter)")


def _git(*arguments: str) -> str:
    command = ["git", *arguments]
    return subprocess.run(  # noqa: S603 - fixed arguments, git from PATH
        command, cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def machine(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        tantivy = metadata.version("tantivy")
    except metadata.PackageNotFoundError:
        tantivy = ""
    commit = _git("rev-parse", "--short", "HEAD")
    changed = _git("status", "--porcelain", "gongkai")
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": shlex.join([Path(sys.executable).name, *sys.argv]),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "database": database,
        "tantivy": tantivy,
        "engine": args.engine,
        "commit": commit + (" + uncommitted changes in gongkai/" if changed else ""),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    dataset = Dataset(args)
    if args.fresh:
        dataset.drop()
    dataset.create()
    configure(args, dataset)
    info = machine(args)
    print(f"{info['date']}  {info['command']}")
    print(
        f"machine: {info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"{info['database']}, tantivy {info['tantivy'] or '-'}, commit {info['commit']}, "
        f"load {' '.join(str(x) for x in info['load_average'])}"
    )
    figures: dict[str, Any] = {"machine": info, "dataset": ensure_dataset(args, dataset)}
    if args.generate_only:
        print(f"database: {_database_bytes(dataset) / 2**20:,.0f} MiB")
        return

    from gongkai.catalogue.selectors.public import published_documents

    documents = published_documents().count()
    figures["index"] = ensure_index(args, dataset)
    sizes = {"database_mib": round(_database_bytes(dataset) / 2**20)}
    if args.engine == "tantivy" and dataset.index_dir.exists():
        sizes["index_dir_mib"] = round(_directory_bytes(dataset.index_dir) / 2**20)
    figures["sizes"] = sizes
    print(
        f"sizes: database {sizes['database_mib']:,} MiB"
        + (f", index directory {sizes['index_dir_mib']:,} MiB" if "index_dir_mib" in sizes else "")
        + f"; {documents:,} public documents"
    )
    results = run_queries(args, documents)
    summary = summarise(results)
    print_report(results, summary, args.rounds)
    load = [round(x, 2) for x in os.getloadavg()]
    print(f"\nload average at the end: {' '.join(str(x) for x in load)}")
    if args.json:
        figures.update(
            load_average_end=load,
            rounds=args.rounds,
            queries=[
                {
                    "group": q.group,
                    "q": q.q,
                    "filters": dict(q.filters),
                    "matches": results["matches"][q.label],
                    "ms": results["times"][q.label],
                }
                for q in QUERIES
            ],
            summary=summary,
        )
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
