"""Queries the key-task pages, the queue, the daily job and (later) the reports share.

The staff lists start from ``permissions.tasks_visible_to`` / ``notices_visible_to``; the
public page starts from :func:`published_plans` and shows only what :class:`PublicTaskRow`
carries (no report, comment, evidence or reason).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from gongkai.core.workdays import CalendarNotCovered, add_working_days
from gongkai.supervision.plans import permissions
from gongkai.supervision.plans.deadlines import (
    Level,
    TaskWarning,
    plan_settings,
    task_warning,
)
from gongkai.supervision.plans.models import (
    KeyTask,
    NoticeRecipient,
    PlanSettings,
    SupervisionNotice,
    TaskCategory,
    TaskEvent,
    TaskReport,
    WorkPlan,
)
from gongkai.supervision.plans.progress import RollUp, Share, roll_up, task_percent
from gongkai.supervision.plans.workflow import AGENCY_STATES, public_state

State = KeyTask.State


# --- tasks -----------------------------------------------------------------------------------


def with_agencies(rows: QuerySet[KeyTask]) -> QuerySet[KeyTask]:
    return rows.select_related("plan", "category", "lead_agency").prefetch_related("co_agencies")


def tasks_of_plan(plan: WorkPlan, *, agencies: bool = True) -> QuerySet[KeyTask]:
    """The plan's tasks in order; with their plan, category and agencies unless ``agencies``
    is False (for counting: the annual report's figures)."""
    tasks = with_agencies(plan.tasks.all()) if agencies else plan.tasks.all()
    return tasks.order_by("category__order", "number")


def open_tasks() -> QuerySet[KeyTask]:
    """Tasks waiting for their agency: the deadline warnings apply to these."""
    return KeyTask.objects.filter(state__in=AGENCY_STATES)


def warning_horizon(today: datetime.date, config: PlanSettings) -> datetime.date | None:
    """The last deadline that gives a warning today (None: the calendar cannot say)."""
    try:
        return add_working_days(today, config.blue_days)
    except CalendarNotCovered:
        return None


def tasks_to_warn(*, today: datetime.date, config: PlanSettings | None = None) -> QuerySet[KeyTask]:
    """Open tasks whose deadline is near enough for a warning (or all open tasks, when the
    calendar does not reach that far)."""
    config = config or plan_settings()
    horizon = warning_horizon(today, config)
    rows = open_tasks().select_related("plan", "lead_agency").order_by("deadline", "id")
    return rows if horizon is None else rows.filter(deadline__lte=horizon)


def my_tasks(user: Any, *, agency_id: int | None = None, show: str = "open") -> QuerySet[KeyTask]:
    """The tasks of an agency's staff member (all for the office), the open ones first by
    deadline, or the accepted ones."""
    rows = permissions.tasks_visible_to(user)
    if agency_id:
        rows = rows.filter(Q(lead_agency_id=agency_id) | Q(co_agencies__id=agency_id)).distinct()
    if show == "accepted":
        rows = rows.filter(state=State.ACCEPTED).order_by("-accepted_on", "-id")
    else:
        rows = rows.exclude(state=State.ACCEPTED).order_by("deadline", "plan__year", "number")
    return with_agencies(rows)


def _waiting_for_office() -> Q:
    return Q(state=State.COMPLETION_REPORTED) | Q(extension_requested_until__isnull=False)


def waiting_for_office() -> QuerySet[KeyTask]:
    """Tasks waiting for the office's decision: a completion to accept or send back, or an
    extension request."""
    return with_agencies(KeyTask.objects.filter(_waiting_for_office())).order_by("deadline", "id")


def reports_of(task: KeyTask) -> QuerySet[TaskReport]:
    return (
        task.reports.select_related("agency", "reported_by")
        .prefetch_related("documents", "files")
        .order_by("reported_on", "reported_at", "id")
    )


def history_of(task: KeyTask) -> QuerySet[TaskEvent]:
    return task.events.select_related("actor").order_by("on", "at", "id")


# --- roll-up ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRow:
    """A task with its warning and progress as of a day."""

    task: KeyTask
    warning: TaskWarning
    percent: int

    @property
    def share(self) -> Share:
        return Share(
            weight=self.task.weight,
            percent=self.percent,
            state=self.task.state,
            level=self.warning.level,
        )


@dataclass(frozen=True)
class CategoryRow:
    category: TaskCategory
    rows: list[TaskRow]
    rollup: RollUp


@dataclass(frozen=True)
class PlanOverview:
    plan: WorkPlan
    categories: list[CategoryRow]
    rollup: RollUp


def task_row(task: KeyTask, *, today: datetime.date, config: PlanSettings | None = None) -> TaskRow:
    return TaskRow(
        task=task,
        warning=task_warning(task, today=today, settings=config),
        percent=task_percent(state=task.state, reported=task.progress),
    )


def plan_overview(plan: WorkPlan, *, today: datetime.date) -> PlanOverview:
    """The plan's categories in order, each with its tasks (warnings and progress as of
    ``today``) and its weighted roll-up, and the plan's own. Three queries."""
    config = plan_settings()
    categories = list(plan.categories.order_by("order", "id"))
    by_category: dict[int, list[TaskRow]] = {category.pk: [] for category in categories}
    for task in tasks_of_plan(plan):
        by_category[task.category_id].append(task_row(task, today=today, config=config))
    rows = [
        CategoryRow(category, by_category[category.pk], roll_up([r.share for r in rows]))
        for category in categories
        for rows in [by_category[category.pk]]
    ]
    everything = [row.share for category_row in rows for row in category_row.rows]
    return PlanOverview(plan=plan, categories=rows, rollup=roll_up(everything))


def rollups_of(plans: list[WorkPlan]) -> dict[int, RollUp]:
    """Each plan's roll-up (progress and counts by state, no warnings), in one query: for the
    lists of plans."""
    shares: dict[int, list[Share]] = {plan.pk: [] for plan in plans}
    rows = KeyTask.objects.filter(plan__in=plans).values_list(
        "plan_id", "weight", "progress", "state"
    )
    for plan_id, weight, progress, state in rows:
        percent = task_percent(state=state, reported=progress)
        shares[plan_id].append(Share(weight=weight, percent=percent, state=state))
    return {plan_id: roll_up(items) for plan_id, items in shares.items()}


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def chart_data(overview: PlanOverview) -> dict[str, Any]:
    """The figures the chart script draws (the page's tables hold the same): each category's
    progress, and the number of tasks in each state."""
    states = overview.rollup.by_state
    return {
        "categories": [
            {"name": row.category.name, "progress": _number(row.rollup.progress)}
            for row in overview.categories
        ],
        "states": [
            {"state": state.value, "label": str(state.label), "count": states.get(state, 0)}
            for state in State
            if states.get(state, 0)
        ],
        "plan": _number(overview.rollup.progress),
    }


# --- the queue -------------------------------------------------------------------------------


def _tasks_due(
    user: Any, *, today: datetime.date, config: PlanSettings, agency_id: int | None
) -> Q:
    """The tasks that may be waiting for the agencies where ``user`` acts: to sign for, sent
    back, or with a deadline near enough for a warning (``task_row`` says which are)."""
    rows = Q(state__in=AGENCY_STATES, lead_agency_id__in=list(permissions.acting_agency_ids(user)))
    if agency_id:
        rows &= Q(lead_agency_id=agency_id)
    horizon = warning_horizon(today, config)
    if horizon is not None:
        rows &= Q(state__in=[State.ASSIGNED, State.SENT_BACK]) | Q(deadline__lte=horizon)
    return rows


def _due_rows(
    tasks: Iterable[KeyTask], *, today: datetime.date, config: PlanSettings
) -> list[TaskRow]:
    result = []
    for task in tasks:
        row = task_row(task, today=today, config=config)
        if row.warning.is_warning or task.state in (State.ASSIGNED, State.SENT_BACK):
            result.append(row)
    return result


def agency_tasks_due(
    user: Any, *, today: datetime.date, agency_id: int | None = None
) -> list[TaskRow]:
    """The tasks waiting for the agencies where ``user`` acts (head or editor of the lead
    agency): to sign for, sent back, or at a warning level."""
    config = plan_settings()
    rows = permissions.tasks_visible_to(user).filter(
        _tasks_due(user, today=today, config=config, agency_id=agency_id)
    )
    rows = rows.select_related("plan", "lead_agency").order_by("deadline", "id")
    return _due_rows(rows, today=today, config=config)


def office_queue(user: Any, *, today: datetime.date) -> tuple[list[KeyTask], list[TaskRow]]:
    """For the office's queue, in one query: the tasks waiting for its decision
    (``waiting_for_office``, without the co-agencies the queue does not show) and those due
    from the agencies where the office's member acts (``agency_tasks_due``)."""
    config = plan_settings()
    due = _tasks_due(user, today=today, config=config, agency_id=None)
    rows: list[KeyTask] = list(
        permissions.tasks_visible_to(user)
        .filter(_waiting_for_office() | due)
        .annotate(
            is_waiting=ExpressionWrapper(_waiting_for_office(), output_field=BooleanField()),
            is_due=ExpressionWrapper(due, output_field=BooleanField()),
        )
        .select_related("plan", "category", "lead_agency")
        .order_by("deadline", "id")
    )
    waiting = [task for task in rows if task.is_waiting]  # type: ignore[attr-defined]
    due_rows = _due_rows(
        (task for task in rows if task.is_due),  # type: ignore[attr-defined]
        today=today,
        config=config,
    )
    return waiting, due_rows


def notices_waiting(user: Any, *, agency_id: int | None = None) -> QuerySet[NoticeRecipient]:
    """The issued notices still waiting for an answer from an agency where ``user`` acts."""
    rows = NoticeRecipient.objects.filter(
        state=NoticeRecipient.State.WAITING,
        notice__state=SupervisionNotice.State.ISSUED,
        agency_id__in=list(permissions.acting_agency_ids(user)),
    )
    if agency_id:
        rows = rows.filter(agency_id=agency_id)
    return rows.select_related("notice", "agency").order_by("notice__reply_deadline", "id")


# --- notices ---------------------------------------------------------------------------------


def notices_for(user: Any) -> QuerySet[SupervisionNotice]:
    """The notices ``user`` may open, newest first, with their answer counts."""
    return (
        permissions.notices_visible_to(user)
        .select_related("plan")
        .annotate(
            recipient_count=Count("recipients", distinct=True),
            answered_count=Count(
                "recipients",
                filter=Q(recipients__state=NoticeRecipient.State.ANSWERED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-id")
    )


def recipients_of(notice: SupervisionNotice, user: Any) -> QuerySet[NoticeRecipient]:
    return (
        permissions.recipients_visible_to(user, notice)
        .prefetch_related("files")
        .order_by("agency__sort_order", "agency_id")
    )


# --- the public page -------------------------------------------------------------------------


def published_plans() -> QuerySet[WorkPlan]:
    """The plans on the portal, the latest year first, with their task counts."""
    return (
        WorkPlan.objects.filter(published=True)
        .select_related("agency")
        .annotate(
            task_count=Count("tasks", distinct=True),
            accepted_count=Count("tasks", filter=Q(tasks__state=State.ACCEPTED), distinct=True),
        )
        .order_by("-year")
    )


def public_plan(year: int) -> WorkPlan | None:
    return WorkPlan.objects.filter(published=True, year=year).select_related("agency").first()


@dataclass(frozen=True)
class PublicTaskRow:
    """What the public sees of a task: its place, title, agencies, dates, state and progress —
    never a report, a comment, evidence, an extension's reason or why it was sent back."""

    number: int
    title: str
    description: str
    expected_output: str
    lead_agency: str
    co_agencies: list[str]
    deadline: datetime.date
    extended: bool
    state: str
    state_label: str
    percent: int
    accepted_on: datetime.date | None
    overdue: bool


def public_rows(overview: PlanOverview) -> list[tuple[CategoryRow, list[PublicTaskRow]]]:
    result = []
    for category_row in overview.categories:
        public = []
        for row in category_row.rows:
            task = row.task
            state = public_state(task.state)
            public.append(
                PublicTaskRow(
                    number=task.number,
                    title=task.title,
                    description=task.description,
                    expected_output=task.expected_output,
                    lead_agency=task.lead_agency.name,
                    co_agencies=[agency.name for agency in task.co_agencies.all()],
                    deadline=task.deadline,
                    extended=task.extended,
                    state=state,
                    state_label=str(State(state).label),
                    percent=row.percent,
                    accepted_on=task.accepted_on,
                    overdue=row.warning.level == Level.RED,
                )
            )
        result.append((category_row, public))
    return result


def public_chart_data(overview: PlanOverview) -> dict[str, Any]:
    """The public chart's figures: like :func:`chart_data`, with a task sent back counted as
    in progress."""
    data = chart_data(overview)
    counts: dict[str, int] = {}
    for category_row in overview.categories:
        for row in category_row.rows:
            state = public_state(row.task.state)
            counts[state] = counts.get(state, 0) + 1
    data["states"] = [
        {"state": state.value, "label": str(state.label), "count": counts[state]}
        for state in State
        if counts.get(state)
    ]
    return data


# --- the annual report -----------------------------------------------------------------------


def plan_of_year(year: int) -> WorkPlan | None:
    """The key-task plan of ``year``, published or not: the government's annual report
    counts its categories and tasks (the seed's 9 categories and 42 tasks)."""
    return WorkPlan.objects.filter(year=year).select_related("agency").first()


def plan_and_tasks_of_year(year: int) -> tuple[WorkPlan | None, list[KeyTask]]:
    """:func:`plan_of_year` and its tasks in order (:func:`tasks_of_plan` without their
    agencies), for the annual report: one query, the tasks read with their plan (a year has
    one plan); a second only when the plan has no task."""
    tasks = list(
        KeyTask.objects.filter(plan__year=year)
        .select_related("plan__agency")
        .order_by("category__order", "number")
    )
    if tasks:
        return tasks[0].plan, tasks
    return plan_of_year(year), []
