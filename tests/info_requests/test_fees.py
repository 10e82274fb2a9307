"""Information-processing fees (gongkai.info_requests.fees): REG 42 / 国办函〔2020〕109号."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.info_requests.fees import (
    NATIONAL_APPLICATION_BANDS,
    NATIONAL_PAGE_TIERS,
    ApplicationBands,
    FeeError,
    FeeLine,
    FeeMethod,
    Tier,
    compute_fee,
    per_application_fee,
    per_page_fee,
    validate_tiers,
)


def yuan(amount: str) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


# --- Per application (按件计收) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordinal", "fee"),
    [
        (1, "0"),
        (10, "0"),
        (11, "100"),
        (30, "100"),
        (31, "200"),
        (40, "200"),
        (41, "300"),
        (50, "300"),
        (51, "400"),
        (60, "400"),
        (61, "500"),
        (1000, "9800"),  # band 961–970 is the 97th after 30: 100 + 97 × 100
    ],
)
def test_per_application_fee_at_every_band_boundary(ordinal, fee):
    """REG 42 / 国办函〔2020〕109号: 1–10 free, 11–30 at 100元, then +100元 every 10, no cap."""
    amount = per_application_fee(ordinal)

    assert amount == Decimal(fee)
    assert amount.as_tuple().exponent == -2  # yuan with two places


@pytest.mark.parametrize(
    ("ordinal", "line"),
    [
        (1, FeeLine(1, 10, 1, yuan("0"), yuan("0"))),
        (12, FeeLine(11, 30, 1, yuan("100"), yuan("100"))),
        (31, FeeLine(31, 40, 1, yuan("200"), yuan("200"))),
        (45, FeeLine(41, 50, 1, yuan("300"), yuan("300"))),
    ],
)
def test_per_application_breakdown_states_band_and_ordinal(ordinal, line):
    """REG 42 / 国办函〔2020〕109号: the fee notice states basis, standard and amount."""
    breakdown = compute_fee(FeeMethod.PER_APPLICATION, ordinal)

    assert breakdown.method is FeeMethod.PER_APPLICATION
    assert breakdown.quantity == ordinal
    assert breakdown.lines == (line,)
    assert breakdown.amount == line.subtotal
    assert breakdown.basis == f"Per application: application no. {ordinal} this month"


# --- Per page (按量计收) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "fee"),
    [
        (0, "0"),
        (1, "0"),
        (30, "0"),
        (31, "10"),
        (100, "700"),
        (101, "720"),
        (200, "2700"),
        (201, "2740"),
        (250, "4700"),
    ],
)
def test_per_page_fee_is_progressive_at_every_tier_boundary(pages, fee):
    """REG 42 / 国办函〔2020〕109号: 1–30 free, 31–100 at 10元, 101–200 at 20元, then 40元 a page,
    each rate on the pages within its tier only."""
    amount = per_page_fee(pages)

    assert amount == Decimal(fee)
    assert amount.as_tuple().exponent == -2


def test_per_page_breakdown_lists_each_tier_used():
    """REG 42 / 国办函〔2020〕109号: 250 pages = 70 × 10 + 100 × 20 + 50 × 40 = 4700元."""
    breakdown = compute_fee("per_page", 250)

    assert breakdown.method is FeeMethod.PER_PAGE
    assert breakdown.quantity == 250
    assert breakdown.amount == yuan("4700")
    assert breakdown.lines == (
        FeeLine(1, 30, 30, yuan("0"), yuan("0")),
        FeeLine(31, 100, 70, yuan("10"), yuan("700")),
        FeeLine(101, 200, 100, yuan("20"), yuan("2000")),
        FeeLine(201, None, 50, yuan("40"), yuan("2000")),
    )
    assert breakdown.basis == "Per page: 250 pages"


def test_per_page_breakdown_of_no_pages_is_empty_and_singular_basis_reads_well():
    """REG 42 / 国办函〔2020〕109号: nothing to copy, nothing to charge."""
    assert compute_fee(FeeMethod.PER_PAGE, 0).lines == ()
    assert compute_fee(FeeMethod.PER_PAGE, 0).amount == yuan("0")
    assert compute_fee(FeeMethod.PER_PAGE, 1).basis == "Per page: 1 page"


@pytest.mark.parametrize(
    ("method", "quantities"),
    [(FeeMethod.PER_APPLICATION, range(1, 81)), (FeeMethod.PER_PAGE, range(0, 261))],
)
def test_breakdown_lines_sum_to_the_amount(method, quantities):
    """REG 42 / 国办函〔2020〕109号: the notice's lines add up to the fee charged, which is the
    same figure the single-method functions give."""
    single = per_application_fee if method is FeeMethod.PER_APPLICATION else per_page_fee
    for quantity in quantities:
        breakdown = compute_fee(method, quantity)
        assert sum(line.subtotal for line in breakdown.lines) == breakdown.amount, quantity
        assert all(line.subtotal == line.price * line.count for line in breakdown.lines)
        assert breakdown.amount == single(quantity), quantity
    if method is FeeMethod.PER_PAGE:
        assert sum(line.count for line in compute_fee(method, 260).lines) == 260


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ordinal", [0, -1])
def test_per_application_ordinal_below_one_is_refused(ordinal):
    """REG 42 / 国办函〔2020〕109号: ordinals count from the month's first application."""
    with pytest.raises(FeeError, match=f"at least 1, not {ordinal}"):
        per_application_fee(ordinal)
    with pytest.raises(FeeError, match="at least 1"):
        compute_fee(FeeMethod.PER_APPLICATION, ordinal)


def test_negative_pages_are_refused():
    """REG 42 / 国办函〔2020〕109号: a page count cannot be negative."""
    with pytest.raises(FeeError, match=r"cannot be negative \(-1\)"):
        per_page_fee(-1)
    with pytest.raises(FeeError, match="cannot be negative"):
        compute_fee("per_page", -1)


@pytest.mark.parametrize("method", ["per_word", "", "PER_PAGE"])
def test_unknown_method_is_refused(method):
    """REG 42 / 国办函〔2020〕109号 knows two methods only, one per application."""
    with pytest.raises(FeeError, match=f"Unknown fee method: {method}"):
        compute_fee(method, 12)


def test_fee_error_is_a_value_error():
    assert issubclass(FeeError, ValueError)


# --- Configurable tables -----------------------------------------------------------------------


def test_national_tables_are_valid():
    """REG 42 / 国办函〔2020〕109号: the defaults pass the same validation as a province's."""
    assert validate_tiers(NATIONAL_PAGE_TIERS) == NATIONAL_PAGE_TIERS
    assert validate_tiers(NATIONAL_APPLICATION_BANDS.tiers, open_ended=False)


def test_custom_page_tiers_are_used():
    """REG 42 / 国办函〔2020〕109号: a province may set reductions, e.g. 50 free pages, then 5元."""
    tiers = [Tier(1, 50, Decimal(0)), Tier(51, None, Decimal("5.50"))]

    assert per_page_fee(50, tiers=tiers) == yuan("0")
    assert per_page_fee(60, tiers=tiers) == yuan("55")
    assert compute_fee(FeeMethod.PER_PAGE, 60, tiers=tiers).lines[-1] == FeeLine(
        51, None, 10, yuan("5.50"), yuan("55")
    )


def test_custom_application_bands_are_used():
    """REG 42 / 国办函〔2020〕109号: a province may set other bands, capped or escalating."""
    capped = ApplicationBands(tiers=(Tier(1, 20, Decimal(0)), Tier(21, None, Decimal(50))))
    steeper = ApplicationBands(
        tiers=(Tier(1, 5, Decimal(0)),), band_size=5, band_increase=Decimal(30)
    )

    assert per_application_fee(20, bands=capped) == yuan("0")
    assert per_application_fee(21, bands=capped) == yuan("50")
    assert per_application_fee(500, bands=capped) == yuan("50")
    assert per_application_fee(5, bands=steeper) == yuan("0")
    assert per_application_fee(6, bands=steeper) == yuan("30")
    assert per_application_fee(10, bands=steeper) == yuan("30")
    assert per_application_fee(11, bands=steeper) == yuan("60")
    assert compute_fee("per_application", 12, bands=steeper).lines == (
        FeeLine(11, 15, 1, yuan("60"), yuan("60")),
    )


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ([], "at least one tier"),
        ([Tier(0, None, Decimal(0))], "must start at 1, not 0"),
        ([Tier(1, 30, Decimal(0)), Tier(40, None, Decimal(10))], "gap between the tiers 1–30"),
        ([Tier(1, 30, Decimal(0)), Tier(30, None, Decimal(10))], "tiers 1–30 and 30 and above"),
        ([Tier(1, None, Decimal(0)), Tier(31, None, Decimal(10))], "overlap"),
        (
            [Tier(1, 30, Decimal(0)), Tier(101, None, Decimal(20)), Tier(31, 100, Decimal(10))],
            "ascending order: 31–100 comes after 101 and above",
        ),
        ([Tier(1, 30, Decimal(0)), Tier(31, 20, Decimal(10))], "tier 31–20 ends before"),
        ([Tier(1, 30, Decimal(0)), Tier(31, 100, Decimal(10))], "must have no upper bound"),
        ([Tier(1, None, Decimal(-1))], "zero or more"),
        ([Tier(1, None, Decimal("0.001"))], "whole fen"),
        ([Tier(1, None, Decimal("NaN"))], "amount in yuan"),
        ([Tier(1, None, 10.0)], "amount in yuan"),  # float money is refused
    ],
)
def test_invalid_page_tiers_are_refused(tiers, message):
    """REG 42 / 国办函〔2020〕109号: a configured table must price every page exactly once."""
    with pytest.raises(FeeError, match=message):
        validate_tiers(tiers)
    with pytest.raises(FeeError, match=message):
        per_page_fee(100, tiers=tiers)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"tiers": (Tier(1, 10, Decimal(0)), Tier(12, 30, Decimal(100))), "band_size": 10},
            "gap between the tiers 1–10 and 12–30",
        ),
        (
            {"tiers": (Tier(1, 10, Decimal(0)), Tier(10, 30, Decimal(100))), "band_size": 10},
            "tiers 1–10 and 10–30 overlap",
        ),
        ({"tiers": (Tier(1, 10, Decimal(0)),)}, "must have no upper bound"),
        ({"tiers": (Tier(1, None, Decimal(0)),), "band_size": 10}, "must have an upper bound"),
        ({"tiers": (Tier(1, 10, Decimal(0)),), "band_size": 0}, "at least one application"),
        (
            {"tiers": (Tier(1, 10, Decimal(0)),), "band_size": 10, "band_increase": Decimal(-5)},
            "zero or more",
        ),
    ],
)
def test_invalid_application_bands_are_refused(kwargs, message):
    """REG 42 / 国办函〔2020〕109号: a configured table must price every ordinal exactly once."""
    with pytest.raises(FeeError, match=message):
        ApplicationBands(**kwargs)
