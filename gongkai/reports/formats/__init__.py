"""The annual report's formats: the national format of 国办公开办函〔2021〕30号 (``fmt2021``), its
2019 trial version (``fmt2019``) and the free structure of the seed's 2014 report
(``seed2014``). Each is a :class:`~gongkai.reports.formats.base.ReportFormat` registered in
:data:`FORMATS`; :func:`default_format` picks the one a year's report uses.
"""

from __future__ import annotations

from gongkai.reports.formats.base import ReportFormat, default_format_key

FORMATS: dict[str, ReportFormat] = {}


def register(report_format: ReportFormat) -> ReportFormat:
    FORMATS[report_format.key] = report_format
    return report_format


def get_format(key: str) -> ReportFormat:
    """The format called ``key``; ``KeyError`` for an unknown key."""
    _load()
    return FORMATS[key]


def default_format(year: int) -> ReportFormat:
    """The format a report for ``year`` uses unless another is chosen (REGULATION.md §4)."""
    return get_format(default_format_key(year))


def all_formats() -> list[ReportFormat]:
    _load()
    return [FORMATS[key] for key in ("fmt2021", "fmt2019", "seed2014") if key in FORMATS]


def _load() -> None:
    """Import the format modules (each registers itself); importing one module directly
    registers only that one, so the others are imported here whatever is registered already
    (a module is imported once: later calls cost a dictionary lookup)."""
    from gongkai.reports.formats import fmt2019, fmt2021, seed2014  # noqa: F401
