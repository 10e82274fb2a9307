"""The government's 2025 annual report through the browser (issue 8, "Done when"): the office
creates it, sees every check pass, edits a section of the draft, sends it for publication; the
government's reviewer approves it in the catalogue's review queue; a visitor opens it in the
government's 政府信息公开年报 column and downloads its PDF."""

from __future__ import annotations

import datetime
import re
import tempfile
from pathlib import Path

import pytest

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.services import record_membership_change
from gongkai.info_requests.outcomes import Outcome
from gongkai.reports.annual.models import AnnualReport
from tests.browser.test_catalogue_flow import screenshot, sign_in, sign_out
from tests.reports.conftest import (  # noqa: F401 — fixtures
    answer,
    assigned,
    handler,
    handling_agency,
    legal_reviewer,
    office,
    received,
    submit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date
ADDED = "本年度还开展了政府信息公开专题培训。"


@pytest.fixture
def government(agency_factory, agency, handling_agency):  # noqa: F811
    gov = agency_factory(
        name="测试区人民政府", short_name="区政府", slug="gov", kind=Agency.Kind.GOVERNMENT
    )
    for member in (gov, agency, handling_agency):
        record_membership_change(
            member, actor=None, system=True, change="joined", date=D(2020, 1, 1)
        )
    return gov


def test_create_validate_publish_and_open_the_governments_2025_report(
    live_server,
    page,
    government,
    office,  # noqa: F811
    received,  # noqa: F811
    answer,  # noqa: F811
    staff_role_factory,
    password,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    answer(received(D(2025, 3, 3)), D(2025, 3, 7), Outcome.DISCLOSED)
    answer(received(D(2025, 6, 2), "business"), D(2025, 6, 6), Outcome.PARTLY_DISCLOSED)
    received(D(2025, 12, 29))
    staff_role_factory(user=office, agency=government, role=StaffRole.Role.EDITOR)
    reviewer = staff_role_factory(agency=government, role=StaffRole.Role.REVIEWER).user
    base = live_server.url
    title = "测试区人民政府2025年政府信息公开工作年度报告"

    # --- the office creates the report, checks it, edits a section and sends it -------------
    sign_in(page, base, office, password)
    page.locator('.wb-nav a[href="/workbench/reports/"]').click()
    page.wait_for_url(re.compile(r"/workbench/reports/$"))
    create = page.locator('form[action$="/workbench/reports/new/"]')
    create.locator('input[name="year"]').fill("2025")
    create.locator('select[name="agency"]').select_option(str(government.pk))
    create.locator('select[name="scope"]').select_option(AnnualReport.Scope.GOVERNMENT)
    create.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/workbench/reports/\d+/$"))
    report = AnnualReport.objects.get()
    assert report.format == "fmt2021"
    page.locator('[data-testid="checks-passed"]').wait_for()
    body = page.locator('[data-testid="report-body"]')
    assert "本年新收政府信息公开申请数量" in body.inner_text()
    screenshot(page, "annual-report-draft")

    page.locator('[data-testid="edit-section-1"]').click()
    text = page.locator('textarea[name="text"]')
    text.fill(text.input_value() + "\n\n" + ADDED)
    page.locator('[data-testid="save-section"]').click()
    page.wait_for_url(re.compile(rf"/workbench/reports/{report.pk}/$"))
    assert ADDED in page.locator('[data-testid="report-body"]').inner_text()
    page.locator('[data-testid="checks-passed"]').wait_for()

    page.locator('[data-testid="send-report"]').click()
    page.wait_for_url(re.compile(rf"/workbench/reports/{report.pk}/$"))
    report.refresh_from_db()
    assert report.document is not None
    sign_out(page)

    # --- the government's reviewer approves it -------------------------------------------------
    sign_in(page, base, reviewer, password)
    page.goto(base + "/workbench/catalogue/review/")
    page.locator('[data-testid="review-queue"]').get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(rf"/workbench/catalogue/{report.document.pk}/"))
    page.locator('button[name="approve"]').click()
    page.locator('[data-testid="document-state"][data-state="published"]').wait_for()
    sign_out(page)

    # --- a visitor opens it in the government's annual reports and downloads the PDF ----------
    page.goto(base + f"/agencies/{government.slug}/disclosure/annual-reports/")
    page.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(rf"/documents/{report.document.pk}/$"))
    assert page.locator("h1").inner_text() == title
    content = page.locator("main").inner_text()
    assert "三、收到和处理政府信息公开申请情况" in content
    assert ADDED in content
    screenshot(page, "annual-report-public")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"\.pdf")).first.click()
    saved = Path(tempfile.gettempdir()) / "annual-report-flow.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
