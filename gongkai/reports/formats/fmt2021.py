"""The national format of the annual report (国办公开办函〔2021〕30号, REGULATION.md §4), for the
years from 2021.

Six sections: 一 总体情况, 五 存在的主要问题及改进情况 and 六 其他需要报告的事项 are prose,
drafted here from the year's figures and then edited by the office; 二, 三 and 四 are the
national form's tables, laid out from :func:`gongkai.reports.tables.annual_tables` (never
recomputed here), every number carrying the records behind it. The figures the drafts quote
are named (stable ASCII keys) and :meth:`Fmt2021.facts` says where the prose quotes them, so that
:func:`~gongkai.reports.formats.base.check_prose` catches a number edited by hand.

Nothing here reads an applicant's or a letter writer's personal data: the tables count
applications by tracking number, and the figures are counts and amounts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.selectors import public as catalogue_selectors
from gongkai.info_requests import selectors as request_selectors
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.letters import selectors as letter_selectors
from gongkai.reports import tables as t
from gongkai.reports.content import Cell, Figure, LazyRefs, Ref, ReportContent, Section, Table
from gongkai.reports.formats import register
from gongkai.reports.formats.base import Fact, Subject
from gongkai.reports.formats.common import label_cell, number_cell, number_text, percent
from gongkai.supervision.assessment import selectors as assessment_selectors
from gongkai.supervision.plans import selectors as plan_selectors

SECTIONS: tuple[tuple[str, str], ...] = (
    ("1", "一、总体情况"),
    ("2", "二、主动公开政府信息情况"),
    ("3", "三、收到和处理政府信息公开申请情况"),
    ("4", "四、政府信息公开行政复议、行政诉讼情况"),
    ("5", "五、存在的主要问题及改进情况"),
    ("6", "六、其他需要报告的事项"),
)
PROSE_SECTIONS = ("1", "5", "6")
INFO_HEADING = "信息内容"

# How the prose names each channel of InfoRequest.Channel; the two kinds of post are one
# channel in the prose (信函申请), as reports commonly count them.
Channel = InfoRequest.Channel
CHANNEL_FIGURES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("channel_online", "网上申请", (Channel.ONLINE,)),
    ("channel_letter", "信函申请", (Channel.REGISTERED_MAIL, Channel.ORDINARY_MAIL)),
    ("channel_in_person", "当面申请", (Channel.IN_PERSON,)),
    ("channel_fax", "传真申请", (Channel.FAX,)),
    ("channel_email", "电子邮件申请", (Channel.EMAIL,)),
    ("channel_other", "其他渠道申请", (Channel.OTHER,)),
)
# The outcome groups of table 三 as figures (the row key → figure key, prose label).
OUTCOME_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("1", "requests_disclosed", "予以公开"),
    ("2", "requests_partly", "部分公开"),
    ("3", "requests_withheld", "不予公开"),
    ("4", "requests_unable", "无法提供"),
    ("5", "requests_not_handled", "不予处理"),
    ("6", "requests_other", "其他处理"),
)
# The accountability measures (AccountabilityRecord.Measure) as the report names them.
MEASURE_NAMES = {
    "criticism": "通报批评",
    "admonition": "诫勉谈话",
    "self_examination": "责令检查",
    "organisational": "组织处理",
    "disciplinary": "党纪政务处分",
    "other": "其他处理措施",
}
TOP_RANKS = 3  # how many agencies of the assessment's ranking section 一 names


# --------------------------------------------------------------------------- figures


def _refs(kind: str, keys: Sequence[object]) -> tuple[Ref, ...]:
    return tuple(Ref(kind, str(key)) for key in keys)


def _request_refs(numbers: Sequence[str]) -> Sequence[Ref]:
    """The applications behind a number, by tracking number: made into refs only when read
    (table 三 of a province names some 50,000 applications across its cells)."""
    keys = tuple(numbers)
    return LazyRefs("info_request", lambda: keys, nonempty=bool(keys))


def normative_refs(scope: t.Scope, column: str, count: int | Decimal) -> LazyRefs:
    """The registered normative documents behind table 二's 行政规范性文件 cell ``column``
    (made, repealed, in force; ``tables.normative_document_ids``), read only when read:
    the table counts them in the database."""
    return LazyRefs("document", lambda: t.normative_document_ids(scope)[column], nonempty=count > 0)


def _lazy_refs(kind: str, rows: Any, count: int | Decimal | None = None) -> LazyRefs:
    """The refs of ``rows`` (a flat ``values_list`` of keys, or keys already read), read only
    when something reads them; ``count``, when given, is their number (it says whether there
    are any)."""
    keys = rows.all if hasattr(rows, "all") else (lambda: rows)
    return LazyRefs(kind, keys, nonempty=None if count is None else count > 0)


def _published_in(scope: t.Scope) -> Any:
    """The scope's public documents first published in the year (the catalogue's gate)."""
    return catalogue_selectors.documents_published_between(
        scope.start, scope.end, agency_ids=scope.agency_ids
    )


def _add(
    found: dict[str, Figure],
    key: str,
    label: str,
    value: int | Decimal,
    unit: str = "件",
    refs: Sequence[Ref] = (),
) -> None:
    found[key] = Figure(key=key, label=label, value=value, unit=unit, refs=refs)


def request_figures(tables: t.AnnualTables, found: dict[str, Figure]) -> None:
    """Table 三's and 四's totals, the channels and the late answers of the year."""
    three, four, scope = tables.three, tables.four, tables.scope
    rows = {
        "requests_new": (t.NEW, "本年新收政府信息公开申请"),
        "requests_carried_over": (t.CARRIED_OVER, "上年结转政府信息公开申请"),
        "requests_answered": (t.TOTAL, "本年度办理完毕的政府信息公开申请"),
        "requests_carried_forward": (t.CARRIED_FORWARD, "结转下年度继续办理的政府信息公开申请"),
    }
    for key, (row, label) in rows.items():
        _add(found, key, label, three.cell(row), refs=_request_refs(three.numbers[row]["total"]))
    for row, key, label in OUTCOME_FIGURES:
        numbers = three.numbers[row]["total"]
        _add(found, key, f"办理结果：{label}", len(numbers), refs=_request_refs(numbers))
    people = three.numbers[t.NEW]["person"]
    organisations = [
        n for c in t.APPLICANT_COLUMNS if c != "person" for n in three.numbers[t.NEW][c]
    ]
    _add(found, "requests_persons", "自然人申请", len(people), refs=_request_refs(people))
    _add(
        found,
        "requests_organisations",
        "法人或其他组织申请",
        len(organisations),
        refs=_request_refs(organisations),
    )
    # The applications received in the year by channel, and those answered in the year after
    # their due date, from the applications table 三 read (in the order they were received;
    # the late ones by tracking number).
    by_channel: dict[str, list[str]] = {}
    late: list[str] = []
    for application in three.applications:
        if application.received_on >= scope.start:
            by_channel.setdefault(application.channel, []).append(application.number)
        if application.late and application.answered_on is not None:
            late.append(application.number)
    late.sort()
    for key, label, channels in CHANNEL_FIGURES:
        received = [n for c in channels for n in by_channel.get(c, [])]
        _add(found, key, label, len(received), refs=_request_refs(received))
    _add(found, "requests_late", "超过法定期限答复的申请", len(late), refs=_request_refs(late))
    remedies = {
        "reconsiderations": (("reconsideration",), "total", "政府信息公开行政复议"),
        "reconsiderations_corrected": (("reconsideration",), "corrected", "行政复议结果纠正"),
        "lawsuits": (("litigation", "litigation_after"), "total", "政府信息公开行政诉讼"),
        "lawsuits_corrected": (("litigation", "litigation_after"), "corrected", "行政诉讼结果纠正"),
    }
    for key, (kinds, result, label) in remedies.items():
        challenged = [n for kind in kinds for n in four.numbers[kind][result]]
        _add(found, key, label, len(challenged), refs=_request_refs(challenged))


def document_figures(tables: t.AnnualTables, found: dict[str, Figure]) -> None:
    """Normative documents (table 二), documents and interpretations published in the year,
    and the policies published in the year that still lack their interpretation."""
    scope, two = tables.scope, tables.two
    labels = {
        "made": "本年制发行政规范性文件",
        "repealed": "本年废止行政规范性文件",
        "in_force": "现行有效行政规范性文件",
    }
    for column, label in labels.items():
        value = two.documents["normative"][column].value
        _add(found, f"normative_{column}", label, value,
             refs=normative_refs(scope, column, value))  # fmt: skip
    # Counted by the database in one pass over the year's documents; the ids (every document
    # of the year) only when read.
    published = _published_in(scope)
    kind = "interpretation"  # Document.Kind.INTERPRETATION
    explained = catalogue_selectors.public_document_rows().filter(
        kind=kind, interprets=OuterRef("pk")
    )
    # The flag first: the interpretation is looked for only for the policies that need one
    # (SQLite asks the conditions in this order; asked first, its search for an
    # interpretation walked the public documents for every document of the year).
    is_lacking = Q(Q(needs_interpretation=True), ~Exists(explained))
    counts = published.aggregate(
        published=Count("pk"),
        interpretations=Count("pk", filter=Q(kind=kind)),
        lacking=Count("pk", filter=is_lacking),
    )
    documents = published.order_by("id").values_list("id", flat=True)
    count = counts["published"]
    _add(found, "documents_published", "本年主动公开政府信息", count, "条",
         _lazy_refs("document", documents, count))  # fmt: skip
    interpretations = published.filter(kind=kind)
    count = counts["interpretations"]
    _add(found, "interpretations_published", "本年发布政策解读", count, "篇",
         _lazy_refs("document", interpretations.order_by("id").values_list("id", flat=True),
                    count))  # fmt: skip
    lacking = published.filter(needs_interpretation=True).exclude(Exists(explained))
    count = counts["lacking"]
    _add(found, "interpretations_missing", "需要解读而未发布解读的政策文件", count,
         refs=_lazy_refs("document", lacking.order_by("id").values_list("id", flat=True),
                         count))  # fmt: skip


def fee_figures(scope: t.Scope, found: dict[str, Figure]) -> None:
    """信息处理费 collected in the year (paid fee notices, in yuan)."""
    notices = request_selectors.fee_notices_paid(scope.year, agency_ids=scope.agency_ids)
    rows = list(notices.values_list("amount", "request__number"))
    total = sum((amount for amount, _number in rows), Decimal("0"))
    numbers = list(dict.fromkeys(number for _amount, number in rows))
    _add(found, "fees_collected", "本年收取信息处理费", total, "元", _request_refs(numbers))


def letter_figures(subject: Subject, found: dict[str, Figure]) -> None:
    """The letters of the year (政民互动): received, replied and the writers' ratings."""
    scope = subject.scope
    agency_ids = None if subject.is_government else scope.agency_ids
    letters = letter_selectors.letter_figures_of_year(scope.year, agency_ids=agency_ids)
    _add(found, "letters_received", "本年收到群众来信", letters.received)
    _add(found, "letters_replied", "本年答复群众来信", letters.replied)
    _add(found, "letters_rated", "群众对答复作出评价", letters.rated)
    satisfied = letters.satisfied + letters.fairly_satisfied
    _add(found, "letters_satisfied", "群众评价满意和基本满意", satisfied)
    _add(found, "letters_satisfaction", "群众满意率", percent(satisfied, letters.rated), "%")


def supervision_figures(subject: Subject, found: dict[str, Figure]) -> None:
    """The year's key tasks (重点工作安排表) and, for the government, the assessment
    (工作考核), public evaluation (社会评议, the letters' ratings) and accountability
    (责任追究) results from supervision."""
    scope = subject.scope
    plan = plan_selectors.public_plan(scope.year)
    if plan is not None:
        tasks = plan_selectors.tasks_of_plan(plan)
        if not subject.is_government:
            tasks = tasks.filter(lead_agency_id__in=list(scope.agency_ids))
        states = list(tasks.values_list("state", flat=True))
        accepted = "accepted"  # KeyTask.State.ACCEPTED: 已办结
        _add(found, "key_tasks", "本年重点工作任务", len(states), "项")
        _add(found, "key_tasks_done", "已办结重点工作任务", states.count(accepted), "项")
    if not subject.is_government:
        return
    scheme = assessment_selectors.published_scheme(scope.year)
    if scheme is not None:
        cards = list(assessment_selectors.published_ranking(scheme))
        _add(found, "assessment_agencies", "参加年度考核的单位", len(cards), "个",
             _refs("agency", [card.agency_id for card in cards]))  # fmt: skip
    summary = assessment_selectors.accountability_summary(scope.year)
    _add(found, "accountability_total", "责任追究", summary["total"], "起")
    for row in summary["by_measure"]:
        _add(found, f"accountability_{row['measure']}", MEASURE_NAMES.get(row["measure"], ""),
             row["count"], "起")  # fmt: skip


def collect_figures(subject: Subject, tables: t.AnnualTables) -> dict[str, Figure]:
    """Every named figure of the year for ``subject``, from ``tables`` and the records."""
    found: dict[str, Figure] = {}
    request_figures(tables, found)
    document_figures(tables, found)
    fee_figures(subject.scope, found)
    letter_figures(subject, found)
    supervision_figures(subject, found)
    if subject.is_government:
        visits = catalogue_selectors.visit_total(year=subject.year)
        _add(found, "site_visits", "政府门户网站访问量", visits, "次")
    return found


def assessment_ranking(subject: Subject) -> list[str]:
    """The names of the agencies at the top of the year's published assessment ranking."""
    scheme = assessment_selectors.published_scheme(subject.year)
    if scheme is None:
        return []
    cards = assessment_selectors.published_ranking(scheme)[:TOP_RANKS]
    return [card.agency.name for card in cards]


# --------------------------------------------------------------------------- drafts


def _n(figures: Mapping[str, Figure], key: str) -> str:
    return number_text(figures[key].value)


def _v(figures: Mapping[str, Figure], key: str) -> int | Decimal:
    return figures[key].value if key in figures else 0


def draft_overview(subject: Subject, figures: Mapping[str, Figure]) -> str:
    """Section 一: 主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障 (and, for the
    government, 工作考核、社会评议和责任追究结果情况), each a paragraph from the figures."""
    f, year, name = figures, subject.year, subject.agency_name
    paragraphs = [
        f"{year}年，{name}认真贯彻落实《中华人民共和国政府信息公开条例》，以公开为常态、"
        "不公开为例外，依法做好政府信息公开各项工作。现将本年度情况报告如下。"
    ]
    proactive = (
        "（一）主动公开。全年通过政府信息公开平台"
        f"主动公开政府信息{_n(f, 'documents_published')}条，"
        f"其中发布政策解读{_n(f, 'interpretations_published')}篇。"
    )
    paragraphs.append(proactive)
    channels = "，".join(
        f"{label}{_n(f, key)}件" for key, label, _c in CHANNEL_FIGURES if _v(f, key) or key in (
            "channel_online", "channel_letter")
    )  # fmt: skip
    outcomes = "，".join(f"{label}{_n(f, key)}件" for _r, key, label in OUTCOME_FIGURES)
    requests = (
        f"（二）依申请公开。全年共收到政府信息公开申请{_n(f, 'requests_new')}件，"
        f"上年结转{_n(f, 'requests_carried_over')}件。"
        f"新收申请中，自然人申请{_n(f, 'requests_persons')}件，"
        f"法人或其他组织申请{_n(f, 'requests_organisations')}件；从申请渠道看，{channels}。"
        f"本年度办结{_n(f, 'requests_answered')}件，其中{outcomes}；"
        f"结转下年度继续办理{_n(f, 'requests_carried_forward')}件。"
    )
    paragraphs.append(requests)
    management = (
        f"（三）政府信息管理。严格执行行政规范性文件统一登记、统一编号、统一公布制度，"
        f"本年制发行政规范性文件{_n(f, 'normative_made')}件，"
        f"废止行政规范性文件{_n(f, 'normative_repealed')}件，"
        f"截至年底现行有效行政规范性文件{_n(f, 'normative_in_force')}件，均已在平台集中公开。"
    )
    paragraphs.append(management)
    platform = (
        f"（四）政府信息公开平台建设。政府门户网站及政民互动渠道运行平稳，"
        f"全年收到群众来信{_n(f, 'letters_received')}件，答复群众来信{_n(f, 'letters_replied')}件"
    )
    if _v(f, "site_visits"):  # none recorded is no figure to report, not zero visits
        platform += f"；门户网站全年访问量{_n(f, 'site_visits')}次"
    paragraphs.append(platform + "。")
    supervision = (
        f"（五）监督保障。本年度涉及政府信息公开的行政复议{_n(f, 'reconsiderations')}件，"
        f"其中被纠正{_n(f, 'reconsiderations_corrected')}件；"
        f"行政诉讼{_n(f, 'lawsuits')}件，其中被纠正{_n(f, 'lawsuits_corrected')}件。"
    )
    paragraphs.append(supervision)
    if subject.is_government:
        paragraphs.append(draft_government_results(subject, f))
    return "\n\n".join(paragraphs)


def draft_government_results(subject: Subject, f: Mapping[str, Figure]) -> str:
    """工作考核、社会评议和责任追究结果情况, for the government's report."""
    year = subject.year
    if "assessment_agencies" in f:
        top = assessment_ranking(subject)
        text = (
            f"（六）工作考核、社会评议和责任追究结果情况。{year}年度政府信息公开工作考核"
            f"共对{_n(f, 'assessment_agencies')}个单位进行评分，考核结果已公布"
        )
        if top:
            text += f"，排名前列的是{'、'.join(top)}"
        text += "。"
    else:
        text = (
            "（六）工作考核、社会评议和责任追究结果情况。"
            f"{year}年度政府信息公开工作考核结果尚未公布。"
        )
    if _v(f, "letters_rated"):
        text += (
            f"社会评议方面，群众对来信答复作出评价{_n(f, 'letters_rated')}件，"
            f"满意和基本满意{_n(f, 'letters_satisfied')}件，"
            f"满意率{_n(f, 'letters_satisfaction')}%。"
        )
    else:
        text += "社会评议方面，本年度群众未对来信答复作出评价。"
    if _v(f, "accountability_total"):
        parts = "、".join(
            f"{MEASURE_NAMES[m]}{_n(f, f'accountability_{m}')}起"
            for m in MEASURE_NAMES
            if _v(f, f"accountability_{m}")
        )
        text += f"全年因政府信息公开工作追究责任{_n(f, 'accountability_total')}起，其中{parts}。"
    else:
        text += "全年未发生因政府信息公开工作追究责任的情况。"
    return text


def draft_problems(subject: Subject, figures: Mapping[str, Figure]) -> str:
    """Section 五: the year's measurable weak points, each with its improvement."""
    f = figures
    problems: list[str] = []
    if _v(f, "requests_late"):
        problems.append(
            f"有{_n(f, 'requests_late')}件政府信息公开申请超过法定期限答复。"
            "下一步将加强办理时限预警，对临近期限的申请逐件督办，确保按期答复。"
        )
    if _v(f, "requests_carried_forward"):
        problems.append(
            f"年底仍有{_n(f, 'requests_carried_forward')}件申请结转下年度继续办理。"
            "下一步将跟踪结转申请的办理进度，在法定期限内办结。"
        )
    corrected = _v(f, "reconsiderations_corrected") + _v(f, "lawsuits_corrected")
    if corrected:
        problems.append(
            f"有{number_text(corrected)}件答复被行政复议或行政诉讼纠正。"
            "下一步将逐案分析纠错原因，完善答复文书的合法性审查。"
        )
    if _v(f, "interpretations_missing"):
        problems.append(
            f"有{_n(f, 'interpretations_missing')}件需要解读的政策文件未同步发布解读。"
            "下一步将落实政策文件与解读材料同步起草、同步审签、同步发布。"
        )
    if not problems:
        return (
            "本年度未出现超期答复、结转未办、答复被纠错或政策文件缺少解读等情况。"
            "下一步将继续规范依申请公开办理流程，提高主动公开的质量和时效。"
        )
    if len(problems) == 1:
        return f"主要问题是{problems[0]}"
    ordinals = "一二三四五六七八九"
    return "\n\n".join(f"{ordinals[i]}是{text}" for i, text in enumerate(problems))


def draft_other(subject: Subject, figures: Mapping[str, Figure]) -> str:
    """Section 六: the fees collected, the key tasks, and the proposals and motions."""
    f = figures
    paragraphs: list[str] = []
    if _v(f, "fees_collected"):
        paragraphs.append(f"本年度收取信息处理费{_n(f, 'fees_collected')}元。")
    else:
        paragraphs.append("本年度未收取信息处理费。")
    if "key_tasks" in f and _v(f, "key_tasks"):
        paragraphs.append(
            f"本年度重点工作安排表列明重点工作任务{_n(f, 'key_tasks')}项，"
            f"已办结{_n(f, 'key_tasks_done')}项，落实情况已在政府门户网站公开。"
        )
    # The platform keeps no record of people's congress proposals or CPPCC motions (no app
    # holds them), so this sentence is the one part of the draft the office must complete.
    paragraphs.append(
        "人大代表建议和政协委员提案办理结果公开情况：由政府信息公开工作机构据实填写。"
    )
    return "\n\n".join(paragraphs)


# --------------------------------------------------------------------------- tables


def _note(figure: t.Figure) -> str:
    return str(figure.reason) if figure.reason else ""


def _figure_cell(figure: t.Figure, refs: Sequence[Ref] = (), colspan: int = 1) -> Cell:
    cell = number_cell(figure.value, refs, _note(figure))
    if colspan == 1:
        return cell
    return Cell(cell.text, cell.value, cell.refs, cell.note, colspan=colspan)


def heading_rows(block: str, columns: Sequence[str], span: int) -> list[tuple[Cell, ...]]:
    """A block of table 二: its item (e.g. 第二十条第（一）项) across the table, then 信息内容
    and the block's column headings (the last one widened to fill ``span`` columns)."""
    cells = [label_cell(INFO_HEADING, header=True)]
    for i, column in enumerate(columns):
        wide = span - len(columns) if i == len(columns) - 1 else 0
        cells.append(label_cell(column, colspan=1 + wide, header=True))
    return [(label_cell(block, colspan=span + 1, header=True),), tuple(cells)]


def table_two(tables: t.AnnualTables) -> Table:
    """二、主动公开政府信息情况 in its four blocks (REG 20 items 1, 5, 6, 8)."""
    two = tables.two
    span = len(t.DOCUMENT_COLUMNS)
    head = heading_rows("第二十条第（一）项", [c.label for c in t.DOCUMENT_COLUMNS], span)
    rows: list[tuple[Cell, ...]] = []
    for row in t.DOCUMENT_ROWS:
        cells = [label_cell(row.label)]
        for column in t.DOCUMENT_COLUMNS:
            figure = two.documents[row.key][column.key]
            refs: Sequence[Ref] = ()
            if row.key == "normative":
                refs = normative_refs(tables.scope, column.key, figure.value)
            cells.append(_figure_cell(figure, refs))
        rows.append(tuple(cells))
    for block in ("第二十条第（五）项", "第二十条第（六）项"):
        rows += heading_rows(block, [t.DECISION_COLUMN], span)
        for row in t.DECISION_ROWS:
            if row.parent == block:
                cell = _figure_cell(two.decisions[row.key], colspan=span)
                rows.append((label_cell(row.label), cell))
    rows += heading_rows(t.FEES_ROW.parent, [t.FEES_COLUMN], span)
    rows.append((label_cell(t.FEES_ROW.label), _figure_cell(two.fees, colspan=span)))
    return Table(key="2", title=SECTIONS[1][1], head=tuple(head), rows=tuple(rows))


def applicant_head() -> tuple[tuple[Cell, ...], ...]:
    """Table 三's heading rows: 申请人情况 across; 自然人 | 法人或其他组织 (its five kinds) |
    总计; then the five kinds of organisation."""
    organisations = [c for c in t.COLUMNS_3 if c.parent == "organisation"]
    return (
        (label_cell("", colspan=3, rowspan=3, header=True),
         label_cell(t.APPLICANT_HEADING, colspan=len(t.COLUMNS_3), header=True)),
        (label_cell(t.COLUMN_LABELS_3["person"], rowspan=2, header=True),
         label_cell(t.ORGANISATIONS_HEADING, colspan=len(organisations), header=True),
         label_cell(t.COLUMN_LABELS_3["total"], rowspan=2, header=True)),
        tuple(label_cell(c.label, header=True) for c in organisations),
    )  # fmt: skip


def three_row(label: str, numbers: Callable[[str], tuple[str, ...]]) -> tuple[Cell, ...]:
    """One body row of table 三: its label (spanning the three label columns; the labels carry
    their own numbering), then a number per applicant column with the applications behind it."""
    cells = [label_cell(label, colspan=3)]
    for column in t.COLUMNS_3:
        found = numbers(column.key)
        cells.append(number_cell(len(found), _request_refs(found)))
    return tuple(cells)


def table_three(tables: t.AnnualTables, *, single_other: bool = False) -> Table:
    """三、收到和处理政府信息公开申请情况, every row as ``tables`` has it; with
    ``single_other`` （六）其他处理 is one row without its sub-rows (the 2019 trial format)."""
    three = tables.three
    rows: list[tuple[Cell, ...]] = []
    for line in t.ROWS_3:
        if line.key == t.RESULTS:
            rows.append((label_cell(line.label, colspan=3 + len(t.COLUMNS_3)),))
            continue
        if single_other and line.parent == "6":
            continue

        def numbers(column: str, key: str = line.key) -> tuple[str, ...]:
            return three.numbers[key][column]

        rows.append(three_row(line.label, numbers))
    return Table(key="3", title=SECTIONS[2][1], head=applicant_head(), rows=tuple(rows))


def table_four(tables: t.AnnualTables) -> Table:
    """四、政府信息公开行政复议、行政诉讼情况: one row of fifteen numbers under two heading rows
    (行政复议; 行政诉讼 → 未经复议直接起诉, 复议后起诉), then the five results of each."""
    four = tables.four
    width = len(t.REMEDY_RESULTS)
    head = (
        (label_cell("行政复议", colspan=width, rowspan=2, header=True),
         label_cell("行政诉讼", colspan=2 * width, header=True)),
        tuple(label_cell(kind.label, colspan=width, header=True)
              for kind in t.REMEDY_KINDS if kind.parent),
        tuple(label_cell(result.label, header=True)
              for _kind in t.REMEDY_KINDS for result in t.REMEDY_RESULTS),
    )  # fmt: skip
    row = tuple(
        number_cell(len(four.numbers[kind.key][result.key]),
                    _request_refs(four.numbers[kind.key][result.key]))
        for kind in t.REMEDY_KINDS for result in t.REMEDY_RESULTS
    )  # fmt: skip
    return Table(key="4", title=SECTIONS[3][1], head=head, rows=(row,))


# --------------------------------------------------------------------------- the format


def _facts() -> tuple[Fact, ...]:
    """Where the drafts quote each figure (a number edited by hand no longer matches)."""
    one = [
        ("documents_published", r"主动公开政府信息(\d+)条"),
        ("interpretations_published", r"发布政策解读(\d+)篇"),
        ("requests_new", r"收到政府信息公开申请(\d+)件"),
        ("requests_carried_over", r"上年结转(\d+)件"),
        ("requests_persons", r"自然人申请(\d+)件"),
        ("requests_organisations", r"法人或其他组织申请(\d+)件"),
        *((key, label + r"(\d+)件") for key, label, _c in CHANNEL_FIGURES),
        ("requests_answered", r"本年度办结(\d+)件"),
        *((key, r"(?<![不部])" + label + r"(\d+)件") for _r, key, label in OUTCOME_FIGURES),
        ("requests_carried_forward", r"结转下年度继续办理(\d+)件"),
        ("normative_made", r"制发行政规范性文件(\d+)件"),
        ("normative_repealed", r"废止行政规范性文件(\d+)件"),
        ("normative_in_force", r"现行有效行政规范性文件(\d+)件"),
        ("letters_received", r"收到群众来信(\d+)件"),
        ("letters_replied", r"答复群众来信(\d+)件"),
        ("site_visits", r"访问量(\d+)次"),
        ("reconsiderations", r"行政复议(\d+)件"),
        ("reconsiderations_corrected", r"行政复议\d+件，其中被纠正(\d+)件"),
        ("lawsuits", r"行政诉讼(\d+)件"),
        ("lawsuits_corrected", r"行政诉讼\d+件，其中被纠正(\d+)件"),
        ("assessment_agencies", r"共对(\d+)个单位进行评分"),
        ("letters_rated", r"作出评价(\d+)件"),
        ("letters_satisfied", r"满意和基本满意(\d+)件"),
        ("letters_satisfaction", r"满意率(\d+(?:\.\d+)?)%"),
        ("accountability_total", r"追究责任(\d+)起"),
        *((f"accountability_{m}", name + r"(\d+)起")
          for m, name in MEASURE_NAMES.items()),
    ]  # fmt: skip
    five = [
        ("requests_late", r"有(\d+)件政府信息公开申请超过法定期限"),
        ("requests_carried_forward", r"年底仍有(\d+)件申请结转"),
        ("interpretations_missing", r"有(\d+)件需要解读的政策文件"),
    ]
    six = [
        ("fees_collected", r"收取信息处理费(\d+(?:\.\d+)?)元"),
        ("key_tasks", r"重点工作任务(\d+)项"),
        ("key_tasks_done", r"已办结(\d+)项"),
    ]
    return (
        *(Fact(figure, pattern, "1") for figure, pattern in one),
        *(Fact(figure, pattern, "5") for figure, pattern in five),
        *(Fact(figure, pattern, "6") for figure, pattern in six),
    )


class Fmt2021:
    """The national format of 国办公开办函〔2021〕30号 (REGULATION.md §4)."""

    key = "fmt2021"
    # A lazy translation, which base.ReportFormat types as str (see the report to integrate).
    name: str | Promise = _("National format (国办公开办函〔2021〕30号)")

    def sections(self) -> tuple[tuple[str, str], ...]:
        return SECTIONS

    def figures(self, subject: Subject) -> dict[str, Figure]:
        return collect_figures(subject, t.annual_tables(subject.scope))

    def drafts(self, subject: Subject, figures: Mapping[str, Figure]) -> dict[str, str]:
        return {
            "1": draft_overview(subject, figures),
            "5": draft_problems(subject, figures),
            "6": draft_other(subject, figures),
        }

    def prose_sections(self) -> tuple[tuple[str, str], ...]:
        return tuple((key, title) for key, title in SECTIONS if key in PROSE_SECTIONS)

    def tables_of(self, tables: t.AnnualTables) -> dict[str, Table]:
        """The tables of sections 二, 三 and 四, by section key."""
        return {"2": table_two(tables), "3": table_three(tables), "4": table_four(tables)}

    def tables(self, subject: Subject) -> tuple[Table, ...]:
        laid_out = self.tables_of(t.annual_tables(subject.scope))
        return tuple(laid_out[key] for key, _title in SECTIONS if key not in PROSE_SECTIONS)

    def build(self, subject: Subject, prose: Mapping[str, str]) -> ReportContent:
        annual = t.annual_tables(subject.scope)
        figures = collect_figures(subject, annual)
        drafts = self.drafts(subject, figures)
        tables = self.tables_of(annual)
        sections = []
        for key, title in self.sections():
            if key in PROSE_SECTIONS:
                text = prose.get(key) or drafts[key]
                sections.append(Section(key=key, title=title, text=text))
            else:
                sections.append(
                    Section(key=key, title=title, tables=(tables[key],), has_prose=False)
                )
        return ReportContent(
            format=self.key,
            year=subject.year,
            agency_name=subject.agency_name,
            title=f"{subject.agency_name}{subject.year}年政府信息公开工作年度报告",
            sections=tuple(sections),
            figures=figures,
        )

    def facts(self) -> tuple[Fact, ...]:
        return _facts()


FORMAT = register(Fmt2021())
