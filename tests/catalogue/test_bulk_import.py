"""Migration from an existing system: XLSX/CSV metadata plus a ZIP of attachments."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

from gongkai.agencies.models import StaffRole
from gongkai.catalogue.bulk_import import HEADERS, import_catalogue, read_table
from gongkai.catalogue.models import Attachment, Document, DocumentEvent, DocumentVersion
from gongkai.catalogue.workflow import CataloguePermissionDenied
from gongkai.core.models import AuditEntry

pytestmark = pytest.mark.django_db

HEADER = list(HEADERS)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def row(issuer, /, **values):
    """A valid row by header; keyword names are the keys of HEADERS' values."""
    base = {
        "index_number": "ZD-JY/2012-0017",
        "title": "关于做好2012年招生工作的通知",
        "agency": issuer.name,
        "formation_date": "2012-05-02",
        "publication_date": "2012-05-06",
        "doc_number": "",
        "topic": "kjjy-jy",
        "genre": "通知",
        "statutory_item": "reg20-11",
        "validity": "有效",
        "summary": "招生工作安排。",
        "body": "<p>正文。</p>",
        "keywords": "招生",
        "columns": "政策文件",
        "attachments": "",
    }
    base.update(values)
    return [base[key] for key in HEADERS.values()]


def xlsx(*rows, header=HEADER) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = "catalogue.xlsx"
    return data


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    data = io.BytesIO()
    writer.write(data)
    return data.getvalue()


def png_bytes() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(data, format="PNG")
    return data.getvalue()


def archive(files: dict[str, bytes]) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    data.seek(0)
    return data


def test_dry_run_reports_every_problem_by_row_and_writes_nothing(agency, office_user):
    source = xlsx(
        row(agency, index_number="A-1", title=""),
        row(agency, index_number="A-2", publication_date="2012-13-45"),
        row(agency, index_number="A-3", agency="不存在的机关"),
        row(agency, index_number="A-1"),
        row(agency, index_number="A-5", doc_number="张教发2012五号"),
        row(agency, index_number="A-6", attachments="missing.pdf；page.pdf"),
        row(agency, index_number="A-7", validity="暂停", columns="没有的栏目"),
    )
    files = archive({"page.pdf": b"<html><script>alert(1)</script></html>"})

    report = import_catalogue(source, actor=office_user, attachments=files, dry_run=True)

    found = {(problem.row, problem.column) for problem in report.problems}
    assert found == {
        (2, "标题"),
        (3, "发布日期"),
        (4, "发布机构"),
        (5, "索引号"),
        (6, "文号"),
        (7, "附件"),
        (8, "有效性"),
        (8, "栏目"),
    }
    messages = {(p.row, p.column): p.message for p in report.problems}
    assert messages[(2, "标题")] == "The title is missing."
    assert messages[(5, "索引号")] == "The index number “A-1” is also in row 2."
    attachment_messages = [p.message for p in report.problems if p.column == "附件"]
    assert "“missing.pdf” is not in the attachments archive." in attachment_messages
    assert any("page.pdf" in message and "not a PDF" in message for message in attachment_messages)
    assert str(report.problems[0]) == "row 2, 标题: The title is missing."
    assert report.rows == 7 and report.documents == 0
    assert not Document.objects.exists()
    assert not AuditEntry.objects.filter(action="catalogue.import_catalogue").exists()

    # The real run refuses the same file just as completely.
    report = import_catalogue(xlsx(row(agency), row(agency, index_number="B", title="")),
                              actor=office_user)  # fmt: skip
    assert [(p.row, p.column) for p in report.problems] == [(3, "标题")]
    assert not Document.objects.exists()


def test_valid_file_with_archive_imports_keeping_legacy_numbers(agency, office_user):
    legacy = " 004316771/2012-00017 "  # kept exactly, outer spaces of the cell aside
    source = xlsx(
        row(
            agency,
            index_number=legacy,
            doc_number="张教发[2012]5号",
            body="<p onclick='x()'>正文</p><script>alert(1)</script>",
            attachments="材料/招生计划.pdf；扫描件.pdf",
        ),
        row(
            agency,
            index_number="ZD/2012-工作动态-0001",
            title="区教育局召开招生工作会议",
            agency=agency.org_code,
            formation_date="",
            publication_date="2012年6月1日",
            columns="工作动态",
            statutory_item="",
        ),
    )
    # A PNG named .pdf is a PNG: the type comes from the content, and the name is corrected
    # (an interactive upload refuses it instead, for the uploader to rename: core.uploads).
    files = archive({"材料/招生计划.pdf": pdf_bytes(), "扫描件.pdf": png_bytes()})

    report = import_catalogue(source, actor=office_user, attachments=files)

    assert report.ok, report.problems
    assert (report.documents, report.attachments) == (2, 2)
    document = Document.objects.get(index_number=legacy.strip())
    assert document.state == Document.State.PUBLISHED
    assert document.legacy and document.manner == Document.Manner.PROACTIVE
    assert document.published_at == datetime.datetime(2012, 5, 6, 9, 0, tzinfo=SHANGHAI)
    assert document.formation_date == datetime.date(2012, 5, 2)
    assert document.doc_number == document.doc_number_key == "张教发〔2012〕5号"
    assert "script" not in document.body and "onclick" not in document.body
    assert document.statutory_item.code == "reg20-11"
    assert document.topic.code == "kjjy-jy" and document.genre.name == "通知"
    assert [c.slug for c in document.columns.all()] == ["zcwj"]
    version = DocumentVersion.objects.get(document=document)
    assert (version.number, version.title, document.version) == (1, document.title, 1)
    assert version.metadata["index_number"] == legacy.strip()
    event = DocumentEvent.objects.get(document=document)
    assert (event.code, event.actor, event.to_state) == ("imported", office_user, "published")
    assert event.data == {"file": "catalogue.xlsx", "row": 2}
    attachments = list(Attachment.objects.filter(document=document).order_by("sort_order"))
    assert [a.original_name for a in attachments] == ["招生计划.pdf", "扫描件.png"]
    assert [a.content_type for a in attachments] == ["application/pdf", "image/png"]
    for attachment in attachments:
        assert attachment.original_name not in attachment.file.name  # random storage name
        assert attachment.file.storage.exists(attachment.file.name)
    stored = attachments[1].file.read()  # the image encoded afresh (core.uploads)
    assert (
        stored.startswith(b"\x89PNG")
        and hashlib.sha256(stored).hexdigest() == attachments[1].sha256
    )
    news = Document.objects.get(index_number="ZD/2012-工作动态-0001")
    assert news.kind == Document.Kind.NEWS and news.agency == agency
    assert news.published_at.astimezone(SHANGHAI).date() == datetime.date(2012, 6, 1)
    entry = AuditEntry.objects.get(action="catalogue.import_catalogue")
    assert entry.actor == office_user
    assert entry.details == {
        "file": "catalogue.xlsx",
        "documents": 2,
        "attachments": 2,
        "agencies": 1,
    }


def test_index_number_already_in_the_catalogue_is_refused(agency, office_user):
    import_catalogue(xlsx(row(agency, index_number="ZD-1")), actor=office_user)
    before = Document.objects.count()

    report = import_catalogue(
        xlsx(row(agency, index_number="ZD-2", title="另一份"), row(agency, index_number="ZD-1")),
        actor=office_user,
    )

    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (3, "索引号", "The index number “ZD-1” is already used in the catalogue.")
    ]
    assert Document.objects.count() == before == 1


def test_missing_required_column_is_reported_on_the_header_row(agency, office_user):
    header = [name for name in HEADER if name != "发布日期"] + ["序号"]
    report = import_catalogue(xlsx(header=header), actor=office_user, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(1, "发布日期")]
    assert report.ignored_columns == ["序号"]


def test_csv_in_gb18030_and_excel_date_cells(agency, office_user, tmp_path):
    lines = [",".join(HEADER), ",".join(row(agency, index_number="CSV-1"))]
    path = tmp_path / "old.csv"
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    assert import_catalogue(path, actor=office_user).documents == 1
    assert Document.objects.get(index_number="CSV-1").title == "关于做好2012年招生工作的通知"

    dated = row(agency, index_number="X-1")
    dated[HEADER.index("发布日期")] = datetime.datetime(2012, 5, 7)
    rows = list(read_table(xlsx(dated)))
    assert rows[1] == (2, [str(value) if value else "" for value in row(
        agency, index_number="X-1", publication_date="2012-05-07")])  # fmt: skip


def test_only_the_office_or_an_administrator_imports(agency, staff_role_factory):
    editor = staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR).user
    with pytest.raises(CataloguePermissionDenied):
        import_catalogue(xlsx(row(agency)), actor=editor)
    assert not Document.objects.exists()


def test_command(agency, office_user, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(row(agency, attachments="a.pdf")).getvalue())
    zip_path = tmp_path / "files.zip"
    zip_path.write_bytes(archive({"a.pdf": pdf_bytes()}).getvalue())
    out = io.StringIO()

    call_command(
        "import_catalogue", str(good), "--attachments", str(zip_path), "--dry-run",
        "--actor", office_user.username, stdout=out,
    )  # fmt: skip
    assert "1 rows and 1 attachments are valid" in out.getvalue()
    assert not Document.objects.exists()

    call_command(
        "import_catalogue", str(good), "--attachments", str(zip_path),
        "--actor", office_user.username, stdout=out,
    )  # fmt: skip
    assert "Imported 1 documents and 1 attachments" in out.getvalue()
    assert Document.objects.get().attachments.get().original_name == "a.pdf"

    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_catalogue", str(good), "--actor", office_user.username,
            stdout=out, stderr=errors,
        )  # fmt: skip
    assert "row 2, 索引号: The index number" in errors.getvalue()
    assert "row 2, 附件: The row names attachments" in errors.getvalue()
    assert Document.objects.count() == 1
