"""Numbered notices of applications: rendered from templates, issued as DOCX and PDF, frozen.

:func:`issue_notice` is called by the services inside their transaction: it renders the
template of the issuing agency (else the agency asked, else the default; the built-in texts in
``data/notice_templates/`` become the default rows on first use), allocates the number and
stores a :class:`Notice` whose text never changes afterwards. :func:`render_notice` makes its
DOCX (for printing) and PDF (for e-mail) from that text once, the first time they are needed.
A wrong notice is corrected by :func:`reissue_notice`: a new number, the old notice kept and
marked replaced.

The PDF embeds a subset of a TrueType CJK font (AR PL UMing, Debian's ``fonts-arphic-uming``,
or ``settings.GONGKAI_NOTICE_FONT``), so Chinese renders everywhere and its text can be
extracted; without the font, rendering fails with :class:`NoticeFontMissing`, a translated
:class:`InfoRequestError` (issuing never depends on it). Why fpdf2 and this font:
docs/decisions/0013-notice-documents.md.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import router, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.core import audit
from gongkai.core.models import User
from gongkai.core.numbering import NumberingError, allocate_number, format_number
from gongkai.info_requests import permissions
from gongkai.info_requests.clocks import read_clock
from gongkai.info_requests.models import Consultation, InfoRequest, RequestEvent
from gongkai.info_requests.notice_models import (
    DEFAULT_NOTICE_NUMBER_PATTERN,
    PLACEHOLDERS,
    Notice,
    NoticeSettings,
    NoticeTemplate,
    notice_file_path,
    template_placeholders,
)
from gongkai.info_requests.outcomes import EXEMPTION_ARTICLES, REPORT_ROWS, Exemption, Outcome
from gongkai.info_requests.workflow import InfoRequestError, InfoRequestPermissionDenied

logger = logging.getLogger(__name__)

Kind = Notice.Kind
TemplateKind = NoticeTemplate.Kind
Code = RequestEvent.Code

TEMPLATE_DIR = Path(__file__).resolve().parent / "data" / "notice_templates"

# The fonts tried for the PDF when settings.GONGKAI_NOTICE_FONT is not set: (file, face).
# AR PL UMing CN is a TrueType Mingti (宋体) face: fpdf2 embeds TrueType subsets with an
# Identity-H encoding, which every reader — pypdf included — extracts as text.
DEFAULT_NOTICE_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
FONT_PACKAGE = "fonts-arphic-uming"
PDF_FAMILY = "notice-cjk"

# Word resolves these names on the printing machine (Windows ships both).
DOCX_BODY_FONT = "仿宋"  # FangSong: the body of official documents (GB/T 9704)
DOCX_TITLE_FONT = "宋体"  # SimSun, bold: the title
DOCX_LATIN_FONT = "Times New Roman"

REMEDIES = (
    "如对本答复不服，可以在收到本告知书之日起六十日内向{body}申请行政复议，或者在六个月内向"
    "{court}提起行政诉讼。如认为本机关在政府信息公开工作中侵犯您的合法权益，也可以向上一级"
    "行政机关或者政府信息公开工作主管部门投诉、举报。"
)
DEFAULT_RECONSIDERATION_BODY = "上一级行政机关"
DEFAULT_COURT = "有管辖权的人民法院"

# The reply template of each outcome: the six groups of the annual report's table 三.
REPLY_TEMPLATE_BY_GROUP: dict[str, str] = {
    "1": TemplateKind.REPLY_DISCLOSED,
    "2": TemplateKind.REPLY_PARTLY,
    "3": TemplateKind.REPLY_WITHHELD,
    "4": TemplateKind.REPLY_UNABLE,
    "5": TemplateKind.REPLY_NOT_HANDLED,
    "6": TemplateKind.REPLY_OTHER,
}

# The outcome as printed in the notice (Chinese whatever the interface language).
OUTCOME_WORDS: dict[str, str] = {
    Outcome.ALREADY_PUBLIC: "予以公开（该信息已主动公开）",
    Outcome.DISCLOSED: "予以公开",
    Outcome.PARTLY_DISCLOSED: "部分公开",
    Outcome.WITHHELD_SECRET: "不予公开（属于国家秘密）",
    Outcome.WITHHELD_PROHIBITED: "不予公开（属于法律、行政法规禁止公开的信息）",
    Outcome.WITHHELD_SECURITY: "不予公开（公开后可能危及国家安全、公共安全、经济安全、社会稳定）",
    Outcome.WITHHELD_THIRD_PARTY: "不予公开（公开会对第三方合法权益造成损害）",
    Outcome.WITHHELD_INTERNAL: "不予公开（属于内部事务信息）",
    Outcome.WITHHELD_PROCESS: "不予公开（属于过程性信息）",
    Outcome.WITHHELD_ENFORCEMENT: "不予公开（属于行政执法案卷信息）",
    Outcome.WITHHELD_QUERY: "不予公开（属于行政查询事项，请依照有关法律、行政法规的规定办理）",
    Outcome.NOT_HELD: "无法提供（本机关不掌握相关政府信息）",
    Outcome.OTHER_AGENCY: "无法提供（该信息不属于本机关负责公开）",
    Outcome.NEEDS_CREATION: "无法提供（没有现成信息，需要另行制作）",
    Outcome.STILL_UNCLEAR: "无法提供（补正后申请内容仍不明确）",
    Outcome.PETITION: "不予处理（属于信访、投诉、举报事项，请通过相应渠道提出）",
    Outcome.REPEAT: "不予处理（属于重复申请）",
    Outcome.PUBLICATION: "不予处理（要求提供公开出版物）",
    Outcome.EXCESSIVE: "不予处理（申请的数量、频次明显超过合理范围）",
    Outcome.CONFIRMATION: "不予处理（要求行政机关确认或者重新出具已获取的信息）",
    Outcome.NO_CORRECTION: "其他处理（无正当理由逾期不补正，视为放弃申请）",
    Outcome.UNPAID_FEE: "其他处理（逾期未缴纳信息处理费，视为放弃申请）",
    Outcome.OTHER: "其他处理",
}

EXEMPTION_WORDS: dict[str, str] = {
    Exemption.SECRET: "属于国家秘密",
    Exemption.PROHIBITED: "属于法律、行政法规禁止公开的信息",
    Exemption.SECURITY: "公开后可能危及国家安全、公共安全、经济安全、社会稳定",
    Exemption.THIRD_PARTY: "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
    Exemption.INTERNAL: "属于人事管理、后勤管理、内部工作流程等方面的内部事务信息",
    Exemption.PROCESS: "属于行政机关在履行行政管理职能过程中形成的过程性信息",
    Exemption.ENFORCEMENT: "属于行政执法案卷信息",
    Exemption.QUERY: "属于法律、行政法规对信息的获取有特别规定的行政查询事项",
}

# The article each letter applies, by rule set. Where the 2007 article is not certain the
# basis is left empty and the template reads "根据《……条例》的规定".
LEGAL_BASIS: dict[str, dict[str, str]] = {
    "2019": {
        Kind.ACKNOWLEDGEMENT: "第三十三条",
        Kind.CORRECTION: "第三十条",
        Kind.EXTENSION: "第三十三条第二款",
        Kind.CONSULTATION: "第三十二条",
        Kind.FEE: "第四十二条",
        Kind.TRANSFER: "",
        Outcome.ALREADY_PUBLIC: "第三十六条第（一）项",
        Outcome.DISCLOSED: "第三十六条第（二）项",
        Outcome.PARTLY_DISCLOSED: "第三十七条",
        Outcome.WITHHELD_SECRET: "第十四条、第三十六条第（三）项",
        Outcome.WITHHELD_PROHIBITED: "第十四条、第三十六条第（三）项",
        Outcome.WITHHELD_SECURITY: "第十四条、第三十六条第（三）项",
        Outcome.WITHHELD_THIRD_PARTY: "第十五条、第三十六条第（三）项",
        Outcome.WITHHELD_INTERNAL: "第十六条第一款、第三十六条第（三）项",
        Outcome.WITHHELD_PROCESS: "第十六条第二款、第三十六条第（三）项",
        Outcome.WITHHELD_ENFORCEMENT: "第十六条第二款、第三十六条第（三）项",
        Outcome.WITHHELD_QUERY: "第三十六条第（七）项",
        Outcome.NOT_HELD: "第三十六条第（四）项",
        Outcome.OTHER_AGENCY: "第三十六条第（五）项",
        Outcome.NEEDS_CREATION: "第三十八条",
        Outcome.STILL_UNCLEAR: "第三十条",
        Outcome.PETITION: "第三十九条第一款",
        Outcome.REPEAT: "第三十六条第（六）项",
        Outcome.PUBLICATION: "第三十九条第二款",
        Outcome.EXCESSIVE: "第三十五条",
        Outcome.NO_CORRECTION: "第三十条",
        Outcome.UNPAID_FEE: "第四十二条",
    },
    "2007": {
        Kind.ACKNOWLEDGEMENT: "第二十四条",
        Kind.CORRECTION: "第二十一条第（四）项",
        Kind.EXTENSION: "第二十四条第二款",
        Kind.CONSULTATION: "第二十三条",
        Kind.FEE: "第二十七条",
    },
}


class NoticeFontMissing(InfoRequestError):
    """The CJK font for the PDF is not installed: the notice cannot be rendered (it stays
    issued, and is rendered once the font is there)."""


# --------------------------------------------------------------------------- templates


@cache
def builtin_template(template_kind: str) -> tuple[str, str]:
    """The built-in (title, body) of a template kind, from ``data/notice_templates``: the
    first line is the title, a blank line, then the body."""
    text = (TEMPLATE_DIR / f"{template_kind}.txt").read_text(encoding="utf-8")
    title, _blank, body = text.partition("\n\n")
    return title.strip(), body.strip()


def default_templates() -> list[NoticeTemplate]:
    """The government-wide default template of every kind (unsaved), from the built-in texts:
    for seeding, or to show an administrator what a template looks like."""
    templates = []
    for template_kind in TemplateKind.values:
        title, body = builtin_template(template_kind)
        templates.append(NoticeTemplate(agency=None, kind=template_kind, title=title, body=body))
    return templates


def template_kind_for(request: InfoRequest, kind: str) -> str:
    """The template of a letter: for a reply, the one of the outcome's group in table 三."""
    if kind != Kind.REPLY:
        return kind
    if not request.outcome:
        raise InfoRequestError(_("The application has no outcome to reply with."))
    return REPLY_TEMPLATE_BY_GROUP[REPORT_ROWS[request.outcome].key.split(".")[0]]


def template_for(template_kind: str, *agencies: Agency) -> NoticeTemplate:
    """The template of the first of ``agencies`` that has one, else the default; the default
    row is made from the built-in text on first use, so administrators find it to edit."""
    ids = [agency.pk for agency in agencies]
    rows = {
        row.agency_id: row
        for row in NoticeTemplate.objects.filter(kind=template_kind, agency_id__in=ids)
    }
    for agency_id in ids:
        if agency_id in rows:
            return rows[agency_id]
    defaults = NoticeTemplate.objects.filter(kind=template_kind, agency__isnull=True)
    default = defaults.first()
    if default is None:
        title, body = builtin_template(template_kind)
        # INSERT … ON CONFLICT DO NOTHING: two first uses at once make one row, and the
        # second transaction is not broken by a unique violation.
        NoticeTemplate.objects.bulk_create(
            [NoticeTemplate(agency=None, kind=template_kind, title=title, body=body)],
            ignore_conflicts=True,
        )
        default = defaults.get()
    return default


def notice_settings_for(agency: Agency) -> tuple[str, str, str]:
    """The agency's (number pattern, reconsideration body, court), each from its own settings,
    else the default settings, else the built-in default."""
    rows = {
        row.agency_id: row
        for row in NoticeSettings.objects.filter(agency_id=agency.pk)
        | NoticeSettings.objects.filter(agency__isnull=True)
    }
    chain = [row for row in (rows.get(agency.pk), rows.get(None)) if row is not None]
    pattern = next((row.number_pattern for row in chain if row.number_pattern), None)
    body = next((row.reconsideration_body for row in chain if row.reconsideration_body), None)
    court = next((row.court for row in chain if row.court), None)
    if body is None:
        # Since the 2024 Administrative Reconsideration Law a department's decisions are
        # reconsidered by its people's government: the agency's parent, where recorded.
        body = agency.parent.name if agency.parent is not None else DEFAULT_RECONSIDERATION_BODY
    return pattern or DEFAULT_NOTICE_NUMBER_PATTERN, body, court or DEFAULT_COURT


def remedies_paragraph(agency: Agency) -> str:
    """The remedies paragraph of every reply (REG 51)."""
    _pattern, body, court = notice_settings_for(agency)
    return REMEDIES.format(body=body, court=court)


def render_text(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its placeholders filled; every placeholder must be a known one."""
    template_placeholders(text)  # a row changed behind save() must still be refused
    return text.format_map({name: values.get(name, "") for name in PLACEHOLDERS})


# --------------------------------------------------------------------------- values


def chinese_date(value: datetime.date | None) -> str:
    """2025年3月3日 (GB/T 9704 writes dates in Arabic numerals, without leading zeros)."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: object) -> str:
    """Text as it may go into a document: no control characters (XML refuses them)."""
    return _CONTROL_RE.sub("", str(value)).strip()


def _one_line(value: object) -> str:
    return re.sub(r"\s*\n\s*", " ", _clean(value))


def _clause(value: object) -> str:
    """A reason written as a sentence, used inside one: without its final stop."""
    return _one_line(value).rstrip("。.；;，,")


def _latest_event(request: InfoRequest, code: str) -> RequestEvent | None:
    return request.events.filter(code=code).order_by("-on", "-at", "-id").first()


def _withheld_lines(request: InfoRequest) -> str:
    lines = []
    cites_articles = request.rule_set == "2019"
    for position, part in enumerate(request.withheld.all(), start=1):
        article = EXEMPTION_ARTICLES.get(part.exemption, "") if cites_articles else ""
        line = (
            f"{position}. {_one_line(part.description)}：{EXEMPTION_WORDS.get(part.exemption, '')}"
            f"，根据《中华人民共和国政府信息公开条例》{article}的规定不予公开。"
        )
        reason = _one_line(part.reason)
        if reason:
            line += reason if reason.endswith(("。", ".")) else f"{reason}。"
        lines.append(line)
    return "\n".join(lines)


def agency_contact(agency: Agency) -> str:
    parts = []
    if agency.address:
        parts.append(f"联系地址：{_one_line(agency.address)}")
    phone = agency.phone or agency.contact_phone
    if phone:
        parts.append(f"联系电话：{_one_line(phone)}")
    return "；".join(parts) + ("。" if parts else "")


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def notice_values(
    request: InfoRequest,
    *,
    kind: str,
    agency: Agency,
    on: datetime.date,
    consultation: Consultation | None = None,
) -> dict[str, str]:
    """The value of every placeholder for a letter of ``kind`` about ``request`` (without its
    number, allocated later). Raises InfoRequestError when the letter has nothing to say:
    a fee notice without a fee, a correction notice without a correction asked …"""
    values = dict.fromkeys(PLACEHOLDERS, "")
    basis = LEGAL_BASIS.get(request.rule_set, {})
    values.update(
        request_number=request.number,
        applicant_name=_one_line(request.name),
        received_date=chinese_date(request.received_on),
        asked_agency=request.agency.name,
        agency_name=agency.name,
        agency_contact=agency_contact(agency),
        description=_one_line(request.description),
        legal_basis=basis.get(kind, ""),
        reply_text=_clean(request.reply_text),
        referred_agency=_one_line(request.referred_agency),
        today=chinese_date(on),
        remedies=remedies_paragraph(agency),
        extension_days=str(request.extension_days) if request.extension_days else "",
        correction_due_date=chinese_date(request.correction_due_on),
    )
    if request.referred_agency.strip():
        values["referral"] = (
            f"该政府信息的公开机关为{_one_line(request.referred_agency)}，"
            "您可以向其咨询或者提出申请。"
        )
    reading = read_clock(request, today=on)
    values["due_date"] = chinese_date(reading.due_date or request.due_on)

    if kind == Kind.REPLY:
        if not request.outcome:
            raise InfoRequestError(_("The application has no outcome to reply with."))
        values["outcome_label"] = OUTCOME_WORDS.get(request.outcome, "")
        values["legal_basis"] = basis.get(request.outcome, "")
        values["withheld_parts"] = _withheld_lines(request)
    elif kind == Kind.CORRECTION:
        event = _latest_event(request, Code.CORRECTION_REQUESTED)
        if event is None:
            raise InfoRequestError(_("No correction was asked for this application."))
        values["correction_text"] = _clean(event.comment)
        if event.data.get("due_on"):
            values["correction_due_date"] = chinese_date(
                datetime.date.fromisoformat(event.data["due_on"])
            )
    elif kind == Kind.EXTENSION:
        event = _latest_event(request, Code.EXTENDED)
        if event is None or not request.extension_days:
            raise InfoRequestError(_("This application has not been extended."))
        values["extension_reason"] = _clause(event.comment)
    elif kind == Kind.CONSULTATION:
        consultation = consultation_for(request, consultation)
        values["consultation_party"] = _one_line(consultation.party)
        values["consultation_due_date"] = chinese_date(consultation.due_on)
    elif kind == Kind.FEE:
        fee = request.fees.order_by("-issued_on", "-id").first()
        if fee is None:
            raise InfoRequestError(_("No fee notice was issued for this application."))
        values.update(
            fee_amount=_amount(fee.amount),
            fee_basis=_clean(fee.basis),
            fee_payment=_clean(fee.payment),
            fee_due_date=chinese_date(fee.due_on),
        )
    elif kind == Kind.TRANSFER:
        event = _latest_event(request, Code.TRANSFERRED)
        if event is None or request.handling_agency is None:
            raise InfoRequestError(_("This application has not been transferred."))
        target = Agency.objects.filter(pk=event.data.get("to")).first()
        values["transfer_agency"] = (target or request.handling_agency).name
        values["transfer_reason"] = _clause(event.comment)
    return values


def consultation_for(request: InfoRequest, consultation: Consultation | None) -> Consultation:
    """The consultation a consultation letter is about: the one given, else the latest
    third-party consultation (else the latest of any kind)."""
    if consultation is None:
        consultations = request.consultations.order_by("-sent_on", "-id")
        consultation = (
            consultations.filter(kind=Consultation.Kind.THIRD_PARTY).first()
            or consultations.first()
        )
    if consultation is None or consultation.request_id != request.pk:
        raise InfoRequestError(_("No consultation was sent for this application."))
    return consultation


def issuing_agency(request: InfoRequest, kind: str) -> Agency:
    """Who signs the letter: the acknowledgement and the transfer notice come from the agency
    asked (its disclosure office received and transferred the application); every other
    letter from the handling agency, else the agency asked."""
    if kind in (Kind.ACKNOWLEDGEMENT, Kind.TRANSFER) or request.handling_agency is None:
        return request.agency
    return request.handling_agency


# --------------------------------------------------------------------------- numbers


class _SerialMark:
    """Stands for the serial when the number's scope is computed."""

    def __format__(self, spec: str) -> str:
        return "#"


def allocate_notice_number(pattern: str, *, agency: Agency, on: datetime.date) -> str:
    """The next notice number of ``pattern`` for ``agency`` in ``on``'s year.

    The counter's scope is the number without its serial (张政办依申告〔2025〕#号), so two
    agencies whose numbers would look alike share one counter and numbers are unique whatever
    the patterns; a pattern with {year} restarts each year.
    """
    values = {
        "agency_short": agency.short_name or agency.name,
        "org_code": agency.org_code,
        "year": on.year,
    }
    try:
        prefix = format_number(pattern, serial=_SerialMark(), **values)
        scope = f"notice:{prefix}"
        if len(scope) > 200:
            scope = f"notice:{hashlib.sha256(prefix.encode()).hexdigest()}"
        _serial, number = allocate_number(scope=scope, pattern=pattern, **values)
    except NumberingError as error:
        raise InfoRequestError(str(error)) from None
    return number


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class Letter:
    """What a notice prints, in order."""

    title: str
    number: str
    salutation: str
    paragraphs: tuple[str, ...]
    signature: str
    date: str
    author: str
    issued_at: datetime.datetime

    @classmethod
    def from_text(
        cls,
        *,
        title: str,
        number: str,
        body: str,
        agency: Agency,
        on: datetime.date,
        issued_at: datetime.datetime,
    ) -> Letter:
        lines = body.split("\n")
        return cls(
            title=title,
            number=number,
            salutation=lines[0] if lines else "",
            paragraphs=tuple(lines[1:]),
            signature=agency.name,
            date=chinese_date(on),
            author=agency.name,
            issued_at=issued_at,
        )


def fill_template(template: NoticeTemplate, values: Mapping[str, str]) -> tuple[str, str]:
    """The title and body ``template`` makes with ``values``: placeholders filled, the title on
    one line, the body one paragraph a line. Issuing and the editor's preview both use it."""
    title = _one_line(render_text(template.title, values))
    return title, _normalise_body(render_text(template.body, values))


def _normalise_body(text: str) -> str:
    """One paragraph a line, without blank lines or surrounding spaces (ideographic ones
    included: the documents indent paragraphs themselves)."""
    lines = (_clean(line).strip("\u3000 \t") for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def build_docx(letter: Letter) -> bytes:
    """The notice as DOCX for printing: A4 with the margins of GB/T 9704, the title in 宋体
    (bold, 二号) centred, the body in 仿宋 三号 with a fixed 28-point line, the signature and
    date on the right, the page number in the footer."""
    from docx import Document as new_document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = new_document()

    def set_fonts(r_pr: Any, east_asia: str) -> None:
        fonts = r_pr.get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font would win over the names below
        fonts.set(qn("w:ascii"), DOCX_LATIN_FONT)
        fonts.set(qn("w:hAnsi"), DOCX_LATIN_FONT)
        fonts.set(qn("w:cs"), DOCX_LATIN_FONT)
        fonts.set(qn("w:eastAsia"), east_asia)
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            r_pr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
        lang.set(qn("w:eastAsia"), "zh-CN")

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        default_r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if default_r_pr is not None:
            set_fonts(default_r_pr, DOCX_BODY_FONT)

    def paragraph_style(
        name: str, *, east_asia: str, size: int, bold: bool = False, align: Any = None
    ) -> Any:
        style = (
            document.styles["Normal"]
            if name == "Normal"
            else document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        )
        if name != "Normal":
            style.base_style = document.styles["Normal"]
        style.font.size = Pt(size)
        style.font.bold = bold
        set_fonts(style.element.get_or_add_rPr(), east_asia)
        layout = style.paragraph_format
        layout.space_before = Pt(0)
        layout.space_after = Pt(0)
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = Pt(28)
        if align is not None:
            layout.alignment = align
        return style

    body_style = paragraph_style("Normal", east_asia=DOCX_BODY_FONT, size=16)
    body_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    title_style = paragraph_style(
        "Notice Title", east_asia=DOCX_TITLE_FONT, size=22, bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )  # fmt: skip
    title_style.paragraph_format.line_spacing = Pt(36)
    number_style = paragraph_style(
        "Notice Number", east_asia=DOCX_BODY_FONT, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    number_style.paragraph_format.space_after = Pt(14)
    signature_style = paragraph_style(
        "Notice Signature", east_asia=DOCX_BODY_FONT, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    signature_style.paragraph_format.right_indent = Pt(64)  # 右空四字 (GB/T 9704)

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    page = OxmlElement("w:fldSimple")
    page.set(qn("w:instr"), "PAGE")
    page_run = OxmlElement("w:r")
    page_text = OxmlElement("w:t")
    page_text.text = "1"
    page_run.append(page_text)
    page.append(page_run)
    footer._p.append(page)
    footer.add_run(" —")

    document.add_paragraph(letter.title, style=title_style)
    document.add_paragraph(letter.number, style=number_style)
    salutation = document.add_paragraph(letter.salutation, style=body_style)
    salutation.paragraph_format.first_line_indent = Pt(0)
    for text in letter.paragraphs:
        paragraph = document.add_paragraph(text, style=body_style)
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters
    signature = document.add_paragraph(letter.signature, style=signature_style)
    signature.paragraph_format.space_before = Pt(56)
    document.add_paragraph(letter.date, style=signature_style)

    properties = document.core_properties
    properties.title = letter.title
    properties.subject = letter.number
    properties.author = letter.author
    properties.comments = ""
    properties.keywords = ""
    properties.last_modified_by = letter.author
    properties.language = "zh-CN"
    properties.revision = 1
    issued = letter.issued_at.astimezone(datetime.UTC).replace(tzinfo=None)
    properties.created = properties.modified = issued
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


@dataclass(frozen=True)
class NoticeFont:
    path: Path
    index: int  # the face in a TrueType collection (.ttc)


def notice_font() -> NoticeFont:
    """The CJK TrueType font embedded in PDF notices; NoticeFontMissing when not installed."""
    configured = getattr(settings, "GONGKAI_NOTICE_FONT", None)
    if configured:
        candidates: tuple[tuple[str, int], ...] = (
            (str(configured), int(getattr(settings, "GONGKAI_NOTICE_FONT_INDEX", 0))),
        )
    else:
        candidates = DEFAULT_NOTICE_FONTS
    for path, index in candidates:
        if Path(path).is_file():
            return NoticeFont(path=Path(path), index=index)
    raise NoticeFontMissing(
        _(
            "Notices cannot be rendered: the Chinese font for their PDF is missing (%(path)s). "
            "Install it with “scripts/apt-install %(package)s” (make install does), or set "
            "GONGKAI_NOTICE_FONT to a TrueType font with Chinese characters."
        )
        % {"path": candidates[0][0], "package": FONT_PACKAGE}
    )


class _FontLogFilter(logging.Filter):
    """fpdf2 logs the characters a font lacks — they may be an applicant's name, which must
    never reach a log (build_pdf logs their count instead) —, and fontTools' subsetter logs
    some forty lines of progress a notice and that it drops UMing's unused BDF table."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if record.name.startswith("fontTools"):
            return record.levelno >= logging.WARNING and "NOT subset" not in message
        return "is missing the following glyphs" not in message


@cache
def _quiet_font_logs() -> None:
    quiet = _FontLogFilter()
    logging.getLogger("fpdf.output").addFilter(quiet)
    logging.getLogger("fontTools.subset").addFilter(quiet)


def build_pdf(letter: Letter, font: NoticeFont) -> bytes:
    """The notice as PDF for e-mail, laid out like the DOCX, with a subset of ``font``
    embedded (Identity-H with a ToUnicode map, so the text can be searched and copied)."""
    from fpdf import FPDF
    from fpdf.enums import TextMode, WrapMode, XPos, YPos

    _quiet_font_logs()

    class NoticePDF(FPDF):
        def footer(self) -> None:
            self.set_y(-25)
            self.set_font(PDF_FAMILY, size=14)
            self.cell(0, 10, f"— {self.page_no()} —", align="C")

    pdf = NoticePDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(left=28, top=37, right=26)
    pdf.set_auto_page_break(True, margin=35)
    try:
        pdf.add_font(PDF_FAMILY, fname=str(font.path), collection_font_number=font.index)
    except Exception as error:  # a damaged or unsupported font file: fontTools raises anything
        logger.error("Notice font %s cannot be loaded: %s", font.path, error)
        raise NoticeFontMissing(
            _("Notices cannot be rendered: the Chinese font %(path)s cannot be read.")
            % {"path": font.path}
        ) from None
    pdf.set_title(letter.title)
    pdf.set_subject(letter.number)
    pdf.set_author(letter.author)
    pdf.set_creator("Gongkai")
    pdf.set_lang("zh-CN")
    pdf.set_creation_date(letter.issued_at)
    pdf.add_page()

    def block(text: str, *, size: float, height: float, align: str) -> None:
        pdf.set_font(PDF_FAMILY, size=size)
        pdf.multi_cell(
            0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
            wrapmode=WrapMode.CHAR,
        )  # fmt: skip

    with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.25):  # bold, like Word
        block(letter.title, size=22, height=12, align="C")
    block(letter.number, size=16, height=10, align="R")
    pdf.ln(4)
    block(letter.salutation, size=16, height=10, align="L")
    for text in letter.paragraphs:
        block("\u3000\u3000" + text, size=16, height=10, align="L")
    pdf.ln(20)
    pdf.set_right_margin(26 + 22.6)  # four characters off the edge (右空四字), as the DOCX
    block(letter.signature, size=16, height=10, align="R")
    block(letter.date, size=16, height=10, align="R")
    data = bytes(pdf.output())
    missing = sum(len(getattr(added, "missing_glyphs", ())) for added in pdf.fonts.values())
    if missing:
        logger.warning(
            "Notice %s: %d characters have no glyph in the notice font", letter.number, missing
        )
    return data


# --------------------------------------------------------------------------- issuing


def issue_notice(
    request: InfoRequest,
    *,
    kind: str,
    actor: User | None,
    on: datetime.date,
    replaces: Notice | None = None,
    consultation: Consultation | None = None,
    reason: str = "",
) -> Notice:
    """Issue a numbered notice of ``kind`` about ``request``, dated ``on``: its number and
    text are frozen from now on; its DOCX and PDF are rendered from that text once, when first
    needed (:func:`render_notice`), so that the service that decides does not wait for a PDF.

    Call inside the transaction of the service that decided what the letter says, so that
    the number and the notice commit or roll back with the decision (files written before a
    rollback stay behind unreferenced). ``replaces`` is the notice this one corrects: it is
    kept and marked replaced. ``consultation`` chooses the consultation a consultation letter
    is about (default: the latest third-party one). ``actor`` is None for the deadline job.
    """
    using = router.db_for_write(Notice)
    if not transaction.get_connection(using).in_atomic_block:
        raise transaction.TransactionManagementError(
            "issue_notice() must be called inside the service's transaction.atomic() block."
        )
    if kind not in Kind.values:
        raise InfoRequestError(_("Choose the kind of letter."), field="kind")
    if replaces is not None:
        if replaces.request_id != request.pk or replaces.kind != kind:
            raise InfoRequestError(
                _("A notice is replaced by a notice of the same kind about the same application.")
            )
        if replaces.replaced_on is not None:
            raise InfoRequestError(
                _("Notice %(number)s has been replaced already: correct its replacement.")
                % {"number": replaces.number}
            )
        if on < replaces.issued_on:
            raise InfoRequestError(
                _("A new notice cannot be dated before the notice it replaces."), field="on"
            )
    agency = issuing_agency(request, kind)
    template_kind = template_kind_for(request, kind)
    template = template_for(template_kind, *dict.fromkeys([agency, request.agency]))
    if kind == Kind.CONSULTATION:
        consultation = consultation_for(request, consultation)
    values = notice_values(request, kind=kind, agency=agency, on=on, consultation=consultation)
    pattern, _body, _court = notice_settings_for(agency)
    number = allocate_notice_number(pattern, agency=agency, on=on)
    values["number"] = number
    title, body = fill_template(template, values)
    notice = Notice(
        request=request,
        agency=agency,
        kind=kind,
        template_kind=template_kind,
        outcome=request.outcome if kind == Kind.REPLY else "",
        number=number,
        issued_on=on,
        issued_at=timezone.now(),
        issued_by=actor if actor is not None and actor.is_authenticated else None,
        title=title,
        body=body,
        replaces=replaces,
        reissue_reason=_clean(reason),
        consultation=consultation if kind == Kind.CONSULTATION else None,
    )
    notice.save()
    if replaces is not None:
        replaces.replaced_on = on
        replaces.save(update_fields=["replaced_on"])
    audit.record(
        "info_requests.issue_notice",
        actor=actor,
        obj=request,
        agency_id=agency.pk,
        details={
            "notice": notice.pk,
            "kind": kind,
            "number": number,
            "replaces": replaces.pk if replaces is not None else None,
        },
    )
    return notice


def render_notice(notice: Notice) -> Notice:
    """The notice with its DOCX and PDF, rendered from its frozen text the first time they are
    needed (a download, the daily job) and stored with their SHA-256; never rendered again.

    The rendering is a pure function of the issued text, number, agency and date, so a later
    change of template or settings never changes an issued notice."""
    if notice.docx and notice.pdf:
        return notice
    font = notice_font()
    with transaction.atomic():
        current = Notice.objects.select_for_update().select_related("agency").get(pk=notice.pk)
        if current.docx and current.pdf:
            return current
        letter = Letter.from_text(
            title=current.title,
            number=current.number,
            body=current.body,
            agency=current.agency,
            on=current.issued_on,
            issued_at=current.issued_at,
        )
        docx = build_docx(letter)
        pdf = build_pdf(letter, font)
        storage = Notice._meta.get_field("docx").storage  # type: ignore[attr-defined]
        docx_name = storage.save(notice_file_path(current, "notice.docx"), ContentFile(docx))
        pdf_name = storage.save(notice_file_path(current, "notice.pdf"), ContentFile(pdf))
        # Set once: the condition on the empty names makes a second rendering a no-op.
        Notice.objects.filter(pk=current.pk, docx="", pdf="").update(
            docx=docx_name,
            pdf=pdf_name,
            docx_sha256=hashlib.sha256(docx).hexdigest(),
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        )
        return Notice.objects.select_related("agency").get(pk=current.pk)


def render_pending_notices(*, limit: int = 200) -> int:
    """Render the notices issued since the last run (the daily job); returns how many."""
    rendered = 0
    for notice in Notice.objects.filter(Q(docx="") | Q(pdf="")).order_by("issued_at")[:limit]:
        render_notice(notice)
        rendered += 1
    return rendered


def reissue_notice(notice: Notice, *, actor: User, on: datetime.date, reason: str) -> Notice:
    """Correct a notice (the applicant's details or the text were wrong): a new numbered
    notice rendered from the application as it is now, replacing the old one, which stays.

    Done by the disclosure office or the handling agency's handler, with the reason."""
    if not reason.strip():
        raise InfoRequestError(_("Give the reason for the new notice."), field="reason")
    with transaction.atomic():
        old = Notice.objects.select_for_update().get(pk=notice.pk)
        request = InfoRequest.objects.select_for_update().get(pk=old.request_id)
        if not (
            permissions.can_receive_requests(actor)
            or permissions.can_handle_request(actor, request)
        ):
            raise InfoRequestPermissionDenied(_("You may not correct the notices of this case."))
        return issue_notice(
            request,
            kind=old.kind,
            actor=actor,
            on=on,
            replaces=old,
            consultation=old.consultation,
            reason=reason,
        )


# --------------------------------------------------------------------------- selectors


def notices_for(request: InfoRequest) -> QuerySet[Notice]:
    """Every notice of the application, newest first (for the staff's case page)."""
    return (
        Notice.objects.filter(request=request)
        .select_related("agency", "issued_by", "replaces")
        .order_by("-issued_at", "-id")
    )


def applicant_notices(request: InfoRequest) -> QuerySet[Notice]:
    """The notices the applicant may download on the status page: every letter addressed to
    the applicant (replaced ones included, marked), not the consultation letter, which goes to
    a third party."""
    return notices_for(request).exclude(kind__in=Notice.NOT_FOR_APPLICANT)
