"""Time the bulk import of a catalogue (CSV) with segmentation and indexing, on the real path.

``.venv/bin/python bench/province/import_docs.py --docs 100000 --db sqlite [--engine tantivy]``
makes a fresh database (``var/bench/import-N-S.sqlite3`` or ``gongkai_bench_import_N_S``) with
the province's 1,000 agencies and an office account, writes (once, kept in ``var/bench/``) a
CSV of ``--docs`` documents from the province generator's text — 索引号, 标题, 发布机构 (the
organisation code), 成文日期, 发布日期, 文号, 主题分类, 体裁, 法定主动公开内容, 有效性, 内容概述,
正文, 关键词 — and runs ``manage.py import_catalogue FILE --actor bench-office`` on it: both
passes of ``gongkai.catalogue.bulk_import`` (every row checked, then written with its version
and event), and the indexing its commit triggers (``documents_imported`` → the search index,
each document segmented). Prints the whole time, documents a second, the import's own time
(``ImportReport.seconds``) and how many index entries were made. ``--profile`` prints the top
of a cProfile of the run. The database is made again for every run: an import needs index
numbers that are not there yet.
"""

from __future__ import annotations

import argparse
import csv
import io
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.province.common import (
    POSTGRES,
    VAR,
    Dataset,
    configure,
    header,
    load,
    migrate,
)

HEADERS = (
    "索引号", "标题", "发布机构", "成文日期", "发布日期", "文号", "主题分类", "体裁",
    "法定主动公开内容", "有效性", "内容概述", "正文", "关键词",
)  # fmt: skip
VALIDITY = {"valid": "有效", "amended": "已修订", "repealed": "废止", "expired": "失效"}


class ImportDataset(Dataset):
    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(args)
        self.sqlite_path = VAR / f"import-{args.docs}-{args.seed}.sqlite3"
        self.pg_name = args.pg_name or f"gongkai_bench_import_{args.docs}_{args.seed}"
        self.index_dir = VAR / f"import-index-{args.db}-{args.docs}-{args.seed}"


def write_csv(path: Path, count: int, seed: int) -> None:
    """``count`` documents of the province generator as the import's CSV (agencies made)."""
    import datetime

    from bench.province.generate import SHANGHAI, ProvinceDocuments
    from bench.search.generate import _moments
    from gongkai.agencies.models import Agency
    from gongkai.catalogue.models import Genre, StatutoryItem, Topic

    agencies = list(Agency.objects.order_by("sort_order"))
    codes = {a.pk: a.org_code for a in agencies}
    topics = dict(Topic.objects.values_list("pk", "code"))
    genres = dict(Genre.objects.values_list("pk", "code"))
    items = dict(StatutoryItem.objects.values_list("pk", "code"))
    generator = ProvinceDocuments(seed + 10, agencies)
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(HEADERS)
    for published in _moments(count, generator.rng):
        doc, _version = generator.document(published)
        day = published.astimezone(SHANGHAI).date()
        formation = doc["formation_date"]
        out.writerow(
            [
                doc["index_number"],
                doc["title"],
                codes[doc["agency_id"]],
                formation.isoformat() if isinstance(formation, datetime.date) else "",
                day.isoformat(),
                doc["doc_number"],
                topics.get(doc["topic_id"], ""),
                genres.get(doc["genre_id"], ""),
                items.get(doc["statutory_item_id"], ""),
                VALIDITY[doc["validity"]],
                doc["summary"],
                doc["body"],
                doc["keywords"],
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _backend_cpu() -> float | None:
    """CPU seconds (user and system) used so far by the PostgreSQL server process serving
    this connection, when the server runs on this machine; ``None`` on SQLite."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="rows (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--engine", choices=("tantivy", "database"), default="tantivy")
    parser.add_argument("--postgres", default=POSTGRES, metavar="URL")
    parser.add_argument(
        "--pg-name", metavar="NAME", help="PostgreSQL database (default gongkai_bench_import_N_S)"
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import")
    args = parser.parse_args(argv)
    args.scale = 1.0
    dataset = ImportDataset(args)
    dataset.drop()
    dataset.create()
    configure(dataset, GONGKAI_SEARCH_BACKEND=args.engine)
    print(header(args))
    migrate()

    from django.core.management import call_command

    from bench.province.generate import build_agencies
    from gongkai.agencies.models import Agency, StaffRole
    from gongkai.catalogue.models import Document
    from gongkai.core.models import User
    from gongkai.search.models import SearchEntry

    build_agencies(sys.stdout)
    office = User.objects.create(username="bench-office", full_name="公开办", is_active=True)
    StaffRole.objects.create(
        user=office, agency=Agency.objects.get(slug="p--general-office"), role="office"
    )
    source = VAR / f"import-{args.docs}-{args.seed}.csv"
    if not source.exists():
        started = time.perf_counter()
        write_csv(source, args.docs, args.seed)
        print(f"CSV written: {source} in {time.perf_counter() - started:.0f} s")
    print(
        f"importing {args.docs:,} rows ({source.stat().st_size / 2**20:,.0f} MiB) with the "
        f"{args.engine} search engine"
    )
    shutil.rmtree(dataset.index_dir, ignore_errors=True)
    from gongkai.search.backends import get_backend

    # A running site has its index: open it now (a new directory queues every entry there is,
    # none yet), not during the import, which would queue the import's entries a second time.
    get_backend().refresh()
    output = io.StringIO()
    backend = _backend_cpu()
    started = time.perf_counter()
    before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    if args.profile:
        import cProfile
        import pstats

        # CPU time, not wall-clock time: on a shared machine waiting for a core is not a cost.
        profile = cProfile.Profile(time.process_time)
        profile.enable()
    call_command("import_catalogue", str(source), actor="bench-office", stdout=output)
    seconds = time.perf_counter() - started
    cpu = [
        used.ru_utime + used.ru_stime - (earlier.ru_utime + earlier.ru_stime)
        for used, earlier in zip(
            [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)],
            before,
            strict=True,
        )
    ]
    server = _backend_cpu()
    if args.profile:
        profile.disable()
        profile.dump_stats(VAR / "import_docs.prof")  # for a closer look (pstats, snakeviz)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
    documents = Document.objects.count()
    entries = SearchEntry.objects.count()
    print(output.getvalue().strip())
    print(
        f"import_catalogue: {documents:,} documents in {seconds:.1f} s — "
        f"{documents / seconds:,.0f} documents a second, segmentation and indexing included "
        f"({entries:,} index entries)"
    )
    print(
        f"CPU: {cpu[0]:.1f} s in this process, {cpu[1]:.1f} s in the worker processes that cut "
        f"the text ({sum(cpu):.1f} s, {sum(cpu) / documents * 1000:.2f} ms a document)"
    )
    if server is not None and backend is not None:
        print(
            f"PostgreSQL: {server - backend:.1f} s of CPU in the server process of this "
            f"connection (/proc/PID/stat; the server's other processes not counted)"
        )
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
