"""The tables of the annual report in the national format (FMT2021, REG 50), from the records.

Each table is a frozen dataclass of plain numbers, computed for a :class:`Scope` — a year and
one agency, or the whole government (the agencies that were members at any time in the year).
Labels are the national form's (国办公开办函〔2021〕30号, REGULATION.md §4), printed exactly:
they are statutory text, not translated. The cells' keys are stable ASCII so that exports and
tests need not spell the labels.

Table 三 is *as of 31 December*: an application's state and outcome are those its events had
recorded up to the end of the year's last day (by the event's legal date, ``on``), so a later
step never changes a past year. Other apps are read only through their selectors.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.agencies import selectors as agency_selectors
from gongkai.catalogue.selectors import public as catalogue_selectors
from gongkai.core.context import once_a_request, request_memo
from gongkai.info_requests import selectors as request_selectors
from gongkai.info_requests.models import InfoRequest, Remedy
from gongkai.info_requests.outcomes import REPORT_ROWS

# --------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """Whose report, for which year: one agency (``agency_id``) or the whole government."""

    year: int
    agency_ids: frozenset[int]
    agency_id: int | None = None  # None: the whole government

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def previous(self) -> Scope:
        """The same report a year earlier (for the carry-over check)."""
        if self.agency_id is None:
            return government_scope(self.year - 1)
        return agency_scope(self.agency_id, self.year - 1)


def agency_scope(agency_id: int, year: int) -> Scope:
    """One agency's own report."""
    return Scope(year=year, agency_ids=frozenset({agency_id}), agency_id=agency_id)


def government_scope(year: int) -> Scope:
    """The whole government: every agency that was a member at some time in ``year`` — those
    members on 1 January and those that joined during the year."""
    return once_a_request(("reports.government_scope", year), lambda: _government_scope(year))


def _government_scope(year: int) -> Scope:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    membership = agency_selectors.membership()  # read once a request for every year
    ids = {agency.pk for agency in membership.members_on(start)}
    joined = "joined"  # MembershipChange.Change.JOINED
    ids |= {
        change.agency_id
        for change in membership.changes_between(start, end)
        if change.change == joined
    }
    return Scope(year=year, agency_ids=frozenset(ids))


# --------------------------------------------------------------------------- table 三


@dataclass(frozen=True)
class Line:
    """A row or a column of a table: its stable key and its printed label."""

    key: str
    label: str
    parent: str = ""  # the key of the group it belongs to, if any


APPLICANT_HEADING = "申请人情况"
ORGANISATIONS_HEADING = "法人或其他组织"

Column = InfoRequest.OrganisationKind
COLUMNS_3: tuple[Line, ...] = (
    Line("person", "自然人"),
    Line(Column.BUSINESS, "商业企业", "organisation"),
    Line(Column.RESEARCH, "科研机构", "organisation"),
    Line(Column.PUBLIC_WELFARE, "社会公益组织", "organisation"),
    Line(Column.LEGAL_SERVICES, "法律服务机构", "organisation"),
    Line(Column.OTHER, "其他", "organisation"),
    Line("total", "总计"),
)
APPLICANT_COLUMNS: tuple[str, ...] = tuple(c.key for c in COLUMNS_3 if c.key != "total")

NEW, CARRIED_OVER, RESULTS, TOTAL, CARRIED_FORWARD = (
    "new",
    "carried_over",
    "results",
    "7",
    "carried_forward",
)


def _outcome_rows() -> tuple[Line, ...]:
    """（一）…（六） with their sub-rows, in the form's order, from ``REPORT_ROWS``."""
    lines: list[Line] = []
    seen: set[str] = set()
    for row in sorted(REPORT_ROWS.values(), key=lambda r: [int(p) for p in r.key.split(".")]):
        group = row.key.split(".")[0]
        if group not in seen:
            seen.add(group)
            lines.append(Line(group, row.group, RESULTS))
        if "." in row.key and row.key not in seen:
            seen.add(row.key)
            lines.append(Line(row.key, row.label, group))
    return tuple(lines)


ROWS_3: tuple[Line, ...] = (
    Line(NEW, "一、本年新收政府信息公开申请数量"),
    Line(CARRIED_OVER, "二、上年结转政府信息公开申请数量"),
    Line(RESULTS, "三、本年度办理结果"),
    *_outcome_rows(),
    Line(TOTAL, "（七）总计", RESULTS),
    Line(CARRIED_FORWARD, "四、结转下年度继续办理"),
)
# Rows that carry numbers (the heading 三、本年度办理结果 does not).
COUNTED_ROWS_3: tuple[str, ...] = tuple(r.key for r in ROWS_3 if r.key != RESULTS)
OUTCOME_GROUPS: tuple[str, ...] = ("1", "2", "3", "4", "5", "6")
SUB_ROWS: dict[str, tuple[str, ...]] = {
    group: tuple(r.key for r in ROWS_3 if r.parent == group) for group in OUTCOME_GROUPS
}
ROW_LABELS_3 = {r.key: r.label for r in ROWS_3}
COLUMN_LABELS_3 = {c.key: c.label for c in COLUMNS_3}


class Application(NamedTuple):
    """One application a year's table 三 counts, with what the report's figures read of it
    besides the table (its channel, the agency asked, whether the answer was late), so that
    they need not read the applications again. Nothing of the applicant but the column.

    A named tuple rather than a frozen dataclass: a province's report makes 80,000 of them, and
    a frozen dataclass sets each field through ``object.__setattr__`` (issue 10)."""

    number: str
    received_on: datetime.date
    column: str
    channel: str
    agency_id: int
    answered_on: datetime.date | None  # the first answer by 31 December, if any
    late: bool  # replied after its due date (extensions and pauses included in ``due_on``)


@dataclass(frozen=True)
class Table3:
    """收到和处理政府信息公开申请情况: ``cells[row][column]`` counts applications and
    ``numbers[row][column]`` names them (tracking numbers), for checks and links.
    ``applications``: every application the table counts, in the order they were received
    (by id)."""

    year: int
    cells: Mapping[str, Mapping[str, int]]
    numbers: Mapping[str, Mapping[str, tuple[str, ...]]]
    applications: tuple[Application, ...] = field(default=(), compare=False, repr=False)

    def cell(self, row: str, column: str = "total") -> int:
        return self.cells[row][column]


def applicant_column(applicant_kind: str, organisation_kind: str) -> str:
    """The column an applicant is counted in; an organisation of no recorded kind is 其他."""
    if applicant_kind == InfoRequest.ApplicantKind.PERSON:
        return "person"
    return organisation_kind or Column.OTHER


def _answers(scopes: Sequence[Scope]) -> tuple[list[Application], dict[str, str]]:
    """Each application of the scopes' agencies received by the last 31 December and not
    answered before the first 1 January, with the date of its first answer if that is by the
    last 31 December; and for those, number → the outcome as recorded then. One read for
    several years (a report's check compares this year's table with last year's)."""
    first, last = min(s.start for s in scopes), max(s.end for s in scopes)
    agency_ids = frozenset().union(*(s.agency_ids for s in scopes))
    outcomes: dict[str, str] = {}
    applications: list[Application] = []
    fields = ("number", "received_on", "applicant_kind", "organisation_kind", "channel")
    # Each application with its first answer as kept on it (the one that counts, with the
    # outcome its event recorded, else the application's own). The date goes on the
    # application, not into a (date, outcome) pair, and nothing pairs the application with its
    # agency: fewer objects for the garbage collector to walk, 80,000 rows a province.
    for (
        number,
        received_on,
        kind,
        organisation_kind,
        channel,
        agency_id,
        current_outcome,
        late,
        on,
        recorded_outcome,
    ) in request_selectors.applications_with_first_answers(
        last, first, (*fields, "agency_id", "outcome"), agency_ids=agency_ids
    ):
        if on is not None and on <= last:
            outcomes[number] = recorded_outcome or current_outcome
        else:
            on = None
        applications.append(
            Application(
                number,
                received_on,
                applicant_column(kind, organisation_kind),
                channel,
                agency_id,
                on,  # answered_on
                late,
            )
        )
    return applications, outcomes


def table_three(scope: Scope) -> Table3:
    """Table 三 as of 31 December of ``scope.year`` (REG 50), once a request.

    一: received in the year. 二: received before the year and not answered by the end of the
    previous year. 三: answered during the year, in the row of the outcome recorded when it
    was answered; （七） counts them and each group counts its sub-rows' applications. 四:
    received by 31 December and not answered by then. An outcome that has no row is counted
    in （七） only, so that validation names it.
    """
    return tables_three([scope])[0]


def tables_three(scopes: Sequence[Scope]) -> list[Table3]:
    """:func:`table_three` of each scope, those not yet computed in this request from one read
    of the applications and their answers (a report and its check read two years)."""
    memo = request_memo.get()
    missing = [
        s for s in dict.fromkeys(scopes) if memo is None or ("reports.table_three", s) not in memo
    ]
    computed: dict[Scope, Table3] = {}
    if missing:
        applications, outcomes = _answers(missing)
        for scope in missing:
            computed[scope] = _table_three(scope, applications, outcomes)
            if memo is not None:
                memo[("reports.table_three", scope)] = computed[scope]
    return [computed[s] if s in computed else memo[("reports.table_three", s)] for s in scopes]  # type: ignore[index]


def _table_three(scope: Scope, applications: list[Application], outcomes: dict[str, str]) -> Table3:
    found: dict[str, dict[str, list[str]]] = {
        row: {column: [] for column in APPLICANT_COLUMNS} for row in COUNTED_ROWS_3
    }
    # Read once, not for each of a province's 80,000 applications.
    start, end, agency_ids = scope.start, scope.end, scope.agency_ids
    previous_end = start - datetime.timedelta(days=1)
    counted: list[Application] = []
    for application in applications:
        if application.agency_id not in agency_ids or application.received_on > end:
            continue
        number, column, answered_on = (
            application.number,
            application.column,
            application.answered_on,
        )
        if answered_on is not None and answered_on < start:
            continue  # answered in an earlier year (not_answered_before)
        if answered_on is not None and answered_on > end:
            answered_on = None  # answered after the year: not yet on 31 December
        if application.received_on >= start:
            found[NEW][column].append(number)
        elif answered_on is None or answered_on > previous_end:
            found[CARRIED_OVER][column].append(number)
        else:
            continue  # answered in an earlier year
        counted.append(
            application
            if application.answered_on == answered_on
            else application._replace(answered_on=answered_on)
        )
        if answered_on is None:
            found[CARRIED_FORWARD][column].append(number)
            continue
        found[TOTAL][column].append(number)
        row = REPORT_ROWS.get(outcomes[number])
        if row is not None:
            found[row.key][column].append(number)
            group = row.key.split(".")[0]
            if group != row.key:
                found[group][column].append(number)
    numbers: dict[str, dict[str, tuple[str, ...]]] = {}
    cells: dict[str, dict[str, int]] = {}
    for row_key, by_column in found.items():
        everyone = [n for column in APPLICANT_COLUMNS for n in by_column[column]]
        numbers[row_key] = {column: tuple(by_column[column]) for column in APPLICANT_COLUMNS}
        numbers[row_key]["total"] = tuple(everyone)
        cells[row_key] = {column: len(values) for column, values in numbers[row_key].items()}
    return Table3(year=scope.year, cells=cells, numbers=numbers, applications=tuple(counted))


# --------------------------------------------------------------------------- table 四

REMEDY_KINDS: tuple[Line, ...] = (
    Line(Remedy.Kind.RECONSIDERATION, "行政复议"),
    Line(Remedy.Kind.LITIGATION, "未经复议直接起诉", "行政诉讼"),
    Line(Remedy.Kind.LITIGATION_AFTER, "复议后起诉", "行政诉讼"),
)
PENDING = "pending"
REMEDY_RESULTS: tuple[Line, ...] = (
    Line(Remedy.Result.UPHELD, "结果维持"),
    Line(Remedy.Result.CORRECTED, "结果纠正"),
    Line(Remedy.Result.OTHER, "其他结果"),
    Line(PENDING, "尚未审结"),
    Line("total", "总计"),
)
RESULT_KEYS: tuple[str, ...] = tuple(r.key for r in REMEDY_RESULTS if r.key != "total")
KIND_LABELS_4 = {k.key: (f"{k.parent}·{k.label}" if k.parent else k.label) for k in REMEDY_KINDS}
RESULT_LABELS_4 = {r.key: r.label for r in REMEDY_RESULTS}


@dataclass(frozen=True)
class Table4:
    """政府信息公开行政复议、行政诉讼情况: ``cells[kind][result]``, ``numbers`` likewise
    (the tracking numbers of the applications challenged)."""

    year: int
    cells: Mapping[str, Mapping[str, int]]
    numbers: Mapping[str, Mapping[str, tuple[str, ...]]]

    def cell(self, kind: str, result: str = "total") -> int:
        return self.cells[kind][result]


# A remedy as the report reads it: kind, result, decided on, filed on, the application's number.
RemedyRow = tuple[str, str, datetime.date | None, datetime.date, str]


def remedies_of_year(scope: Scope) -> tuple[RemedyRow, ...]:
    """The reconsiderations and lawsuits about the scope's applications that table 四 counts
    (before a body or a court at some time in the year) or that were filed in the year (the
    seed format's figures), by the day filed: one query, once a request."""
    return once_a_request(
        ("reports.remedies", scope),
        lambda: tuple(
            request_selectors.remedies_during_or_filed(
                scope.start, scope.end, agency_ids=scope.agency_ids
            ).values_list("kind", "result", "decided_on", "filed_on", "request__number")
        ),
    )


def table_four(scope: Scope) -> Table4:
    """Table 四 (REG 50): the reconsiderations and lawsuits before a body or a court at some
    time in the year, by the result recorded by 31 December; undecided then, 尚未审结. A case
    filed in one year and decided in the next appears in both years, as 尚未审结 first."""
    found: dict[str, dict[str, list[str]]] = {
        kind.key: {result: [] for result in RESULT_KEYS} for kind in REMEDY_KINDS
    }
    for kind, result, decided_on, _filed_on, number in remedies_of_year(scope):
        if decided_on is not None and decided_on < scope.start:
            continue  # decided before the year: not before a body or a court in it
        decided = result and decided_on is not None and decided_on <= scope.end
        found[kind][result if decided else PENDING].append(number)
    cells: dict[str, dict[str, int]] = {}
    numbers: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind_key, by_result in found.items():
        numbers[kind_key] = {result: tuple(by_result[result]) for result in RESULT_KEYS}
        numbers[kind_key]["total"] = tuple(n for r in RESULT_KEYS for n in by_result[r])
        cells[kind_key] = {result: len(values) for result, values in numbers[kind_key].items()}
    return Table4(year=scope.year, cells=cells, numbers=numbers)


# --------------------------------------------------------------------------- table 二


@dataclass(frozen=True)
class Figure:
    """One cell of table 二, and why it is what it is when no record supports it."""

    value: int | Decimal
    reason: str | Promise = ""  # set when the platform holds no records for this cell


NO_RULES = _(
    "The platform keeps no register of rules (规章): a district government and its "
    "departments have no power to make them, so the figure is 0."
)
NO_DECISIONS = _(
    "The power list records the powers an agency holds, not the decisions it takes; until "
    "decisions are recorded on the platform, the figure is 0."
)
NO_FEES = _(
    "The platform records no administrative fees (行政事业性收费) collected; until it does, "
    "the figure is 0."
)

DOCUMENT_ROWS: tuple[Line, ...] = (
    Line("rules", "规章", "第二十条第（一）项"),
    Line("normative", "行政规范性文件", "第二十条第（一）项"),
)
DOCUMENT_COLUMNS: tuple[Line, ...] = (
    Line("made", "本年制发件数"),
    Line("repealed", "本年废止件数"),
    Line("in_force", "现行有效件数"),
)
DECISION_ROWS: tuple[Line, ...] = (
    Line("licensing", "行政许可", "第二十条第（五）项"),
    Line("penalty", "行政处罚", "第二十条第（六）项"),
    Line("enforcement", "行政强制", "第二十条第（六）项"),
)
DECISION_COLUMN = "本年处理决定数量"
FEES_ROW = Line("fees", "行政事业性收费", "第二十条第（八）项")
FEES_COLUMN = "本年收费金额（单位：万元）"


@dataclass(frozen=True)
class Table2:
    """主动公开政府信息情况: ``documents[row][column]``, ``decisions[row]`` and ``fees``."""

    year: int
    documents: Mapping[str, Mapping[str, Figure]]
    decisions: Mapping[str, Figure]
    fees: Figure


def table_two(scope: Scope) -> Table2:
    """Table 二 (REG 50, REG 20 items 1, 5, 6 and 8) from the normative-document register.

    行政规范性文件: made — registered in the year; repealed — repealed (废止) or expired (失效)
    with a repeal date in the year; in force — registered by 31 December and not repealed or
    expired by then (an amended document stays in force in its amended form).
    """
    counts = normative_counts(scope)
    made, repealed, in_force = (counts[column] for column in ("made", "repealed", "in_force"))
    return Table2(
        year=scope.year,
        documents={
            "rules": {column.key: Figure(0, NO_RULES) for column in DOCUMENT_COLUMNS},
            "normative": {
                "made": Figure(made),
                "repealed": Figure(repealed),
                "in_force": Figure(in_force),
            },
        },
        decisions={row.key: Figure(0, NO_DECISIONS) for row in DECISION_ROWS},
        fees=Figure(Decimal("0"), NO_FEES),
    )


ENDED = ("repealed", "expired")  # Document.Validity.REPEALED, EXPIRED


def normative_counts(scope: Scope) -> dict[str, int]:
    """Table 二's 行政规范性文件 cells: how many :func:`normative_document_ids` names in each
    column. Counted from the ids (one read of the register, once a request), not by a
    ``COUNT … FILTER`` aggregate: without the register's order SQLite's planner scans the whole
    catalogue for it (a province's million documents: 42 s against 10 s, issue 10)."""
    return {column: len(ids) for column, ids in normative_document_ids(scope).items()}


def normative_document_ids(scope: Scope) -> dict[str, tuple[int, ...]]:
    """The ids of the registered normative documents behind table 二's 行政规范性文件 cells,
    by column, in the register's order: made — registered in the year; repealed — repealed
    (废止) or expired (失效) with a repeal date in the year; in force — registered by 31
    December and not repealed or expired by then. One query, once a request (the table and
    the figures' links both read them)."""
    return once_a_request(
        ("reports.normative_document_ids", scope), lambda: _normative_document_ids(scope)
    )


def _normative_document_ids(scope: Scope) -> dict[str, tuple[int, ...]]:
    ended = ENDED
    rows = catalogue_selectors.normative_registrations_of(scope.agency_ids).values_list(
        "document_id", "year", "document__validity", "document__repeal_date"
    )
    found: dict[str, list[int]] = {"made": [], "repealed": [], "in_force": []}
    for document_id, year, validity, repeal_date in rows:
        ended_on = repeal_date if validity in ended else None  # None: not repealed or expired
        if year == scope.year:
            found["made"].append(document_id)
        if ended_on is not None and scope.start <= ended_on <= scope.end:
            found["repealed"].append(document_id)
        if year <= scope.year and not (ended_on is not None and ended_on <= scope.end):
            found["in_force"].append(document_id)
    return {column: tuple(ids) for column, ids in found.items()}


# --------------------------------------------------------------------------- all of them


@dataclass(frozen=True)
class AnnualTables:
    """The report's tables 二, 三 and 四 for one scope."""

    scope: Scope
    two: Table2
    three: Table3
    four: Table4


def annual_tables(scope: Scope) -> AnnualTables:
    """Compute every table of the annual report for ``scope`` (REG 50); once a request (a
    report's page builds the report, checks it and lists its sections from the same tables)."""
    return once_a_request(
        ("reports.annual_tables", scope),
        lambda: AnnualTables(
            scope=scope, two=table_two(scope), three=table_three(scope), four=table_four(scope)
        ),
    )
