"""How progress rolls up, as pure functions over rows.

* A task's progress is its lead agency's latest reported percentage, and 100 once the office
  has accepted it (办结). A completion report does not make it 100 by itself: until the office
  accepts, the task stands at what was last reported.
* A category's progress is the weighted mean of its tasks' progress, each task counting with
  its ``weight``; the plan's is the weighted mean of all its tasks (so a category counts with
  the sum of its tasks' weights). Means are rounded half up to one decimal.
* Counts by state and by warning level go with each, for the tables and charts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Share:
    """What one task brings to a roll-up."""

    weight: int
    percent: int
    state: str = ""
    level: str = ""


def task_percent(*, state: str, reported: int | None, accepted_state: str = "accepted") -> int:
    """A task's progress: 100 once accepted, else the latest reported percentage (0 before
    the first report)."""
    if state == accepted_state:
        return 100
    return max(0, min(100, reported or 0))


def weighted_mean(shares: Iterable[Share]) -> Decimal | None:
    """Σ weight × percent / Σ weight, to one decimal; None when there is nothing to weigh."""
    total_weight = 0
    total = 0
    for share in shares:
        total_weight += share.weight
        total += share.weight * share.percent
    if total_weight == 0:
        return None
    return (Decimal(total) / Decimal(total_weight)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RollUp:
    """A group of tasks (a category or the plan): its weighted progress and its counts."""

    progress: Decimal | None
    tasks: int
    weight: int
    by_state: dict[str, int] = field(default_factory=dict)
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def accepted(self) -> int:
        return self.by_state.get("accepted", 0)


def roll_up(shares: Sequence[Share]) -> RollUp:
    return RollUp(
        progress=weighted_mean(shares),
        tasks=len(shares),
        weight=sum(share.weight for share in shares),
        by_state=dict(Counter(share.state for share in shares if share.state)),
        by_level=dict(Counter(share.level for share in shares if share.level)),
    )
