"""One letter's whole path through the browser (issue 6, "Letters"): a citizen writes a
complaint from the portal's letters page — agreeing to publication, with their name and phone
number typed into the letter too — and opens its status page; the office accepts it and
assigns it; the handler drafts the reply; the agency's reviewer approves it; the citizen reads
the reply and rates it; the reviewer publishes it as public Q&A, checking the masked text beside
the original; and anyone finds it on the public Q&A page with the phone number masked and the
writer's name absent."""

from __future__ import annotations

import re

import pytest

from gongkai.agencies.models import StaffRole
from gongkai.interaction.letters.models import Letter
from tests.browser.test_catalogue_flow import screenshot, sign_in, sign_out
from tests.browser.test_request_flow import member, open_panel
from tests.interaction.letters.conftest import (
    CONTENT,
    SUBJECT,
    WRITER_EMAIL,
    WRITER_NAME,
    WRITER_PHONE,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "经现场核实，已安排维修人员更换灯具，路灯已于本周恢复照明。感谢您的监督。"
# As writers do: their name and phone number in the letter itself, not only in the form's fields.
TYPED = f"{CONTENT}我是{WRITER_NAME}，我的电话是{WRITER_PHONE}，有进展请来电告知。"
MASKED_PHONE = "139****4321"


def test_write_accept_assign_reply_review_rate_and_publish(
    live_server, page, agency_factory, staff_role_factory, password
):
    office_agency = member(agency_factory, "测试区人民政府办公室", "bgs")
    bureau = member(agency_factory, "测试区城市管理局", "cgj")
    office = staff_role_factory(agency=office_agency, role=StaffRole.Role.OFFICE).user
    handler = staff_role_factory(agency=bureau, role=StaffRole.Role.HANDLER).user
    reviewer = staff_role_factory(agency=bureau, role=StaffRole.Role.REVIEWER).user
    base = live_server.url

    # --- the citizen finds the letters page through 政民互动 and writes a complaint -------------
    page.goto(base + "/")
    page.locator('.main-nav a[href="/interaction/"]').click()
    page.wait_for_url(re.compile(r"/interaction/$"))
    page.locator('[data-testid="channel-letters"] a.panel-more').click()
    page.wait_for_url(re.compile(r"/letters/$"))
    complaint = page.locator('[data-type="complaint"]')
    assert complaint.locator('[data-limit="10"]').count() == 1
    complaint.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/letters/write/\?type=complaint$"))
    assert page.locator('input[name="letter_type"]:checked').count() == 1
    page.locator('input[name="subject"]').fill(SUBJECT)
    page.locator('textarea[name="content"]').fill(TYPED)
    page.locator('input[name="name"]').fill(WRITER_NAME)
    page.locator('input[name="phone"]').fill(WRITER_PHONE)
    page.locator('input[name="email"]').fill(WRITER_EMAIL)
    page.locator('input[name="consent_to_publish"]').check()
    screenshot(page, "letter-write")
    page.locator("form.letter-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/letters/received/"))
    letter = Letter.objects.get()
    code = page.locator(".query-code").inner_text().strip()
    assert letter.number in page.content()
    assert len(code) == 8
    assert letter.letter_type.slug == "complaint" and letter.consent_to_publish

    page.goto(base + "/letters/status/")
    page.locator('input[name="number"]').fill(letter.number)
    page.locator('input[name="code"]').fill(code)
    page.locator("form.status-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/letters/status/[^/]+/$"))
    status_url = page.url
    html = page.content()
    assert SUBJECT in html
    # The contact details are not shown: the name and phone only inside the letter as typed.
    assert WRITER_EMAIL not in html
    assert html.count(WRITER_PHONE) == 1 and html.count(WRITER_NAME) == 1
    assert WRITER_PHONE in page.locator(".prose", has_text=WRITER_PHONE).inner_text()
    page.locator('[data-testid="letter-state"][data-state="received"]').wait_for()

    # --- the office accepts it and assigns it to the bureau ------------------------------------
    staff = page.context.browser.new_context(locale="zh-CN").new_page()
    sign_in(staff, base, office, password)
    staff.goto(base + "/workbench/letters/")
    staff.locator('[data-testid="letter-queue"]').get_by_role("link", name=letter.number).click()
    staff.wait_for_url(re.compile(rf"/workbench/letters/{letter.pk}/$"))
    assert WRITER_PHONE in staff.content()  # the office sees the writer on the case page
    panel = open_panel(staff, "accept")
    panel.locator('select[name="handling_agency"]').select_option(str(bureau.pk))
    panel.locator('textarea[name="note"]').fill("请核实后答复。")
    panel.locator("button[type=submit]").click()
    staff.locator('[data-testid="letter-state"][data-state="handling"]').wait_for()
    assert "区城市管理局" in staff.locator("#receipt").inner_text()
    sign_out(staff)

    # --- the handler drafts the reply and sends it for review ----------------------------------
    sign_in(staff, base, handler, password)
    staff.goto(base + "/workbench/letters/")
    staff.locator('[data-testid="letter-queue"]').get_by_role("link", name=letter.number).click()
    panel = open_panel(staff, "draft")
    panel.locator('textarea[name="reply_text"]').fill(REPLY)
    panel.locator("button[type=submit]").click()
    staff.locator('[data-testid="reply"]').wait_for()
    panel = open_panel(staff, "submit")
    panel.locator("button[type=submit]").click()
    staff.locator('[data-testid="letter-state"][data-state="review"]').wait_for()
    screenshot(staff, "letter-review")
    sign_out(staff)

    # --- the reviewer approves: the reply goes out ---------------------------------------------
    sign_in(staff, base, reviewer, password)
    staff.goto(base + f"/workbench/letters/{letter.pk}/")
    panel = open_panel(staff, "review")
    panel.locator('button[name="decision"][value="approve"]').click()
    staff.locator('[data-testid="letter-state"][data-state="replied"]').wait_for()
    sign_out(staff)

    # --- the citizen reads the reply and rates it ----------------------------------------------
    page.goto(status_url)
    assert REPLY in page.locator('[data-testid="reply"]').inner_text()
    page.locator('input[name="rating"][value="satisfied"]').check()
    page.locator('textarea[name="comment"]').fill("维修很及时，谢谢！")
    screenshot(page, "letter-rate")
    page.locator("form.rating-form button[type=submit]").click()
    page.locator('[data-testid="rating"][data-rating="satisfied"]').wait_for()
    page.locator('[data-testid="letter-state"][data-state="closed"]').wait_for()
    html = page.content()
    assert WRITER_EMAIL not in html and html.count(WRITER_PHONE) == 1
    screenshot(page, "letter-closed")

    # --- the reviewer publishes it as public Q&A, the personal data masked --------------------
    sign_in(staff, base, reviewer, password)
    staff.goto(base + f"/workbench/letters/{letter.pk}/")
    staff.locator('[data-testid="propose-publication"]').click()
    staff.wait_for_url(re.compile(rf"/workbench/letters/{letter.pk}/publication/$"))
    assert WRITER_PHONE in staff.locator('[data-testid="original-content"]').inner_text()
    public_content = staff.locator('textarea[name="public_content"]').input_value()
    assert MASKED_PHONE in public_content
    assert WRITER_PHONE not in public_content and WRITER_NAME not in public_content
    screenshot(staff, "letter-publication")
    staff.locator('[data-testid="publish"]').click()
    staff.locator('[data-testid="publication"][data-state="published"]').wait_for()
    sign_out(staff)

    # --- anyone finds it on the public Q&A page ------------------------------------------------
    page.goto(base + "/letters/")
    page.locator('[data-testid="qa-link"]').click()
    page.wait_for_url(re.compile(r"/letters/qa/$"))
    page.locator('[data-testid="qa-list"]').get_by_role("link", name=SUBJECT).click()
    page.wait_for_url(re.compile(r"/letters/qa/\d+/$"))
    assert MASKED_PHONE in page.locator('[data-testid="qa-content"]').inner_text()
    assert "区城市管理局" in page.locator('[data-testid="qa-facts"]').inner_text()
    assert REPLY in page.locator('[data-testid="qa-reply"]').inner_text()
    html = page.content()
    for absent in (WRITER_PHONE, WRITER_NAME, WRITER_EMAIL, letter.number):
        assert absent not in html, absent
    screenshot(page, "letter-public-qa")

    letter.refresh_from_db()
    assert (letter.state, letter.rating, letter.handling_agency) == (
        Letter.State.CLOSED,
        Letter.Rating.SATISFIED,
        bureau,
    )
    codes = list(letter.events.values_list("code", flat=True))
    assert codes == [
        "submitted", "accepted", "assigned", "drafted", "submitted_for_review",
        "review_approved", "replied", "rated", "closed", "publication_proposed", "published",
    ]  # fmt: skip
