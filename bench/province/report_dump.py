"""Dump the content of annual reports (fmt2021) so that two trees can be compared.

``.venv/bin/python bench/province/report_dump.py --scale 1 --db postgres --pg-name NAME
--out /tmp/after.json`` (a province dataset) or ``--database-url URL`` (any database, the
demonstration for instance). For the whole government of each year and for ``--agencies``
agencies' own reports of the last year: every figure (value, unit, the number of its refs
and a hash of them), every cell of every table (text, value, note, refs likewise), each
section's text, a hash of the report's HTML, the validation's failures and the tables'
tracking numbers. Run the same command from each tree and compare the files (``cmp``): a
change of the report's queries must leave them byte for byte the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.province.common import add_dataset_arguments, prepare


def _digest(values: Iterable[object]) -> str:
    hashed = hashlib.sha256()
    for value in values:
        hashed.update(repr(value).encode())
        hashed.update(b"\0")
    return hashed.hexdigest()[:16]


def _refs(refs: Iterable[Any]) -> dict[str, Any]:
    pairs = [(ref.kind, ref.key) for ref in refs]
    return {"n": len(pairs), "hash": _digest(pairs)}


def dump_report(scope: Any, name: str) -> dict[str, Any]:
    """Everything a report of ``scope`` shows or names, built as its page builds it."""
    from gongkai.core.context import request_memo
    from gongkai.reports.render import content_for
    from gongkai.reports.render.html import render_html
    from gongkai.reports.tables import annual_tables, normative_document_ids
    from gongkai.reports.validation import validate

    token = request_memo.set({})
    try:
        content = content_for(scope, name, "fmt2021", prose={})
        html = render_html(content, standalone=True)
        tables = annual_tables(scope)
        failures = validate(tables)
        normative = normative_document_ids(scope)
    finally:
        request_memo.reset(token)
    sections = []
    for section in content.sections:
        cells = [
            [
                {
                    "text": cell.text,
                    "value": str(cell.value),
                    "note": cell.note,
                    "span": [cell.colspan, cell.rowspan, cell.header],
                    "refs": _refs(cell.refs),
                }
                for cell in row
            ]
            for table in section.tables
            for row in (*table.head, *table.rows)
        ]
        sections.append(
            {"key": section.key, "title": section.title, "text": section.text, "cells": cells}
        )
    return {
        "title": content.title,
        "preamble": content.preamble,
        "figures": {
            key: {
                "label": figure.label,
                "value": str(figure.value),
                "unit": figure.unit,
                "refs": _refs(figure.refs),
            }
            for key, figure in content.figures.items()
        },
        "sections": sections,
        "html": _digest([html]),
        "validation": [str(failure) for failure in failures],
        "table3": {
            row: {column: _digest(numbers) for column, numbers in by_column.items()}
            for row, by_column in tables.three.numbers.items()
        },
        "table4": {
            kind: {result: _digest(numbers) for result, numbers in by_result.items()}
            for kind, by_result in tables.four.numbers.items()
        },
        "normative": {column: _digest(ids) for column, ids in normative.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_dataset_arguments(parser)
    parser.add_argument("--database-url", help="dump this database instead of a dataset")
    parser.add_argument("--years", default="2021-2025", help="first-last (default 2021-2025)")
    parser.add_argument("--agencies", type=int, default=8, help="agencies' own reports")
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
        os.environ["DATABASE_URL"] = args.database_url
        import django

        django.setup()
    else:
        prepare(args)

    from django.utils import translation

    from gongkai.agencies.models import Agency
    from gongkai.reports.tables import agency_scope, government_scope

    translation.activate("zh-hans")
    first, last = (int(year) for year in args.years.split("-"))
    dumped: dict[str, Any] = {}
    for year in range(first, last + 1):
        dumped[f"government {year}"] = dump_report(government_scope(year), "政府")
        print(f"government {year}", flush=True)
    scope = government_scope(last)
    # Spread over the agencies (the largest ids and the smallest), in a fixed order.
    ids = sorted(scope.agency_ids)
    step = max(1, len(ids) // max(1, args.agencies))
    for agency_id in ids[::step][: args.agencies]:
        agency = Agency.objects.get(pk=agency_id)
        for year in (last - 1, last):
            dumped[f"agency {agency_id} {year}"] = dump_report(
                agency_scope(agency_id, year), agency.name
            )
        print(f"agency {agency_id}", flush=True)
    args.out.write_text(json.dumps(dumped, ensure_ascii=False, indent=1, sort_keys=True))
    print(f"{len(dumped)} reports dumped to {args.out}")


if __name__ == "__main__":
    main()
