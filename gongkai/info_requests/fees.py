"""Information-processing fees (信息处理费, REG 42) as a pure computation.

Applications are free in principle. 国办函〔2020〕109号 (in force 2021-01-01) allows a fee only
where an applicant asks for more than a reasonable amount, by one of two methods, one per
application:

* per application (按件计收): by the application's ordinal among the same applicant's
  applications to the whole government in one calendar month — 1–10 free, 11–30 at 100元, then
  every further band of 10 costs 100元 more than the one before, without end;
* per page (按量计收), for paper, e-mail or copied data: 1–30 pages free, 31–100 at 10元,
  101–200 at 20元, from 201 at 40元 a page, progressive on the excess like income-tax bands.

The tables are data (:class:`Tier`, :class:`ApplicationBands`) with the national standard as
defaults, because a province may set exemptions and reductions of its own. Money is
:class:`~decimal.Decimal` yuan with two places (whole fen), never float. The caller counts the
ordinal or the pages; nothing here reads the database, so the fee notice, the annual report and
the tests all get the same figures from the same function.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

__all__ = [
    "NATIONAL_APPLICATION_BANDS",
    "NATIONAL_PAGE_TIERS",
    "ApplicationBands",
    "FeeBreakdown",
    "FeeError",
    "FeeLine",
    "FeeMethod",
    "Tier",
    "compute_fee",
    "per_application_fee",
    "per_page_fee",
    "validate_tiers",
]

CENT = Decimal("0.01")


class FeeError(ValueError):
    """A quantity, method or fee table that cannot be charged; the message is translated."""


class FeeMethod(enum.StrEnum):
    """The two charging methods; an application is charged by exactly one."""

    PER_APPLICATION = "per_application"  # 按件计收
    PER_PAGE = "per_page"  # 按量计收


@dataclass(frozen=True)
class Tier:
    """Quantities ``first``–``last`` (inclusive; ``last=None``: no upper bound) at ``price`` each.

    A quantity is an application's ordinal in the month or a page number, counted from 1.
    """

    first: int
    last: int | None
    price: Decimal


def validate_tiers(tiers: Sequence[Tier], *, open_ended: bool = True) -> tuple[Tier, ...]:
    """The tiers as a tuple, or FeeError unless they price every quantity exactly once.

    They must start at 1, ascend without gaps or overlaps and cost whole fen, not less than
    zero. ``open_ended``: the last tier must have no upper bound (a page table, which has to
    price any number of pages); otherwise it must have one (further bands follow it).
    """
    tiers = tuple(tiers)
    if not tiers:
        raise FeeError(_("A fee table needs at least one tier."))
    for tier in tiers:
        if tier.last is not None and tier.last < tier.first:
            raise FeeError(
                _("The tier %(tier)s ends before it starts.")
                % {"tier": _span(tier.first, tier.last)}
            )
        _check_money(tier.price)
    pairs = list(itertools.pairwise(tiers))
    for before, after in pairs:
        if after.first < before.first:
            raise FeeError(
                _("The tiers must be in ascending order: %(after)s comes after %(before)s.")
                % _spans(before, after)
            )
    if tiers[0].first != 1:
        raise FeeError(
            _("The first tier must start at 1, not %(first)d.") % {"first": tiers[0].first}
        )
    for before, after in pairs:
        if before.last is None or after.first <= before.last:
            raise FeeError(_("The tiers %(before)s and %(after)s overlap.") % _spans(before, after))
        if after.first > before.last + 1:
            raise FeeError(
                _("There is a gap between the tiers %(before)s and %(after)s.")
                % _spans(before, after)
            )
    if open_ended and tiers[-1].last is not None:
        raise FeeError(
            _("The last tier must have no upper bound, so that every quantity has a price.")
        )
    if not open_ended and tiers[-1].last is None:
        raise FeeError(_("The last tier must have an upper bound when further bands follow it."))
    return tiers


def _check_money(amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise FeeError(_("A fee must be an amount in yuan, not %(amount)r.") % {"amount": amount})
    if amount < 0 or amount != amount.quantize(CENT):
        raise FeeError(
            _("A fee must be zero or more, in whole fen, not %(amount)s.") % {"amount": amount}
        )


def _spans(before: Tier, after: Tier) -> dict[str, str]:
    return {"before": _span(before.first, before.last), "after": _span(after.first, after.last)}


def _span(first: int, last: int | None) -> str:
    if last is None:
        return _("%(first)d and above") % {"first": first}
    return f"{first}–{last}"


@dataclass(frozen=True)
class ApplicationBands:
    """The per-application table: explicit tiers, then bands that grow without end.

    Beyond a closed last tier, each further ``band_size`` ordinals cost ``band_increase`` more
    than the band before — the national standard has no highest price, so it cannot be a finite
    list. With an open last tier there are no further bands and ``band_size`` must be None.
    Invalid tables are refused on construction.
    """

    tiers: tuple[Tier, ...]
    band_size: int | None = None
    band_increase: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        escalates = self.band_size is not None
        validate_tiers(self.tiers, open_ended=not escalates)
        if self.band_size is not None and self.band_size < 1:
            raise FeeError(_("Further bands must hold at least one application each."))
        _check_money(self.band_increase)


NATIONAL_PAGE_TIERS: tuple[Tier, ...] = (
    Tier(1, 30, Decimal(0)),
    Tier(31, 100, Decimal(10)),
    Tier(101, 200, Decimal(20)),
    Tier(201, None, Decimal(40)),
)

NATIONAL_APPLICATION_BANDS = ApplicationBands(
    tiers=(Tier(1, 10, Decimal(0)), Tier(11, 30, Decimal(100))),
    band_size=10,
    band_increase=Decimal(100),
)


@dataclass(frozen=True)
class FeeLine:
    """One row of the fee notice's standard: ``count`` units of tier ``first``–``last`` at
    ``price``. ``first`` and ``last`` are the tier's bounds (``last=None``: and above), not the
    units charged, so the notice can quote the standard as well as the amount."""

    first: int
    last: int | None
    count: int
    price: Decimal
    subtotal: Decimal


@dataclass(frozen=True)
class FeeBreakdown:
    """The amount with its basis and standard, which REG 42's fee notice must state.

    ``quantity`` is the ordinal (per application) or the number of pages (per page); ``amount``
    is the sum of the lines' subtotals; ``basis`` is translated text for the notice.
    """

    method: FeeMethod
    quantity: int
    amount: Decimal
    lines: tuple[FeeLine, ...]
    basis: str


def per_application_fee(
    ordinal: int, *, bands: ApplicationBands = NATIONAL_APPLICATION_BANDS
) -> Decimal:
    """The fee for the applicant's ``ordinal``-th application this calendar month (from 1).

    The caller counts across all agencies of the government, this application included.
    """
    return _application_line(ordinal, bands).subtotal


def per_page_fee(pages: int, *, tiers: Sequence[Tier] = NATIONAL_PAGE_TIERS) -> Decimal:
    """The fee for ``pages`` pages of one application, each tier charged only on its share."""
    return sum((line.subtotal for line in _page_lines(pages, tiers)), Decimal(0)).quantize(CENT)


def compute_fee(
    method: FeeMethod | str,
    quantity: int,
    *,
    bands: ApplicationBands = NATIONAL_APPLICATION_BANDS,
    tiers: Sequence[Tier] = NATIONAL_PAGE_TIERS,
) -> FeeBreakdown:
    """The fee with the basis and standard for the notice: ``quantity`` is the ordinal in the
    month (per application) or the number of pages (per page)."""
    try:
        method = FeeMethod(method)
    except ValueError:
        raise FeeError(_("Unknown fee method: %(method)s.") % {"method": method}) from None
    if method is FeeMethod.PER_APPLICATION:
        lines: tuple[FeeLine, ...] = (_application_line(quantity, bands),)
        basis = _("Per application: application no. %(ordinal)d this month") % {"ordinal": quantity}
    else:
        lines = _page_lines(quantity, tiers)
        basis = ngettext("Per page: %(pages)d page", "Per page: %(pages)d pages", quantity) % {
            "pages": quantity
        }
    amount = sum((line.subtotal for line in lines), Decimal(0)).quantize(CENT)
    return FeeBreakdown(method=method, quantity=quantity, amount=amount, lines=lines, basis=basis)


def _application_line(ordinal: int, bands: ApplicationBands) -> FeeLine:
    if ordinal < 1:
        raise FeeError(
            _("An application's number in the month must be at least 1, not %(ordinal)d.")
            % {"ordinal": ordinal}
        )
    for tier in bands.tiers:
        if tier.last is None or ordinal <= tier.last:
            return _line(tier.first, tier.last, 1, tier.price)
    # Past the explicit tiers (ApplicationBands guarantees a closed last tier and a band size):
    # band k (from 1) holds the ordinals top.last + (k-1)*size + 1 … top.last + k*size.
    top = bands.tiers[-1]
    assert top.last is not None and bands.band_size is not None  # noqa: S101 - see above
    band = -(-(ordinal - top.last) // bands.band_size)  # ceiling division
    first = top.last + (band - 1) * bands.band_size + 1
    return _line(first, first + bands.band_size - 1, 1, top.price + band * bands.band_increase)


def _page_lines(pages: int, tiers: Sequence[Tier]) -> tuple[FeeLine, ...]:
    tiers = validate_tiers(tiers)
    if pages < 0:
        raise FeeError(_("The number of pages cannot be negative (%(pages)d).") % {"pages": pages})
    lines = []
    for tier in tiers:
        if pages < tier.first:
            break
        top = pages if tier.last is None else min(pages, tier.last)
        lines.append(_line(tier.first, tier.last, top - tier.first + 1, tier.price))
    return tuple(lines)


def _line(first: int, last: int | None, count: int, price: Decimal) -> FeeLine:
    price = price.quantize(CENT)
    return FeeLine(first, last, count, price, (price * count).quantize(CENT))
