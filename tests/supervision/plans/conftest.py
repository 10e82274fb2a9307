"""Fixtures for key tasks: the office, a lead agency with its editor, head and handler, a
co-responsible agency's editor, a stranger of another agency holding every agency role, a
plan with a category, and helpers that walk a task through the services on chosen dates."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from gongkai.agencies.models import Agency, StaffRole
from gongkai.supervision.plans import services
from gongkai.supervision.plans.models import KeyTask, WorkPlan

Role = StaffRole.Role
D = datetime.date

TITLE = "公开部门预决算和三公经费"
OUTPUT = "在区政府网站公开全部部门预决算和三公经费说明"
PROGRESS = "已完成28个部门预算的公开，其余部门正在审核。"
DONE = "全部部门预决算已在区政府网站“财政资金”栏目公开。"


def at(day: datetime.date, hour: int = 10):
    """Travel to ``day`` at ``hour`` Beijing time (a context manager)."""
    moment = datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)
    return time_machine.travel(moment - datetime.timedelta(hours=8), tick=False)


@pytest.fixture
def government(db, agency_factory):
    return agency_factory(
        name="测试区人民政府办公室", short_name="区政府办", kind=Agency.Kind.GENERAL_OFFICE
    )


@pytest.fixture
def office(db, government, staff_role_factory):
    """A member of the disclosure office (公开办)."""
    return staff_role_factory(agency=government, role=Role.OFFICE).user


@pytest.fixture
def lead_agency(db, agency_factory):
    return agency_factory(name="测试区财政局", short_name="区财政局", slug="finance")


@pytest.fixture
def co_agency(db, agency_factory):
    return agency_factory(name="测试区审计局", short_name="区审计局", slug="audit")


@pytest.fixture
def editor(db, lead_agency, staff_role_factory):
    """The lead agency's editor (信息员): acts for it on tasks."""
    return staff_role_factory(agency=lead_agency, role=Role.EDITOR).user


@pytest.fixture
def head(db, lead_agency, staff_role_factory):
    """The lead agency's head (机关负责人): acts for it on tasks too."""
    return staff_role_factory(agency=lead_agency, role=Role.HEAD).user


@pytest.fixture
def handler(db, lead_agency, staff_role_factory):
    """A handler of the lead agency: may read its tasks, not act on them."""
    return staff_role_factory(agency=lead_agency, role=Role.HANDLER).user


@pytest.fixture
def co_editor(db, co_agency, staff_role_factory):
    return staff_role_factory(agency=co_agency, role=Role.EDITOR).user


@pytest.fixture
def stranger(db, other_agency, staff_role_factory):
    """Every agency role at an agency that neither leads nor shares the task."""
    user = staff_role_factory(agency=other_agency, role=Role.EDITOR).user
    for role in (Role.HEAD, Role.HANDLER, Role.REVIEWER):
        staff_role_factory(agency=other_agency, role=role, user=user)
    return user


@pytest.fixture
def plan(db, office, government) -> WorkPlan:
    return services.create_plan(
        actor=office, year=2025, agency=government, title="2025年政务公开重点工作安排表"
    )


@pytest.fixture
def category(plan, office):
    return services.add_category(plan, actor=office, name="推进财政资金信息公开")


@pytest.fixture
def assign(plan, category, office, lead_agency, co_agency):
    """Assign a task on a day: ``assign(day, deadline, weight=1, **overrides)``."""

    def run(
        day: datetime.date, deadline: datetime.date, *, weight: int = 1, **overrides
    ) -> KeyTask:
        values = {
            "category": category,
            "title": TITLE,
            "expected_output": OUTPUT,
            "lead_agency": lead_agency,
            "deadline": deadline,
            "co_agencies": [co_agency],
            "weight": weight,
        }
        values.update(overrides)
        with at(day):
            return services.assign_task(plan, services.TaskInput(**values), actor=office)

    return run


@pytest.fixture
def signed(assign, editor):
    def run(day: datetime.date, deadline: datetime.date, **kwargs) -> KeyTask:
        task = assign(day, deadline, **kwargs)
        with at(day):
            return services.sign_task(task, actor=editor)

    return run


@pytest.fixture
def reported(signed, editor):
    """A task signed for and reported done on ``day`` (completion waits for the office)."""

    def run(day: datetime.date, deadline: datetime.date, **kwargs) -> KeyTask:
        task = signed(day, deadline, **kwargs)
        with at(day):
            services.report_progress(task, actor=editor, text=PROGRESS, percentage=60)
            services.report_completion(task, actor=editor, text=DONE)
        task.refresh_from_db()
        return task

    return run


@pytest.fixture
def client(client, settings):
    """The pages in English, the language the messages are asserted in (the interface follows
    the visitor's language cookie only)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
