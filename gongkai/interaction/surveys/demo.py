"""Demonstration surveys: a closed survey of 2025 with its results, and one open now.

Both are the education bureau's (张店区教育局), built by its editor and published by its
reviewer (the demonstration sign-ins ``edu-editor`` and ``edu-reviewer``), and every answer goes
through ``services.submit_response`` at the moment of its story, so the numbers, the events and
the audit trail are what real use leaves behind.

* 2025: "教育信息公开满意度调查", open 1–30 June 2025, results after closing;
  :data:`CLOSED_RESPONSES` generated responses, then closed by its closing time.
* Now: "中小学课后服务家长意见调查", opened ten days ago for a month, results live; a few
  dozen responses so far.

Reproducible: the answers come from ``random.Random(SEED)``; only the open survey's dates
depend on the day. Idempotent: a survey already present (by title) is left as it is.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.core.models import User
from gongkai.interaction.surveys import services, tasks
from gongkai.interaction.surveys.models import Question, Survey
from gongkai.interaction.surveys.services import AnswerValue, QuestionSpec

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 20250601
AGENCY = "education"
EDITOR = "edu-editor"
REVIEWER = "edu-reviewer"
CLOSED_RESPONSES = 320
OPEN_RESPONSES = 37

Kind = Question.Kind


@dataclass(frozen=True)
class DemoQuestion:
    spec: QuestionSpec
    weights: Sequence[float] = ()  # of the choices or of the ratings, low to high
    answer_rate: float = 1.0  # the share that answers an optional question
    picks: tuple[int, int] = (1, 1)  # multiple choice: fewest and most choices ticked


def _single(text: str, choices: Sequence[str], weights: Sequence[float]) -> DemoQuestion:
    return DemoQuestion(QuestionSpec(text=text, kind=Kind.SINGLE, choices=choices), weights)


def _multiple(
    text: str, choices: Sequence[str], weights: Sequence[float], picks: tuple[int, int]
) -> DemoQuestion:
    spec = QuestionSpec(text=text, kind=Kind.MULTIPLE, choices=choices)
    return DemoQuestion(spec, weights, picks=picks)


def _rating(text: str, weights: Sequence[float], *, help_text: str = "") -> DemoQuestion:
    spec = QuestionSpec(
        text=text,
        kind=Kind.RATING,
        help_text=help_text,
        scale_min=1,
        scale_max=5,
        min_label="非常不满意",
        max_label="非常满意",
    )
    return DemoQuestion(spec, weights)


def _text(text: str, rate: float) -> DemoQuestion:
    spec = QuestionSpec(text=text, kind=Kind.TEXT, required=False)
    return DemoQuestion(spec, answer_rate=rate)


CLOSED_TITLE = "2025年张店区教育信息公开满意度调查"
CLOSED_INTRODUCTION = (
    "为了解社会公众对我局政府信息公开工作的评价，改进门户网站“教育信息公开”栏目，"
    "张店区教育局开展本次问卷调查。问卷不记名，约需3分钟。调查结果将在调查结束后公布。"
)
CLOSED_QUESTIONS = [
    _single(
        "您的身份是？",
        ["学生家长", "学生", "教职工", "其他市民", "企业或其他组织"],
        [52, 9, 18, 17, 4],
    ),
    _multiple(
        "您通常通过哪些渠道了解教育方面的政府信息？",
        ["区政府门户网站", "教育局微信公众号", "学校通知", "新闻媒体", "政务服务大厅", "其他"],
        [46, 58, 71, 22, 8, 5],
        picks=(1, 3),
    ),
    _rating(
        "您对门户网站“教育信息公开”栏目的总体满意程度",
        [4, 7, 21, 41, 27],
        help_text="1分表示非常不满意，5分表示非常满意。",
    ),
    _single(
        "您在网站上查找所需信息是否方便？",
        ["很方便", "比较方便", "一般", "不方便"],
        [24, 43, 25, 8],
    ),
    _multiple(
        "您最希望我局加强公开哪些内容？",
        ["招生入学政策", "学区划分", "教育经费使用情况", "学校收费项目", "教师招聘", "校园安全"],
        [68, 61, 27, 39, 18, 33],
        picks=(1, 3),
    ),
    _rating("您对信息更新及时性的评价", [5, 9, 26, 38, 22]),
    _text("您对我局政府信息公开工作还有哪些意见和建议？", 0.22),
]
CLOSED_TEXTS = [
    "希望学区划分图能早一点公布，最好在每年4月前。",
    "招生政策解读写得很清楚，建议配上图解。",
    "手机上打开网站有时排版错乱，希望改进。",
    "建议公开各学校课后服务的收费标准和时间安排。",
    "教师招聘的成绩公示希望保留时间更长一些。",
    "信息很全面，就是栏目太多，不好找。",
    "希望增加搜索功能的准确度，按文号查不到文件。",
    "建议在公众号同步推送重要通知。",
    "校园安全方面的信息公开不够，希望定期发布。",
    "整体满意，继续保持。",
]

OPEN_TITLE = "中小学课后服务家长意见调查"
OPEN_INTRODUCTION = (
    "为进一步做好中小学课后服务工作，现就课后服务的时间、内容和收费征求家长意见。"
    "问卷不记名，调查期间可随时查看已收到的结果。"
)
OPEN_QUESTIONS = [
    _single(
        "您的孩子目前就读于",
        ["小学低年级（1-3年级）", "小学高年级（4-6年级）", "初中"],
        [41, 37, 22],
    ),
    _single(
        "您的孩子是否参加了学校的课后服务？",
        ["参加", "未参加"],
        [78, 22],
    ),
    _rating("您对目前课后服务的满意程度", [3, 8, 24, 40, 25]),
    _multiple(
        "您希望课后服务增加哪些内容？",
        ["作业辅导", "体育活动", "艺术类兴趣课", "科技创新活动", "阅读"],
        [55, 49, 38, 30, 27],
        picks=(1, 2),
    ),
    _single(
        "您认为课后服务结束时间以几点为宜？",
        ["17:00", "17:30", "18:00", "18:30"],
        [12, 38, 36, 14],
    ),
    _text("其他意见和建议", 0.3),
]
OPEN_TEXTS = [
    "希望周五也能提供课后服务。",
    "作业辅导的老师最好是本班老师。",
    "建议增加一些户外活动时间。",
    "收费标准希望在学期开始前公布。",
]


def _token(label: str, index: int) -> str:
    """A fixed visitor token for a generated response (43 URL-safe characters)."""
    return hashlib.sha256(f"demo:{label}:{index}".encode()).hexdigest()[:43]


def _answers(
    rng: random.Random,
    questions: Sequence[Question],
    demo: Sequence[DemoQuestion],
    texts: Sequence[str],
) -> dict[int, AnswerValue]:
    answers: dict[int, AnswerValue] = {}
    for question, plan in zip(questions, demo, strict=True):
        if question.kind == Kind.TEXT:
            if rng.random() < plan.answer_rate:
                answers[question.pk] = AnswerValue(text=rng.choice(texts))
            continue
        if question.kind == Kind.RATING:
            values = list(question.scale())
            answers[question.pk] = AnswerValue(rating=rng.choices(values, plan.weights)[0])
            continue
        choice_ids = [choice.pk for choice in question.choices.all()]
        if question.kind == Kind.SINGLE:
            chosen = rng.choices(choice_ids, plan.weights)[0]
            answers[question.pk] = AnswerValue(choice_ids=(chosen,))
            continue
        count = rng.randint(*plan.picks)
        picked: list[int] = []
        pool, weights = list(choice_ids), list(plan.weights)
        while len(picked) < count and pool:
            index = rng.choices(range(len(pool)), weights)[0]
            picked.append(pool.pop(index))
            weights.pop(index)
        answers[question.pk] = AnswerValue(choice_ids=tuple(picked))
    return answers


def _build(
    *,
    agency: Agency,
    editor: User,
    reviewer: User,
    title: str,
    introduction: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    results_shown: str,
    questions: Sequence[DemoQuestion],
) -> Survey:
    built_at = opens_at - datetime.timedelta(days=12)
    survey = services.create_survey(
        agency=agency,
        actor=editor,
        title=title,
        introduction=introduction,
        opens_at=opens_at,
        closes_at=closes_at,
        results_shown=results_shown,
        now=built_at,
    )
    for plan in questions:
        services.add_question(survey, plan.spec, actor=editor, now=built_at)
    services.publish_survey(survey, actor=reviewer, now=opens_at - datetime.timedelta(days=3))
    return survey


def _answer(
    survey: Survey,
    rng: random.Random,
    plans: Sequence[DemoQuestion],
    texts: Sequence[str],
    *,
    count: int,
    start: datetime.datetime,
    end: datetime.datetime,
    label: str,
) -> None:
    questions = list(survey.questions.order_by("position").prefetch_related("choices"))
    span = (end - start).total_seconds()
    moments = sorted(start + datetime.timedelta(seconds=rng.random() * span) for _ in range(count))
    for index, moment in enumerate(moments):
        services.submit_response(
            survey,
            _answers(rng, questions, plans, texts),
            visitor_token=_token(label, index),
            now=moment,
        )


def load(stdout: TextIO) -> None:
    """The surveys loader of ``load_demo`` (after the agencies loader)."""
    agency = Agency.objects.filter(slug=AGENCY).first()
    users = {u.username: u for u in User.objects.filter(username__in=[EDITOR, REVIEWER])}
    if agency is None or len(users) < 2:
        raise RuntimeError("the agencies loader must run first: the education bureau is missing")
    editor, reviewer = users[EDITOR], users[REVIEWER]
    existing = set(
        Survey.objects.filter(title__in=[CLOSED_TITLE, OPEN_TITLE]).values_list("title", flat=True)
    )
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data
    loaded = 0
    if CLOSED_TITLE not in existing:
        opens_at = datetime.datetime(2025, 6, 1, 8, 0, tzinfo=SHANGHAI)
        closes_at = datetime.datetime(2025, 6, 30, 17, 30, tzinfo=SHANGHAI)
        survey = _build(
            agency=agency,
            editor=editor,
            reviewer=reviewer,
            title=CLOSED_TITLE,
            introduction=CLOSED_INTRODUCTION,
            opens_at=opens_at,
            closes_at=closes_at,
            results_shown=Survey.ResultsShown.AFTER_CLOSING,
            questions=CLOSED_QUESTIONS,
        )
        _answer(
            survey,
            rng,
            CLOSED_QUESTIONS,
            CLOSED_TEXTS,
            count=CLOSED_RESPONSES,
            start=opens_at,
            end=closes_at - datetime.timedelta(minutes=1),
            label="closed-2025",
        )
        tasks.close_due_surveys(now=closes_at)
        loaded += 1
    if OPEN_TITLE not in existing:
        now = timezone.now()
        today = timezone.localdate(now)
        opens_at = datetime.datetime(today.year, today.month, today.day, 8, 0, tzinfo=SHANGHAI)
        opens_at -= datetime.timedelta(days=10)
        closes_at = opens_at + datetime.timedelta(days=30, hours=9, minutes=30)
        survey = _build(
            agency=agency,
            editor=editor,
            reviewer=reviewer,
            title=OPEN_TITLE,
            introduction=OPEN_INTRODUCTION,
            opens_at=opens_at,
            closes_at=closes_at,
            results_shown=Survey.ResultsShown.LIVE,
            questions=OPEN_QUESTIONS,
        )
        _answer(
            survey,
            rng,
            OPEN_QUESTIONS,
            OPEN_TEXTS,
            count=OPEN_RESPONSES,
            start=opens_at,
            end=min(now, opens_at + datetime.timedelta(days=9)),
            label="open",
        )
        loaded += 1
    stdout.write(
        _("Surveys: %(loaded)d loaded, %(present)d present already.\n")
        % {"loaded": loaded, "present": len(existing)}
    )
