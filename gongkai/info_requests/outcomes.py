"""Outcomes (办理结果) of an application: REG 36–39 and the rows of the annual report's table 三.

Every closed application has exactly one :class:`Outcome`. Outcomes are a little finer than the
report's rows where the reply differs but the row is the same — REG 36(1) "already disclosed"
and 36(2) "disclosed" are both row （一）; REG 36(4) "does not exist" and 36(5) "not this
agency's" are both row （四）1 — and :data:`REPORT_ROWS` maps each to its row. The row labels
are the national form's (国办公开办函〔2021〕30号, REGULATION.md §4), printed exactly: they are
not translated.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    # （一）予以公开
    ALREADY_PUBLIC = "already_public", _("disclosed: already proactively disclosed (REG 36(1))")
    DISCLOSED = "disclosed", _("disclosed (REG 36(2))")
    # （二）部分公开 — an application handled by separating parts counts only here (REG 37)
    PARTLY_DISCLOSED = "partly_disclosed", _("partly disclosed (REG 37)")
    # （三）不予公开
    WITHHELD_SECRET = "withheld_secret", _("withheld: state secret (REG 14)")
    WITHHELD_PROHIBITED = "withheld_prohibited", _("withheld: prohibited by law (REG 14)")
    WITHHELD_SECURITY = "withheld_security", _("withheld: security and stability (REG 14)")
    WITHHELD_THIRD_PARTY = "withheld_third_party", _("withheld: third-party rights (REG 15)")
    WITHHELD_INTERNAL = "withheld_internal", _("withheld: internal affairs (REG 16)")
    WITHHELD_PROCESS = "withheld_process", _("withheld: process information (REG 16)")
    WITHHELD_ENFORCEMENT = "withheld_enforcement", _("withheld: enforcement case file (REG 16)")
    WITHHELD_QUERY = "withheld_query", _("withheld: own statutory access rules (REG 36(7))")
    # （四）无法提供
    NOT_HELD = "not_held", _("unable to provide: does not exist (REG 36(4))")
    OTHER_AGENCY = "other_agency", _("unable to provide: not this agency's (REG 36(5))")
    NEEDS_CREATION = "needs_creation", _("unable to provide: would have to be made (REG 38)")
    STILL_UNCLEAR = "still_unclear", _("unable to provide: unclear after correction (REG 30)")
    # （五）不予处理
    PETITION = "petition", _("not handled: petition, report or complaint (REG 39)")
    REPEAT = "repeat", _("not handled: repeated request (REG 36(6))")
    PUBLICATION = "publication", _("not handled: a publication (REG 39)")
    EXCESSIVE = "excessive", _("not handled: unreasonable volume or frequency (REG 35)")
    CONFIRMATION = "confirmation", _("not handled: confirming or re-issuing information")
    # （六）其他处理
    NO_CORRECTION = "no_correction", _("other: not corrected in time (REG 30)")
    UNPAID_FEE = "unpaid_fee", _("other: fee not paid in time (REG 42)")
    OTHER = "other", _("other")


@dataclass(frozen=True)
class ReportRow:
    key: str  # "1", "2", "3.1" … "6.3": the row's place in table 三, part 三
    group: str  # the group's label
    label: str  # the row's own label (for groups without sub-rows, the group's)


_GROUPS = {
    "1": "（一）予以公开",
    "2": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "3": "（三）不予公开",
    "4": "（四）无法提供",
    "5": "（五）不予处理",
    "6": "（六）其他处理",
}


def _row(key: str, label: str | None = None) -> ReportRow:
    group = _GROUPS[key.split(".")[0]]
    return ReportRow(key=key, group=group, label=label or group)


REPORT_ROWS: dict[str, ReportRow] = {
    Outcome.ALREADY_PUBLIC: _row("1"),
    Outcome.DISCLOSED: _row("1"),
    Outcome.PARTLY_DISCLOSED: _row("2"),
    Outcome.WITHHELD_SECRET: _row("3.1", "1.属于国家秘密"),
    Outcome.WITHHELD_PROHIBITED: _row("3.2", "2.其他法律行政法规禁止公开"),
    Outcome.WITHHELD_SECURITY: _row("3.3", "3.危及“三安全一稳定”"),
    Outcome.WITHHELD_THIRD_PARTY: _row("3.4", "4.保护第三方合法权益"),
    Outcome.WITHHELD_INTERNAL: _row("3.5", "5.属于三类内部事务信息"),
    Outcome.WITHHELD_PROCESS: _row("3.6", "6.属于四类过程性信息"),
    Outcome.WITHHELD_ENFORCEMENT: _row("3.7", "7.属于行政执法案卷"),
    Outcome.WITHHELD_QUERY: _row("3.8", "8.属于行政查询事项"),
    Outcome.NOT_HELD: _row("4.1", "1.本机关不掌握相关政府信息"),
    Outcome.OTHER_AGENCY: _row("4.1", "1.本机关不掌握相关政府信息"),
    Outcome.NEEDS_CREATION: _row("4.2", "2.没有现成信息需要另行制作"),
    Outcome.STILL_UNCLEAR: _row("4.3", "3.补正后申请内容仍不明确"),
    Outcome.PETITION: _row("5.1", "1.信访举报投诉类申请"),
    Outcome.REPEAT: _row("5.2", "2.重复申请"),
    Outcome.PUBLICATION: _row("5.3", "3.要求提供公开出版物"),
    Outcome.EXCESSIVE: _row("5.4", "4.无正当理由大量反复申请"),
    Outcome.CONFIRMATION: _row("5.5", "5.要求行政机关确认或重新出具已获取信息"),
    Outcome.NO_CORRECTION: _row(
        "6.1", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    ),
    Outcome.UNPAID_FEE: _row(
        "6.2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    ),
    Outcome.OTHER: _row("6.3", "3.其他"),
}

# Outcomes that withhold something: each withheld part records its exemption (REG 37).
WITHHOLDING = frozenset(
    {
        Outcome.PARTLY_DISCLOSED,
        Outcome.WITHHELD_SECRET,
        Outcome.WITHHELD_PROHIBITED,
        Outcome.WITHHELD_SECURITY,
        Outcome.WITHHELD_THIRD_PARTY,
        Outcome.WITHHELD_INTERNAL,
        Outcome.WITHHELD_PROCESS,
        Outcome.WITHHELD_ENFORCEMENT,
        Outcome.WITHHELD_QUERY,
    }
)
# Outcomes that release information (a copy may be attached for the applicant).
RELEASING = frozenset({Outcome.ALREADY_PUBLIC, Outcome.DISCLOSED, Outcome.PARTLY_DISCLOSED})
# Outcomes the office may decide at receipt, without a handling agency (REG 39, 36(6), 35).
AT_RECEIPT = frozenset(
    {
        Outcome.PETITION,
        Outcome.PUBLICATION,
        Outcome.REPEAT,
        Outcome.EXCESSIVE,
        Outcome.CONFIRMATION,
        Outcome.OTHER,
    }
)
# Outcomes only the system sets, when a deadline passes (REG 30, FEE).
BY_DEADLINE = frozenset({Outcome.NO_CORRECTION, Outcome.UNPAID_FEE})


class Exemption(models.TextChoices):
    """Why a part is withheld; the article is printed in the reply notice (REG 37)."""

    SECRET = "secret", _("state secret (REG 14)")
    PROHIBITED = "prohibited", _("prohibited by law or administrative regulation (REG 14)")
    SECURITY = "security", _("would endanger security or stability (REG 14)")
    THIRD_PARTY = "third_party", _("trade secret or personal privacy (REG 15)")
    INTERNAL = "internal", _("internal affairs (REG 16)")
    PROCESS = "process", _("process information (REG 16)")
    ENFORCEMENT = "enforcement", _("administrative enforcement case file (REG 16)")
    QUERY = "query", _("information with its own access rules (REG 36(7))")


EXEMPTION_ARTICLES: dict[str, str] = {
    Exemption.SECRET: "第十四条",
    Exemption.PROHIBITED: "第十四条",
    Exemption.SECURITY: "第十四条",
    Exemption.THIRD_PARTY: "第十五条",
    Exemption.INTERNAL: "第十六条第一款",
    Exemption.PROCESS: "第十六条第二款",
    Exemption.ENFORCEMENT: "第十六条第二款",
    Exemption.QUERY: "第三十六条第（七）项",
}
