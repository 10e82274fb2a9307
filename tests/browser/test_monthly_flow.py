"""A month's performance table through the browser (issue 7, "Monthly performance"): the
office computes March from the records, checks it and publishes it; the public finds it in the
portal's menu, with its charts drawn — and, without JavaScript, the same figures in the table."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from gongkai.agencies.models import StaffRole
from gongkai.catalogue import services as catalogue
from gongkai.catalogue.models import Document
from tests.browser.test_catalogue_flow import screenshot, sign_in
from tests.browser.test_request_flow import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def published(agency, editor, reviewer, day: datetime.date, n: int) -> Document:
    when = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING)
    document = catalogue.create_document(
        agency=agency, actor=editor, kind=Document.Kind.DOCUMENT, title=f"关于第{n}项工作的通知",
        body="<p>正文。</p>", formation_date=day - datetime.timedelta(days=1),
        doc_number=f"测发〔2025〕{n}号", now=when,
    )  # fmt: skip
    catalogue.submit_document(document, actor=editor, now=when)
    return catalogue.approve_document(document, actor=reviewer, now=when)


def test_compute_check_publish_and_read_with_charts(
    live_server, page, browser, agency_factory, staff_role_factory, password
):
    office_agency = member(agency_factory, "测试区人民政府办公室", "bgs")
    bureau = member(agency_factory, "测试区教育局", "jyj")
    office = staff_role_factory(agency=office_agency, role=StaffRole.Role.OFFICE).user
    editor = staff_role_factory(agency=bureau, role=StaffRole.Role.EDITOR).user
    reviewer = staff_role_factory(agency=bureau, role=StaffRole.Role.REVIEWER).user
    for n, day in enumerate((datetime.date(2025, 3, 5), datetime.date(2025, 3, 18)), start=1):
        published(bureau, editor, reviewer, day, n)
    base = live_server.url

    # --- the office computes, checks and publishes ---------------------------------------------
    sign_in(page, base, office, password)
    page.locator('.wb-nav a[href="/workbench/monthly/"]').click()
    page.locator('input[name="year"]').fill("2025")
    page.locator('select[name="month"]').select_option("3")
    page.locator('form[action$="/compute/"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/workbench/monthly/\d+/$"))
    assert page.locator('[data-testid="state"]').count() == 1
    row = page.locator(f'tr[data-agency="{bureau.pk}"] td[data-key="documents_published"]')
    assert row.inner_text().strip() == "2"
    page.locator('form[action$="/check/"] button').click()
    page.locator('form[action$="/publish/"] button').click()
    # the click only starts the form's navigation: wait for the page without the form
    expect(page.locator('form[action$="/publish/"]')).to_have_count(0)

    # --- the public reads it, with the charts ---------------------------------------------------
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "/")
    page.locator('.main-nav a[href="/performance/"]').click()
    page.locator('a[href="/performance/2025/3/"]').click()
    page.wait_for_url(re.compile(r"/performance/2025/3/$"))
    chart = page.locator('.monthly-chart[data-chart="publications"]')
    chart.locator("svg").first.wait_for()
    assert chart.is_visible()
    assert errors == []
    screenshot(page, "monthly-month")

    # --- and without JavaScript: the table, no empty chart boxes --------------------------------
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    plain = context.new_page()
    plain.goto(base + "/performance/2025/3/")
    cell = plain.locator(f'tr[data-agency="{bureau.pk}"] td[data-key="documents_published"]')
    assert cell.inner_text().strip() == "2"
    assert not plain.locator('.monthly-chart[data-chart="publications"]').is_visible()
    context.close()
