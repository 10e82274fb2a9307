"""A document's whole path through the browser: an editor writes and submits it with an
attachment, a reviewer approves it, and a visitor finds it in the agency's 政府信息公开 column
and downloads the attachment under its original name."""

from __future__ import annotations

import datetime
import io
import re
import tempfile
from pathlib import Path

import pytest

from gongkai.agencies.models import StaffRole
from gongkai.agencies.services import record_membership_change
from gongkai.catalogue.models import Column, Document, StatutoryItem

# The taxonomies and the calendar that migrations seed are put back before each browser test
# by the ``seeded_reference_data`` fixture (tests/browser/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于印发测试区促进就业若干措施的通知"
ATTACHMENT_NAME = "附件一促进就业若干措施.pdf"


def screenshot(page, name: str) -> None:
    """Keep a picture of the page (``/tmp/<name>.png``) for a person to look at."""
    page.screenshot(path=str(Path(tempfile.gettempdir()) / f"{name}.png"), full_page=True)


def pdf_bytes() -> bytes:
    """A small valid PDF: one blank page, made with pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def bureau(agency_factory):
    agency = agency_factory(name="测试区人力资源和社会保障局", slug="rsj")
    record_membership_change(
        agency, actor=None, system=True, change="joined", date=datetime.date(2020, 1, 1)
    )
    return agency


def sign_in(page, base_url: str, user, password: str) -> None:
    page.goto(base_url + "/workbench/sign-in/")
    page.locator('input[name="username"]').fill(user.username)
    page.locator('input[name="password"]').fill(password)
    page.locator('form[action$="/sign-in/"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/workbench/$"))


def sign_out(page) -> None:
    page.locator('form[action$="/sign-out/"] button').click()
    page.wait_for_url(re.compile(r"/workbench/sign-in/"))


def test_editor_submits_reviewer_approves_visitor_downloads(
    live_server, page, media, bureau, staff_role_factory, password
):
    editor = staff_role_factory(agency=bureau, role=StaffRole.Role.EDITOR).user
    reviewer = staff_role_factory(agency=bureau, role=StaffRole.Role.REVIEWER).user
    column, _ = Column.objects.get_or_create(
        slug="zcwj", defaults={"name": "政策文件", "kind": Column.Kind.POLICY}
    )
    item, _ = StatutoryItem.objects.get_or_create(
        code="reg20-11",
        defaults={"article": 20, "number": 11, "scope": "all", "name": "扶贫、教育、医疗等政策"},
    )
    base = live_server.url
    formed = datetime.date.today() - datetime.timedelta(days=3)

    # --- the editor writes the draft --------------------------------------------------------
    sign_in(page, base, editor, password)
    page.locator('.wb-nav a[href="/workbench/catalogue/"]').click()
    page.wait_for_url(re.compile(r"/workbench/catalogue/$"))
    page.locator('a[href="/workbench/catalogue/new/"]').click()
    page.wait_for_url(re.compile(r"/workbench/catalogue/new/$"))

    page.locator('input[name="title"]').fill(TITLE)
    page.locator('textarea[name="summary"]').fill("印发促进就业的若干措施。")
    page.locator('textarea[name="body"]').fill(
        "<p>各镇人民政府，区各部门：</p><p>现将措施印发给你们。</p>"
    )
    page.locator('input[name="formation_date"]').fill(formed.isoformat())
    number = page.locator('input[name="doc_number"]')
    number.fill(f"测人社发[{formed.year}]7号")
    number.blur()
    live = page.locator("#doc-number-live")
    live.and_(page.locator(".is-ok")).wait_for()  # the server read the number while typing
    assert f"测人社发〔{formed.year}〕7号" in live.inner_text()
    page.locator('select[name="statutory_item"]').select_option(str(item.pk))
    page.locator(f'input[name="columns"][value="{column.pk}"]').check()
    # The interpretation fields are hidden for a document and shown for an interpretation.
    assert page.locator('[data-kind-only="interpretation"]').is_hidden()
    screenshot(page, "catalogue-draft-form")
    page.locator('button[name="save"]').click()
    page.wait_for_url(re.compile(r"/workbench/catalogue/\d+/$"))
    document = Document.objects.get(title=TITLE)
    assert document.state == Document.State.DRAFT

    page.locator('input[name="file"]').set_input_files(
        files=[{"name": ATTACHMENT_NAME, "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.locator('button[name="upload"]').click()
    page.locator('[data-testid="attachments"]').get_by_role("link", name=ATTACHMENT_NAME).wait_for()
    assert page.locator('[data-testid="publication-clock"]').is_visible()  # REG 26 clock

    page.locator('button[name="submit"]').click()
    page.locator('[data-testid="document-state"][data-state="submitted"]').wait_for()
    assert page.locator("#screening").is_visible()
    screenshot(page, "catalogue-submitted")
    sign_out(page)

    # --- the reviewer approves it -----------------------------------------------------------
    sign_in(page, base, reviewer, password)
    page.goto(base + "/workbench/catalogue/review/")
    queue = page.locator('[data-testid="review-queue"]')
    queue.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(rf"/workbench/catalogue/{document.pk}/"))
    screenshot(page, "catalogue-review")
    page.locator('button[name="approve"]').click()
    page.locator('[data-testid="document-state"][data-state="published"]').wait_for()
    document.refresh_from_db()
    assert document.state == Document.State.PUBLISHED
    sign_out(page)

    # --- a visitor finds it in the agency's column and downloads the attachment -------------
    page.goto(base + f"/agencies/{bureau.slug}/disclosure/")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(rf"/documents/{document.pk}/$"))
    assert page.locator("h1").inner_text() == TITLE
    screenshot(page, "catalogue-public-document")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=ATTACHMENT_NAME).click()
    download = download_info.value
    assert download.suggested_filename == ATTACHMENT_NAME
    saved = Path(tempfile.gettempdir()) / "catalogue-flow-download.pdf"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
