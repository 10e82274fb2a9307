"""Deadline warnings on the official calendar: blue within 10 working days, yellow within 3,
red once the deadline has passed — counted across the 2025 National Day holiday (10-01 to
10-08 rest days, Sunday 09-28 and Saturday 10-11 swapped working days)."""

from __future__ import annotations

import datetime

import pytest

from gongkai.supervision.plans import services
from gongkai.supervision.plans.deadlines import Level, task_warning, warning_for
from gongkai.supervision.plans.models import PlanSettings
from tests.supervision.plans.conftest import DONE, at

pytestmark = pytest.mark.django_db
D = datetime.date
DEADLINE = D(2025, 10, 14)  # a Tuesday, after the holiday


def level(today: D, *, blue: int = 10, yellow: int = 3) -> tuple[str, int | None]:
    warning = warning_for(DEADLINE, today=today, blue_days=blue, yellow_days=yellow)
    return warning.level, warning.left


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # 11 working days left (09-24 … 10-14 with the holiday left out): no warning yet.
        (D(2025, 9, 23), (Level.NONE, 11)),
        # Exactly 10 left: blue — although 14 weekdays remain if holidays were ignored.
        (D(2025, 9, 24), (Level.BLUE, 10)),
        # Sunday 09-28 is a swapped working day: it counts, and on it 7 are left.
        (D(2025, 9, 27), (Level.BLUE, 8)),
        (D(2025, 9, 28), (Level.BLUE, 7)),
        # Through the holiday the count stands still.
        (D(2025, 9, 30), (Level.BLUE, 5)),
        (D(2025, 10, 1), (Level.BLUE, 5)),
        (D(2025, 10, 8), (Level.BLUE, 5)),
        # 4 left: still blue; exactly 3 left: yellow (Saturday 10-11 is a working day).
        (D(2025, 10, 9), (Level.BLUE, 4)),
        (D(2025, 10, 10), (Level.YELLOW, 3)),
        (D(2025, 10, 11), (Level.YELLOW, 2)),
        (D(2025, 10, 12), (Level.YELLOW, 2)),
        # On the deadline itself: due today, yellow — not yet overdue.
        (D(2025, 10, 14), (Level.YELLOW, 0)),
        # The day after: red.
        (D(2025, 10, 15), (Level.RED, -1)),
        (D(2025, 10, 20), (Level.RED, -4)),
    ],
)
def test_warning_levels_on_the_calendar(today, expected):
    assert level(today) == expected


def test_a_deadline_on_a_rest_day_is_red_only_the_day_after():
    saturday = D(2025, 10, 18)
    assert warning_for(saturday, today=saturday, blue_days=10, yellow_days=3).level == "yellow"
    sunday = warning_for(saturday, today=D(2025, 10, 19), blue_days=10, yellow_days=3)
    assert (sunday.level, sunday.left) == (Level.RED, 0)
    assert sunday.text == "Overdue."


def test_thresholds_are_configurable(signed):
    task = signed(D(2025, 9, 1), DEADLINE)
    assert task_warning(task, today=D(2025, 9, 23)).level == Level.NONE
    PlanSettings.objects.create(blue_days=15, yellow_days=5)
    assert task_warning(task, today=D(2025, 9, 23)).level == Level.BLUE  # 11 ≤ 15
    assert task_warning(task, today=D(2025, 10, 9)).level == Level.YELLOW  # 4 ≤ 5
    assert task_warning(task, today=D(2025, 10, 15)).level == Level.RED


def test_the_texts_say_what_the_colour_says():
    blue = warning_for(DEADLINE, today=D(2025, 9, 24), blue_days=10, yellow_days=3)
    assert (blue.label, blue.text) == ("blue warning", "10 working days left.")
    today = warning_for(DEADLINE, today=DEADLINE, blue_days=10, yellow_days=3)
    assert today.text == "Due today."
    late = warning_for(DEADLINE, today=D(2025, 10, 20), blue_days=10, yellow_days=3)
    assert (late.label, late.text) == ("red warning", "Overdue by 4 working days.")


def test_a_year_the_calendar_does_not_cover_is_unknown_not_guessed():
    warning = warning_for(D(2099, 3, 1), today=D(2099, 2, 1), blue_days=10, yellow_days=3)
    assert warning.level == Level.UNKNOWN
    assert "does not cover" in warning.text


def test_no_warning_once_the_task_is_reported_done_or_accepted(reported, office):
    task = reported(D(2025, 9, 1), DEADLINE)
    assert task_warning(task, today=D(2025, 10, 20)).level == Level.NONE
    with at(D(2025, 10, 20)):
        services.send_back_task(task, actor=office, reason="请补充公开网址。")
    task.refresh_from_db()
    assert task_warning(task, today=D(2025, 10, 20)).level == Level.RED  # back with the agency
    assert DONE  # the completion report stays in the history


def test_every_agency_state_has_its_warning(assign, signed):
    assigned = assign(D(2025, 9, 1), DEADLINE)
    assert task_warning(assigned, today=D(2025, 10, 10)).level == Level.YELLOW
    working = signed(D(2025, 9, 1), DEADLINE)
    assert task_warning(working, today=D(2025, 10, 15)).level == Level.RED
