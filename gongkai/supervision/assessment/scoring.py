"""Scoring functions: a figure measured from the records becomes an indicator's points.

Each function is pure — the figure, the indicator's maximum points and its parameters in, the
points out — and its parameters are stored as data on the indicator (``Indicator.parameters``),
so the office changes a rule without a code change (REGULATION.md §7). Three functions, the
ones assessment schemes use:

* ``linear`` — 线性计分: no points at or beyond ``zero_at``, full points at or beyond
  ``full_at``, in proportion between. ``zero_at`` above ``full_at`` means lower is better.
* ``deduction`` — 按次扣分: ``per`` points off for each occurrence, never below ``floor``.
* ``steps`` — 分档计分: the points of the first threshold the figure reaches (``at_least``:
  at or above it, the highest threshold first; ``at_most``: at or below it, the lowest
  first), else ``otherwise``.

Points are ``Decimal`` rounded half-up to hundredths and never outside ``[0, max_points]``.
:func:`clean_parameters` checks and normalises parameters typed by the office; a bad set
raises :class:`ParameterError` with a translated message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

HUNDREDTH = Decimal("0.01")
ZERO = Decimal("0")

Parameters = Mapping[str, Any]


class ParameterError(ValueError):
    """Parameters a scoring function cannot use (translated message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def points(value: Decimal) -> Decimal:
    """``value`` rounded half-up to hundredths (how every point is shown and stored)."""
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal, max_points: Decimal) -> Decimal:
    return points(min(max(value, ZERO), max_points))


def _number(value: object, name: str) -> Decimal:
    if isinstance(value, bool):
        raise ParameterError(gettext("“%(name)s” must be a number.") % {"name": name})
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ParameterError(gettext("“%(name)s” must be a number.") % {"name": name}) from None
    if not number.is_finite():
        raise ParameterError(gettext("“%(name)s” must be a number.") % {"name": name})
    return number


def _required(params: Parameters, name: str) -> Decimal:
    if name not in params or params[name] in (None, ""):
        raise ParameterError(gettext("Give “%(name)s”.") % {"name": name})
    return _number(params[name], name)


def _within(value: Decimal, name: str, max_points: Decimal) -> Decimal:
    if value < 0 or value > max_points:
        raise ParameterError(
            gettext("“%(name)s” must lie between 0 and the maximum points (%(max)s).")
            % {"name": name, "max": max_points}
        )
    return value


# --------------------------------------------------------------------------- linear


def linear(figure: Decimal, *, max_points: Decimal, zero_at: Decimal, full_at: Decimal) -> Decimal:
    """No points at ``zero_at`` (and beyond it, away from ``full_at``), ``max_points`` at
    ``full_at`` (and beyond), in proportion between: a reply rate from 60% (0 points) to 100%
    (10 points) gives 8 points at 92%."""
    share = (figure - zero_at) / (full_at - zero_at)
    return _clamp(max_points * share, max_points)


def _clean_linear(params: Parameters, max_points: Decimal) -> dict[str, str]:
    zero_at = _required(params, "zero_at")
    full_at = _required(params, "full_at")
    if zero_at == full_at:
        raise ParameterError(gettext("The figures for no points and for full points differ."))
    return {"zero_at": str(zero_at), "full_at": str(full_at)}


def _run_linear(figure: Decimal, max_points: Decimal, params: Parameters) -> Decimal:
    return linear(
        figure,
        max_points=max_points,
        zero_at=Decimal(params["zero_at"]),
        full_at=Decimal(params["full_at"]),
    )


# --------------------------------------------------------------------------- deduction


def deduction(
    figure: Decimal, *, max_points: Decimal, per: Decimal, floor: Decimal = ZERO
) -> Decimal:
    """``per`` points off ``max_points`` for each occurrence counted (``figure``), never below
    ``floor``: two late publications at 2 points each leave 6 of 10."""
    occurrences = max(figure, ZERO)
    return _clamp(max(max_points - per * occurrences, floor), max_points)


def _clean_deduction(params: Parameters, max_points: Decimal) -> dict[str, str]:
    per = _required(params, "per")
    if per <= 0:
        raise ParameterError(gettext("The points taken off for each occurrence must be above 0."))
    floor = _number(params.get("floor") or 0, "floor")
    _within(floor, "floor", max_points)
    return {"per": str(per), "floor": str(floor)}


def _run_deduction(figure: Decimal, max_points: Decimal, params: Parameters) -> Decimal:
    return deduction(
        figure,
        max_points=max_points,
        per=Decimal(params["per"]),
        floor=Decimal(params.get("floor", "0")),
    )


# --------------------------------------------------------------------------- steps

AT_LEAST = "at_least"  # higher is better: the figure reaches a threshold from below
AT_MOST = "at_most"  # lower is better: the figure stays at or below a threshold


def steps(
    figure: Decimal,
    *,
    max_points: Decimal,
    steps: list[tuple[Decimal, Decimal]],
    direction: str = AT_LEAST,
    otherwise: Decimal = ZERO,
) -> Decimal:
    """The points of the first step the figure reaches, else ``otherwise``.

    ``at_least``: steps from the highest threshold down, a step reached when the figure is at
    or above it (≥95% → 10, ≥90% → 8). ``at_most``: from the lowest threshold up, reached when
    the figure is at or below it (≤0 late → 10, ≤2 → 6).
    """
    if direction == AT_MOST:
        ordered = sorted(steps, key=lambda step: step[0])
        reached = [value for threshold, value in ordered if figure <= threshold]
    else:
        ordered = sorted(steps, key=lambda step: step[0], reverse=True)
        reached = [value for threshold, value in ordered if figure >= threshold]
    return _clamp(reached[0] if reached else otherwise, max_points)


def _clean_steps(params: Parameters, max_points: Decimal) -> dict[str, Any]:
    direction = params.get("direction") or AT_LEAST
    if direction not in (AT_LEAST, AT_MOST):
        raise ParameterError(gettext("Choose whether higher or lower figures are better."))
    raw = params.get("steps") or []
    if not isinstance(raw, list | tuple) or not raw:
        raise ParameterError(gettext("Give at least one step: a threshold and its points."))
    cleaned: list[list[str]] = []
    thresholds: set[Decimal] = set()
    for step in raw:
        if not isinstance(step, list | tuple) or len(step) != 2:
            raise ParameterError(gettext("Each step is a threshold and its points."))
        threshold = _number(step[0], "threshold")
        value = _within(_number(step[1], "points"), "points", max_points)
        if threshold in thresholds:
            raise ParameterError(
                gettext("The threshold %(threshold)s is given twice.") % {"threshold": threshold}
            )
        thresholds.add(threshold)
        cleaned.append([str(threshold), str(value)])
    cleaned.sort(key=lambda step: Decimal(step[0]), reverse=direction == AT_LEAST)
    otherwise = _within(_number(params.get("otherwise") or 0, "otherwise"), "otherwise", max_points)
    return {"direction": direction, "steps": cleaned, "otherwise": str(otherwise)}


def _run_steps(figure: Decimal, max_points: Decimal, params: Parameters) -> Decimal:
    return steps(
        figure,
        max_points=max_points,
        steps=[(Decimal(threshold), Decimal(value)) for threshold, value in params["steps"]],
        direction=params.get("direction", AT_LEAST),
        otherwise=Decimal(params.get("otherwise", "0")),
    )


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class ScoringRule:
    code: str
    label: str | Promise
    description: str | Promise
    clean: Callable[[Parameters, Decimal], dict[str, Any]]
    run: Callable[[Decimal, Decimal, Parameters], Decimal]


SCORING_RULES: dict[str, ScoringRule] = {
    rule.code: rule
    for rule in (
        ScoringRule(
            "linear",
            _("linear between two figures"),
            _("No points at one figure, full points at another, in proportion between."),
            _clean_linear,
            _run_linear,
        ),
        ScoringRule(
            "deduction",
            _("deduction per occurrence"),
            _("Points taken off for each occurrence counted, never below a floor."),
            _clean_deduction,
            _run_deduction,
        ),
        ScoringRule(
            "steps",
            _("thresholds"),
            _("The points of the first threshold the figure reaches."),
            _clean_steps,
            _run_steps,
        ),
    )
}


def scoring_choices() -> list[tuple[str, str | Promise]]:
    return [(rule.code, rule.label) for rule in SCORING_RULES.values()]


def clean_parameters(code: str, params: Parameters, max_points: Decimal) -> dict[str, Any]:
    """The parameters of scoring function ``code`` checked and normalised (numbers stored as
    strings, so that the JSON keeps them exact); :class:`ParameterError` when unusable."""
    rule = SCORING_RULES.get(code)
    if rule is None:
        raise ParameterError(gettext("Choose a scoring function."))
    return rule.clean(params, max_points)


def score(code: str, figure: Decimal, *, max_points: Decimal, params: Parameters) -> Decimal:
    """The points of ``figure`` under scoring function ``code`` with ``params`` (cleaned)."""
    return SCORING_RULES[code].run(figure, max_points, params)


def describe(code: str, params: Parameters, *, unit: str = "") -> str:
    """One line saying what the rule does, for the scheme and scorecard pages."""
    rule = SCORING_RULES.get(code)
    if rule is None:
        return ""
    try:
        if code == "linear":
            return gettext("0 points at %(zero)s%(unit)s, full points at %(full)s%(unit)s") % {
                "zero": params["zero_at"],
                "full": params["full_at"],
                "unit": unit,
            }
        if code == "deduction":
            return gettext("%(per)s points off each occurrence, at least %(floor)s") % {
                "per": params["per"],
                "floor": params.get("floor", "0"),
            }
        sign = "≥" if params.get("direction", AT_LEAST) == AT_LEAST else "≤"
        parts = [f"{sign}{threshold}{unit} → {value}" for threshold, value in params["steps"]]
        parts.append(gettext("otherwise %(points)s") % {"points": params.get("otherwise", "0")})
        return "; ".join(parts)
    except (KeyError, TypeError, ValueError):
        return str(rule.label)
