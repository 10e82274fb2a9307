"""Attachments: type by content, size limit, hash, extracted text."""

import hashlib

import pytest

from gongkai.catalogue import services
from gongkai.catalogue.attachments import AttachmentError, inspect_upload
from gongkai.catalogue.models import Attachment, DocumentEvent
from tests.catalogue.conftest import make_docx, make_pdf, make_png, make_xlsx, upload


def test_pdf_docx_and_xlsx_text_is_extracted():
    assert (
        "11010519491231002X" in inspect_upload(upload("a.pdf", make_pdf("11010519491231002X"))).text
    )
    assert "公开指南" in inspect_upload(upload("b.docx", make_docx("公开指南"))).text
    assert "采购结果" in inspect_upload(upload("c.xlsx", make_xlsx(("采购结果", 12)))).text


def test_the_type_is_read_from_the_content_and_the_name_must_agree():
    """Issue 9, uploads: a PNG named .pdf is refused for the uploader to rename (the bulk
    import corrects the name instead); the hash is that of the bytes stored."""
    with pytest.raises(AttachmentError, match=r"is a PNG file, but its name ends in “\.pdf”"):
        inspect_upload(upload("scan.pdf", make_png()))
    inspected = inspect_upload(upload("scan.pdf", make_png()), fix_extension=True)
    assert (inspected.original_name, inspected.content_type) == ("scan.png", "image/png")
    assert inspected.sha256 == hashlib.sha256(inspected.data).hexdigest()


def test_an_html_page_named_pdf_is_refused():
    with pytest.raises(AttachmentError, match="is not a PDF, Word"):
        inspect_upload(upload("x.pdf", b"<html><script>alert(1)</script></html>"))


def test_a_zip_that_is_not_an_office_file_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.html", "<script></script>")
    with pytest.raises(AttachmentError, match="is not a PDF, Word"):
        inspect_upload(upload("x.docx", buffer.getvalue()))


def test_a_broken_file_is_refused_with_a_clear_message():
    with pytest.raises(AttachmentError, match="cannot be read as a PDF file"):
        inspect_upload(upload("broken.pdf", b"%PDF-1.4\nthis is not really a pdf"))
    with pytest.raises(AttachmentError, match="cannot be read as a PNG file"):
        inspect_upload(upload("broken.png", make_png()[:30]))


def test_oversize_and_empty_files_are_refused(settings):
    settings.GONGKAI_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(AttachmentError, match="an attachment may be at most 100"):
        inspect_upload(upload("big.docx", make_docx("x")))
    with pytest.raises(AttachmentError, match="is empty"):
        inspect_upload(upload("empty.pdf", b""))


def test_add_attachment_keeps_the_original_name_under_a_random_storage_name(
    document_factory, editor
):
    document = document_factory()
    attachment = services.add_attachment(
        document, actor=editor, uploaded_file=upload("../../关于印发的通知.docx", make_docx("正文"))
    )
    assert attachment.original_name == "关于印发的通知.docx"
    assert "关于" not in attachment.file.name and attachment.file.name.startswith("attachments/")
    assert attachment.file.storage.exists(attachment.file.name)
    assert attachment.text == "正文"
    assert document.events.filter(code="attachment_added").count() == 1


def test_a_refused_upload_changes_nothing(document_factory, editor, settings):
    document = document_factory()
    events = DocumentEvent.objects.count()
    with pytest.raises(AttachmentError):
        services.add_attachment(document, actor=editor, uploaded_file=upload("x.pdf", b"<html>"))
    assert not Attachment.objects.exists()
    assert DocumentEvent.objects.count() == events


def test_remove_attachment_of_a_draft_deletes_it(
    document_factory, editor, django_capture_on_commit_callbacks
):
    document = document_factory()
    attachment = services.add_attachment(
        document, actor=editor, uploaded_file=upload("a.png", make_png())
    )
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(attachment, actor=editor)
    assert not Attachment.objects.exists()
    assert not storage.exists(name)
