"""Changing and previewing the notice templates and notice settings of an agency (or the
defaults): the only code that changes them. Each service runs in one transaction, checks
``permissions.can_edit_notice_templates`` and is audited; none takes an HTTP request. Issued
notices are never touched — their text was frozen when issued (decision 0013). The preview fills
a template with an invented sample application, never a real applicant's data.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.core import audit
from gongkai.core.models import User
from gongkai.core.numbering import NumberingError, format_number
from gongkai.info_requests import letters, permissions
from gongkai.info_requests.notice_models import (
    DEFAULT_NOTICE_NUMBER_PATTERN,
    NUMBER_PATTERN_SAMPLE,
    PLACEHOLDERS,
    NoticeSettings,
    NoticeTemplate,
)
from gongkai.info_requests.outcomes import EXEMPTION_ARTICLES, Exemption, Outcome
from gongkai.info_requests.workflow import InfoRequestError, InfoRequestPermissionDenied

Kind = NoticeTemplate.Kind


def templates_of(agency: Agency | None) -> QuerySet[NoticeTemplate]:
    if agency is None:
        return NoticeTemplate.objects.filter(agency__isnull=True)
    return NoticeTemplate.objects.filter(agency=agency)


def settings_of(agency: Agency | None) -> QuerySet[NoticeSettings]:
    if agency is None:
        return NoticeSettings.objects.filter(agency__isnull=True)
    return NoticeSettings.objects.filter(agency=agency)


def require_editor(actor: User, agency: Agency | None) -> None:
    if permissions.can_edit_notice_templates(actor, agency):
        return
    if agency is None:
        raise InfoRequestPermissionDenied(
            _("Only the disclosure office edits the default notice templates.")
        )
    raise InfoRequestPermissionDenied(
        _("You may not edit the notice templates of %(agency)s.") % {"agency": agency.name}
    )


def _require_kind(kind: str) -> None:
    if kind not in Kind.values:
        raise InfoRequestError(_("Choose the kind of letter."), field="kind")


def _full_clean(obj: NoticeTemplate | NoticeSettings) -> None:
    """The model's own checks, raised as the app's error naming the field."""
    try:
        obj.full_clean()
    except ValidationError as error:
        for field, field_messages in error.message_dict.items():
            raise InfoRequestError(
                field_messages[0], field=None if field == NON_FIELD_ERRORS else field
            ) from None


def _save_once(obj: NoticeTemplate | NoticeSettings) -> None:
    """Save in a savepoint: a row made by someone else at the same moment (the unique
    constraint) is refused with a message instead of breaking the transaction."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise InfoRequestError(
            _("Someone else saved this at the same moment: reload the page and try again.")
        ) from None


def save_notice_template(
    agency: Agency | None, *, kind: str, title: str, body: str, actor: User
) -> NoticeTemplate:
    """Make or change ``agency``'s own template of ``kind`` (``agency`` None: the default of
    every agency without its own, which only the office edits).

    Only notices issued afterwards read the new text: an issued notice keeps the text it was
    issued with. Saving the same text again changes and records nothing."""
    require_editor(actor, agency)
    _require_kind(kind)
    with transaction.atomic():
        template = templates_of(agency).select_for_update().filter(kind=kind).first()
        created = template is None
        if template is None:
            template = NoticeTemplate(agency=agency, kind=kind)
        previous = {"title": template.title, "body": template.body}
        template.title, template.body = title, body
        changed = [name for name, value in previous.items() if getattr(template, name) != value]
        if not changed:
            return template
        _full_clean(template)
        _save_once(template)
        details: dict[str, Any] = {"kind": kind, "created": created, "changed": changed}
        if not created:
            details["previous"] = previous  # the text replaced: templates are no personal data
        audit.record(
            "info_requests.save_notice_template",
            actor=actor,
            obj=template,
            agency_id=agency.pk if agency is not None else None,
            details=details,
        )
    return template


def revert_notice_template(
    agency: Agency | None, *, kind: str, actor: User
) -> NoticeTemplate | None:
    """Delete ``agency``'s own template of ``kind``: the agency uses the default again. For the
    defaults (``agency`` None) the built-in text comes back, made again on first use.

    Returns the deleted template, or None when there was none (nothing is recorded)."""
    require_editor(actor, agency)
    _require_kind(kind)
    with transaction.atomic():
        template = templates_of(agency).select_for_update().filter(kind=kind).first()
        if template is None:
            return None
        audit.record(
            "info_requests.revert_notice_template",
            actor=actor,
            obj=template,
            agency_id=agency.pk if agency is not None else None,
            details={"kind": kind, "previous": {"title": template.title, "body": template.body}},
        )
        template.delete()
    return template


def save_notice_settings(
    agency: Agency | None,
    *,
    number_pattern: str,
    reconsideration_body: str,
    court: str,
    actor: User,
) -> NoticeSettings:
    """Make or change ``agency``'s notice settings (``agency`` None: the defaults, the office
    only). Each value left empty is inherited from the defaults, else the built-in one.

    A new pattern numbers the notices issued afterwards (its own counter); issued notices
    keep their numbers."""
    require_editor(actor, agency)
    with transaction.atomic():
        row = settings_of(agency).select_for_update().first()
        created = row is None
        if row is None:
            row = NoticeSettings(agency=agency)
        wanted = {
            "number_pattern": number_pattern,
            "reconsideration_body": reconsideration_body,
            "court": court,
        }
        previous = {name: getattr(row, name) for name in wanted}
        changed = [name for name, value in wanted.items() if previous[name] != value]
        if not changed:
            return row
        for name in changed:
            setattr(row, name, wanted[name])
        _full_clean(row)
        _save_once(row)
        details: dict[str, Any] = {"created": created, "changed": changed}
        if not created:
            details["previous"] = {name: previous[name] for name in changed}
        audit.record(
            "info_requests.save_notice_settings",
            actor=actor,
            obj=row,
            agency_id=agency.pk if agency is not None else None,
            details=details,
        )
    return row


# --------------------------------------------------------------------------- the preview

# An invented application the preview fills the templates with: never a real applicant's.
# The reply of each group is shown with an outcome of that group (table 三).
SAMPLE_ON = datetime.date(2026, 3, 4)  # the date of the sample notice
SAMPLE_AGENCY_NAME = "某某市某某局"  # signs the defaults' preview when the user has no agency
SAMPLE_OUTCOMES: dict[str, str] = {
    Kind.REPLY_DISCLOSED: Outcome.DISCLOSED,
    Kind.REPLY_PARTLY: Outcome.PARTLY_DISCLOSED,
    Kind.REPLY_WITHHELD: Outcome.WITHHELD_THIRD_PARTY,
    Kind.REPLY_UNABLE: Outcome.OTHER_AGENCY,
    Kind.REPLY_NOT_HANDLED: Outcome.REPEAT,
    Kind.REPLY_OTHER: Outcome.NO_CORRECTION,
}
SAMPLE_APPLICATION: dict[str, str] = {
    "request_number": "YSQ202600123",
    "applicant_name": "张三",
    "received_date": "2026年3月2日",
    "description": "2025年本区城乡最低生活保障资金发放情况",
    "due_date": "2026年3月30日",
}
# The values of one kind of letter only (as ``letters.notice_values`` fills them).
SAMPLE_BY_KIND: dict[str, dict[str, str]] = {
    Kind.CORRECTION: {
        "correction_text": "请写明所需信息的年份和区域。",
        "correction_due_date": "2026年3月18日",
    },
    Kind.EXTENSION: {"extension_days": "20", "extension_reason": "需要检索的信息较多"},
    Kind.CONSULTATION: {
        "consultation_party": "某某物业有限公司",
        "consultation_due_date": "2026年3月19日",
    },
    Kind.FEE: {
        "fee_amount": "100.00",
        "fee_basis": "按件计收：超出每月10件的部分，每件100元。",
        "fee_payment": "请通过银行转账缴纳，并注明申请编号。",
        "fee_due_date": "2026年3月24日",
    },
    Kind.TRANSFER: {
        "transfer_agency": "某某市民政局",
        "transfer_reason": "该信息由民政部门制作和保存",
    },
    Kind.REPLY_DISCLOSED: {
        "reply_text": "现向您提供《2025年城乡最低生活保障资金发放情况表》电子版一份，见附件。",
    },
    Kind.REPLY_PARTLY: {
        "reply_text": "现向您提供《2025年城乡最低生活保障资金发放情况表》（已作区分处理）。",
        "withheld_parts": (
            "1. 保障对象的身份证号码和银行账号："
            f"{letters.EXEMPTION_WORDS[Exemption.THIRD_PARTY]}，根据《中华人民共和国政府信息"
            f"公开条例》{EXEMPTION_ARTICLES[Exemption.THIRD_PARTY]}的规定不予公开。"
        ),
    },
    Kind.REPLY_WITHHELD: {
        "reply_text": "您申请的信息涉及他人个人隐私，经征求意见，第三方不同意公开。",
        "withheld_parts": (
            "1. 某某物业有限公司与业主的服务合同："
            f"{letters.EXEMPTION_WORDS[Exemption.THIRD_PARTY]}，根据《中华人民共和国政府信息"
            f"公开条例》{EXEMPTION_ARTICLES[Exemption.THIRD_PARTY]}的规定不予公开。"
        ),
    },
    Kind.REPLY_UNABLE: {
        "reply_text": "经检索，本机关不负责公开该信息。",
        "referred_agency": "某某市民政局",
        "referral": "该政府信息的公开机关为某某市民政局，您可以向其咨询或者提出申请。",
    },
    Kind.REPLY_NOT_HANDLED: {"reply_text": "您的申请与此前的申请内容相同，本机关已作出答复。"},
    Kind.REPLY_OTHER: {"reply_text": "您未在规定期限内补正申请，视为放弃申请。"},
}


def sample_values(kind: str, agency: Agency) -> dict[str, str]:
    """The value of every placeholder for a sample letter of ``kind`` signed by ``agency``:
    the agency's own name, contact, number pattern and remedies paragraph, and an invented
    application. A placeholder a letter of this kind has no value for is left empty, as in a
    notice."""
    values = dict.fromkeys(PLACEHOLDERS, "")
    values.update(SAMPLE_APPLICATION)
    basis = letters.LEGAL_BASIS["2019"]
    outcome = SAMPLE_OUTCOMES.get(kind)
    values.update(
        number=sample_number(agency),
        asked_agency=agency.name,
        agency_name=agency.name,
        agency_contact=letters.agency_contact(agency),
        legal_basis=basis.get(outcome or kind, ""),
        outcome_label=letters.OUTCOME_WORDS.get(outcome, "") if outcome else "",
        today=letters.chinese_date(SAMPLE_ON),
        remedies=letters.remedies_paragraph(agency),
    )
    values.update(SAMPLE_BY_KIND.get(kind, {}))
    return values


def _number_values(agency: Agency | None) -> dict[str, Any]:
    values = dict(NUMBER_PATTERN_SAMPLE)
    if agency is not None:
        values["agency_short"] = agency.short_name or agency.name
        values["org_code"] = agency.org_code or values["org_code"]
    return values


def example_number(pattern: str, agency: Agency | None = None) -> str:
    """The first number of ``pattern`` in the sample year (``NUMBER_PATTERN_SAMPLE``), with
    ``agency``'s short name and code where given; empty when the pattern does not fit."""
    try:
        return format_number(pattern, **_number_values(agency))
    except NumberingError:
        return ""


def sample_number(agency: Agency) -> str:
    pattern, _body, _court = letters.notice_settings_for(agency)
    return example_number(pattern, agency) or example_number(DEFAULT_NOTICE_NUMBER_PATTERN)


def preview_letter(template: NoticeTemplate, *, agency: Agency) -> letters.Letter:
    """The letter ``template`` makes for the sample application, as ``issue_notice`` makes it
    (the same filling and the same clean-up of lines); nothing is saved or numbered."""
    values = sample_values(template.kind, agency)
    title, body = letters.fill_template(template, values)
    return letters.Letter.from_text(
        title=title,
        number=values["number"],
        body=body,
        agency=agency,
        on=SAMPLE_ON,
        issued_at=timezone.now(),
    )
