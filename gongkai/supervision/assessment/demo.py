"""Demonstration assessment: the indicator schemes of 2014, 2025 and 2026, their scorecards
computed from the demonstration records, a few hand scores, and two accountability records.

``load(stdout)`` is an entry of ``load_demo``'s ``DEMO_LOADERS``, run after
the catalogue, applications and letters loaders, whose records the measures read. Everything
goes through the services, done by the demonstration's disclosure office (``office``), which is
also the assessor of the hand-scored indicators.

* 2014 — the seed: "区政府办公室每年结合工作重点确定考核指标及量化分值" and "在区人民政府网站
  专门建设了“成绩单”公示栏目，展示各政府信息公开成员单位2014年政府信息公开工作情况的“成绩单”".
  The scheme is defined in February, in force from March, and the scorecards of every member
  of the year (87: 79 at the start, 8 joined, 1 left) are published on 20 January 2015.
* 2025 — a scheme under the 2019 Regulation, its scorecards published on 20 January 2026.
* 2026 — the year's active scheme: each agency sees its provisional scorecard in the workbench.

The hand scores are deductions found in the office's spot checks (日常抽测, points off the
full 10) and bonuses for notable work (工作创新, none without a score), each with a comment and
a public catalogue document of the agency as evidence. The persons of the accountability
records are invented.

Idempotent: a year that has a scheme already is left alone, and an accountability record is
matched on its agency and date, so a second run creates nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core.context import request_memo
from gongkai.core.models import User
from gongkai.supervision.assessment import services
from gongkai.supervision.assessment.models import (
    AccountabilityRecord,
    Indicator,
    IndicatorScheme,
)
from gongkai.supervision.assessment.services import IndicatorInput

OFFICE = "office"  # the demonstration's disclosure office sign-in (agencies' demo data)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

G, C, M = Indicator.Kind.GROUP, Indicator.Kind.COMPUTED, Indicator.Kind.MANUAL
FULL, ZERO = Indicator.Unscored.FULL, Indicator.Unscored.ZERO


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Row:
    """One indicator: ``parent`` is the code of its group."""

    code: str
    name: str
    kind: str
    points: str = "0"
    parent: str = ""
    measure: str = ""
    scoring: str = ""
    parameters: dict[str, Any] | None = None
    unscored: str = FULL
    description: str = ""


COVERAGE_STEPS = {"direction": "at_least", "steps": [[50, 20], [20, 16], [13, 14], [6, 12]]}


# fmt: off
def rows_2014() -> list[Row]:
    return [
        Row("1", "主动公开", G),
        Row("1.1", "法定主动公开内容完整", C, "20", "1", "statutory_coverage", "steps",
            COVERAGE_STEPS,
            description="《条例》规定的主动公开内容，每一类均应有政府信息在目录中公开。"),
        Row("1.2", "主动公开信息数量", C, "10", "1", "documents_published", "steps",
            {"direction": "at_least", "steps": [[100, 10], [80, 8], [50, 6], [1, 3]]}),
        Row("1.3", "按时公开", C, "10", "1", "late_publications", "deduction",
            {"per": 2, "floor": 0},
            description="政府信息形成或者变更之日起20个工作日内予以公开，每超期1条扣2分。"),
        Row("1.4", "政策解读", C, "10", "1", "interpretation_coverage", "steps",
            {"direction": "at_least", "steps": [[100, 10], [50, 5]]},
            description="重要政策文件须同步配发解读（张政办发〔2014〕50号）。"),
        Row("2", "依申请公开", G),
        Row("2.1", "按时答复", C, "20", "2", "request_reply_rate", "linear",
            {"zero_at": 80, "full_at": 100},
            description="在法定期限内答复申请，按时答复率80%以下不得分。"),
        Row("3", "政民互动", G),
        Row("3.1", "来信按时办复", C, "10", "3", "letter_reply_rate", "linear",
            {"zero_at": 60, "full_at": 100}),
        Row("3.2", "来信满意率", C, "10", "3", "letter_satisfaction", "linear",
            {"zero_at": 60, "full_at": 95}),
        Row("4", "日常抽测", M, "10", unscored=FULL,
            description="区政府办公室对网站栏目更新、公开目录和保密审查情况进行抽查，"
            "发现问题酌情扣分。"),
        Row("5", "工作创新（加分项）", M, "5", unscored=ZERO,
            description="公开形式、载体和内容有创新并取得明显成效的，酌情加分。"),
    ]


def rows_2025() -> list[Row]:
    return [
        Row("1", "主动公开", G),
        Row("1.1", "法定主动公开内容", C, "20", "1", "statutory_coverage", "steps",
            COVERAGE_STEPS, description="《条例》第二十条规定的十五类主动公开内容。"),
        Row("1.2", "信息发布", C, "10", "1", "documents_published", "steps",
            {"direction": "at_least", "steps": [[3, 10], [2, 8], [1, 6]]}),
        Row("1.3", "按时公开", C, "10", "1", "late_publications", "deduction",
            {"per": 2, "floor": 0},
            description="《条例》第二十六条：形成或者变更之日起20个工作日内公开。"),
        Row("2", "政策解读与回应关切", G),
        Row("2.1", "政策解读", C, "10", "2", "interpretation_coverage", "linear",
            {"zero_at": 0, "full_at": 100}),
        Row("3", "依申请公开", G),
        Row("3.1", "答复时效", C, "20", "3", "request_reply_rate", "steps",
            {"direction": "at_least", "steps": [[100, 20], [95, 16], [90, 12]]},
            description="《条例》第三十三条：20个工作日内答复。"),
        Row("4", "政民互动", G),
        Row("4.1", "来信按时办复", C, "10", "4", "letter_reply_rate", "linear",
            {"zero_at": 60, "full_at": 100}),
        Row("4.2", "群众满意度", C, "10", "4", "letter_satisfaction", "linear",
            {"zero_at": 60, "full_at": 95}),
        Row("5", "平台建设与日常抽测", M, "10", unscored=FULL,
            description="政府网站和政务新媒体检查，发现问题酌情扣分。"),
        Row("6", "工作创新（加分项）", M, "5", unscored=ZERO),
    ]
# fmt: on


@dataclass(frozen=True)
class Plan:
    year: int
    title: str
    rows: list[Row]
    created: datetime.date
    activated: datetime.date
    published: datetime.date | None
    # (indicator code, agency slug, points, comment, scored on)
    hand_scores: list[tuple[str, str, str, str, datetime.date]]


PLANS = [
    Plan(
        2014,
        "张店区2014年度政府信息公开工作考核指标",
        rows_2014(),
        datetime.date(2014, 2, 17),
        datetime.date(2014, 3, 3),
        datetime.date(2015, 1, 20),
        [
            (
                "4",
                "housing",
                "8",
                "11月抽查：“政务公告”栏目经适房公示更新不及时，扣2分。",
                datetime.date(2014, 11, 26),
            ),
            (
                "4",
                "environment",
                "9",
                "11月抽查：公开目录中部分信息缺少内容概述，扣1分。",
                datetime.date(2014, 11, 26),
            ),
            (
                "4",
                "urban-management",
                "7",
                "10月、11月两次抽查均发现网上投诉栏目答复未同步公开，扣3分。",
                datetime.date(2014, 12, 3),
            ),
            (
                "5",
                "education",
                "4",
                "在部门网站和各学校及时公开招生方案和录取结果，做法值得推广，加4分。",
                datetime.date(2014, 12, 22),
            ),
            (
                "5",
                "health",
                "3",
                "在区政府网站卫生局栏目主动公开信息77条，分类规范，加3分。",
                datetime.date(2014, 12, 22),
            ),
        ],
    ),
    Plan(
        2025,
        "张店区2025年度政务公开工作考核指标",
        rows_2025(),
        datetime.date(2025, 2, 10),
        datetime.date(2025, 3, 3),
        datetime.date(2026, 1, 20),
        [
            (
                "5",
                "urban-management",
                "8",
                "政务新媒体检查：微信公众号两周未更新，扣2分。",
                datetime.date(2025, 9, 15),
            ),
            (
                "6",
                "civil-affairs",
                "3",
                "养老服务补贴政策图解解读形式新颖，加3分。",
                datetime.date(2025, 12, 18),
            ),
        ],
    ),
    Plan(
        2026,
        "张店区2026年度政务公开工作考核指标",
        rows_2025(),
        datetime.date(2026, 2, 9),
        datetime.date(2026, 3, 2),
        None,
        [
            (
                "5",
                "housing",
                "9",
                "一季度抽查：公开指南联系电话未更新，扣1分。",
                datetime.date(2026, 4, 8),
            ),
        ],
    ),
]

ACCOUNTABILITY = [
    (
        "housing",
        "周建军",
        "综合科科长",
        AccountabilityRecord.Measure.ADMONITION,
        "经适房分配信息未按规定时限公开，经督促仍未整改。",
        datetime.date(2014, 12, 10),
        "张政办督〔2014〕6号",
    ),
    (
        "urban-management",
        "孙立明",
        "办公室副主任",
        AccountabilityRecord.Measure.CRITICISM,
        "政务新媒体长期未更新，网友留言未及时回复。",
        datetime.date(2025, 10, 16),
        "张政办督〔2025〕3号",
    ),
]


def _evidence(agency: Agency, year: int) -> list[Document]:
    """A public document of the agency from the year (else its latest) as the evidence."""
    documents = public_document_rows().filter(agency=agency).order_by("-published_at", "-pk")
    document = documents.filter(published_at__year=year).first() or documents.first()
    return [document] if document is not None else []


def load_year(plan: Plan, actor: User, agencies: dict[str, Agency]) -> tuple[int, int]:
    """The plan's scheme, hand scores and (when due) publication; (hand scores, scorecards)."""
    scheme = services.create_scheme(plan.year, title=plan.title, actor=actor, now=at(plan.created))
    indicators: dict[str, Indicator] = {}
    for order, row in enumerate(plan.rows):
        indicators[row.code] = services.add_indicator(
            scheme,
            IndicatorInput(
                code=row.code,
                name=row.name,
                kind=row.kind,
                max_points=Decimal(row.points),
                parent=indicators.get(row.parent),
                description=row.description,
                sort_order=order,
                measure=row.measure,
                scoring=row.scoring,
                parameters=row.parameters,
                unscored=row.unscored,
                assessor=actor if row.kind == M else None,
            ),
            actor=actor,
        )
    services.activate_scheme(scheme, actor=actor, now=at(plan.activated))
    scored = 0
    for code, slug, points, comment, day in plan.hand_scores:
        agency = agencies.get(slug)
        evidence = _evidence(agency, plan.year) if agency else []
        if agency is None or not evidence:
            continue
        services.record_hand_score(
            indicators[code], agency, points=points, comment=comment, documents=evidence,
            actor=actor, now=at(day, 15),
        )  # fmt: skip
        scored += 1
    published = 0
    if plan.published is not None:
        published = len(services.publish_scores(scheme, actor=actor, now=at(plan.published)))
    return scored, published


def load(stdout: TextIO) -> None:
    """The assessment loader of ``load_demo``."""
    actor = User.objects.filter(username=OFFICE).first()
    if actor is None:
        raise RuntimeError(f"the agencies loader must run first: sign-in {OFFICE!r} is missing")
    agencies = {agency.slug: agency for agency in Agency.objects.all()}
    schemes = hand_scores = scorecards = records = 0
    memo = request_memo.set({})  # the office's roles do not change during the load
    try:
        for plan in PLANS:
            if IndicatorScheme.objects.filter(year=plan.year).exists():
                continue
            scored, published = load_year(plan, actor, agencies)
            schemes += 1
            hand_scores += scored
            scorecards += published
        for slug, person, title, measure, reason, decided_on, number in ACCOUNTABILITY:
            agency = agencies.get(slug)
            if agency is None:
                continue
            if AccountabilityRecord.objects.filter(agency=agency, decided_on=decided_on).exists():
                continue
            services.record_accountability(
                agency, person=person, person_title=title, reason=reason, measure=measure,
                decided_on=decided_on, decision_number=number, actor=actor,
                now=at(decided_on, 16),
            )  # fmt: skip
            records += 1
    finally:
        request_memo.reset(memo)
    stdout.write(
        _(
            "Assessment: %(schemes)d indicator schemes, %(hand)d hand scores, %(cards)d "
            "published scorecards and %(records)d accountability records loaded.\n"
        )
        % {"schemes": schemes, "hand": hand_scores, "cards": scorecards, "records": records}
    )
