"""Small pieces every format's prose and tables share: Chinese ordinals, percentages, amounts."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from gongkai.reports.content import Cell, Figure, Number, Ref

DIGITS = "零一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 21 → 二十一 (for section and item numbers up to 99)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, units = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else DIGITS[tens]) + "十"
    if units:
        text += DIGITS[units]
    return text


def section_title(n: int, text: str) -> str:
    """``section_title(1, "总体情况")`` → ``一、总体情况``."""
    return f"{chinese_ordinal(n)}、{text}"


def sub_title(n: int, text: str) -> str:
    """``sub_title(2, "依申请公开")`` → ``（二）依申请公开``."""
    return f"（{chinese_ordinal(n)}）{text}"


def percent(part: Number, whole: Number, places: int = 1) -> Decimal:
    """``part`` as a percentage of ``whole``, rounded half up; 0 when ``whole`` is 0."""
    if not whole:
        return Decimal(0)
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)


def number_text(value: Number) -> str:
    """A number as the report prints it: integers plainly, decimals without trailing zeros
    beyond two places (``Decimal("1.50")`` → ``1.5``; ``Decimal("0")`` → ``0``)."""
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return text


def number_cell(value: Number, refs: Sequence[Ref] = (), note: str = "") -> Cell:
    return Cell(text=number_text(value), value=value, refs=refs, note=note)


def figure_cell(figure: Figure) -> Cell:
    return number_cell(figure.value, figure.refs)


def label_cell(text: str, colspan: int = 1, rowspan: int = 1, header: bool = False) -> Cell:
    return Cell(text=text, colspan=colspan, rowspan=rowspan, header=header)
