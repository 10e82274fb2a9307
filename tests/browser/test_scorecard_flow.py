"""The scorecards through the browser (issue 7, "Assessment and scorecards"): an agency's editor
reads the provisional scorecard in the workbench; the office publishes the year's scorecards;
a visitor finds them in the portal's menu, sees the ranking with its chart and opens an
agency's scorecard, its table there without JavaScript and its chart drawn with it."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from gongkai.agencies.models import StaffRole
from gongkai.supervision.assessment import services
from gongkai.supervision.assessment.models import Scorecard
from tests.browser.test_accessibility import AXE, scan
from tests.browser.test_catalogue_flow import screenshot, sign_in, sign_out
from tests.browser.test_request_flow import member
from tests.supervision.assessment.conftest import build_scheme, info_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


def test_provisional_then_published_scorecards(
    live_server, page, browser, agency_factory, staff_role_factory, password
):
    office_agency = member(agency_factory, "测试区人民政府办公室", "bgs")
    bureau = member(agency_factory, "测试区教育局", "education")
    member(agency_factory, "测试区卫生局", "health")
    office = staff_role_factory(agency=office_agency, role=StaffRole.Role.OFFICE).user
    editor = staff_role_factory(agency=bureau, role=StaffRole.Role.EDITOR).user
    scheme = build_scheme(office, year=2025)
    info_request(bureau, received=D(2025, 3, 2), due=D(2025, 3, 30), replied=D(2025, 4, 10))
    services.update_scheme(scheme, title="2025年度政务公开工作考核指标", actor=office)
    base = live_server.url

    # --- the bureau's editor reads its provisional scorecard -----------------------------------
    sign_in(page, base, editor, password)
    page.locator('.wb-nav a[href="/workbench/assessment/"]').click()
    page.locator(f'a[href="/workbench/assessment/schemes/{scheme.pk}/agencies/education/"]').click()
    page.wait_for_url(
        re.compile(rf"/workbench/assessment/schemes/{scheme.pk}/agencies/education/$")
    )
    expect(page.locator('[data-testid="provisional"]')).to_be_visible()
    assert page.locator('[data-testid="total"]').inner_text().strip() == "20.00"
    sign_out(page)

    # --- the office publishes the year's scorecards ----------------------------------------------
    sign_in(page, base, office, password)
    page.goto(base + f"/workbench/assessment/schemes/{scheme.pk}/")
    page.locator('form[action$="/publish/"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/scorecards/$"))
    assert Scorecard.objects.filter(scheme=scheme).count() == 3
    sign_out(page)

    # --- a visitor finds them in the menu ---------------------------------------------------------
    page.goto(base + "/")
    page.locator('.main-nav a[href="/scorecards/"]').click()
    page.wait_for_url(re.compile(r"/scorecards/$"))
    ranking = page.locator('[data-testid="ranking"]')
    assert ranking.locator("tbody tr").count() == 3
    chart = page.locator(".scorecard-chart")
    chart.locator("svg").wait_for()
    assert chart.is_visible()
    screenshot(page, "scorecards-ranking")
    page.locator('a[href="/scorecards/2025/education/"]').click()
    page.wait_for_url(re.compile(r"/scorecards/2025/education/$"))
    assert page.locator('[data-testid="card-total"]').inner_text().strip() == "20.00 / 45.00"
    page.locator(".scorecard-chart svg").wait_for()
    screenshot(page, "scorecard-agency")

    # --- both public pages pass the accessibility scan of the other public pages -----------------
    page.context.add_init_script(path=str(AXE))
    for address in ("/scorecards/2025/", "/scorecards/2025/education/"):
        page.goto(base + address)
        page.locator(".scorecard-chart svg").wait_for()
        assert scan(page) == [], address

    # --- without JavaScript the table is all there ---------------------------------------------
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        plain = context.new_page()
        plain.goto(base + "/scorecards/2025/education/")
        assert plain.locator('[data-testid="scorecard"] tbody tr').count() == 5
        assert plain.locator(".scorecard-chart").is_hidden()
    finally:
        context.close()
