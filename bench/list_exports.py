"""What a public list's export costs, docs/performance.md "Exports through the task queue":
an anonymous visitor's CSV and XLSX of a key-area list of many published records, through the
public URLs (the page cache off: the first visitor's cost).

    DATABASE_URL=sqlite:////tmp/exp2/demo.sqlite3 .venv/bin/python bench/list_exports.py \\
        --records 20000

On the demonstration's database: the power list (行政权力清单, nine fields) is filled up to
``--records`` published records by copying its own (bulk, once). Prints, best of ``--runs`` (3), the
wall and CPU seconds of this process for the whole answer (built and read to its last byte),
and, in a separate pass, the peak of the memory Python allocated meanwhile (tracemalloc).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import cpu

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
os.environ.setdefault("GONGKAI_PAGE_CACHE", "0")

TYPE = "power-list"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    from gongkai.catalogue.models import ListRecord

    published = ListRecord.objects.filter(record_type__code=TYPE, state="published")
    have = published.count()
    if not have:
        raise SystemExit("no published power list: load the demonstration first")
    if have < options.records:
        models = list(published.order_by("id"))
        ListRecord.objects.bulk_create(
            (
                ListRecord(
                    record_type_id=model.record_type_id,
                    agency_id=model.agency_id,
                    data=model.data,
                    search_text=model.search_text,
                    state=model.state,
                    published_at=model.published_at,
                    created_by_id=model.created_by_id,
                )
                for n in range(options.records - have)
                for model in (models[n % len(models)],)
            ),
            batch_size=2000,
        )
    client = Client()

    def download(extension: str) -> int:
        response = client.get(reverse(f"catalogue:list_export_{extension}", args=[TYPE]))
        if response.status_code != 200:
            raise SystemExit(f"the export answered {response.status_code}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return len(body)

    print(f"{published.count():,} published records; load {os.getloadavg()[0]:.1f}")
    for extension in ("csv", "xlsx"):
        results = []
        for _ in range(options.runs):
            wall, used = time.perf_counter(), cpu()
            size = download(extension)
            results.append((time.perf_counter() - wall, cpu() - used))
        tracemalloc.start()
        download(extension)
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        wall, used = min(results)
        print(
            f"{extension}: {size:>12,} bytes {wall:8.3f} s wall {used:8.3f} s CPU "
            f"peak {peak / 2**20:8.1f} MiB allocated",
            flush=True,
        )
    print(f"load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
