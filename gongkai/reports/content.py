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

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, overload

Number = int | Decimal


@dataclass(frozen=True)
class Ref:
    """One record behind a number: ``kind`` names the kind of record (a key of
    ``gongkai.reports.records.RESOLVERS``, for instance ``"info_request"``), ``key`` the
    record's stable key within it (an application's tracking number, a document's id …)."""

    kind: str
    key: str


class LazyRefs(Sequence[Ref]):
    """Records behind a number, read only when something reads them: the records page of a
    cell, or a test. A province's report stands on hundreds of thousands of records (every
    document published in the year); fetching their keys for each build of the report cost
    more than the figures themselves, and almost every build only prints the numbers.

    ``keys`` returns the records' keys in order (a queryset's ``values_list(..., flat=True)``
    does, and is read once). ``nonempty``: whether there is any, when the caller knows it
    from the number (a count of the same rows), so that "is there a link?" reads nothing.
    Pickled, copied or compared, it is the tuple of its refs."""

    __slots__ = ("_keys", "_kind", "_nonempty", "_refs")

    def __init__(
        self, kind: str, keys: Callable[[], Iterable[object]], *, nonempty: bool | None = None
    ) -> None:
        self._kind = kind
        self._keys = keys
        self._nonempty = nonempty
        self._refs: tuple[Ref, ...] | None = None

    def _load(self) -> tuple[Ref, ...]:
        if self._refs is None:
            self._refs = tuple(Ref(self._kind, str(key)) for key in self._keys())
        return self._refs

    @overload
    def __getitem__(self, index: int) -> Ref: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Ref, ...]: ...

    def __getitem__(self, index: int | slice) -> Ref | tuple[Ref, ...]:
        return self._load()[index]

    def __len__(self) -> int:
        return len(self._load())

    def __iter__(self) -> Iterator[Ref]:
        return iter(self._load())

    def __bool__(self) -> bool:
        if self._refs is None and self._nonempty is not None:
            return self._nonempty
        return bool(self._load())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRefs | tuple | list):
            return self._load() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._load())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self._load(),))

    def __repr__(self) -> str:
        loaded = "not read" if self._refs is None else f"{len(self._refs)} refs"
        return f"LazyRefs({self._kind!r}, {loaded})"


@dataclass(frozen=True)
class Cell:
    """One cell of a table. ``text`` is what is printed (a label, or a number formatted for
    print); ``value`` is the number when the cell holds one; ``refs`` the records behind it;
    ``note`` why a number is what it is when no record supports it."""

    text: str
    value: Number | None = None
    refs: Sequence[Ref] = ()
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
    refs: Sequence[Ref] = ()


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
