"""Time the working-day functions on a throwaway database seeded by the migrations.

Run as ``.venv/bin/python bench/workdays.py [--db sqlite|postgres]`` (or ``make bench``). Prints
figures only; it never touches the developer's database: SQLite in a temporary folder, or a
PostgreSQL database ``gongkai_bench_workdays`` (created, migrated, dropped at the end) on
``--postgres URL``, whatever DATABASE_URL says. The queries each timed round sends to the
database are counted too: after the first call builds the calendar's table there must be none,
so the figures are the same on either database.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

CALLS = 1_000_000
ROUNDS = 3


POSTGRES = "postgres://postgres@127.0.0.1:5432/"
PG_NAME = "gongkai_bench_workdays"


def _postgres(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server + "postgres", autocommit=True) as conn:
        conn.execute(statement)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres", default=POSTGRES, metavar="URL")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    folder = tempfile.TemporaryDirectory(prefix="gongkai-bench-")
    server = args.postgres.rstrip("/") + "/"
    if args.db == "postgres":
        _postgres(server, f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        _postgres(server, f"CREATE DATABASE {PG_NAME}")
        os.environ["DATABASE_URL"] = server + PG_NAME
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["GONGKAI_SQLITE_PATH"] = str(Path(folder.name) / "bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    os.environ.setdefault("GONGKAI_LOG_LEVEL", "WARNING")

    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if args.db == "postgres" else "SELECT sqlite_version()")
        print(f"database: {args.db} {cursor.fetchone()[0].split(' on ')[0]}; load {_load()}")
    queries = [0]

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries[0] += 1
        return execute(sql, params, many, context)

    from gongkai.core.workdays import (
        add_working_days,
        covered_years,
        is_working_day,
        reload_calendar,
        working_days_between,
    )

    years = covered_years()
    print(f"calendar: {len(years)} years, {years[0]}-{years[-1]}")

    rng = random.Random(20260101)
    first = date(2005, 1, 1).toordinal()
    last = date(2026, 11, 30).toordinal()  # 20 working days later is still in 2026
    starts = [date.fromordinal(rng.randint(first, last)) for _ in range(CALLS)]
    year_end = date(2026, 12, 31)
    ends = [min(start + timedelta(days=rng.randint(0, 60)), year_end) for start in starts]

    reload_calendar()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        is_working_day(starts[0])
    build_seconds = time.perf_counter() - started
    print(
        f"table built by the first call: {build_seconds * 1000:.1f} ms "
        f"({queries[0]} database queries)"
    )

    def run(label: str, call) -> None:  # type: ignore[no-untyped-def]
        # Best of ROUNDS: the machine may be shared, and the fastest round is the one least
        # disturbed. Wall-clock time and this process's CPU time are both shown.
        best_wall = best_cpu = float("inf")
        queries[0] = 0
        with connection.execute_wrapper(count):
            for _ in range(ROUNDS):
                wall, cpu = time.perf_counter(), time.process_time()
                call()
                best_wall = min(best_wall, time.perf_counter() - wall)
                best_cpu = min(best_cpu, time.process_time() - cpu)
        print(
            f"{CALLS:,} {label}: {best_wall:.3f} s ({best_cpu:.3f} s CPU), "
            f"{CALLS / best_wall:,.0f} per second, {queries[0]} queries in {ROUNDS} rounds"
        )

    run("add_working_days(start, 20)", lambda: [add_working_days(s, 20) for s in starts])
    run("is_working_day(d)", lambda: [is_working_day(s) for s in starts])
    run(
        "working_days_between(a, b)",
        lambda: [working_days_between(a, b) for a, b in zip(starts, ends, strict=True)],
    )
    run("loop overhead alone (no call)", lambda: [None for _start in starts])
    print(f"load average at the end: {_load()}")
    folder.cleanup()
    if args.db == "postgres":
        connection.close()
        _postgres(server, f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
