"""The scoring functions at every boundary, their parameters' checks and rounding. Pure: no
database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.supervision.assessment import scoring
from gongkai.supervision.assessment.scoring import (
    ParameterError,
    clean_parameters,
    deduction,
    linear,
    score,
    steps,
)

D = Decimal
TEN = D("10")


# --------------------------------------------------------------------------- linear


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("0", "0.00"),  # far below
        ("59.99", "0.00"),  # just below the zero point
        ("60", "0.00"),  # at the zero point
        ("60.01", "0.00"),  # 0.0025 rounds to 0.00
        ("60.02", "0.01"),  # 0.005 rounds half up
        ("80", "5.00"),  # half way
        ("92", "8.00"),
        ("99.99", "10.00"),  # 9.9975 rounds up
        ("100", "10.00"),  # at the full point
        ("120", "10.00"),  # beyond: never more than the maximum
    ],
)
def test_linear_higher_is_better(figure, expected):
    assert linear(D(figure), max_points=TEN, zero_at=D("60"), full_at=D("100")) == D(expected)


@pytest.mark.parametrize(
    ("figure", "expected"),
    [("0", "10.00"), ("1", "10.00"), ("3", "5.00"), ("5", "0.00"), ("9", "0.00")],
)
def test_linear_lower_is_better_when_the_zero_point_is_above(figure, expected):
    assert linear(D(figure), max_points=TEN, zero_at=D("5"), full_at=D("1")) == D(expected)


# --------------------------------------------------------------------------- deduction


@pytest.mark.parametrize(
    ("occurrences", "expected"),
    [("0", "10.00"), ("1", "8.00"), ("3", "4.00"), ("4", "3.00"), ("5", "3.00"), ("50", "3.00")],
)
def test_deduction_per_occurrence_stops_at_the_floor(occurrences, expected):
    assert deduction(D(occurrences), max_points=TEN, per=D("2"), floor=D("3")) == D(expected)


@pytest.mark.parametrize(
    ("occurrences", "expected"), [("0", "10.00"), ("4", "2.40"), ("5", "0.50"), ("6", "0.00")]
)
def test_deduction_without_a_floor_never_goes_below_zero(occurrences, expected):
    assert deduction(D(occurrences), max_points=TEN, per=D("1.9")) == D(expected)


def test_deduction_of_a_negative_count_takes_nothing_off():
    assert deduction(D("-2"), max_points=TEN, per=D("2")) == TEN


# --------------------------------------------------------------------------- steps

HIGHER = [(D("95"), D("10")), (D("90"), D("8")), (D("80"), D("5"))]


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("100", "10.00"),
        ("95", "10.00"),  # at a threshold: reached
        ("94.99", "8.00"),  # just below: the next step
        ("90", "8.00"),
        ("89.99", "5.00"),
        ("80", "5.00"),
        ("79.99", "1.00"),  # no step reached: otherwise
        ("0", "1.00"),
    ],
)
def test_steps_at_least(figure, expected):
    assert steps(D(figure), max_points=TEN, steps=HIGHER, otherwise=D("1")) == D(expected)


def test_steps_at_least_do_not_depend_on_the_order_given():
    shuffled = [HIGHER[2], HIGHER[0], HIGHER[1]]
    assert steps(D("92"), max_points=TEN, steps=shuffled) == D("8.00")


LOWER = [(D("0"), D("10")), (D("2"), D("6")), (D("5"), D("2"))]


@pytest.mark.parametrize(
    ("figure", "expected"),
    [("0", "10.00"), ("1", "6.00"), ("2", "6.00"), ("3", "2.00"), ("5", "2.00"), ("6", "0.00")],
)
def test_steps_at_most(figure, expected):
    assert steps(D(figure), max_points=TEN, steps=LOWER, direction="at_most") == D(expected)


def test_steps_never_give_more_than_the_maximum():
    assert steps(D("100"), max_points=D("5"), steps=[(D("90"), D("8"))]) == D("5.00")


# --------------------------------------------------------------------------- parameters


def test_clean_parameters_normalises_numbers_as_strings():
    assert clean_parameters("linear", {"zero_at": 60, "full_at": "100.0"}, TEN) == {
        "zero_at": "60",
        "full_at": "100.0",
    }
    assert clean_parameters("deduction", {"per": "2"}, TEN) == {"per": "2", "floor": "0"}
    cleaned = clean_parameters(
        "steps", {"steps": [["80", "5"], [95, 10], ["90", "8"]], "otherwise": ""}, TEN
    )
    assert cleaned == {
        "direction": "at_least",
        "steps": [["95", "10"], ["90", "8"], ["80", "5"]],
        "otherwise": "0",
    }


@pytest.mark.parametrize(
    ("code", "params", "message"),
    [
        ("linear", {"zero_at": "60"}, "Give “full_at”."),
        ("linear", {"zero_at": "60", "full_at": "60"}, "differ"),
        ("linear", {"zero_at": "abc", "full_at": "60"}, "must be a number"),
        ("linear", {"zero_at": "NaN", "full_at": "60"}, "must be a number"),
        ("linear", {"zero_at": True, "full_at": "60"}, "must be a number"),
        ("deduction", {"per": "0"}, "above 0"),
        ("deduction", {"per": "1", "floor": "11"}, "between 0 and the maximum"),
        ("deduction", {"per": "1", "floor": "-1"}, "between 0 and the maximum"),
        ("steps", {"steps": []}, "at least one step"),
        ("steps", {"steps": [["90"]]}, "threshold and its points"),
        ("steps", {"steps": [["90", "12"]]}, "between 0 and the maximum"),
        ("steps", {"steps": [["90", "5"], ["90", "6"]]}, "given twice"),
        ("steps", {"steps": [["90", "5"]], "direction": "sideways"}, "higher or lower"),
        ("steps", {"steps": [["90", "5"]], "otherwise": "20"}, "between 0 and the maximum"),
        ("nonsense", {}, "Choose a scoring function"),
    ],
)
def test_clean_parameters_refuses_what_cannot_be_used(code, params, message):
    with pytest.raises(ParameterError) as refused:
        clean_parameters(code, params, TEN)
    assert message in refused.value.message


def test_score_runs_cleaned_parameters_of_each_rule():
    for code, params, figure, expected in [
        ("linear", {"zero_at": "60", "full_at": "100"}, "90", "7.50"),
        ("deduction", {"per": "1.5", "floor": "2"}, "3", "5.50"),
        ("steps", {"steps": [["1", "4"]], "direction": "at_most", "otherwise": "1"}, "2", "1.00"),
    ]:
        cleaned = clean_parameters(code, params, TEN)
        assert score(code, D(figure), max_points=TEN, params=cleaned) == D(expected)


def test_every_rule_is_described():
    assert set(scoring.SCORING_RULES) == {"linear", "deduction", "steps"}
    assert scoring.describe("linear", {"zero_at": "60", "full_at": "100"}, unit="%") == (
        "0 points at 60%, full points at 100%"
    )
    assert "≥95 → 10" in scoring.describe(
        "steps", {"direction": "at_least", "steps": [["95", "10"]], "otherwise": "0"}
    )
