"""Numbered notices: rendered from per-agency templates, issued as DOCX and PDF with Chinese
that renders and extracts, never changed after issue, corrected by a new number."""

from __future__ import annotations

import datetime
import io
import logging
import time
from pathlib import Path

import docx
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from pypdf import PdfReader

from gongkai.core.models import AuditEntry
from gongkai.info_requests import letters, services, tasks
from gongkai.info_requests.models import Consultation, FeeNotice, InfoRequest, RequestEvent
from gongkai.info_requests.notice_models import (
    PLACEHOLDERS,
    Notice,
    NoticeImmutableError,
    NoticeSettings,
    NoticeTemplate,
    template_placeholders,
)
from gongkai.info_requests.outcomes import Exemption, Outcome
from gongkai.info_requests.workflow import InfoRequestError, InfoRequestPermissionDenied, State
from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID, at

pytestmark = pytest.mark.django_db

D = datetime.date
Kind = Notice.Kind
Code = RequestEvent.Code
TemplateKind = NoticeTemplate.Kind
REMEDIES_START = "如对本答复不服，可以在收到本告知书之日起六十日内向"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


ISSUED_ON = D(2025, 9, 15)


def issue(request: InfoRequest, kind: str, *, actor=None, on=ISSUED_ON, **kwargs) -> Notice:
    """Issue a notice and render its files (as a download or the daily job would)."""
    with transaction.atomic():
        notice = letters.issue_notice(request, kind=kind, actor=actor, on=on, **kwargs)
    return letters.render_notice(notice)


def test_files_are_rendered_once_from_the_frozen_text(walked, handler):
    """The service that decides does not wait for a PDF: the files come from the issued text
    the first time they are needed, and are never rendered again."""
    letters.render_pending_notices()  # the walk's own letters
    with transaction.atomic():
        notice = letters.issue_notice(walked, kind=Kind.REPLY, actor=handler, on=ISSUED_ON)
    assert not notice.docx and not notice.pdf
    assert letters.render_pending_notices() == 1
    rendered = Notice.objects.get(pk=notice.pk)
    assert rendered.docx and rendered.pdf and len(rendered.pdf_sha256) == 64
    names = (rendered.docx.name, rendered.pdf.name)
    again = letters.render_notice(notice)  # a stale object: nothing is rendered twice
    assert (again.docx.name, again.pdf.name) == names
    assert letters.render_pending_notices() == 0
    assert notice.number in pdf_text(rendered)


def pdf_text(notice: Notice) -> str:
    """The PDF's text as pypdf extracts it, without the line breaks of the layout."""
    with notice.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def docx_paragraphs(notice: Notice) -> list[str]:
    with notice.docx.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    return [paragraph.text for paragraph in document.paragraphs]


@pytest.fixture
def walked(submit, office, handler, legal_reviewer, handling_agency, agency_factory):
    """An application that went through everything a letter can speak of: a correction, an
    assignment and a transfer, an extension, a third-party consultation, a fee, and a partial
    disclosure naming an agency to ask for the rest."""
    first_agency = agency_factory()
    request = submit(D(2025, 9, 1))
    for contactable in (request.agency, handling_agency):
        contactable.address = "张家港市人民路1号"
        contactable.phone = "0512-56700000"
        contactable.save()
    with at(D(2025, 9, 2)):
        services.request_correction(request, actor=office, what="请写明所需信息的年份和区域。")
    with at(D(2025, 9, 3)):
        services.receive_correction(request, actor=office, text="2024年全区")
        services.assign_request(request, actor=office, agency=first_agency)
    with at(D(2025, 9, 4)):
        services.transfer_request(
            request, actor=office, agency=handling_agency, reason="该信息由民政部门制作。"
        )
    with at(D(2025, 9, 5)):
        services.extend_request(request, actor=office, days=10, reason="需要检索的信息较多")
    with at(D(2025, 9, 8)):
        consultation = services.consult(
            request, actor=handler, kind=Consultation.Kind.THIRD_PARTY, party="某某物业有限公司"
        )
    with at(D(2025, 9, 9)):
        services.settle_consultation(consultation, actor=handler, answer=Consultation.Answer.AGREES)
    with at(D(2025, 9, 10)):
        fee = services.issue_fee_notice(
            request,
            actor=handler,
            method=FeeNotice.Method.PER_PAGE,
            pages=40,
            payment="请通过政务服务平台在线缴纳。",
        )
    with at(D(2025, 9, 11)):
        services.settle_fee(fee, actor=handler, settlement=FeeNotice.Settlement.PAID)
    with at(D(2025, 9, 12)):
        services.draft_reply(
            request,
            actor=handler,
            outcome=Outcome.PARTLY_DISCLOSED,
            reply_text="现向您提供2024年城乡最低生活保障资金发放汇总表。",
            withheld=[services.Withheld("受助人身份证号码", Exemption.THIRD_PARTY, "属于个人隐私")],
            referred_agency="张家港市统计局",
        )
        services.submit_for_review(request, actor=handler)
        request = services.review_request(request, actor=legal_reviewer, approve=True)
    request.refresh_from_db()
    return request


# --------------------------------------------------------------------------- templates


def test_every_kind_renders_with_every_placeholder_filled(walked):
    """Each kind's default template, for an application that has what the letter speaks of,
    leaves no placeholder empty; each reply group is rendered with an outcome of its group."""
    outcome_of_group = {
        TemplateKind.REPLY_DISCLOSED: Outcome.DISCLOSED,
        TemplateKind.REPLY_PARTLY: Outcome.PARTLY_DISCLOSED,
        TemplateKind.REPLY_WITHHELD: Outcome.WITHHELD_THIRD_PARTY,
        TemplateKind.REPLY_UNABLE: Outcome.OTHER_AGENCY,
        TemplateKind.REPLY_NOT_HANDLED: Outcome.REPEAT,
        TemplateKind.REPLY_OTHER: Outcome.NO_CORRECTION,
    }
    for template_kind in TemplateKind.values:
        kind = Kind.REPLY if template_kind in NoticeTemplate.REPLY_KINDS else template_kind
        if kind == Kind.REPLY:
            walked.outcome = outcome_of_group[template_kind]
        assert letters.template_kind_for(walked, kind) == template_kind
        agency = letters.issuing_agency(walked, kind)
        values = letters.notice_values(walked, kind=kind, agency=agency, on=D(2025, 9, 15))
        values["number"] = "测试〔2025〕1号"
        title, body = letters.builtin_template(template_kind)
        used = template_placeholders(title) | template_placeholders(body)
        empty = sorted(name for name in used if not values[name])
        assert empty == [], f"{template_kind}: {empty}"
        text = letters.render_text(body, values)
        assert "{" not in text and "}" not in text
        if template_kind in NoticeTemplate.REPLY_KINDS:
            assert REMEDIES_START in text
        if kind == Kind.CONSULTATION:
            # The third party learns what is asked, never who asks.
            assert APPLICANT_NAME not in text
            assert "某某物业有限公司" in text
        else:
            assert text.startswith(f"{APPLICANT_NAME}：")


def test_the_documented_placeholders_are_all_used_by_some_default_template():
    used = set()
    for template_kind in TemplateKind.values:
        title, body = letters.builtin_template(template_kind)
        used |= template_placeholders(title) | template_placeholders(body)
    # {number} and {today} are printed by the layout, {agency_name} is the signature and
    # {referred_agency} is said by {referral}: all there for an agency's own templates.
    assert set(PLACEHOLDERS) - used == {"number", "today", "agency_name", "referred_agency"}


def test_an_unknown_placeholder_is_refused_with_a_clear_message(handling_agency):
    template = NoticeTemplate(
        agency=handling_agency,
        kind=TemplateKind.CORRECTION,
        title="补正告知书",
        body="{applicant_name}：\n请补正{secret_field}。",
    )
    with pytest.raises(ValidationError) as refused:
        template.save()
    assert refused.value.message_dict["body"][0].startswith(
        "Unknown placeholder “{secret_field}” in the template. Allowed: {number}, "
    )
    assert not NoticeTemplate.objects.exists()
    for body in ("{applicant_name.__class__}", "{0}", "{applicant_name!r}", "{applicant_name:>9}"):
        with pytest.raises(ValidationError):
            NoticeTemplate(kind=TemplateKind.CORRECTION, title="t", body=body).save()
    with pytest.raises(ValidationError, match="every \\{ needs a matching \\}"):
        NoticeTemplate(kind=TemplateKind.CORRECTION, title="t", body="{applicant_name").save()
    # A literal brace is written doubled.
    NoticeTemplate(kind=TemplateKind.CORRECTION, title="t", body="{{注}}{applicant_name}").save()


def test_a_reply_template_without_the_remedies_paragraph_is_refused():
    template = NoticeTemplate(
        kind=TemplateKind.REPLY_DISCLOSED, title="答复告知书", body="{applicant_name}：\n予以公开。"
    )
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert refused.value.message_dict["body"] == [
        "A reply notice must contain the remedies paragraph {remedies} (REG 51)."
    ]


def test_a_number_pattern_without_a_serial_is_refused():
    with pytest.raises(ValidationError) as refused:
        NoticeSettings(number_pattern="依申告〔{year}〕号").save()
    assert "{serial}" in refused.value.message_dict["number_pattern"][0]


# --------------------------------------------------------------------------- issuing


def test_every_kind_is_issued_as_docx_and_pdf_with_sequential_numbers(
    walked, handler, handling_agency
):
    """The walk's services issued one letter of each kind; the daily job renders them all."""
    assert letters.render_pending_notices() == 7
    everything = list(Notice.objects.filter(request=walked).order_by("issued_at", "id"))
    assert [notice.kind for notice in everything] == [
        Kind.ACKNOWLEDGEMENT,
        Kind.CORRECTION,
        Kind.TRANSFER,
        Kind.EXTENSION,
        Kind.CONSULTATION,
        Kind.FEE,
        Kind.REPLY,
    ]
    assert {notice.kind for notice in everything} == set(Kind.values)
    # The acknowledgement, the transfer notice and the correction asked before any assignment
    # come from the agency asked; the others from the handling agency: each its own series.
    asked = walked.agency
    assert [notice.agency for notice in everything] == [asked] * 3 + [handling_agency] * 4
    assert [notice.number for notice in everything] == [
        *(f"{asked.short_name}依申告〔2025〕{serial}号" for serial in range(1, 4)),
        *(f"{handling_agency.short_name}依申告〔2025〕{serial}号" for serial in range(1, 5)),
    ]
    assert len({notice.number for notice in everything}) == 7
    # A letter issued later goes on with its agency's series.
    later = issue(walked, Kind.REPLY, actor=handler)
    assert later.number == f"{handling_agency.short_name}依申告〔2025〕5号"
    for notice in everything:
        assert notice.docx.name.startswith("notices/") and notice.docx.name.endswith(".docx")
        assert notice.pdf.name.startswith("notices/") and notice.pdf.name.endswith(".pdf")
        assert "notice" not in notice.pdf.name.rsplit("/", 1)[-1]  # random, not guessable
        with notice.pdf.open("rb") as handle:
            assert letters.hashlib.sha256(handle.read()).hexdigest() == notice.pdf_sha256
        text = pdf_text(notice)
        assert notice.title in text
        assert notice.number in text
        assert notice.number in docx_paragraphs(notice)
    reply = everything[-1]
    assert reply.kind == Kind.REPLY
    assert reply.template_kind == TemplateKind.REPLY_PARTLY
    assert reply.outcome == Outcome.PARTLY_DISCLOSED
    assert "受助人身份证号码：涉及商业秘密、个人隐私等" in reply.body
    assert "第十五条的规定不予公开。属于个人隐私。" in reply.body


def test_the_docx_is_a4_with_chinese_fonts_and_the_remedies_paragraph(walked, handler):
    notice = issue(walked, Kind.REPLY, actor=handler)
    with notice.docx.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[0] == "政府信息公开申请答复告知书"
    assert paragraphs[1] == notice.number
    assert paragraphs[2] == f"{APPLICANT_NAME}："
    remedies = [text for text in paragraphs if text.startswith(REMEDIES_START)]
    assert len(remedies) == 1
    assert "申请行政复议，或者在六个月内向有管辖权的人民法院提起行政诉讼" in remedies[0]
    assert paragraphs[-2:] == [walked.handling_agency.name, "2025年9月15日"]
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    qn = docx.oxml.ns.qn
    title_style = document.paragraphs[0].style
    assert title_style.element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert title_style.font.bold is True
    align = docx.enum.text.WD_ALIGN_PARAGRAPH
    assert title_style.paragraph_format.alignment == align.CENTER
    body_style = document.paragraphs[3].style
    assert body_style.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    assert body_style.element.rPr.rFonts.get(qn("w:eastAsiaTheme")) is None
    assert document.paragraphs[-1].style.paragraph_format.alignment == align.RIGHT
    assert document.core_properties.title == "政府信息公开申请答复告知书"
    assert document.core_properties.author == walked.handling_agency.name


def test_the_pdf_embeds_the_font_and_its_chinese_text_extracts(walked, handler):
    started = time.perf_counter()
    notice = issue(walked, Kind.REPLY, actor=handler)
    elapsed = time.perf_counter() - started
    with notice.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    lines = "\n".join(page.extract_text() for page in reader.pages).split("\n")
    assert lines[:3] == ["政府信息公开申请答复告知书", notice.number, f"{APPLICANT_NAME}："]
    text = "".join(lines)  # without the line breaks of the layout
    assert "政府信息公开申请答复告知书" in text
    assert notice.number in text
    assert REMEDIES_START in text
    assert "申请行政复议，或者在六个月内向有管辖权的人民法院提起行政诉讼" in text
    assert f"{APPLICANT_NAME}：" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    (font,) = [entry.get_object() for entry in fonts.values()]
    assert font["/Subtype"] == "/Type0"
    assert "UMing" in font["/BaseFont"]
    descendant = font["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded TrueType
    assert reader.metadata.title == "政府信息公开申请答复告知书"
    assert elapsed < 10  # measured ≈0.6 s a notice, most of it parsing the 20 MB font


def test_the_notice_records_who_issued_it_without_personal_data(walked, handler, legal_reviewer):
    # The walk's reply was issued by the legal reviewer's approval; the acknowledgement of the
    # online submission by nobody.
    assert Notice.objects.get(request=walked, kind=Kind.REPLY).issued_by == legal_reviewer
    assert Notice.objects.get(request=walked, kind=Kind.ACKNOWLEDGEMENT).issued_by is None
    notice = issue(walked, Kind.REPLY, actor=handler)
    assert notice.issued_by == handler
    entries = list(AuditEntry.objects.filter(action="info_requests.issue_notice"))
    assert len(entries) == 8  # the walk's seven letters and this one
    (entry,) = [entry for entry in entries if entry.details["notice"] == notice.pk]
    assert entry.details == {
        "notice": notice.pk,
        "kind": "reply",
        "number": notice.number,
        "replaces": None,
    }
    assert entry.actor == handler
    assert entry.object_repr == walked.number
    for logged in entries:
        for value in (APPLICANT_NAME, VALID_ID, APPLICANT_PHONE):
            assert value not in str(logged.details) + logged.object_repr


def test_a_letter_with_nothing_to_say_is_refused(assigned, handler):
    request = assigned(D(2025, 9, 1))
    for kind, message in [
        (Kind.REPLY, "The application has no outcome to reply with."),
        (Kind.FEE, "No fee notice was issued for this application."),
        (Kind.CORRECTION, "No correction was asked for this application."),
        (Kind.EXTENSION, "This application has not been extended."),
        (Kind.CONSULTATION, "No consultation was sent for this application."),
        (Kind.TRANSFER, "This application has not been transferred."),
    ]:
        with pytest.raises(InfoRequestError) as refused:
            issue(request, kind, actor=handler)
        assert refused.value.message == message
    with pytest.raises(InfoRequestError, match="Choose the kind of letter"):
        issue(request, "memo", actor=handler)
    # Only the acknowledgement of the submission: no refused letter was issued.
    assert list(Notice.objects.values_list("kind", flat=True)) == [Kind.ACKNOWLEDGEMENT]


# --------------------------------------------------------------------------- corrections


def test_a_reissue_makes_a_new_number_and_keeps_the_old_notice(walked, handler, stranger):
    # The reply the review issued (on 12 September) had the applicant's name wrong.
    first = letters.render_notice(Notice.objects.get(request=walked, kind=Kind.REPLY))
    issued = Notice.objects.count()
    InfoRequest.objects.filter(pk=walked.pk).update(name="王晓明")
    with at(D(2025, 9, 16)):
        second = letters.reissue_notice(
            first, actor=handler, on=D(2025, 9, 16), reason="申请人姓名有误。"
        )
    assert second.number != first.number
    assert second.replaces == first
    assert second.reissue_reason == "申请人姓名有误。"
    assert second.body.startswith("王晓明：")
    first.refresh_from_db()
    assert first.replaced_on == D(2025, 9, 16)
    assert first.body.startswith(f"{APPLICANT_NAME}：")  # the old one stays as it was
    assert first.pdf.storage.exists(first.pdf.name)
    assert list(letters.notices_for(walked))[:2] == [second, first]
    assert Notice.objects.count() == issued + 1
    # A replaced notice is corrected through its replacement only.
    with pytest.raises(InfoRequestError, match="has been replaced already"):
        letters.reissue_notice(first, actor=handler, on=D(2025, 9, 16), reason="再改")
    # Nobody from another agency corrects a notice, and nothing changes.
    with pytest.raises(InfoRequestPermissionDenied):
        letters.reissue_notice(second, actor=stranger, on=D(2025, 9, 17), reason="改")
    with pytest.raises(InfoRequestError, match="Give the reason"):
        letters.reissue_notice(second, actor=handler, on=D(2025, 9, 17), reason=" ")
    assert Notice.objects.count() == issued + 1
    second.refresh_from_db()
    assert second.replaced_on is None


def test_an_issued_notice_cannot_be_changed(walked, handler):
    notice = issue(walked, Kind.REPLY, actor=handler)
    for field, value in [
        ("body", "改过的正文"),
        ("title", "另一个标题"),
        ("number", "X〔2025〕99号"),
        ("docx", "notices/aa/other.docx"),
        ("pdf", "notices/aa/other.pdf"),
        ("pdf_sha256", "0" * 64),
        ("issued_on", D(2025, 9, 1)),
    ]:
        changed = Notice.objects.get(pk=notice.pk)
        setattr(changed, field, value)
        with pytest.raises(NoticeImmutableError, match="is issued and cannot be changed"):
            changed.save()
    with pytest.raises(NoticeImmutableError, match="cannot be deleted"):
        notice.delete()
    stored = Notice.objects.get(pk=notice.pk)
    assert (stored.body, stored.number, stored.pdf.name) == (
        notice.body,
        notice.number,
        notice.pdf.name,
    )
    # Marking it replaced is the one change allowed, and only once.
    stored.replaced_on = D(2025, 9, 20)
    stored.save(update_fields=["replaced_on"])
    stored.replaced_on = D(2025, 9, 21)
    with pytest.raises(NoticeImmutableError):
        stored.save()


# --------------------------------------------------------------------------- per agency


def test_an_agency_template_and_settings_override_the_defaults(
    walked, handler, handling_agency, office
):
    NoticeTemplate.objects.create(
        agency=handling_agency,
        kind=TemplateKind.REPLY_PARTLY,
        title="{agency_name}政府信息公开答复书",
        body="{applicant_name}：\n本局答复：{reply_text}\n{remedies}",
    )
    NoticeSettings.objects.create(
        agency=handling_agency,
        number_pattern="{agency_short}公开〔{year}〕{serial:03d}号",
        reconsideration_body="张家港市人民政府",
        court="苏州市中级人民法院",
    )
    NoticeSettings.objects.create(agency=None, court="张家港市人民法院")
    notice = issue(walked, Kind.REPLY, actor=handler)
    assert notice.title == f"{handling_agency.name}政府信息公开答复书"
    assert notice.number == f"{handling_agency.short_name}公开〔2025〕001号"
    assert notice.body.startswith(f"{APPLICANT_NAME}：\n本局答复：现向您提供")
    assert "六十日内向张家港市人民政府申请行政复议，或者在六个月内向苏州市中级" in notice.body
    assert notice.title in pdf_text(notice)
    # The agency asked has no template of its own: the default, made on first use.
    acknowledgement = issue(walked, Kind.ACKNOWLEDGEMENT, actor=office)
    assert acknowledgement.title == "政府信息公开申请受理回执"
    assert NoticeTemplate.objects.filter(agency=None, kind=TemplateKind.ACKNOWLEDGEMENT).exists()
    # The default settings' court; the agency asked has no parent, so the generic body.
    assert letters.remedies_paragraph(walked.agency).startswith(
        f"{REMEDIES_START}上一级行政机关申请行政复议，或者在六个月内向张家港市人民法院"
    )


def test_each_setting_falls_back_to_the_default_settings(handling_agency, agency_factory):
    government = agency_factory(name="张家港市人民政府")
    department = agency_factory(parent=government)
    NoticeSettings.objects.create(
        agency=None, number_pattern="{agency_short}告〔{year}〕{serial}号"
    )
    NoticeSettings.objects.create(agency=handling_agency, court="张家港市人民法院")
    assert letters.notice_settings_for(handling_agency) == (
        "{agency_short}告〔{year}〕{serial}号",
        "上一级行政机关",
        "张家港市人民法院",
    )
    # A department's reconsideration body is its people's government (since 2024).
    assert letters.notice_settings_for(department)[1:] == ("张家港市人民政府", "有管辖权的人民法院")


def test_numbers_of_agencies_with_the_same_short_name_do_not_collide(
    walked, handler, handling_agency, agency, agency_factory
):
    twin = agency_factory(short_name=handling_agency.short_name)
    taken = set(Notice.objects.values_list("number", flat=True))
    # The walk's letters took 1 to 4 of the handling agency's series: the twin goes on from 5.
    assert f"{handling_agency.short_name}依申告〔2025〕4号" in taken
    twin_number = letters.allocate_notice_number(
        letters.DEFAULT_NOTICE_NUMBER_PATTERN, agency=twin, on=D(2025, 9, 15)
    )
    assert twin_number == f"{twin.short_name}依申告〔2025〕5号"
    assert twin_number not in taken
    notice = issue(walked, Kind.REPLY, actor=handler)
    assert notice.number == f"{handling_agency.short_name}依申告〔2025〕6号"
    next_year = letters.allocate_notice_number(
        letters.DEFAULT_NOTICE_NUMBER_PATTERN, agency=handling_agency, on=D(2026, 1, 5)
    )
    assert next_year == f"{handling_agency.short_name}依申告〔2026〕1号"


# --------------------------------------------------------------------------- for the applicant


def test_the_applicant_gets_every_letter_but_the_consultation(walked):
    def issued(kind: str) -> Notice:
        return Notice.objects.get(request=walked, kind=kind)

    consultation = letters.render_notice(issued(Kind.CONSULTATION))
    assert consultation.consultation == walked.consultations.get()
    assert APPLICANT_NAME not in consultation.body
    assert APPLICANT_NAME not in pdf_text(consultation)
    fee = issued(Kind.FEE)
    assert "应缴金额：人民币100.00元。" in fee.body
    letters_newest_first = [
        issued(kind)
        for kind in (
            Kind.REPLY,
            Kind.FEE,
            Kind.CONSULTATION,
            Kind.EXTENSION,
            Kind.TRANSFER,
            Kind.CORRECTION,
            Kind.ACKNOWLEDGEMENT,
        )
    ]
    assert list(letters.notices_for(walked)) == letters_newest_first
    assert list(letters.applicant_notices(walked)) == [
        notice for notice in letters_newest_first if notice != consultation
    ]


# --------------------------------------------------------------------------- from the services


def test_the_services_issue_each_steps_letter_with_its_event(
    submit, office, handler, legal_reviewer, handling_agency
):
    request = submit(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        services.accept_request(request, actor=office, handling_agency=handling_agency)
        services.request_correction(request, actor=handler, what="请写明所需信息的年份。")
    with at(D(2025, 9, 3)):
        services.receive_correction(request, actor=None, text="2024年")
    with at(D(2025, 9, 4)):
        services.extend_request(request, actor=office, days=10, reason="需要检索的信息较多")
    with at(D(2025, 9, 5)):
        consultation = services.consult(
            request, actor=handler, kind=Consultation.Kind.THIRD_PARTY, party="某某物业有限公司"
        )
    with at(D(2025, 9, 8)):
        services.settle_consultation(consultation, actor=handler, answer=Consultation.Answer.AGREES)
    with at(D(2025, 9, 9)):
        services.draft_reply(
            request, actor=handler, outcome=Outcome.DISCLOSED, reply_text="现向您提供汇总表。"
        )
        services.submit_for_review(request, actor=handler)
        services.review_request(request, actor=legal_reviewer, approve=True)

    notices = list(Notice.objects.filter(request=request).order_by("issued_at", "id"))
    assert [(notice.kind, notice.issued_on, notice.issued_by) for notice in notices] == [
        (Kind.ACKNOWLEDGEMENT, D(2025, 9, 1), None),
        (Kind.CORRECTION, D(2025, 9, 2), handler),
        (Kind.EXTENSION, D(2025, 9, 4), office),
        (Kind.CONSULTATION, D(2025, 9, 5), handler),
        (Kind.REPLY, D(2025, 9, 9), legal_reviewer),
    ]
    assert notices[3].consultation == consultation
    assert notices[4].outcome == Outcome.DISCLOSED
    # Each letter has its event, right after the step's own, naming its number.
    events = list(request.events.order_by("id"))
    issued = [(i, event) for i, event in enumerate(events) if event.code == Code.NOTICE_ISSUED]
    assert [events[position - 1].code for position, _event in issued] == [
        Code.SUBMITTED,
        Code.CORRECTION_REQUESTED,
        Code.EXTENDED,
        Code.CONSULTATION_SENT,
        Code.REPLIED,
    ]
    for notice, (_position, event) in zip(notices, issued, strict=True):
        assert event.data == {"notice": notice.pk, "kind": notice.kind, "number": notice.number}
        assert (event.on, event.actor) == (notice.issued_on, notice.issued_by)


def test_the_deadline_job_issues_the_reply_of_an_abandoned_application(submit, office):
    request = submit(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        services.request_correction(request, actor=office, what="请写明文件名称", days=10)
    assert tasks.run_all(today=D(2025, 9, 16))["closed"] == 0
    assert not Notice.objects.filter(request=request, kind=Kind.REPLY).exists()
    assert tasks.run_all(today=D(2025, 9, 17))["closed"] == 1
    request.refresh_from_db()
    assert (request.state, request.outcome) == (State.CLOSED, Outcome.NO_CORRECTION)
    notices = list(Notice.objects.filter(request=request).order_by("issued_at", "id"))
    assert [notice.kind for notice in notices] == [
        Kind.ACKNOWLEDGEMENT,
        Kind.CORRECTION,
        Kind.REPLY,
    ]
    reply = notices[-1]
    assert (reply.issued_on, reply.issued_by, reply.outcome) == (
        D(2025, 9, 17),
        None,
        Outcome.NO_CORRECTION,
    )
    assert reply.template_kind == TemplateKind.REPLY_OTHER
    assert reply.pdf  # the same run rendered it
    event = request.events.get(code=Code.NOTICE_ISSUED, data__kind=Kind.REPLY)
    assert event.actor is None
    assert event.data == {"notice": reply.pk, "kind": Kind.REPLY, "number": reply.number}
    # The job run again issues nothing more.
    tasks.run_all(today=D(2025, 9, 17))
    assert Notice.objects.filter(request=request).count() == 3


# --------------------------------------------------------------------------- the font


def test_a_missing_font_still_issues_but_rendering_is_a_clear_error_and_writes_nothing(
    walked, handler, submit, settings
):
    settings.GONGKAI_NOTICE_FONT = "/nonexistent/uming.ttc"
    media = Path(settings.MEDIA_ROOT)
    with transaction.atomic():
        notice = letters.issue_notice(walked, kind=Kind.REPLY, actor=handler, on=ISSUED_ON)
    assert Notice.objects.filter(pk=notice.pk, number=notice.number).exists()
    with pytest.raises(letters.NoticeFontMissing) as refused:
        letters.render_notice(notice)
    assert isinstance(refused.value, InfoRequestError)
    assert refused.value.message == (
        "Notices cannot be rendered: the Chinese font for their PDF is missing "
        "(/nonexistent/uming.ttc). Install it with “scripts/apt-install fonts-arphic-uming” "
        "(make install does), or set GONGKAI_NOTICE_FONT to a TrueType font with Chinese "
        "characters."
    )
    notice.refresh_from_db()
    assert (notice.docx.name, notice.pdf.name, notice.pdf_sha256) == ("", "", "")
    assert not [path for path in media.rglob("*") if path.is_file()]
    # An online submission never fails for a font: it is received and acknowledged.
    request = submit(D(2025, 9, 16))
    assert request.pk is not None and request.state == State.RECEIVED
    acknowledgement = Notice.objects.get(request=request)
    assert acknowledgement.kind == Kind.ACKNOWLEDGEMENT
    assert not acknowledgement.pdf


def test_characters_the_font_lacks_are_not_logged(submit, office, caplog):
    request = submit(D(2025, 9, 1), name="王𠀀明")  # U+20000 (Extension B): UMing lacks it
    with caplog.at_level(logging.INFO):
        notice = issue(request, Kind.ACKNOWLEDGEMENT, actor=office)
    assert "王𠀀明" in notice.body  # the text keeps it; the DOCX shows it with Word's fonts
    assert "𠀀" not in caplog.text
    assert "fontTools" not in caplog.text  # its forty lines of progress a notice
    assert f"Notice {notice.number}: 1 characters have no glyph" in caplog.text
