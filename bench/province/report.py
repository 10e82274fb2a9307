"""Time the province government's annual report in the national format (fmt2021) for one year.

``.venv/bin/python bench/province/report.py --scale 0.1 --db sqlite [--year 2025]``: on the
province dataset (made when missing), for the whole government (every member agency), times

1. the scope (the member agencies on 1 January and those that joined in the year);
2. the tables 二, 三 and 四 (``gongkai.reports.tables.annual_tables``) and their validation
   (``gongkai.reports.validation.validate``, which computes last year's table 三 as well);
3. the whole report's content (``gongkai.reports.render.content_for``: tables, facts and the
   drafts of the prose, as ``manage.py annual_report`` builds it), then its HTML;
4. all of it as the report's page does it, within one request's memo (the tables shared by
   the content and the validation computed once; both years' table 三 from one read).

Each is run once cold (the first run, in a fresh process — the database's own cache may be
warm) and then three more times: the first run and the best of three are printed. Figures
only; the target is ≤ 2 s for the report.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.province.common import add_dataset_arguments, load, prepare

ROUNDS = 3


def timed(label: str, call: Callable[[], Any], results: dict[str, Any]) -> Any:
    """Run ``call`` once (the first run), then ``ROUNDS`` times; print the first and the best
    in wall-clock seconds, and this process's CPU seconds of the best round (on a shared
    machine the CPU time moves less with the load; PostgreSQL's own work is not in it)."""
    started = time.perf_counter()
    value = call()
    first = time.perf_counter() - started
    best, best_cpu = float("inf"), float("inf")
    for _round in range(ROUNDS):
        started, cpu = time.perf_counter(), time.process_time()
        call()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    results[label] = {"first": first, "best": best, "best_cpu": best_cpu}
    print(
        f"{label:<44} first {first:7.3f} s   best of {ROUNDS} {best:7.3f} s ({best_cpu:.3f} s CPU)"
    )
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_dataset_arguments(parser)
    parser.add_argument("--year", type=int, default=2025, help="the report's year (2021-2025)")
    parser.add_argument(
        "--queries",
        action="store_true",
        help="count the whole report's queries and time the slowest",
    )
    args = parser.parse_args(argv)
    prepare(args)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongkai.core.context import request_memo
    from gongkai.info_requests.models import InfoRequest
    from gongkai.reports.render import content_for
    from gongkai.reports.render.html import render_html
    from gongkai.reports.tables import annual_tables, government_scope, tables_three
    from gongkai.reports.validation import validate

    year = args.year
    print(
        f"report: fmt2021, whole government, {year}; "
        f"{InfoRequest.objects.count():,} applications in the database"
    )
    results: dict[str, Any] = {}
    scope = timed("scope (member agencies)", lambda: government_scope(year), results)
    print(f"  {len(scope.agency_ids):,} agencies in the scope")
    tables = timed("tables 二 三 四", lambda: annual_tables(scope), results)
    failures = timed("validation (with last year's table 三)", lambda: validate(tables), results)
    content = timed(
        "report content (fmt2021, drafts)",
        lambda: content_for(scope, "江北省人民政府", "fmt2021", prose={}),
        results,
    )
    timed("HTML of the report", lambda: render_html(content, standalone=True), results)

    def whole() -> None:
        # As the report's page builds it: within one request's memo, so that the tables the
        # content and the validation share are computed once, and this year's and last year's
        # table 三 come from one read (``services.content_and_check``).
        token = request_memo.set({})
        try:
            whole_scope = government_scope(year)
            tables_three([whole_scope, whole_scope.previous()])
            built = content_for(whole_scope, "江北省人民政府", "fmt2021", prose={})
            render_html(built, standalone=True)
            validate(annual_tables(whole_scope))
        finally:
            request_memo.reset(token)

    timed("whole: scope + content + HTML + validation", whole, results)
    if args.queries:
        with CaptureQueriesContext(connection) as queries:
            whole()
        print(f"  the whole report made {len(queries)} queries")
        timings: list[tuple[float, str]] = []

        def timing(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
            started = time.perf_counter()
            try:
                return execute(sql, *rest)
            finally:
                timings.append((time.perf_counter() - started, sql))

        with connection.execute_wrapper(timing):
            whole()
        print(f"  their own time: {sum(seconds for seconds, _sql in timings):.3f} s; the slowest:")
        for seconds, sql in sorted(timings, reverse=True)[:8]:
            print(f"  {seconds:7.3f} s  {sql[:150]}")
    three = tables.three
    print(
        f"table 三: new {three.cell('new'):,}, carried over {three.cell('carried_over'):,}, "
        f"answered {three.cell('7'):,}, carried forward {three.cell('carried_forward'):,}; rows "
        + ", ".join(
            f"{row} {three.cell(row):,}" for row in ("1", "2", "3", "4", "5", "6.1", "6.2", "6.3")
        )
    )
    four = tables.four
    print(
        "table 四: "
        + ", ".join(f"{kind} {cells['total']}" for kind, cells in four.cells.items())
        + f"; validation failures: {len(failures)}"
    )
    for failure in failures[:5]:
        print(f"  {failure}")
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
