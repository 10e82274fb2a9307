"""The catalogue's staff pages: the draft form, attachments, submission, review, history.

Pages render in Chinese, so the tests assert on data (the database, the response's context and
status) rather than on interface text.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongkai.agencies.models import StaffRole
from gongkai.catalogue import services
from gongkai.catalogue.models import (
    Attachment,
    Column,
    Document,
    DocumentEvent,
    ScreeningFinding,
    Topic,
)

pytestmark = pytest.mark.django_db

State = Document.State


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def pdf_bytes() -> bytes:
    """A small valid PDF: one blank page."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "附件一.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def url(name: str, *args: object) -> str:
    return reverse(f"catalogue_staff:{name}", args=args)


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": Document.Kind.DOCUMENT,
        "title": "关于做好2024年防汛工作的通知",
        "summary": "部署防汛工作。",
        "body": "<p>各镇、各部门：</p><script>alert(1)</script>",
        "formation_date": "2024-03-01",
        "doc_number": "张政办发[2024]5号",
        "manner": Document.Manner.PROACTIVE,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def snapshot(document: Document) -> tuple:
    """What a refused request must leave exactly as it was."""
    document.refresh_from_db()
    return (
        document.state,
        document.amendment_state,
        document.title,
        document.body,
        document.doc_number,
        document.updated_at,
        Attachment.objects.filter(document=document).count(),
        DocumentEvent.objects.filter(document=document).count(),
        ScreeningFinding.objects.filter(document=document).count(),
    )


@pytest.fixture
def editor_reviewer(agency, staff_role_factory):
    """Someone who is both editor and reviewer of ``agency``."""
    role = staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR)
    staff_role_factory(agency=agency, role=StaffRole.Role.REVIEWER, user=role.user)
    return role.user


# --- access ------------------------------------------------------------------------------------


def test_pages_need_sign_in(client, document_factory):
    document = document_factory()

    for address in (url("document_list"), url("document_detail", document.pk)):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("workbench:login"))


def test_account_without_role_is_refused(client, user_factory, document_factory):
    document = document_factory()
    client.force_login(user_factory())

    assert client.get(url("document_list")).status_code == 403
    assert client.get(url("document_detail", document.pk)).status_code == 403


@pytest.mark.parametrize(
    ("method", "name", "extra"),
    [
        ("get", "document_detail", ()),
        ("get", "document_edit", ()),
        ("post", "document_edit", ()),
        ("post", "attachment_upload", ()),
        ("get", "attachment_download", ("attachment",)),
        ("post", "attachment_remove", ("attachment",)),
        ("post", "document_submit", ()),
        ("post", "document_approve", ()),
        ("post", "document_reject", ()),
        ("post", "document_withdraw", ()),
        ("post", "document_amend", ()),
        ("post", "document_validity", ()),
        ("get", "version_diff", ()),
    ],
)
def test_other_agencys_editor_cannot_touch_a_draft(
    client, document_factory, editor, other_editor, method, name, extra
):
    document = document_factory()
    attachment = services.add_attachment(document, actor=editor, uploaded_file=pdf_upload())
    before = snapshot(document)
    client.force_login(other_editor)

    args = [document.pk] + [attachment.pk for _ in extra]
    address = url(name, *args)
    if method == "get":
        response = client.get(address)
    else:
        payload = form_data(title="改过的标题", comment="改", reason="撤")
        payload["file"] = pdf_upload("别人的.pdf")
        response = client.post(address, payload)

    assert response.status_code == 404
    assert snapshot(document) == before


def test_other_agencys_document_is_not_listed(client, document_factory, other_editor):
    document_factory(title="本单位的草稿")
    client.force_login(other_editor)

    response = client.get(url("document_list"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


def test_reviewer_cannot_edit_a_draft(client, document_factory, reviewer):
    document = document_factory()
    before = snapshot(document)
    client.force_login(reviewer)

    response = client.post(url("document_edit", document.pk), form_data(title="审核人改的"))

    assert response.status_code == 403
    assert snapshot(document) == before


# --- the draft ---------------------------------------------------------------------------------


def test_editor_creates_a_draft(client, agency, editor):
    column = Column.objects.get(slug="tzgg")
    topic = Topic.objects.filter(parent__isnull=False).first()
    client.force_login(editor)

    response = client.get(url("document_create"))
    assert response.status_code == 200

    response = client.post(
        url("document_create"),
        form_data(columns=[column.pk], topic=str(topic.pk), keywords="防汛"),
    )

    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("document_detail", document.pk)
    assert document.agency == agency
    assert document.state == State.DRAFT
    assert document.created_by == editor
    assert document.doc_number == "张政办发〔2024〕5号"  # stored normalised
    assert "<script>" not in document.body
    assert list(document.columns.all()) == [column]
    assert document.topic == topic
    assert DocumentEvent.objects.filter(document=document, code="created").exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["document"] == document
    assert page.context["actions"]["edit"] and page.context["actions"]["submit"]
    assert page.context["clock"] is not None  # the REG 26 clock of the draft


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "   "}, "title"),
        ({"doc_number": "五十号"}, "doc_number"),
        ({"doc_number": "张政办发〔1800〕5号"}, "doc_number"),
        ({"formation_date": "not-a-date"}, "formation_date"),
        ({"formation_date": None}, "formation_date"),
        ({"formation_date": "2999-01-01"}, "formation_date"),
        ({"manner": Document.Manner.WITHHELD, "manner_reason": ""}, "manner_reason"),
        ({"is_normative": "on", "doc_number": ""}, "doc_number"),
        ({"kind": "bogus"}, "kind"),
        ({"topic": "999999"}, "topic"),
        ({"columns": ["x"]}, "columns"),
        (
            {"kind": Document.Kind.INTERPRETATION, "interpretation_format": "video"},
            "video_url",
        ),
    ],
)
def test_bad_form_input_is_answered_with_errors(client, editor, overrides, field):
    client.force_login(editor)

    response = client.post(url("document_create"), form_data(**overrides))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Document.objects.exists()


def test_news_item_needs_no_document_number_or_formation_date(client, editor):
    client.force_login(editor)

    response = client.post(
        url("document_create"),
        form_data(kind=Document.Kind.NEWS, doc_number="", formation_date=None),
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.kind == Document.Kind.NEWS
    assert document.doc_number == ""


def test_interpretation_is_linked_to_its_policy(client, editor, document_factory):
    policy = document_factory(title="关于促进就业的若干意见")
    client.force_login(editor)

    response = client.post(
        url("document_create"),
        form_data(
            kind=Document.Kind.INTERPRETATION,
            title="《关于促进就业的若干意见》解读",
            doc_number="",
            interpretation_format="text",
            interprets=[policy.pk],
        ),
    )

    assert response.status_code == 302
    interpretation = Document.objects.get(kind=Document.Kind.INTERPRETATION)
    assert list(interpretation.interprets.all()) == [policy]
    assert list(policy.interpretations.all()) == [interpretation]


def test_editor_changes_a_draft(client, editor, document_factory):
    document = document_factory()
    client.force_login(editor)

    page = client.get(url("document_edit", document.pk))
    assert page.status_code == 200
    assert page.context["form"].initial["title"] == document.title

    response = client.post(
        url("document_edit", document.pk),
        form_data(title="关于做好防汛工作的补充通知", kind=Document.Kind.NEWS),
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "关于做好防汛工作的补充通知"
    assert document.kind == Document.Kind.DOCUMENT  # the kind is fixed once the draft exists
    assert DocumentEvent.objects.filter(document=document, code="updated").exists()


def test_submitted_document_cannot_be_edited(client, editor, document_factory):
    document = services.submit_document(document_factory(), actor=editor)
    before = snapshot(document)
    client.force_login(editor)

    response = client.post(url("document_edit", document.pk), form_data(title="提交后又改"))

    assert response.status_code == 403
    assert snapshot(document) == before


def test_attachment_is_uploaded_downloaded_and_removed(client, editor, document_factory):
    document = document_factory()
    client.force_login(editor)

    response = client.post(url("attachment_upload", document.pk), {"file": pdf_upload()})

    assert response.status_code == 302
    attachment = Attachment.objects.get(document=document)
    assert attachment.original_name == "附件一.pdf"
    assert attachment.content_type == "application/pdf"

    download = client.get(url("attachment_download", document.pk, attachment.pk))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E9%99%84%E4%BB%B6%E4%B8%80.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    response = client.post(url("attachment_remove", document.pk, attachment.pk))
    assert response.status_code == 302
    assert not Attachment.objects.filter(document=document).exists()


def test_file_that_is_not_what_its_name_says_is_refused(client, editor, document_factory):
    document = document_factory()
    client.force_login(editor)
    fake = SimpleUploadedFile("通知.pdf", b"<html><script>alert(1)</script></html>")

    response = client.post(url("attachment_upload", document.pk), {"file": fake})

    assert response.status_code == 400
    assert response.context["attachment_form"].errors
    assert not Attachment.objects.filter(document=document).exists()


def test_upload_without_a_file_is_an_error_not_a_crash(client, editor, document_factory):
    document = document_factory()
    client.force_login(editor)

    response = client.post(url("attachment_upload", document.pk), {})

    assert response.status_code == 400
    assert "file" in response.context["attachment_form"].errors


def test_submit_runs_the_screening_and_shows_the_hits(client, editor, document_factory):
    document = document_factory(body="<p>联系人手机13912345678。</p>")
    client.force_login(editor)

    response = client.post(url("document_submit", document.pk))

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == State.SUBMITTED
    page = client.get(url("document_detail", document.pk))
    findings = page.context["findings"]
    assert [f.kind for f in findings] == [ScreeningFinding.Kind.MOBILE]
    assert "13912345678" not in findings[0].snippet  # the hit's context is shown masked
    assert not page.context["actions"]["submit"]


def test_clean_screening_is_shown_as_done(client, editor, document_factory):
    document = document_factory(body="<p>没有需要注意的内容。</p>")
    client.force_login(editor)

    page = client.get(url("document_detail", document.pk))
    assert page.context["screening_run"] == 0
    client.post(url("document_submit", document.pk))
    page = client.get(url("document_detail", document.pk))

    assert page.context["screening_run"] >= 1
    assert page.context["findings"] == []


def test_doc_number_live_check(client, editor, document_factory):
    document_factory(doc_number="张政办发〔2014〕50号", formation_date=datetime.date(2014, 5, 1))
    client.force_login(editor)

    good = client.get(url("doc_number_check"), {"value": "张政办发(2014)51号"}).json()
    duplicate = client.get(url("doc_number_check"), {"value": "张政办发[2014]50号"}).json()
    bad = client.get(url("doc_number_check"), {"value": "张政办发2014"}).json()

    assert good == {
        "valid": True,
        "normalized": "张政办发〔2014〕51号",
        "message": good["message"],
        "duplicates": [],
    }
    assert duplicate["valid"] and len(duplicate["duplicates"]) == 1
    assert bad["valid"] is False and bad["message"]


# --- review ------------------------------------------------------------------------------------


def test_review_queue_lists_submitted_documents_by_due_date(
    client, editor, reviewer, document_factory
):
    later = document_factory(title="较晚到期", formation_date=datetime.date(2024, 5, 6))
    earliest = document_factory(title="最早到期", formation_date=datetime.date(2024, 3, 1))
    middle = document_factory(title="居中到期", formation_date=datetime.date(2024, 4, 1))
    draft = document_factory(title="仍是草稿", formation_date=datetime.date(2024, 1, 2))
    for document in (later, earliest, middle):
        services.submit_document(document, actor=editor)
    client.force_login(reviewer)

    response = client.get(url("review_queue"))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["document"] for row in rows] == [earliest, middle, later]
    assert draft not in [row["document"] for row in rows]
    dues = [row["due"] for row in rows]
    assert dues == sorted(dues)
    assert dues[0] == datetime.date(2024, 3, 29)  # 20 working days after 1 March 2024


def test_own_submission_is_left_out_of_the_review_queue(client, editor_reviewer, document_factory):
    document = document_factory(actor=editor_reviewer)
    services.submit_document(document, actor=editor_reviewer)
    client.force_login(editor_reviewer)

    response = client.get(url("review_queue"))

    assert response.context["rows"] == []


def test_review_queue_shows_the_screening_hits(client, editor, reviewer, document_factory):
    document = document_factory(body="<p>请联系13912345678。</p>")
    services.submit_document(document, actor=editor)
    client.force_login(reviewer)

    response = client.get(url("review_queue"))

    (row,) = response.context["rows"]
    assert [f.kind for f in row["findings"]] == [ScreeningFinding.Kind.MOBILE]
    assert row["needs_reason"] == 1


def test_reject_requires_a_comment(client, editor, reviewer, document_factory):
    document = services.submit_document(document_factory(), actor=editor)
    client.force_login(reviewer)
    before = snapshot(document)

    response = client.post(url("document_reject", document.pk), {"comment": "   "})

    assert response.status_code == 400
    assert "comment" in response.context["reject_form"].errors
    assert snapshot(document) == before

    response = client.post(url("document_reject", document.pk), {"comment": "请补充文号。"})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == State.DRAFT
    event = DocumentEvent.objects.filter(document=document).latest("id")
    assert (event.code, event.comment, event.actor) == ("rejected", "请补充文号。", reviewer)
    page = client.get(url("document_detail", document.pk))
    assert page.context["latest_rejection"] == event


def test_approve_with_personal_data_needs_a_reason_for_each_hit(
    client, editor, reviewer, document_factory
):
    document = document_factory(body="<p>咨询电话：13912345678。</p>")
    services.submit_document(document, actor=editor)
    finding = ScreeningFinding.objects.get(document=document)
    assert finding.severity == ScreeningFinding.Severity.NEEDS_REASON
    client.force_login(reviewer)
    before = snapshot(document)

    response = client.post(url("document_approve", document.pk), {})

    assert response.status_code == 400
    assert f"reason_{finding.pk}" in response.context["approve_form"].errors
    assert snapshot(document) == before

    response = client.post(
        url("document_approve", document.pk), {f"reason_{finding.pk}": "工作人员的办公手机，已公开"}
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == State.PUBLISHED
    assert document.index_number
    accepted = ScreeningFinding.objects.filter(document=document).exclude(accepted_reason="")
    assert accepted.get().accepted_by == reviewer


def test_approve_with_a_scheduled_time(client, editor, reviewer, document_factory):
    document = services.submit_document(document_factory(), actor=editor)
    client.force_login(reviewer)

    past = client.post(url("document_approve", document.pk), {"publish_at": "2001-01-01T09:00"})
    assert past.status_code == 400
    assert "publish_at" in past.context["approve_form"].errors

    response = client.post(url("document_approve", document.pk), {"publish_at": "2099-01-05T09:00"})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == State.APPROVED
    assert document.scheduled_for is not None


def test_secrecy_marking_blocks_approval_through_the_page(
    client, editor, reviewer, document_factory
):
    document = document_factory(body="<p>机密★一年</p><p>正文。</p>")
    services.submit_document(document, actor=editor)
    client.force_login(reviewer)
    before = snapshot(document)

    page = client.get(url("document_detail", document.pk))
    assert page.context["blocking"]

    response = client.post(url("document_approve", document.pk), {})

    assert response.status_code == 400
    assert response.context["approve_form"].non_field_errors()
    assert snapshot(document) == before


def test_editor_cannot_approve_their_own_submission(
    client, editor_reviewer, reviewer, document_factory
):
    document = document_factory(actor=editor_reviewer)
    services.submit_document(document, actor=editor_reviewer)
    client.force_login(editor_reviewer)
    before = snapshot(document)

    page = client.get(url("document_detail", document.pk))
    assert page.context["actions"]["review"] is False
    assert page.context["own_submission"] is True
    assert f'action="{url("document_approve", document.pk)}"' not in page.content.decode()

    response = client.post(url("document_approve", document.pk), {})
    assert response.status_code == 403
    response = client.post(url("document_reject", document.pk), {"comment": "自己退回"})
    assert response.status_code == 403
    assert snapshot(document) == before

    client.force_login(reviewer)  # another reviewer of the agency may
    response = client.post(url("document_approve", document.pk), {})
    assert response.status_code == 302


def test_editor_cannot_approve(client, editor, document_factory):
    document = services.submit_document(document_factory(), actor=editor)
    client.force_login(editor)
    before = snapshot(document)

    response = client.post(url("document_approve", document.pk), {})

    assert response.status_code == 403
    assert snapshot(document) == before


# --- after publication -------------------------------------------------------------------------


def test_withdraw_requires_a_reason(client, reviewer, document_factory, publish):
    document = publish(document_factory())
    client.force_login(reviewer)

    response = client.post(url("document_withdraw", document.pk), {"reason": ""})
    assert response.status_code == 400
    document.refresh_from_db()
    assert document.state == State.PUBLISHED

    response = client.post(url("document_withdraw", document.pk), {"reason": "内容已过时"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == State.WITHDRAWN


def test_amendment_makes_a_new_version_and_the_diff_shows_it(
    client, editor, reviewer, document_factory, publish
):
    document = publish(document_factory(body="<p>第一版正文。</p>"))
    client.force_login(editor)

    response = client.post(url("document_amend", document.pk))
    assert response.status_code == 302
    response = client.post(
        url("document_edit", document.pk),
        form_data(title=document.title, body="<p>第二版正文。</p>"),
    )
    assert response.status_code == 302
    client.post(url("document_submit", document.pk))
    client.force_login(reviewer)
    assert client.post(url("document_approve", document.pk), {}).status_code == 302

    document.refresh_from_db()
    assert document.version == 2
    page = client.get(url("document_detail", document.pk))
    assert [v.number for v in page.context["versions"]] == [1, 2]
    diff = client.get(url("version_diff", document.pk), {"a": 1, "b": 2})
    assert diff.status_code == 200
    (body,) = [field for field in diff.context["fields"] if field["field"] == "body"]
    assert ("removed", "第一版正文。") in body["rows"]
    assert ("added", "第二版正文。") in body["rows"]


def test_reviewer_records_a_repeal(client, reviewer, document_factory, publish):
    old = publish(document_factory(title="旧办法"))
    new = publish(document_factory(title="新办法"))
    client.force_login(reviewer)
    page = client.get(url("document_detail", old.pk))
    assert page.status_code == 200
    assert page.context["actions"]["validity"] and page.context["actions"]["withdraw"]
    assert new in page.context["validity_form"].fields["by"].queryset

    response = client.post(
        url("document_validity", old.pk),
        {"validity": Document.Validity.REPEALED, "date": "2024-06-01", "by": new.pk},
    )

    assert response.status_code == 302
    old.refresh_from_db()
    assert old.validity == Document.Validity.REPEALED
    assert old.repeal_date == datetime.date(2024, 6, 1)
    assert old.relations_in.get().source == new


# --- lists -------------------------------------------------------------------------------------


def test_list_filters(client, editor, document_factory, publish):
    document_factory(title="二〇一四年的通知", doc_number="张政办发〔2014〕50号",
                     formation_date=datetime.date(2014, 5, 1))  # fmt: skip
    news = document_factory(kind=Document.Kind.NEWS, title="工作动态一则", doc_number="")
    published = publish(document_factory(title="已经公开的文件"))
    client.force_login(editor)

    def titles(**query: object) -> list[str]:
        response = client.get(url("document_list"), query)
        assert response.status_code == 200
        return [d.title for d in response.context["page"].object_list]

    assert titles(q="张政办发[2014]50号") == ["二〇一四年的通知"]
    assert titles(q="(2014)50") == ["二〇一四年的通知"]
    assert titles(year=2014) == ["二〇一四年的通知"]
    assert titles(kind=Document.Kind.NEWS) == [news.title]
    assert titles(state=State.PUBLISHED) == [published.title]
    assert titles(q=published.index_number) == [published.title]


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"state": "bogus"},
        {"page": "zzz"},
        {"page": "99999"},
        {"q": "x" * 5000},
        {"kind": "<script>"},
    ],
)
def test_bad_list_input_is_not_a_server_error(client, editor, document_factory, query):
    document_factory()
    client.force_login(editor)

    assert client.get(url("document_list"), query).status_code == 200


def test_bad_version_numbers_are_not_a_server_error(client, editor, document_factory, publish):
    document = publish(document_factory())
    client.force_login(editor)

    for query in ({"a": "x", "b": "1"}, {"a": "1", "b": "1"}, {"a": "1", "b": "7"}):
        assert client.get(url("version_diff", document.pk), query).status_code == 400


def _queries(client, address: str) -> int:
    client.get(address)  # warm the per-process caches (the working-day calendar)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_document_list_runs_a_bounded_number_of_queries(client, editor, document_factory):
    for _ in range(5):
        document_factory()
    client.force_login(editor)
    few = _queries(client, url("document_list"))

    for _ in range(35):
        document_factory()
    many = _queries(client, url("document_list"))

    assert many == few
    assert few <= 25  # the workbench shell's own queries included


def test_review_queue_runs_a_bounded_number_of_queries(client, editor, reviewer, document_factory):
    for _ in range(5):
        services.submit_document(document_factory(body="<p>13912345678</p>"), actor=editor)
    client.force_login(reviewer)
    few = _queries(client, url("review_queue"))

    for _ in range(35):
        services.submit_document(document_factory(body="<p>13912345678</p>"), actor=editor)
    many = _queries(client, url("review_queue"))

    assert many == few
    assert few <= 25  # the workbench shell's own queries included


def test_workbench_navigation_lists_the_documents(client, editor):
    from gongkai.catalogue.workbench_nav import register_workbench_nav

    register_workbench_nav()
    client.force_login(editor)

    response = client.get(reverse("workbench:home"))

    assert url("document_list") in response.content.decode()
