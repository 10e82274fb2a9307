"""The identities the annual report's tables must satisfy before publishing (REG 50, FMT2021).

Each check returns a list of :class:`Failure` — empty when the tables hold — and never raises:
a failure names the table, the row and the column by their printed labels, the two numbers
that should agree and, for table 三, the applications that make the difference, so that staff
can go straight to the records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongkai.reports.tables import (
    APPLICANT_COLUMNS,
    CARRIED_FORWARD,
    CARRIED_OVER,
    COLUMN_LABELS_3,
    COLUMNS_3,
    COUNTED_ROWS_3,
    KIND_LABELS_4,
    NEW,
    OUTCOME_GROUPS,
    RESULT_KEYS,
    RESULT_LABELS_4,
    ROW_LABELS_3,
    SUB_ROWS,
    TOTAL,
    AnnualTables,
    Table3,
    Table4,
    table_three,
)


@dataclass(frozen=True)
class Failure:
    """One identity that does not hold: ``expected`` is what the identity computes from the
    other cells, ``found`` what the cell says."""

    table: str  # "三", "四"
    row: str  # the row's printed label
    column: str  # the column's printed label
    expected: int
    found: int
    rule: str  # the identity, in words (translated)
    numbers: tuple[str, ...] = ()  # the applications involved, where known

    def __str__(self) -> str:
        text = _(
            "Table %(table)s, %(row)s, %(column)s: %(found)s, but %(rule)s gives %(expected)s."
        )
        text %= {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "found": self.found,
            "rule": self.rule,
            "expected": self.expected,
        }
        if self.numbers:
            text += " " + _("Applications: %(numbers)s.") % {"numbers": "、".join(self.numbers)}
        return text


def _difference(left: tuple[str, ...], right: tuple[str, ...]) -> tuple[str, ...]:
    """The numbers counted on one side and not the other (each as often as it differs)."""
    counts = Counter(left)
    counts.subtract(Counter(right))
    return tuple(sorted(n for n, times in counts.items() if times != 0))


def check_table_three(table: Table3) -> list[Failure]:
    """In every column: 一 + 二 = 三（七） + 四; （七） = （一）+…+（六）; each group with
    sub-rows equals their sum; and in every row 总计 = the sum of the applicant columns."""
    failures: list[Failure] = []
    cells, numbers = table.cells, table.numbers
    for column in COLUMNS_3:
        key = column.key
        label = column.label if not column.parent else f"法人或其他组织·{column.label}"
        came = cells[NEW][key] + cells[CARRIED_OVER][key]
        went = cells[TOTAL][key] + cells[CARRIED_FORWARD][key]
        if came != went:
            failures.append(
                Failure(
                    "三",
                    f"{ROW_LABELS_3[NEW]} + {ROW_LABELS_3[CARRIED_OVER]}",
                    label,
                    expected=went,
                    found=came,
                    rule=_("the outcomes' total plus the carried forward (三（七） + 四)"),
                    numbers=_difference(
                        numbers[NEW][key] + numbers[CARRIED_OVER][key],
                        numbers[TOTAL][key] + numbers[CARRIED_FORWARD][key],
                    ),
                )
            )
        parts = sum(cells[group][key] for group in OUTCOME_GROUPS)
        if cells[TOTAL][key] != parts:
            failures.append(
                Failure(
                    "三",
                    ROW_LABELS_3[TOTAL],
                    label,
                    expected=parts,
                    found=cells[TOTAL][key],
                    rule=_("the sum of the outcomes （一）…（六）"),
                    numbers=_difference(
                        numbers[TOTAL][key],
                        tuple(n for group in OUTCOME_GROUPS for n in numbers[group][key]),
                    ),
                )
            )
        for group, subs in SUB_ROWS.items():
            if not subs:
                continue
            parts = sum(cells[sub][key] for sub in subs)
            if cells[group][key] != parts:
                failures.append(
                    Failure(
                        "三",
                        ROW_LABELS_3[group],
                        label,
                        expected=parts,
                        found=cells[group][key],
                        rule=_("the sum of its sub-rows"),
                        numbers=_difference(
                            numbers[group][key], tuple(n for s in subs for n in numbers[s][key])
                        ),
                    )
                )
    for row in COUNTED_ROWS_3:
        parts = sum(cells[row][column] for column in APPLICANT_COLUMNS)
        if cells[row]["total"] != parts:
            failures.append(
                Failure(
                    "三",
                    ROW_LABELS_3[row],
                    COLUMN_LABELS_3["total"],
                    expected=parts,
                    found=cells[row]["total"],
                    rule=_("the sum of the applicant columns"),
                )
            )
    return failures


def check_table_four(table: Table4) -> list[Failure]:
    """Each 总计 of table 四 is the sum of 维持, 纠正, 其他结果 and 尚未审结."""
    failures: list[Failure] = []
    for kind, by_result in table.cells.items():
        parts = sum(by_result[result] for result in RESULT_KEYS)
        if by_result["total"] != parts:
            failures.append(
                Failure(
                    "四",
                    KIND_LABELS_4[kind],
                    RESULT_LABELS_4["total"],
                    expected=parts,
                    found=by_result["total"],
                    rule=_("the sum of the four results"),
                )
            )
    return failures


def check_carry_over(previous: Table3, current: Table3) -> list[Failure]:
    """Last year's 四、结转下年度继续办理 equals this year's 二、上年结转 in every column."""
    failures: list[Failure] = []
    for column in COLUMNS_3:
        before = previous.cells[CARRIED_FORWARD][column.key]
        now = current.cells[CARRIED_OVER][column.key]
        if before != now:
            failures.append(
                Failure(
                    "三",
                    ROW_LABELS_3[CARRIED_OVER],
                    column.label,
                    expected=before,
                    found=now,
                    rule=_("row 四 of %(year)s's table") % {"year": previous.year},
                    numbers=_difference(
                        previous.numbers[CARRIED_FORWARD][column.key],
                        current.numbers[CARRIED_OVER][column.key],
                    ),
                )
            )
    return failures


def validate(tables: AnnualTables, *, previous: Table3 | None = None) -> list[Failure]:
    """Every identity of REGULATION.md §4 for ``tables`` (REG 50). ``previous`` is last year's
    table 三 as published; without it, it is computed for the same scope a year earlier."""
    if previous is None:
        previous = table_three(tables.scope.previous())
    return [
        *check_table_three(tables.three),
        *check_table_four(tables.four),
        *check_carry_over(previous, tables.three),
    ]
