"""The public key-task pages (``/key-tasks/``): the published plans and each task's state,
progress and lead agency — never a report, a comment, an evidence file, an extension's reason
or why a task was sent back."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.portal.navigation import main_navigation
from gongkai.supervision.plans import services
from tests.catalogue.conftest import make_pdf
from tests.supervision.plans.conftest import DONE, OUTPUT, PROGRESS, at

pytestmark = pytest.mark.django_db
D = datetime.date

SIGN_NOTE = "由预算科张科长负责，内部联系电话8001。"
REPORT_TEXT = "内部进度：第三季度已完成审核，尚待主要领导签批。"
SEND_BACK = "退回原因：缺少三公经费说明，请补充后再报。"
EXTENSION = "延期理由：审计结果尚未出具。"
ACCEPT_NOTE = "验收意见：材料齐全，同意办结。"
FILE_NAME = "内部证明材料.pdf"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def story(plan, assign, editor, office):
    """Four tasks of a published plan: accepted, sent back, extended and waiting, assigned."""
    accepted = assign(D(2025, 3, 3), D(2025, 6, 30), title="公开部门预算")
    sent_back = assign(D(2025, 3, 3), D(2025, 6, 30), title="公开三公经费")
    extended = assign(D(2025, 3, 3), D(2025, 6, 30), title="公开审计结果")
    assign(D(2025, 3, 3), D(2025, 6, 30), title="公开政府采购")
    pdf = SimpleUploadedFile(FILE_NAME, make_pdf("x"), content_type="application/pdf")
    with at(D(2025, 3, 10)):
        for task in (accepted, sent_back, extended):
            services.sign_task(task, actor=editor, comment=SIGN_NOTE)
        services.report_progress(
            accepted, actor=editor, text=REPORT_TEXT, percentage=80, files=[pdf]
        )
        services.report_completion(accepted, actor=editor, text=DONE)
        services.accept_task(accepted, actor=office, comment=ACCEPT_NOTE)
        services.report_progress(sent_back, actor=editor, text=PROGRESS, percentage=40)
        services.report_completion(sent_back, actor=editor, text=DONE)
        services.send_back_task(sent_back, actor=office, reason=SEND_BACK)
        services.request_extension(extended, actor=editor, until=D(2025, 9, 30), reason=EXTENSION)
        services.decide_extension(extended, actor=office, approve=True, comment="同意延期。")
        services.publish_plan(plan, actor=office)
    return plan


def test_the_public_page_shows_states_progress_and_lead_agencies(client, story, lead_agency):
    with at(D(2025, 7, 1)):
        response = client.get(reverse("plans:plan", args=[2025]))
    assert response.status_code == 200
    html = response.content.decode()
    rows = {
        row.title: (row.state, row.percent, row.lead_agency, row.overdue)
        for _category, rows in response.context["categories"]
        for row in rows
    }
    assert rows == {
        "公开部门预算": ("accepted", 100, lead_agency.name, False),
        # Sent back shows as in progress: why is the office's business.
        "公开三公经费": ("in_progress", 40, lead_agency.name, True),
        "公开审计结果": ("signed", 0, lead_agency.name, False),  # extended to 09-30
        "公开政府采购": ("assigned", 0, lead_agency.name, True),
    }
    assert OUTPUT in html
    assert 'id="plan-chart-data"' in html and 'data-testid="rollup"' in html
    assert "sent_back" not in html


def test_the_public_page_shows_no_internal_comment_report_or_evidence(client, story):
    with at(D(2025, 7, 1)):
        html = client.get(reverse("plans:plan", args=[2025])).content.decode()
        index = client.get(reverse("plans:index")).content.decode()
    for secret in (SIGN_NOTE, REPORT_TEXT, SEND_BACK, EXTENSION, ACCEPT_NOTE, FILE_NAME, DONE,
                   PROGRESS, "同意延期", "/workbench/plans/"):  # fmt: skip
        assert secret not in html, secret
        assert secret not in index, secret


def test_an_unpublished_plan_is_not_on_the_portal(client, plan, assign, office):
    assign(D(2025, 3, 3), D(2025, 6, 30))
    assert client.get(reverse("plans:plan", args=[2025])).status_code == 404
    assert "2025" not in str(client.get(reverse("plans:index")).context["plans"])
    services.publish_plan(plan, actor=office)
    assert client.get(reverse("plans:plan", args=[2025])).status_code == 200
    services.publish_plan(plan, actor=office, published=False)
    assert client.get(reverse("plans:plan", args=[2025])).status_code == 404


def test_the_index_lists_the_published_plans_with_their_progress(client, story):
    response = client.get(reverse("plans:index"))
    [(plan, rollup)] = response.context["plans"]
    assert plan.year == 2025
    assert (rollup.tasks, rollup.accepted, str(rollup.progress)) == (4, 1, "35.0")


def test_the_key_tasks_are_in_the_portals_menu():
    entries = {entry.key: entry for entry in main_navigation()}
    assert entries["key_tasks"].url == reverse("plans:index")


def test_the_public_page_takes_a_fixed_number_of_queries(
    client, story, assign, django_assert_max_num_queries
):
    client.get(reverse("plans:plan", args=[2025]))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("plans:plan", args=[2025]))
    for _ in range(10):
        assign(D(2025, 3, 3), D(2025, 6, 30))
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("plans:plan", args=[2025]))


def test_the_index_takes_a_fixed_number_of_queries(
    client, story, office, government, django_assert_max_num_queries
):
    client.get(reverse("plans:index"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("plans:index"))
    for year in (2023, 2024):
        plan = services.create_plan(actor=office, year=year, agency=government, title="计划")
        category = services.add_category(plan, actor=office, name="类别")
        with at(D(year, 3, 1)):
            services.assign_task(
                plan,
                services.TaskInput(
                    category=category, title="任务", expected_output=OUTPUT,
                    lead_agency=government, deadline=D(year, 6, 30),
                ),
                actor=office,
            )  # fmt: skip
        services.publish_plan(plan, actor=office)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("plans:index"))
    assert [plan.year for plan, _rollup in response.context["plans"]] == [2025, 2024, 2023]
