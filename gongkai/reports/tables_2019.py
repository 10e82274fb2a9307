"""The tables of the 2019 trial format of the annual report (国办公开办函〔2019〕60号), used for
the reports of 2019 and 2020 (REGULATION.md §4), where they differ from the national format's.

Table 二 of the trial format counts documents and *items* rather than decisions:

* 第二十条第（一）项 — 规章 and 规范性文件: 本年新制作数量 (made: formed, 成文, in the year),
  本年新公开数量 (first published in the year — the register numbers a normative document
  when it is first published) and 对外公开总数量 (every one published by 31 December);
* 第二十条第（五）项 and （六）项 — 行政许可 and 其他对外管理服务事项, 行政处罚 and 行政强制:
  上一年项目数量 (items of the power list, 行政权力清单, public on the last day of the previous
  year), 本年增/减 (the change by 31 December) and 处理决定数量;
* 第二十条第（八）项 — 行政事业性收费: 上一年项目数量 and 本年增/减;
* 第二十条第（九）项 — 政府集中采购: 采购项目数量 and 采购总金额 (procurement results
  published in the year, by the notice date they give).

Table 三 differs only in that （六）其他处理 is one row, the sum of the national format's three
sub-rows; the identities of table 三 are the same, so ``gongkai.reports.validation`` applies
unchanged. Table 四 is identical. Labels are the form's, printed exactly. Other apps are read
only through their selectors.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.selectors import lists as list_selectors
from gongkai.catalogue.selectors import public as catalogue_selectors
from gongkai.reports.tables import (
    APPLICANT_COLUMNS,
    NO_DECISIONS,
    NO_RULES,
    SUB_ROWS,
    Figure,
    Line,
    Scope,
    Table3,
)

# --------------------------------------------------------------------------- labels

DOCUMENT_BLOCK = "第二十条第（一）项"
DOCUMENT_ROWS: tuple[Line, ...] = (
    Line("rules", "规章", DOCUMENT_BLOCK),
    Line("normative", "规范性文件", DOCUMENT_BLOCK),
)
DOCUMENT_COLUMNS: tuple[Line, ...] = (
    Line("made", "本年新制作数量"),
    Line("published", "本年新公开数量"),
    Line("total", "对外公开总数量"),
)
ITEM_ROWS: tuple[Line, ...] = (
    Line("licensing", "行政许可", "第二十条第（五）项"),
    Line("other_services", "其他对外管理服务事项", "第二十条第（五）项"),
    Line("penalty", "行政处罚", "第二十条第（六）项"),
    Line("enforcement", "行政强制", "第二十条第（六）项"),
    Line("fees", "行政事业性收费", "第二十条第（八）项"),
)
ITEM_COLUMNS: tuple[Line, ...] = (
    Line("previous", "上一年项目数量"),
    Line("change", "本年增/减"),
    Line("decisions", "处理决定数量"),
)
ITEM_BLOCKS: tuple[str, ...] = ("第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项")
# 行政事业性收费 has no 处理决定数量 column on the form.
COLUMNS_OF_BLOCK: dict[str, tuple[str, ...]] = {
    "第二十条第（五）项": ("previous", "change", "decisions"),
    "第二十条第（六）项": ("previous", "change", "decisions"),
    "第二十条第（八）项": ("previous", "change"),
}
PROCUREMENT_ROW = Line("procurement", "政府集中采购", "第二十条第（九）项")
PROCUREMENT_COLUMNS: tuple[Line, ...] = (
    Line("projects", "采购项目数量"),
    Line("amount", "采购总金额"),
)
PROCUREMENT_UNIT = "万元"  # 采购总金额 is printed in 万元, as the form's other amounts

# The power list's kinds (``catalogue.data.record_types.POWER_TYPES``) behind each row: the
# three kinds the form names, and every other kind of power (征收, 给付, 检查, 确认, 奖励, 裁决,
# 其他) as 其他对外管理服务事项.
POWER_LIST = "power-list"
PROCUREMENT_RESULTS = "procurement-result"
NAMED_POWER_TYPES: dict[str, str] = {
    "行政许可": "licensing",
    "行政处罚": "penalty",
    "行政强制": "enforcement",
}
OTHER_POWERS = "other_services"

NO_FEE_ITEMS = _(
    "The power list does not record administrative fees (行政事业性收费) as items of their "
    "own; until it does, the figure is 0."
)
NO_CENTRAL_PROCUREMENT = _(
    "Counted from the procurement results published in the year (政府采购结果); the "
    "platform does not tell centralised procurement (集中采购) apart from the rest."
)


@dataclass(frozen=True)
class CountedFigure:
    """A figure of the 2019 table 二 with the records behind it (ids of documents or of
    list records) and, when no record supports it, why it is what it is."""

    value: int | Decimal
    ids: tuple[int, ...] = ()
    reason: str = ""

    @property
    def figure(self) -> Figure:
        return Figure(self.value, self.reason)


@dataclass(frozen=True)
class TrialTable2:
    """主动公开政府信息情况 of the trial format: ``documents[row][column]``,
    ``items[row][column]`` and ``procurement[column]``."""

    year: int
    documents: Mapping[str, Mapping[str, CountedFigure]]
    items: Mapping[str, Mapping[str, CountedFigure]]
    procurement: Mapping[str, CountedFigure]


# --------------------------------------------------------------------------- computations


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


def _public_on(
    published: datetime.date | None, withdrawn: datetime.date | None, day: datetime.date
) -> bool:
    """Public at the end of ``day``: published by then and not withdrawn by then."""
    return published is not None and published <= day and (withdrawn is None or withdrawn > day)


def _documents(scope: Scope) -> dict[str, dict[str, CountedFigure]]:
    registrations = catalogue_selectors.normative_registrations_of(scope.agency_ids)
    rows = list(
        registrations.filter(year__lte=scope.year).values_list(
            "document_id", "year", "document__formation_date"
        )
    )
    made = tuple(d for d, year, formed in rows if (formed.year if formed else year) == scope.year)
    published = tuple(d for d, year, _formed in rows if year == scope.year)
    total = tuple(d for d, _year, _formed in rows)
    reason = str(NO_RULES)
    return {
        "rules": {c.key: CountedFigure(0, reason=reason) for c in DOCUMENT_COLUMNS},
        "normative": {
            "made": CountedFigure(len(made), made),
            "published": CountedFigure(len(published), published),
            "total": CountedFigure(len(total), total),
        },
    }


def _power_row(power_type: str) -> str:
    return NAMED_POWER_TYPES.get(power_type, OTHER_POWERS)


def _items(scope: Scope) -> dict[str, dict[str, CountedFigure]]:
    """Items of the power list public at the end of the previous year and of this year, by
    row; 本年增/减 is their difference (negative when items were withdrawn)."""
    previous_end = scope.start - datetime.timedelta(days=1)
    before: dict[str, list[int]] = {row.key: [] for row in ITEM_ROWS}
    after: dict[str, list[int]] = {row.key: [] for row in ITEM_ROWS}
    records = list_selectors.published_or_withdrawn_records(
        POWER_LIST, agency_ids=scope.agency_ids
    ).values_list("id", "data", "published_at", "withdrawn_at")
    for record_id, data, published_at, withdrawn_at in records:
        kind = _power_row(str((data or {}).get("power_type", "")))
        published, withdrawn = _local_day(published_at), _local_day(withdrawn_at)
        if _public_on(published, withdrawn, previous_end):
            before[kind].append(record_id)
        if _public_on(published, withdrawn, scope.end):
            after[kind].append(record_id)
    items: dict[str, dict[str, CountedFigure]] = {}
    for row in ITEM_ROWS:
        if row.key == "fees":
            reason = str(NO_FEE_ITEMS)
            items[row.key] = {
                "previous": CountedFigure(0, reason=reason),
                "change": CountedFigure(0, reason=reason),
            }
            continue
        changed = tuple(sorted(set(before[row.key]) ^ set(after[row.key])))
        items[row.key] = {
            "previous": CountedFigure(len(before[row.key]), tuple(before[row.key])),
            "change": CountedFigure(len(after[row.key]) - len(before[row.key]), changed),
            "decisions": CountedFigure(0, reason=str(NO_DECISIONS)),
        }
    return items


def _amount(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return Decimal(0)


def _procurement(scope: Scope) -> dict[str, CountedFigure]:
    """Procurement results published by the scope's agencies (and not withdrawn by
    31 December) whose notice date (公告日期) is in the year; the amount in 万元."""
    ids: list[int] = []
    total = Decimal(0)
    records = list_selectors.published_or_withdrawn_records(
        PROCUREMENT_RESULTS, agency_ids=scope.agency_ids
    ).values_list("id", "data", "published_at", "withdrawn_at")
    for record_id, data, published_at, withdrawn_at in records:
        values = data or {}
        day = str(values.get("notice_date", ""))
        if not day.startswith(f"{scope.year}-"):
            continue
        if not _public_on(_local_day(published_at), _local_day(withdrawn_at), scope.end):
            continue
        ids.append(record_id)
        total += _amount(values.get("winning_amount", "0"))
    amount = (total / 10000).quantize(Decimal("0.01"))
    return {
        "projects": CountedFigure(len(ids), tuple(ids)),
        "amount": CountedFigure(amount, tuple(ids)),
    }


def trial_table_two(scope: Scope) -> TrialTable2:
    """Table 二 of the 2019 trial format for ``scope`` (REG 50; REG 20 items 1, 5, 6, 8, 9)."""
    return TrialTable2(
        year=scope.year,
        documents=_documents(scope),
        items=_items(scope),
        procurement=_procurement(scope),
    )


def single_other_row(table: Table3) -> dict[str, tuple[str, ...]]:
    """（六）其他处理 as the trial format's single row: per applicant column (and 总计), the
    applications of the national format's three sub-rows of （六）, together."""
    columns: Iterable[str] = (*APPLICANT_COLUMNS, "total")
    return {
        column: tuple(n for sub in SUB_ROWS["6"] for n in table.numbers[sub][column])
        for column in columns
    }
