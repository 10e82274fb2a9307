"""The annual report as plain data: what every format builds and every writer renders.

A format (``gongkai.reports.formats``) turns a :class:`~gongkai.reports.tables.Scope` and the
office's prose into a :class:`ReportContent`: the title, the numbered sections in the format's
order, each with its prose and its tables, and the named figures the prose quotes. The writers
(``gongkai.reports.render``: HTML, DOCX, PDF; ``exports``: JSON, XLSX) take only this, so a new
format needs no new writer and a new writer serves every format.

Every number that comes from records carries :class:`Ref`\\ s to them, so that staff can open
the records behind it (``gongkai.reports.records`` resolves them); public renderings drop
the refs and print the values only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

Number = int | Decimal


@dataclass(frozen=True)
class Ref:
    """One record behind a number: ``kind`` names the kind of record (a key of
    ``gongkai.reports.records.RESOLVERS``, for instance ``"info_request"``), ``key`` the
    record's stable key within it (an application's tracking number, a document's id …)."""

    kind: str
    key: str


@dataclass(frozen=True)
class Cell:
    """One cell of a table. ``text`` is what is printed (a label, or a number formatted for
    print); ``value`` is the number when the cell holds one; ``refs`` the records behind it;
    ``note`` why a number is what it is when no record supports it."""

    text: str
    value: Number | None = None
    refs: tuple[Ref, ...] = ()
    note: str = ""
    colspan: int = 1
    rowspan: int = 1
    header: bool = False  # a heading cell (printed as <th>)


@dataclass(frozen=True)
class Table:
    """A table of the report: ``head`` are the heading rows, ``rows`` the body rows, both
    as tuples of cells laid out with their colspan/rowspan as in an HTML table."""

    key: str  # stable: "2", "3", "4" for FMT2021's 二, 三, 四; format-specific otherwise
    title: str  # printed title, e.g. "二、主动公开政府信息情况"
    head: tuple[tuple[Cell, ...], ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A named figure of the year (``key`` is stable ASCII) that the prose may quote."""

    key: str
    label: str  # what it counts, in Chinese, e.g. "本年新收政府信息公开申请"
    value: Number
    unit: str = ""  # "件", "条", "%", "万元" …
    refs: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class Section:
    """One numbered section: its printed title, its prose (paragraphs separated by blank
    lines; plain text, never HTML) and its tables, printed after the prose."""

    key: str  # "1" … "6" for FMT2021; "1" … "11" for the seed's structure
    title: str  # e.g. "一、总体情况"
    text: str = ""
    tables: tuple[Table, ...] = ()
    has_prose: bool = True  # False for a section that is only its table


@dataclass(frozen=True)
class ReportContent:
    """The whole report, ready to render."""

    format: str  # "fmt2021", "fmt2019" or "seed2014"
    year: int
    agency_name: str  # the reporting body: an agency, or the government (e.g. 张店区人民政府)
    title: str  # e.g. "张店区人民政府2025年政府信息公开工作年度报告"
    sections: tuple[Section, ...]
    figures: Mapping[str, Figure] = field(default_factory=dict)
    preamble: str = ""  # the paragraph before section 一, if the format has one

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def tables(self) -> tuple[Table, ...]:
        return tuple(t for s in self.sections for t in s.tables)


@dataclass(frozen=True)
class ProseProblem:
    """A figure quoted in the prose that disagrees with the records."""

    section: str  # the section's key
    figure: str  # the figure's key
    label: str  # what the figure counts
    expected: Number
    found: str  # the number as the prose gives it
