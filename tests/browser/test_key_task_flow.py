"""One key task's whole path through the browser (issue 7, "Key tasks"): the office builds the
year's plan, adds a category and assigns a task to a bureau, and publishes the plan; the
bureau's editor signs for it, reports progress with a file and reports it done; the office
accepts it; the public key-task page shows it accepted at 100%.

(The issue's test goes on to the public scorecard page, which is another part's; this one ends
on the public key-task page.)"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.services import record_membership_change
from gongkai.supervision.plans.models import KeyTask, WorkPlan
from tests.browser.test_catalogue_flow import pdf_bytes, screenshot, sign_in, sign_out
from tests.browser.test_request_flow import open_panel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TASK = "公开部门预决算和三公经费"
OUTPUT = "全部部门预决算和三公经费说明在区政府网站公开"
PROGRESS = "已完成28个部门预算公开，其余正在审核。"
DONE = "全部部门预决算已在“财政资金”栏目公开。"
SEND_BACK_SECRET = "内部意见：请尽快办结。"


def agency(agency_factory, name: str, slug: str, kind: str) -> Agency:
    made = agency_factory(name=name, slug=slug, kind=kind)
    record_membership_change(
        made, actor=None, system=True, change="joined", date=datetime.date(2020, 1, 1)
    )
    return made


def test_assign_sign_report_complete_accept_and_read_it_on_the_portal(
    live_server, page, agency_factory, staff_role_factory, password, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    office_agency = agency(
        agency_factory, "测试区人民政府办公室", "bgs", Agency.Kind.GENERAL_OFFICE
    )
    bureau = agency(agency_factory, "测试区财政局", "czj", Agency.Kind.DEPARTMENT)
    office = staff_role_factory(agency=office_agency, role=StaffRole.Role.OFFICE).user
    editor = staff_role_factory(agency=bureau, role=StaffRole.Role.EDITOR).user
    base = live_server.url
    year = timezone.localdate().year
    deadline = timezone.localdate() + datetime.timedelta(days=30)

    # --- the office builds the plan and assigns the task ---------------------------------------
    sign_in(page, base, office, password)
    page.locator('.wb-nav a[href="/workbench/plans/"]').click()
    page.wait_for_url(re.compile(r"/workbench/plans/$"))
    page.locator('a[href="/workbench/plans/new/"]').click()
    form = page.locator('[data-testid="plan-form"]')
    form.locator('input[name="year"]').fill(str(year))
    form.locator('select[name="agency"]').select_option(str(office_agency.pk))
    form.locator('input[name="title"]').fill(f"{year}年政务公开重点工作安排表")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/workbench/plans/\d+/$"))
    plan = WorkPlan.objects.get(year=year)
    category_form = page.locator('[data-testid="category-form"]')
    category_form.locator('input[name="name"]').fill("推进财政资金信息公开")
    category_form.locator("button[type=submit]").click()
    page.locator('a[href$="/tasks/new/"]').click()
    form = page.locator('[data-testid="task-form"]')
    form.locator('input[name="title"]').fill(TASK)
    form.locator('textarea[name="expected_output"]').fill(OUTPUT)
    form.locator('select[name="lead_agency"]').select_option(str(bureau.pk))
    form.locator('input[name="deadline"]').fill(deadline.isoformat())
    form.locator('input[name="weight"]').fill("2")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/workbench/plans/tasks/\d+/$"))
    task = KeyTask.objects.get()
    page.locator('[data-testid="task-state"][data-state="assigned"]').wait_for()
    page.goto(base + f"/workbench/plans/{plan.pk}/")
    page.locator('form[action$="/publish/"] button[type=submit]').click()
    page.locator('[data-testid="published"] a').wait_for()
    sign_out(page)

    # --- the bureau's editor finds it in their queue, signs for it and reports -----------------
    sign_in(page, base, editor, password)
    page.get_by_role("link", name=re.compile(TASK)).first.click()
    page.wait_for_url(re.compile(rf"/workbench/plans/tasks/{task.pk}/$"))
    panel = open_panel(page, "sign")
    panel.locator('textarea[name="comment"]').fill("由预算科负责。")
    panel.locator("button[type=submit]").click()
    page.locator('[data-testid="task-state"][data-state="signed"]').wait_for()

    panel = open_panel(page, "report")
    panel.locator('input[name="percentage"]').fill("60")
    panel.locator('textarea[name="text"]').fill(PROGRESS)
    panel.locator('input[name="attachments"]').set_input_files(
        [{"name": "公开情况.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    panel.locator("button[type=submit]").click()
    page.locator('[data-testid="task-state"][data-state="in_progress"]').wait_for()
    assert "60%" in page.locator('[data-testid="progress"]').inner_text()
    assert "公开情况.pdf" in page.locator('[data-testid="report-files"]').inner_text()

    panel = open_panel(page, "completion")
    panel.locator('textarea[name="text"]').fill(DONE)
    panel.locator("button[type=submit]").click()
    page.locator('[data-testid="task-state"][data-state="completion_reported"]').wait_for()
    screenshot(page, "key-task-reported")
    sign_out(page)

    # --- the office accepts it (办结) ------------------------------------------------------------
    sign_in(page, base, office, password)
    page.get_by_role("link", name=re.compile(TASK)).first.click()
    page.wait_for_url(re.compile(rf"/workbench/plans/tasks/{task.pk}/$"))
    panel = open_panel(page, "decision")
    panel.locator('textarea[name="comment"]').fill(SEND_BACK_SECRET)
    panel.locator('button[name="decision"][value="accept"]').click()
    page.locator('[data-testid="task-state"][data-state="accepted"]').wait_for()
    assert "100%" in page.locator('[data-testid="progress"]').inner_text()
    sign_out(page)

    # --- the public reads it on the key-task page -----------------------------------------------
    page.goto(base + "/")
    page.locator('.main-nav a[href="/key-tasks/"]').click()
    page.wait_for_url(re.compile(r"/key-tasks/$"))
    page.locator(f'a[href="/key-tasks/{year}/"]').click()
    page.wait_for_url(re.compile(rf"/key-tasks/{year}/$"))
    row = page.locator(f'[data-testid="public-tasks"] tr[data-number="{task.number}"]')
    assert row.get_attribute("data-state") == "accepted"
    assert TASK in row.inner_text() and "测试区财政局" in row.inner_text()
    assert "100%" in row.inner_text()
    assert "100" in page.locator('[data-testid="plan-progress"]').inner_text()
    html = page.content()
    for internal in (PROGRESS, DONE, SEND_BACK_SECRET, "公开情况.pdf", "由预算科负责"):
        assert internal not in html
    screenshot(page, "key-task-public")

    # --- and goes on to the public scorecards from the menu (the published cards themselves are
    # walked through in test_scorecard_flow) ----------------------------------------------------
    page.locator('.main-nav a[href="/scorecards/"]').click()
    page.wait_for_url(re.compile(r"/scorecards/$"))
    assert page.locator("h1").first.inner_text().strip()

    task.refresh_from_db()
    assert (task.state, task.progress, task.weight) == (KeyTask.State.ACCEPTED, 100, 2)
    assert list(task.events.values_list("code", flat=True)) == [
        "assigned", "signed", "progress_reported", "completion_reported", "accepted",
    ]  # fmt: skip
