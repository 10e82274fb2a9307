"""Deadline warnings of key tasks (预警), counted in working days on the official calendar.

* red (红色预警): the deadline has passed — today is after it;
* yellow (黄色预警): at most ``yellow_days`` working days are left (3 by default);
* blue (蓝色预警): at most ``blue_days`` working days are left (10 by default);
* none: more are left, or the task does not wait for its agency any more (its completion is
  reported, or it is accepted).

"Working days left" is :func:`~gongkai.core.workdays.working_days_between` ``(today,
deadline)``: the working days after today up to and including the deadline, so that on the
deadline itself none are left (yellow, not yet red) and a holiday between today and the
deadline does not count. A deadline the calendar does not cover yet gives ``unknown``, never a
guess from weekends.

:func:`warning_for` is pure apart from the calendar; the thresholds come from
:func:`plan_settings` (the ``PlanSettings`` row, or the defaults).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongkai.core.context import request_memo
from gongkai.core.workdays import CalendarNotCovered, working_days_between
from gongkai.supervision.plans.models import KeyTask, PlanSettings
from gongkai.supervision.plans.workflow import AGENCY_STATES


class Level(models.TextChoices):
    NONE = "none", _("no warning")
    BLUE = "blue", _("blue warning")  # 蓝色预警
    YELLOW = "yellow", _("yellow warning")  # 黄色预警
    RED = "red", _("red warning")  # 红色预警: overdue
    UNKNOWN = "unknown", _("deadline not computable")  # the calendar does not cover it


# The levels that remind and put a task in the queue, mildest first.
WARNING_LEVELS: tuple[str, ...] = (Level.BLUE, Level.YELLOW, Level.RED)


@dataclass(frozen=True)
class TaskWarning:
    """A task's warning as of a day: the level and the working days left (negative: late)."""

    level: str
    left: int | None

    @property
    def label(self) -> str:
        return str(Level(self.level).label)

    @property
    def is_warning(self) -> bool:
        return self.level in WARNING_LEVELS

    @property
    def text(self) -> str:
        """The warning in words, for people who do not see the colour."""
        if self.level == Level.UNKNOWN:
            return str(_("The working-day calendar does not cover the deadline yet."))
        if self.left is None:
            return ""
        if self.left < 0 or self.level == Level.RED:
            late = -self.left if self.left < 0 else 0
            if late == 0:
                return str(_("Overdue."))
            return ngettext(
                "Overdue by %(days)d working day.", "Overdue by %(days)d working days.", late
            ) % {"days": late}
        if self.left == 0:
            return str(_("Due today."))
        return ngettext("%(days)d working day left.", "%(days)d working days left.", self.left) % {
            "days": self.left
        }


NO_WARNING = TaskWarning(Level.NONE, None)


def plan_settings() -> PlanSettings:
    """The warning thresholds (the defaults when none were saved); read once a request when a
    memo is in place."""
    memo = request_memo.get()
    if memo is not None and "plans.settings" in memo:
        return memo["plans.settings"]  # type: ignore[no-any-return]
    found = PlanSettings.objects.order_by("pk").first()
    result = found or PlanSettings()
    if memo is not None:
        memo["plans.settings"] = result
    return result


def warning_for(
    deadline: datetime.date, *, today: datetime.date, blue_days: int, yellow_days: int
) -> TaskWarning:
    """The warning for a deadline as of ``today`` with the given thresholds."""
    try:
        left = working_days_between(today, deadline)
    except CalendarNotCovered:
        return TaskWarning(Level.UNKNOWN, None)
    if deadline < today:
        return TaskWarning(Level.RED, left)
    if left <= yellow_days:
        return TaskWarning(Level.YELLOW, left)
    if left <= blue_days:
        return TaskWarning(Level.BLUE, left)
    return TaskWarning(Level.NONE, left)


def task_warning(
    task: KeyTask, *, today: datetime.date, settings: PlanSettings | None = None
) -> TaskWarning:
    """The task's warning as of ``today``: none once it no longer waits for its agency."""
    if task.state not in AGENCY_STATES:
        return NO_WARNING
    config = settings or plan_settings()
    return warning_for(
        task.deadline, today=today, blue_days=config.blue_days, yellow_days=config.yellow_days
    )
