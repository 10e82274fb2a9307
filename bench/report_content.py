"""Dump what the annual reports of a database show, so that two trees can be compared.

Run from a tree as ``.venv/bin/python bench/report_content.py OUT.json`` against the database
its settings name (``GONGKAI_SQLITE_PATH`` or ``DATABASE_URL``: a copy of the demonstration's,
say; the script changes nothing). Then run the same command from the other tree against an
identical copy and compare the files (``cmp``): a change of how the reports read their records
must leave them byte for byte the same.

What it writes, for the years 2013–2015, 2019, 2020, 2024 and 2025, for the whole government
and fourteen agencies, in every format that year allows (the seed's structure always; the 2019
format for 2019–2020; the 2021 format from 2021): each figure (label, value, unit and every ref),
the drafts, the built content (the preamble, each section's text and each cell of its tables
with its refs, the HTML), the validation's failures of tables 二–四 and the prose check, the
format's tables with their refs; the records the reports read as their other readers see them
(the channels' year and its summaries, the letters' facts, the key-task plan); and the staff
pages of every annual report in the database as the demonstration's office sees them (the
report, each section editor, the HTML and JSON downloads; the CSRF token blanked).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

YEARS = (2013, 2014, 2015, 2019, 2020, 2024, 2025)
CSRF = re.compile(
    r'(name="csrfmiddlewaretoken" value=")[^"]+|(csrf[-_]?token["\']?\s*[:=]\s*["\'])[^"\']+', re.I
)


def _refs(refs: Any) -> list[list[str]]:
    return [[ref.kind, ref.key] for ref in refs]


def _figure(figure: Any) -> dict[str, Any]:
    return {
        "label": figure.label,
        "value": str(figure.value),
        "unit": figure.unit,
        "refs": _refs(figure.refs),
    }


def _cells(rows: Any) -> list[list[dict[str, Any]]]:
    return [
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
        for row in rows
    ]


def _content(content: Any) -> dict[str, Any]:
    from gongkai.reports.render.html import render_html

    return {
        "title": content.title,
        "preamble": content.preamble,
        "figures": {key: _figure(figure) for key, figure in content.figures.items()},
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "text": section.text,
                "tables": [
                    {"key": table.key, "rows": _cells((*table.head, *table.rows))}
                    for table in section.tables
                ],
            }
            for section in content.sections
        ],
        "html": render_html(content, standalone=True),
    }


def _report(scope: Any, name: str, format_key: str) -> dict[str, Any]:
    from gongkai.reports.formats import get_format
    from gongkai.reports.formats.base import Subject, check_prose
    from gongkai.reports.tables import annual_tables, tables_three
    from gongkai.reports.validation import validate

    report_format = get_format(format_key)
    subject = Subject(scope=scope, agency_name=name)
    figures = report_format.figures(subject)
    content = report_format.build(subject, prose={})
    previous = tables_three([scope.previous()])[0]
    return {
        "figures": {key: _figure(figure) for key, figure in figures.items()},
        "drafts": report_format.drafts(subject, figures),
        "content": _content(content),
        "failures": [repr(f) for f in validate(annual_tables(scope), previous=previous)],
        "prose": [repr(problem) for problem in check_prose(content, report_format.facts())],
        "tables": [[table.key, _cells(table.rows)] for table in report_format.tables(subject)],
    }


def _records(year: int) -> dict[str, str]:
    from gongkai.interaction.channels import selectors as channels
    from gongkai.interaction.letters import statistics as letters
    from gongkai.supervision.plans import selectors as plans

    records = channels.load_year(year)
    sessions = [
        (row.pk, row.programme_id, row.aired_on, row.calls, row.answered_on_air, row.follow_ups,
         sorted(row.agency_ids), row.follow_up_letters)
        for row in sorted(records.sessions, key=lambda row: row.pk)
    ]  # fmt: skip
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    plan = plans.plan_of_year(year)
    tasks = list(plans.tasks_of_plan(plan, agencies=False)) if plan is not None else []
    return {
        "summary": repr(channels.summarise(records)),
        "agencies": repr(channels.agency_summaries(records)),
        "rows": repr(
            (
                sessions,
                records.logs,
                sorted(records.figures.items()),
                records.opinions,
                [(p.pk, p.name, p.sort_order) for p in records.programmes],
                [(p.pk, p.name, p.agency.name) for p in records.points],
                [(c.pk, c.name, c.agency.name, c.metrics) for c in records.channels],
            )
        ),
        "letters": repr(letters.load_facts(start, end, as_of=end)),
        "plan": repr(
            (
                plan and (plan.pk, plan.title, plan.doc_number),
                [(t.pk, t.number, t.category_id, t.lead_agency_id, t.accepted_on) for t in tasks],
            )
        ),
    }


def _pages() -> dict[str, Any]:
    from django.test import Client

    from gongkai.core.models import User
    from gongkai.reports.annual import services
    from gongkai.reports.annual.models import AnnualReport

    client = Client()
    client.force_login(User.objects.get(username="office"))
    pages: dict[str, Any] = {}
    for report in AnnualReport.objects.order_by("pk"):
        base = f"/workbench/reports/{report.pk}/"
        urls = [base]
        urls += [f"{base}sections/{key}/" for key, _title in services.prose_sections(report)]
        urls += [f"{base}download/{kind}/" for kind in ("html", "json")]
        for url in urls:
            response = client.get(url)
            body = CSRF.sub(lambda m: (m.group(1) or m.group(2)) + "X", response.content.decode())
            pages[url] = [response.status_code, body]
    return pages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # the test client's host is allowed
    from gongkai.agencies.models import Agency
    from gongkai.core.context import request_memo
    from gongkai.reports.tables import agency_scope, government_scope

    agencies = list(Agency.objects.order_by("sort_order", "id").values_list("pk", "name"))
    chosen = agencies[:6] + agencies[20:24] + agencies[-4:]
    out: dict[str, Any] = {}
    for year in YEARS:
        formats = ["seed2014"]
        formats += ["fmt2019"] if year in (2019, 2020) else []
        formats += ["fmt2021"] if year >= 2021 else []
        scopes = [("government", government_scope(year), "张店区人民政府")]
        scopes += [(f"agency-{pk}", agency_scope(pk, year), name) for pk, name in chosen]
        for label, scope, name in scopes:
            for format_key in formats:
                token = request_memo.set({})  # each report as one request builds it
                try:
                    out[f"{year}/{label}/{format_key}"] = _report(scope, name, format_key)
                finally:
                    request_memo.reset(token)
        out[f"{year}/records"] = _records(year)
    out["pages"] = _pages()
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    print(f"{len(out)} entries written to {args.out}")


if __name__ == "__main__":
    main()
