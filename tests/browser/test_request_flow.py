"""One application's whole path through the browser (issue 5, "Done when"): a citizen applies
online and opens the status page; the office accepts it and assigns it; the handler drafts a
partial-disclosure reply; the legal reviewer approves it; the citizen sees the reply and
downloads the notice."""

from __future__ import annotations

import datetime
import re
import tempfile
from pathlib import Path

import pytest

from gongkai.agencies.models import StaffRole
from gongkai.agencies.services import record_membership_change
from gongkai.info_requests.models import InfoRequest
from tests.browser.test_catalogue_flow import screenshot, sign_in, sign_out
from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "2024年城乡最低生活保障资金发放明细（含发放人数和金额）"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def member(agency_factory, name: str, slug: str):
    agency = agency_factory(name=name, slug=slug)
    record_membership_change(
        agency, actor=None, system=True, change="joined", date=datetime.date(2020, 1, 1)
    )
    return agency


def open_panel(page, name: str):
    panel = page.locator(f'details[data-action="{name}"]')
    panel.locator("summary").click()
    return panel


def test_apply_accept_assign_draft_review_and_read_the_reply(
    live_server, page, media, agency_factory, staff_role_factory, password
):
    office_agency = member(agency_factory, "测试区人民政府办公室", "bgs")
    bureau = member(agency_factory, "测试区民政局", "mzj")
    office = staff_role_factory(agency=office_agency, role=StaffRole.Role.OFFICE).user
    handler = staff_role_factory(agency=bureau, role=StaffRole.Role.HANDLER).user
    reviewer = staff_role_factory(agency=bureau, role=StaffRole.Role.LEGAL_REVIEWER).user
    base = live_server.url

    # --- the citizen applies online ---------------------------------------------------------
    page.goto(base + "/apply/")
    page.locator('input[name="applicant_kind"][value="person"]').check()
    page.locator('input[name="name"]').fill(APPLICANT_NAME)
    page.locator('select[name="id_type"]').select_option("resident_id")
    page.locator('input[name="id_number"]').fill(VALID_ID)
    page.locator('input[name="phone"]').fill(APPLICANT_PHONE)
    page.locator('input[name="email"]').fill("wang@example.cn")
    page.locator('select[name="agency"]').select_option(str(bureau.pk))
    page.locator('textarea[name="description"]').fill(DESCRIPTION)
    page.locator('input[name="form"][value="electronic"]').check()
    page.locator('input[name="delivery"][value="online"]').check()
    screenshot(page, "request-apply")
    page.locator("form.apply-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/apply/received/"))
    application = InfoRequest.objects.get()
    code = page.locator(".query-code").inner_text().strip()
    assert application.number in page.content()
    assert len(code) == 8

    page.goto(base + "/apply/status/")
    page.locator('input[name="number"]').fill(application.number)
    page.locator('input[name="code"]').fill(code)
    page.locator("form.status-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/apply/status/[^/]+/$"))
    status_url = page.url
    html = page.content()
    assert DESCRIPTION in html
    assert VALID_ID not in html and APPLICANT_PHONE not in html
    screenshot(page, "request-status-received")

    # --- the office accepts it and assigns it to the bureau ------------------------------------
    staff = page.context.browser.new_context(locale="zh-CN").new_page()
    sign_in(staff, base, office, password)
    staff.goto(base + "/workbench/requests/")
    staff.locator('[data-testid="request-queue"]').get_by_role(
        "link", name=application.number
    ).click()
    staff.wait_for_url(re.compile(rf"/workbench/requests/{application.pk}/$"))
    panel = open_panel(staff, "accept")
    panel.locator('select[name="handling_agency"]').select_option(str(bureau.pk))
    panel.locator("button[type=submit]").click()
    staff.locator('[data-testid="request-state"][data-state="handling"]').wait_for()
    sign_out(staff)

    # --- the handler drafts a partial disclosure ------------------------------------------------
    sign_in(staff, base, handler, password)
    staff.goto(base + f"/workbench/requests/{application.pk}/")
    panel = open_panel(staff, "draft_reply")
    panel.locator('select[name="outcome"]').select_option("partly_disclosed")
    panel.locator('textarea[name="reply_text"]').fill(
        "经审查，现公开发放人数和金额，受助人身份信息不予公开。"
    )
    panel.locator('input[name="withheld_1_description"]').fill("受助人姓名和身份证号码")
    panel.locator('select[name="withheld_1_exemption"]').select_option("third_party")
    panel.locator("button[type=submit]").click()
    staff.locator('[data-testid="reply-text"]').wait_for()
    panel = open_panel(staff, "submit_for_review")
    panel.locator("button[type=submit]").click()
    staff.locator('[data-testid="request-state"][data-state="legal_review"]').wait_for()
    screenshot(staff, "request-legal-review")
    sign_out(staff)

    # --- the legal reviewer approves: the reply is issued ---------------------------------------
    sign_in(staff, base, reviewer, password)
    staff.goto(base + f"/workbench/requests/{application.pk}/")
    panel = open_panel(staff, "review")
    panel.locator('button[name="decision"][value="approve"]').click()
    staff.locator('[data-testid="request-state"][data-state="replied"]').wait_for()
    application.refresh_from_db()
    assert application.state == InfoRequest.State.REPLIED
    sign_out(staff)

    # --- the citizen reads the reply and downloads the notice ----------------------------------
    page.goto(status_url)
    html = page.content()
    assert "经审查，现公开发放人数和金额" in html
    assert VALID_ID not in html and APPLICANT_PHONE not in html
    screenshot(page, "request-status-replied")
    notice = page.locator('[data-testid="notices"] a').first
    with page.expect_download() as download_info:
        notice.click()
    download = download_info.value
    saved = Path(tempfile.gettempdir()) / "request-flow-notice"
    download.save_as(saved)
    assert saved.read_bytes()[:4] in (b"%PDF", b"PK\x03\x04")
