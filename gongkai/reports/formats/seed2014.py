"""The seed's own structure (``seed2014``): the free structure of the 2014 annual reports.

Eleven sections, 一、概述 … 十一、工作中存在的主要问题及改进措施, as the seed (张店区人民政府2014年
政府信息公开工作年度报告) prints them, after a preamble saying who compiled the report, the period
it covers, where to read it and whom to ask — the compiler's contact from its agency record.
Section 六 carries a small table of the applications; every other section is prose.

The figures are counted from the records by :mod:`~gongkai.reports.formats.seed_figures`. The
drafts are written from them in the register of such reports, never in the seed's sentences.
Every number a draft quotes comes from a :data:`PHRASES` template; the same template gives the
pattern (:meth:`SeedFormat.facts`) that :func:`~gongkai.reports.formats.base.check_prose` uses
to catch a quoted number that no longer agrees with the records after the office's edits.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.agencies import selectors as agency_selectors
from gongkai.reports import formats
from gongkai.reports.content import Cell, Figure, ReportContent, Section, Table
from gongkai.reports.formats.base import Fact, Subject
from gongkai.reports.formats.common import figure_cell, label_cell, number_text, section_title
from gongkai.reports.formats.seed_figures import (
    CHANNEL_METRICS,
    ChannelLine,
    Names,
    application_figures,
    channel_clause,
    gather,
)

TITLES: tuple[str, ...] = (
    "概述",
    "政府信息公开的组织领导和制度建设情况",
    "发布解读、回应社会关切以及互动交流情况",
    "重点领域政府信息公开工作推进情况",
    "主动公开政府信息以及公开平台建设情况",
    "政府信息公开申请的办理情况",
    "政府信息公开的收费及减免情况",
    "因政府信息公开申请提起行政复议、行政诉讼的情况",
    "政府信息公开保密审查及监督检查情况",
    "所属事业单位信息公开推进情况",
    "工作中存在的主要问题及改进措施",
)
SECTIONS: tuple[tuple[str, str], ...] = tuple(
    (str(n), section_title(n, text)) for n, text in enumerate(TITLES, 1)
)
MAX_PROGRAMMES = 9  # hotline programmes a draft lists, one numbered line each
MAX_CHANNELS = 9  # channels (microblog, mobile bulletin …) a draft lists, one line each
NUMBER_GROUP = r"(\d+(?:\.\d+)?)"
ANY_NUMBER = r"\d+(?:\.\d+)?"
ANY_TEXT = r"[^\n]*?"


@dataclass(frozen=True)
class Phrase:
    """A clause of a draft that quotes figures: ``template`` is a ``str.format`` template whose
    fields are figure keys, or names (fields starting with ``_``) that are not figures.
    ``line`` anchors the pattern at the start of a line (numbered lines)."""

    section: str
    template: str
    line: bool = False

    def fields(self) -> list[str]:
        return [f for _, f, _, _ in string.Formatter().parse(self.template) if f]

    def pattern(self, figure: str) -> str:
        """The template as a regular expression capturing the number of ``figure``."""
        parts = ["(?m)^"] if self.line else []
        for literal, field, _spec, _conv in string.Formatter().parse(self.template):
            parts.append(re.escape(literal))
            if field is None:
                continue
            if field == figure:
                parts.append(NUMBER_GROUP)
            elif field.startswith("_"):
                parts.append(ANY_TEXT)
            else:
                parts.append(ANY_NUMBER)
        return "".join(parts)

    def say(self, figures: Mapping[str, Figure], **names: str) -> str:
        values = {f: number_text(figures[f].value) for f in self.fields() if not f.startswith("_")}
        return self.template.format(**values, **names)


def _programme_phrase(n: int) -> Phrase:
    p = f"hotline_{n}"
    return Phrase(
        "3",
        f"{n}.“{{_name}}”全年播出{{{p}_sessions}}期，接听群众来电{{{p}_calls}}个，"
        f"在节目中当场答复{{{p}_answered}}个，节目结束后转有关单位调查办理{{{p}_follow_ups}}件。",
        line=True,
    )


def _channel_phrases(n: int) -> dict[str, Phrase]:
    """Channel ``n``'s line quotes each metric in the year and, for counts, since opening."""
    phrases = {}
    for code, (_label, unit) in CHANNEL_METRICS.items():
        for total in (False, True):
            key = f"channel_{n}_{code}" + ("_total" if total else "")
            phrases[f"5.{key}"] = Phrase(
                "5", f"{n}.{{_any}}{channel_clause(code, total=total)}{{{key}}}{unit}", line=True
            )
    return phrases


def _channel_line(n: int, line: ChannelLine, figures: Mapping[str, Figure]) -> str:
    clauses = []
    for code in line.in_year:
        unit = CHANNEL_METRICS[code][1]
        clauses.append(
            channel_clause(code) + number_text(figures[f"{line.prefix}_{code}"].value) + unit
        )
        if code in line.totals:
            value = figures[f"{line.prefix}_{code}_total"].value
            clauses.append(channel_clause(code, total=True) + number_text(value) + unit)
    return f"{n}.“{line.name}”：" + "，".join(clauses) + "。"


PHRASES: dict[str, Phrase] = {
    # 一、概述
    "1.posts": Phrase("1", "通过门户网站发布各类信息{posts}条，其中政府信息公开栏目{disclosed}条"),
    "1.requests": Phrase("1", "受理政府信息公开申请{requests_received}件"),
    "1.letters": Phrase(
        "1", "办理政民互动栏目群众来信{letters_online}条，回复率{letters_reply_rate}%"
    ),
    # 二、组织领导和制度建设
    "2.members": Phrase("2", "全区政府信息公开成员单位共{members_end}个"),
    "2.staffed": Phrase("2", "其中{members_staffed}个在系统中登记了分管领导和具体联系人"),
    "2.changes": Phrase("2", "年内新增成员单位{members_joined}个，退出{members_left}个"),
    "2.normative": Phrase("2", "全年经登记编号后公开的规范性文件{normative}件"),
    # 三、解读、回应和互动
    "3.interpretations": Phrase("3", "全年发布政策解读{interpretations}篇"),
    "3.letters": Phrase(
        "3",
        "全年经网上渠道收到群众来信{letters_online}条，截至年底已回复{letters_replied}条，"
        "回复率{letters_reply_rate}%",
    ),
    "3.hotline": Phrase(
        "3",
        "热线节目全年共播出{hotline_sessions}期，{hotline_agencies}个部门单位负责人走进直播间，"
        "接听群众来电{hotline_calls}个",
    ),
    **{f"3.hotline_{n}": _programme_phrase(n) for n in range(1, MAX_PROGRAMMES + 1)},
    # 四、重点领域
    "4.plan": Phrase("4", "将重点领域信息公开工作细分为{task_categories}个类别、{tasks}项具体任务"),
    "4.accepted": Phrase("4", "截至12月31日已验收办结{tasks_accepted}项"),
    "4.agency": Phrase(
        "4", "本单位牵头的重点工作任务{tasks}项，截至12月31日已验收办结{tasks_accepted}项"
    ),
    # 五、主动公开和平台建设
    "5.posts": Phrase(
        "5",
        "通过门户网站发布政务信息和工作动态{posts}条，在政府信息公开栏目公开政府信息{disclosed}条",
    ),
    "5.visits": Phrase("5", "门户网站全年访问量达{visits}次"),
    "5.power": Phrase(
        "5",
        "保留并公开行政许可事项{power_licensing}项、非行政许可事项{power_other}项，"
        "涉及{power_departments}个部门单位",
    ),
    "5.procurement": Phrase(
        "5",
        "发布政府采购招标公告{procurement_notices}个，对应的成交结果公告{procurement_results}个",
    ),
    "5.archive": Phrase(
        "5",
        "全年接待来馆查档群众{archive_visitors}人次、电话咨询{archive_phone_consultations}人次，"
        "提供档案查阅利用{archive_files_consulted}卷次，档案资料复印{archive_pages_copied}页，"
        "出具档案证明{archive_certificates_issued}份",
    ),
    **{
        key: phrase
        for n in range(1, MAX_CHANNELS + 1)
        for key, phrase in _channel_phrases(n).items()
    },
    # 六、依申请公开
    "6.received": Phrase("6", "共受理政府信息公开申请{requests_received}件"),
    "6.online": Phrase("6", "网上申请{requests_online}件，占{requests_online_share}%"),
    "6.letter": Phrase("6", "信函申请{requests_letter}件，占{requests_letter_share}%"),
    "6.other_channel": Phrase(
        "6", "其他方式申请{requests_other_channel}件，占{requests_other_channel_share}%"
    ),
    "6.district": Phrase("6", "向区政府及其工作部门提出{requests_district}件"),
    "6.town": Phrase("6", "向镇政府（街道办事处）提出{requests_town}件"),
    "6.other_body": Phrase("6", "向其他单位提出{requests_other_body}件"),
    "6.answered": Phrase(
        "6", "截至年底已作出答复{requests_answered}件，答复率{requests_answered_share}%"
    ),
    # 七、收费及减免
    "7.fees": Phrase("7", "收取信息公开处理费{fees_collected}元，减免收费{fee_waivers}件"),
    # 八、复议和诉讼
    "8.remedies": Phrase(
        "8", "因政府信息公开申请被申请行政复议{reconsiderations}件、被提起行政诉讼{lawsuits}件"
    ),
    # 十、事业单位
    "10.joined": Phrase("10", "等{institutions_joined}个事业单位纳入政府信息公开成员单位"),
    "10.share": Phrase(
        "10",
        "成员单位中的事业单位年初{institutions_start}个、年底{institutions_end}个，"
        "占成员单位总数的比例由{institution_share_start}%变为{institution_share_end}%",
    ),
    "10.same": Phrase(
        "10",
        "成员单位中的事业单位年初{institutions_start}个、年底{institutions_end}个，"
        "占成员单位总数的比例保持在{institution_share_end}%",
    ),
    "10.own": Phrase(
        "10", "本单位所属事业单位中，列为政府信息公开成员单位的有{own_institutions}个"
    ),
    # 十一、问题和改进
    "11.open": Phrase("11", "重点工作任务中有{tasks_open}项到年底尚未办结"),
    "11.late_tasks": Phrase("11", "有{tasks_late}项超过完成时限才报请办结"),
    "11.late_letters": Phrase("11", "群众来信中有{letters_late}件超过办理时限才回复"),
    "11.overdue": Phrase("11", "到年底仍有{letters_overdue}件来信超期未复"),
}


def _join(names: list[str]) -> str:
    return "、".join(names)


def _sentence(*clauses: str) -> str:
    """Clauses joined with commas into one sentence (empty clauses left out)."""
    kept = [c for c in clauses if c]
    return "，".join(kept) + "。" if kept else ""


class SeedFormat:
    """The seed's 2014 structure (see the module docstring)."""

    key = "seed2014"
    # A lazy translation: ``ReportFormat.name`` is typed ``str`` but documented translatable.
    name: str | Promise = _("The seed's 2014 structure (一、概述 … 十一、问题及改进措施)")

    def sections(self) -> tuple[tuple[str, str], ...]:
        return SECTIONS

    def prose_sections(self) -> tuple[tuple[str, str], ...]:
        return SECTIONS  # every section has prose (六 its table besides)

    def tables(self, subject: Subject) -> tuple[Table, ...]:
        return (_applications_table(subject, application_figures(subject)),)

    def figures(self, subject: Subject) -> dict[str, Figure]:
        return dict(gather(subject).figures)

    def drafts(self, subject: Subject, figures: Mapping[str, Figure]) -> dict[str, str]:
        return _drafts(subject, figures, gather(subject).names)

    def facts(self) -> tuple[Fact, ...]:
        return tuple(
            Fact(figure=field, pattern=phrase.pattern(field), section=phrase.section)
            for phrase in PHRASES.values()
            for field in phrase.fields()
            if not field.startswith("_")
        )

    def build(self, subject: Subject, prose: Mapping[str, str]) -> ReportContent:
        gathered = gather(subject)
        drafts = _drafts(subject, gathered.figures, gathered.names)
        sections = tuple(
            Section(
                key=key,
                title=title,
                text=prose.get(key) or drafts[key],
                tables=(_applications_table(subject, gathered.figures),) if key == "6" else (),
            )
            for key, title in SECTIONS
        )
        return ReportContent(
            format=self.key,
            year=subject.year,
            agency_name=subject.agency_name,
            title=f"{subject.agency_name}{subject.year}年政府信息公开工作年度报告",
            sections=sections,
            figures=dict(gathered.figures),
            preamble=preamble(subject, gathered.names),
        )


# --------------------------------------------------------------------------- preamble


def preamble(subject: Subject, names: Names) -> str:
    """Who compiled the report, the period, where to read it and whom to ask: the compiler's
    address, postcode, phone, fax and e-mail from its agency record (what it lacks is left
    out, never invented)."""
    office = names.office
    compiled_by = office.name if office is not None else subject.agency_name
    year = subject.year
    site = agency_selectors.site_identity().site_name
    text = (
        f"本报告由{compiled_by}依据《中华人民共和国政府信息公开条例》及上级有关规定编制，"
        f"报告中的数据统计时间为{year}年1月1日至{year}年12月31日，"
        f"所有数据均由政府信息公开工作平台根据办理记录统计生成。"
        f"本报告的电子文本可在{site}浏览和下载。"
    )
    if office is None:
        return text
    contact = [
        (label, value)
        for label, value in (
            ("地址", office.address),
            ("邮编", office.postcode),
            ("电话", office.phone),
            ("传真", office.fax),
            ("电子邮箱", office.email),
        )
        if value
    ]
    details = "；".join(f"{label}：{value}" for label, value in contact)
    return (
        text + f"对本报告如有疑问，请联系{office.name}" + (f"（{details}）。" if details else "。")
    )


# --------------------------------------------------------------------------- drafts


def _drafts(subject: Subject, figures: Mapping[str, Figure], names: Names) -> dict[str, str]:
    def say(key: str, **text: str) -> str:
        return PHRASES[key].say(figures, **text)

    def value(key: str) -> int:
        figure = figures.get(key)
        return int(figure.value) if figure is not None else 0

    year = subject.year
    government = subject.is_government
    who = "全区" if government else subject.agency_name
    office_name = names.office.name if names.office is not None else subject.agency_name
    drafts: dict[str, str] = {}

    drafts["1"] = "\n\n".join(
        [
            f"{year}年，{subject.agency_name}依照《中华人民共和国政府信息公开条例》和省、市有关规定，"
            "以政府门户网站为主要平台推进主动公开，依法办理公开申请，拓展政民互动渠道，"
            "政府信息公开工作有序开展。",
            f"一年来，{who}"
            + _sentence(
                say("1.posts"),
                say("1.requests") if value("requests_received") else "未收到政府信息公开申请",
                say("1.letters") if value("letters_online") else "",
            ),
        ]
    )

    if government:
        organisation = (
            f"{office_name}作为全区政府信息公开工作主管机构，负责推进、指导、协调和监督全区的政府信息公开工作"
            + (
                f"，由{names.office.leader_title}分管。"
                if names.office is not None and names.office.leader_title
                else "。"
            )
            + f"截至{year}年12月31日，"
            + _sentence(say("2.members"), say("2.staffed"))
            + (
                _sentence(say("2.changes"))
                if value("members_joined") or value("members_left")
                else "年内成员单位没有变化。"
            )
        )
    else:
        office = names.office
        leader = office.leader_title if office is not None and office.leader_title else "单位负责人"
        organisation = (
            f"{subject.agency_name}的政府信息公开工作由{leader}分管，并确定了具体联系人，"
            "负责本单位政府信息的主动公开和依申请公开工作。"
        )
    drafts["2"] = "\n\n".join(
        [
            "（一）组织领导",
            organisation,
            "（二）制度建设",
            (
                "规范性文件实行统一登记、统一编号、统一发布，" + _sentence(say("2.normative"))
                if value("normative")
                else f"{year}年，{who}未制发规范性文件。"
            ),
        ]
    )

    letters = (
        f"门户网站政民互动栏目设有{_join(names.letter_types)}等来信渠道，"
        if names.letter_types
        else "门户网站政民互动栏目受理群众来信，"
    )
    hotline = [
        (_sentence(say("3.hotline")) if government else "本单位负责人参加热线节目的情况：")
        if value("hotline_sessions")
        else "",
        *[
            say(f"3.{programme.prefix}", _name=programme.name)
            for programme in names.programmes[:MAX_PROGRAMMES]
        ],
    ]
    drafts["3"] = "\n\n".join(
        part
        for part in [
            _sentence(say("3.interpretations")) if value("interpretations") else "",
            letters + _sentence(say("3.letters"))
            if value("letters_online")
            else "全年未经网上渠道收到群众来信。",
            "\n".join(line for line in hotline if line),
        ]
        if part
    )

    if not value("tasks"):
        drafts["4"] = (
            f"{year}年未安排{'本单位牵头的' if not government else ''}重点领域信息公开工作任务。"
        )
    elif government:
        plan = f"印发{names.plan_title}，" if names.plan_title else ""
        drafts["4"] = (
            f"{year}年，{plan}"
            + _sentence(say("4.plan"), "每项任务都明确了牵头单位和完成时限")
            + f"{office_name}对各项任务跟踪督办，"
            + _sentence(say("4.accepted"))
        )
    else:
        drafts["4"] = _sentence(say("4.agency"))

    public = [
        "（一）主动公开政府信息情况",
        f"{year}年，{who}" + _sentence(say("5.posts"), say("5.visits") if value("visits") else ""),
    ]
    if value("power_licensing") or value("power_other"):
        public.append(
            "行政权力清单：截至年底，" + _sentence(say("5.power")) + "清单在门户网站向社会公开。"
        )
    if value("procurement_notices"):
        public.append("政府采购信息：全年" + _sentence(say("5.procurement")))
    public.append("（二）公开平台建设情况")
    if names.archives:
        public.append(f"{_join(names.archives)}" + _sentence(say("5.archive")))
    else:
        public.append("政府门户网站是主动公开政府信息的第一平台。")
    if names.channels:
        public.append(
            "\n".join(
                [
                    "门户网站之外，还通过以下渠道发布政府信息：",
                    *(
                        _channel_line(n, line, figures)
                        for n, line in enumerate(names.channels[:MAX_CHANNELS], 1)
                    ),
                ]
            )
        )
    drafts["5"] = "\n\n".join(public)

    if not value("requests_received"):
        paragraph = f"{year}年，{who}未收到政府信息公开申请。"
    else:
        applications = [say("6.received"), "其中" + say("6.online"), say("6.letter")]
        if value("requests_other_channel"):
            applications.append(say("6.other_channel"))
        paragraph = "；".join(applications[1:])
        paragraph = f"{year}年，{who}{applications[0]}，{paragraph}。"
        if government and value("requests_received"):
            bodies = [say("6.district"), say("6.town")]
            if value("requests_other_body"):
                bodies.append(say("6.other_body"))
            paragraph += "按受理机关分，" + _sentence(*bodies)
        paragraph += _sentence(say("6.answered"))
    drafts["6"] = paragraph

    if value("fee_waivers") or figures["fees_collected"].value:
        drafts["7"] = f"{year}年，{who}" + _sentence(say("7.fees"))
    else:
        drafts["7"] = f"{year}年，{who}未收取政府信息公开处理费，也没有减免收费的情况。"

    drafts["8"] = f"{year}年，{who}" + _sentence(say("8.remedies"))

    drafts["9"] = (
        ("各成员单位" if government else "本单位")
        + "的政府信息须经审核人保密审查、审查通过后方可发布。"
        "发布前，工作平台自动检查密级标志、身份证号码、手机号码等内容，提示审核人逐项处理。"
    )

    if government:
        joined = ""
        if value("institutions_joined"):
            joined = f"{year}年，{_join(names.institutions_joined)}" + say("10.joined") + "。"
        same = figures["institution_share_start"].value == figures["institution_share_end"].value
        drafts["10"] = joined + _sentence(say("10.same" if same else "10.share"))
    else:
        drafts["10"] = _sentence(say("10.own"))

    problems = [
        say("11.open") if value("tasks_open") else "",
        say("11.late_tasks") if value("tasks_late") else "",
        say("11.late_letters") if value("letters_late") else "",
        say("11.overdue") if value("letters_overdue") else "",
    ]
    problems = [p for p in problems if p]
    if problems:
        found = f"从{year}年的办理记录看，工作中仍有不足：" + "；".join(problems) + "。"
    else:
        kept = [
            "重点工作任务均在完成时限内报请办结" if value("tasks") else "",
            "群众来信均在办理时限内回复" if value("letters_online") else "",
        ]
        found = f"从{year}年的办理记录看，" + (
            _sentence(*kept) if any(kept) else "未发现超期办理的情况。"
        )
    drafts["11"] = "\n\n".join(
        [
            found,
            f"{year + 1}年，"
            + ("将针对上述不足，" if problems else "将")
            + ("加强对成员单位的督促检查和业务培训，" if government else "加强内部督办和业务学习，")
            + "完善信息发布、依申请公开和政民互动的工作制度，持续提高政府信息公开工作水平。",
        ]
    )
    return drafts


# --------------------------------------------------------------------------- table


def _applications_table(subject: Subject, figures: Mapping[str, Figure]) -> Table:
    """Section 六's table: received, by channel, by addressee (the government's), answered."""
    rows: list[tuple[Cell, ...]] = []

    def row(label: str, key: str, share: bool = True) -> None:
        figure = figures[key]
        share_figure = figures.get(f"{key}_share") if share else None
        rows.append(
            (
                label_cell(label),
                figure_cell(figure),
                figure_cell(share_figure) if share_figure is not None else label_cell("—"),
            )
        )

    row("收到申请总数", "requests_received", share=False)
    row("其中：网上申请", "requests_online")
    row("　　　信函申请", "requests_letter")
    if figures["requests_other_channel"].value:
        row("　　　其他方式申请", "requests_other_channel")
    if subject.is_government:
        row("向区政府及其工作部门提出", "requests_district")
        row("向镇政府（街道办事处）提出", "requests_town")
        if figures["requests_other_body"].value:
            row("向其他单位提出", "requests_other_body")
    row("已答复", "requests_answered")
    head = (
        (
            label_cell("项目", header=True),
            label_cell("数量（件）", header=True),
            label_cell("占申请总数（%）", header=True),
        ),
    )
    return Table(key="6", title="政府信息公开申请办理情况", head=head, rows=tuple(rows))


SEED_FORMAT = formats.register(SeedFormat())
