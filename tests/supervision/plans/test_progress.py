"""Progress rolls up: a task at its lead agency's latest percentage (100 once accepted), a
category and the plan at the weighted means of their tasks."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from gongkai.supervision.plans import selectors, services
from gongkai.supervision.plans.progress import Share, roll_up, task_percent, weighted_mean
from tests.supervision.plans.conftest import DONE, PROGRESS, at

D = datetime.date
DEADLINE = D(2025, 12, 31)


def test_weighted_mean_is_rounded_half_up_to_one_decimal():
    assert weighted_mean([Share(1, 0), Share(2, 100)]) == Decimal("66.7")
    assert weighted_mean([Share(3, 50), Share(1, 75)]) == Decimal("56.3")  # 56.25 → 56.3
    assert weighted_mean([Share(1, 33), Share(1, 34)]) == Decimal("33.5")
    assert weighted_mean([]) is None


def test_a_task_counts_its_latest_report_and_100_once_accepted():
    assert task_percent(state="signed", reported=None) == 0
    assert task_percent(state="in_progress", reported=40) == 40
    assert task_percent(state="completion_reported", reported=80) == 80
    assert task_percent(state="accepted", reported=80) == 100


def test_roll_up_counts_states_and_levels():
    rollup = roll_up(
        [
            Share(2, 100, "accepted", "none"),
            Share(1, 40, "in_progress", "red"),
            Share(1, 0, "assigned", "red"),
        ]
    )
    assert rollup.progress == Decimal("60.0")  # (200 + 40 + 0) / 4
    assert (rollup.tasks, rollup.weight, rollup.accepted) == (3, 4, 1)
    assert rollup.by_level == {"none": 1, "red": 2}


@pytest.mark.django_db
def test_the_plan_rolls_up_by_category_with_weights(
    plan, category, office, editor, signed, co_editor
):
    second = services.add_category(plan, actor=office, name="推进公共服务信息公开")
    heavy = signed(D(2025, 3, 3), DEADLINE, weight=3)
    light = signed(D(2025, 3, 3), DEADLINE, weight=1)
    other = signed(D(2025, 3, 3), DEADLINE, weight=2, category=second)
    untouched = signed(D(2025, 3, 3), DEADLINE, weight=2, category=second)
    with at(D(2025, 5, 6)):
        services.report_progress(heavy, actor=editor, text=PROGRESS, percentage=20)
        services.report_progress(heavy, actor=editor, text=PROGRESS, percentage=50)  # latest
        services.report_progress(light, actor=editor, text=PROGRESS, percentage=90)
        services.report_completion(light, actor=editor, text=DONE)
        services.report_progress(other, actor=editor, text=PROGRESS, percentage=30)
        services.accept_task(light, actor=office)
        # A co-responsible agency's report has no percentage and changes nothing.
        services.report_progress(untouched, actor=co_editor, text=PROGRESS)

    overview = selectors.plan_overview(plan, today=D(2025, 5, 6))

    first, last = overview.categories
    assert [row.percent for row in first.rows] == [50, 100]
    assert first.rollup.progress == Decimal("62.5")  # (3×50 + 1×100) / 4
    assert [row.percent for row in last.rows] == [30, 0]
    assert last.rollup.progress == Decimal("15.0")  # (2×30 + 2×0) / 4
    # The plan: every task by its weight (not the mean of the categories' means).
    assert overview.rollup.progress == Decimal("38.8")  # (150 + 100 + 60 + 0) / 8 = 38.75
    assert overview.rollup.by_state == {"in_progress": 2, "accepted": 1, "signed": 1}
    data = selectors.chart_data(overview)
    assert data["categories"] == [
        {"name": "推进财政资金信息公开", "progress": 62.5},
        {"name": "推进公共服务信息公开", "progress": 15.0},
    ]
    assert data["plan"] == 38.8


@pytest.mark.django_db
def test_a_sent_back_task_keeps_its_last_reported_percentage(reported, office):
    task = reported(D(2025, 3, 3), DEADLINE)  # reported 60% then done
    with at(D(2025, 3, 4)):
        services.send_back_task(task, actor=office, reason="缺少公开网址。")
    overview = selectors.plan_overview(task.plan, today=D(2025, 3, 4))
    assert overview.categories[0].rows[0].percent == 60
    assert overview.rollup.progress == Decimal("60.0")


@pytest.mark.django_db
def test_the_overview_takes_a_fixed_number_of_queries(
    plan, category, signed, django_assert_max_num_queries
):
    for _ in range(12):
        signed(D(2025, 3, 3), DEADLINE)
    # Settings, categories, tasks, their co-responsible agencies; the calendar's two (its
    # table is built once a process, and the tests start without one).
    with django_assert_max_num_queries(6):
        overview = selectors.plan_overview(plan, today=D(2025, 3, 4))
        selectors.public_rows(overview)


def test_a_years_plan_and_its_tasks_in_one_query(plan, assign, office, django_assert_num_queries):
    with django_assert_num_queries(2):  # no task yet: the plan is read on its own
        assert selectors.plan_and_tasks_of_year(2025) == (plan, [])
    second = services.add_category(plan, actor=office, name="推进政务服务信息公开")
    tasks = [
        assign(datetime.date(2025, 3, 3), datetime.date(2025, 6, 30), category=second),
        assign(datetime.date(2025, 3, 3), datetime.date(2025, 6, 30)),
        assign(datetime.date(2025, 3, 4), datetime.date(2025, 6, 30)),
    ]
    with django_assert_num_queries(1):
        found, found_tasks = selectors.plan_and_tasks_of_year(2025)
        assert (found.title, found.agency.name) == (plan.title, plan.agency.name)
    assert found == plan
    assert found_tasks == list(selectors.tasks_of_plan(plan, agencies=False))
    assert set(found_tasks) == set(tasks)
    assert selectors.plan_and_tasks_of_year(2024) == (None, [])
