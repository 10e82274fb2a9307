"""Demonstration letters (来信): the district's 2014 letters as the seed reports them, and a
recent set of 2024–2026 in every type and state.

``load(stdout)`` is an entry of ``interaction.demo.PART_LOADERS``, run by ``load_demo`` after the
agencies loader, inside the command's transaction. Every letter goes through the services on the
dates of its story (``submit_letter(now=…)``, ``on=`` for staff, ``rate_letter(now=…)``), so the
events, the reply clocks, the tracking numbers and the audit trail are what real use leaves
behind; the stories are played together in date order, so that numbers follow the dates and a
duplicate points to a letter that existed on that day. Steps dated after the last day of the
demonstration are not played: the newest letters stand wherever their story had got to.

* 2014 (seed, part 三): "区政府门户网站设有区长信箱、网上投诉、网上咨询…2014年收到各类咨询、投诉、
  建议376条，回复率98%以上". 376 letters through the portal — about half of them
  consultations, the others complaints and suggestions — of which 370 were replied and 6 not
  accepted (two duplicates, two applications for information pointed to the application form,
  a petition and one matter for a court): a reply rate of 370 / 376 = 98.4%. The 2014 limits
  are the types' defaults; every reply was on time; the writers rated about two in three
  replies, the others were closed by the daily job.
* 2024–2026: about :data:`RECENT_COUNT` letters from 2024-01-02 to a few days before today, of
  every type (the district head's mailbox and a deputy's among them) and channel, with
  transfers, replies returned by the reviewer, late replies, every rejection reason, unsatisfied
  ratings, one letter reopened and answered again, and — near the end — letters received,
  accepted, being handled (some overdue), in review and replied awaiting the rating. Every
  second closed letter whose writer agreed and was not unsatisfied is published as public Q&A
  by its agency's reviewer a working day after closing (:func:`publish_some`); the first of
  them was withdrawn again at the writer's request.
* Hotline follow-ups: every case taken for follow-up in the hotline sessions of 2025–2026 that
  put one of the three bureaux below on air (the channels' demonstration, loaded before this
  one) is a letter that came by the hotline, registered by the office on the day on air, linked
  to its session and handled by the bureau — so that those sessions' follow-up figure is counted
  from letters, and equals the number the channels' demonstration entered. The sessions of 2014
  keep their entered figures (follow-ups were not letters then).

The letters are handled by the three bureaux whose staff the demonstration has: education and
health (their handlers and reviewers) and city management (``urban-handler``,
``urban-reviewer``). Writers are invented: generated names, mobile numbers with 0000 in the
middle, addresses at ``example.invalid``. The notices those letters caused back then are marked
sent, so that loading the demonstration does not mail hundreds of old notices to the console.

Idempotent: when any letter exists the loader says so and changes nothing. Reproducible: every
choice comes from ``random.Random(SEED)``; only the last day depends on today.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.apps import apps as django_apps
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies import demo_data
from gongkai.agencies.models import Agency, StaffRole
from gongkai.core.context import request_memo
from gongkai.core.models import OutgoingMail, User
from gongkai.core.workdays import (
    add_working_days,
    covered_years,
    is_working_day,
    working_days_between,
)
from gongkai.interaction.channels.models import HotlineSession
from gongkai.interaction.letters import defaults, services
from gongkai.interaction.letters.models import Letter, LetterSettings, LetterType

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 20140101
RECENT_START = datetime.date(2024, 1, 2)
RECENT_COUNT = 150
DAYS_BEFORE_TODAY = 3
RATING_DAYS = 10  # the settings' default: the job closes unrated replies after these
FOLLOW_UPS_FROM = datetime.date(2025, 1, 1)  # hotline sessions whose follow-ups are letters
FOLLOW_UP_WRITERS = 5000  # the follow-ups' writers are numbered from here

Role = StaffRole.Role
Channel = Letter.Channel
Rejection = Letter.Rejection
Rating = Letter.Rating

OFFICE = "office"
HANDLERS = {"education": "edu-handler", "health": "health-handler",
            "urban-management": "urban-handler"}  # fmt: skip
REVIEWERS = {"education": "edu-reviewer", "health": "health-reviewer",
             "urban-management": "urban-reviewer"}  # fmt: skip
AGENCIES = list(HANDLERS)


# --- What people write about ---------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    kind: str  # consultation, complaint or suggestion (mailbox letters take any)
    agency: str
    subject: str
    content: str
    reply: str


TOPICS: list[Topic] = [
    # Education (seed: 适龄学生入学).
    Topic(
        "consultation",
        "education",
        "孩子小学入学报名需要哪些材料？",
        "孩子今年满六周岁，户口在张店区，房产在公园街道，请问小学一年级报名需要准备哪些材料，"
        "什么时候报名？",
        "您好！小学一年级招生报名一般在每年6月进行，需提供户口簿、房产证（或购房合同）及儿童"
        "预防接种证。具体时间以区教育局届时发布的招生简章为准，可关注区政府网站通知公告栏目。",
    ),
    Topic(
        "consultation",
        "education",
        "幼儿园学位申请时间",
        "请问2025年秋季公办幼儿园小班什么时候开始报名？非本区户籍能否报名？",
        "您好！公办幼儿园小班报名安排在每年5月，非本区户籍儿童凭居住证可以报名，按片区学位"
        "情况统筹安排。详情请咨询区教育局学前教育科。",
    ),
    Topic(
        "complaint",
        "education",
        "学校收取资料费问题",
        "孩子所在学校要求每名学生交纳二百元资料费，没有收据，请核实是否合规。",
        "您好！经区教育局核查，该校收取资料费未经批准，已责令全额退还，并对相关责任人进行了"
        "批评教育。感谢您的监督。",
    ),
    Topic(
        "suggestion",
        "education",
        "建议增加学校周边上下学时段交通疏导",
        "上下学时段学校门口车辆拥堵严重，建议增加交通协管员，设置临时停车区。",
        "您好！您的建议很好。区教育局已协调交警部门在上下学时段增派警力，并在学校周边划设"
        "临时停车泊位。",
    ),
    # Health.
    Topic(
        "consultation",
        "health",
        "居民医保门诊报销比例",
        "请问城乡居民医保在社区卫生服务中心门诊看病能报销多少？",
        "您好！城乡居民在签约的基层医疗机构门诊就医，政策范围内费用按规定比例报销，年度有"
        "支付限额。具体标准请以医保部门公布的最新政策为准。",
    ),
    Topic(
        "consultation",
        "health",
        "预防接种门诊开放时间",
        "请问区内预防接种门诊周末是否开放？需要提前预约吗？",
        "您好！区内各预防接种门诊周六上午开放，建议通过预约平台提前预约，携带预防接种证。",
    ),
    Topic(
        "complaint",
        "health",
        "社区卫生服务中心服务态度差",
        "在社区卫生服务中心取药时工作人员态度生硬，排队时间过长。",
        "您好！区卫生局已约谈该中心负责人，要求加强服务礼仪培训，增设取药窗口，改进服务流程。",
    ),
    Topic(
        "suggestion",
        "health",
        "建议延长社区医院周末门诊时间",
        "上班族平时没有时间看病，建议社区医院周末全天开诊。",
        "您好！区卫生局已安排部分社区卫生服务中心试行周末全天门诊，将根据运行情况逐步推广。",
    ),
    # City management (seed: 乱搭乱建、占道经营、暖气不热).
    Topic(
        "complaint",
        "urban-management",
        "小区周边占道经营",
        "华光路与共青团路路口每天傍晚有商贩占道经营，影响通行，垃圾也很多。",
        "您好！区城管执法局已对该路段开展集中整治，劝导商贩进入规定的便民疏导点经营，并将"
        "该路段纳入日常巡查。",
    ),
    Topic(
        "complaint",
        "urban-management",
        "楼顶违章搭建",
        "小区某楼顶有住户私自搭建彩钢房，存在安全隐患。",
        "您好！经现场核实，该搭建属于违法建设，区城管执法局已下达限期拆除通知书，当事人已"
        "自行拆除。",
    ),
    Topic(
        "complaint",
        "urban-management",
        "夜间施工噪音扰民",
        "小区旁工地每天晚上十一点后仍在施工，噪音很大，影响休息。",
        "您好！区城管执法局已责令该工地严格遵守夜间施工规定，未办理夜间施工许可不得在22时后"
        "施工，并加强夜间巡查。",
    ),
    Topic(
        "complaint",
        "urban-management",
        "冬季暖气不热",
        "今年供暖以来家里室温只有十四五度，多次联系供热公司没有解决。",
        "您好！经协调，供热企业已上门检测并对管网进行了排气和调试，目前室温已达到供热标准。",
    ),
    Topic(
        "consultation",
        "urban-management",
        "门头牌匾设置需要审批吗？",
        "新开店铺想更换门头牌匾，需要到哪里办理手续？",
        "您好！设置门头牌匾需向区城管执法局申请户外广告和牌匾设置审批，可在区政务服务中心"
        "城管窗口办理，需提供营业执照和设计效果图。",
    ),
    Topic(
        "suggestion",
        "urban-management",
        "建议增设便民摊点疏导区",
        "建议在居民区附近规划便民摊点疏导区，既方便群众又减少占道经营。",
        "您好！区城管执法局已会同街道规划设置了六处便民疏导点，并在区政府网站公布位置。",
    ),
]
TOPICS_BY_KIND: dict[str, list[Topic]] = {}
for _topic in TOPICS:
    TOPICS_BY_KIND.setdefault(_topic.kind, []).append(_topic)

REVIEW_COMMENTS = [
    "请补充办理结果和完成时间。",
    "请核实相关政策依据后再答复。",
    "答复应写明联系电话。",
]
TRANSFER_REASONS = {
    "education": "涉及学校管理，属区教育局职责。",
    "health": "涉及医疗卫生服务，属区卫生局职责。",
    "urban-management": "涉及市容和违法建设，属区城管执法局职责。",
}
RATING_COMMENTS: dict[str, list[str]] = {
    Rating.SATISFIED: ["答复及时，问题已解决，谢谢！", "很满意。", ""],
    Rating.FAIRLY_SATISFIED: ["基本解决，希望持续关注。", "答复有点慢。", ""],
    Rating.UNSATISFIED: ["问题没有实际解决。", "答复太笼统。"],
}


# --- The writers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Writer:
    name: str
    phone: str
    email: str


def writer(rng: random.Random, serial: int) -> Writer:
    surnames, given = demo_data.SURNAMES, demo_data.GIVEN_NAME_CHARACTERS
    name = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))
    phone = f"1{rng.choice('358')}{rng.randrange(10)}0000{rng.randrange(10_000):04d}"
    return Writer(name, phone, f"writer{serial:04d}@example.invalid")


# --- Stories ---------------------------------------------------------------------------------


@dataclass
class Step:
    on: datetime.date
    action: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Story:
    kind: str  # the type's slug
    topic: Topic
    writer: Writer
    channel: str
    received: datetime.date
    consent: bool
    steps: list[Step] = field(default_factory=list)
    letter: Letter | None = None
    hour: int = 10
    session: HotlineSession | None = None  # a hotline follow-up's session


class Planner:
    """Writes the stories: when each letter came, and what happened to it on which day."""

    def __init__(self, rng: random.Random, end: datetime.date) -> None:
        self.rng = rng
        self.end = end
        self.serial = 0

    def _workday(self, day: datetime.date) -> datetime.date:
        return day if is_working_day(day) else add_working_days(day, 1)

    def story(self, kind: str, received: datetime.date, *, channel: str = Channel.ONLINE,
              topic: Topic | None = None) -> Story:  # fmt: skip
        self.serial += 1
        topic_kind = kind if kind in TOPICS_BY_KIND else self.rng.choice(list(TOPICS_BY_KIND))
        return Story(
            kind=kind,
            topic=topic or self.rng.choice(TOPICS_BY_KIND[topic_kind]),
            writer=writer(self.rng, self.serial),
            channel=channel,
            received=received,
            consent=self.rng.random() < 0.6,
            hour=self.rng.randrange(8, 22),
        )

    def handled(
        self,
        story: Story,
        *,
        limit: int,
        late: bool = False,
        returned: bool = False,
        transfer: bool = False,
        assign_later: bool = False,
        rating: str | None = "auto",
        reopen: bool = False,
    ) -> Story:
        """The usual path: accepted on the next working day, assigned, drafted, reviewed,
        replied and rated (or closed unrated by the job)."""
        rng = self.rng
        right = story.topic.agency
        accepted = self._workday(story.received + datetime.timedelta(days=rng.choice((0, 1))))
        if accepted == story.received and story.hour >= 17:
            accepted = add_working_days(accepted, 1)
        first = right
        if transfer:
            first = rng.choice([slug for slug in AGENCIES if slug != right])
        if assign_later:
            story.steps.append(Step(accepted, "accept"))
            assigned = add_working_days(accepted, rng.choice((1, 2)))
            story.steps.append(Step(assigned, "assign", {"agency": first}))
        else:
            assigned = accepted
            story.steps.append(Step(accepted, "accept", {"agency": first}))
        drafted_from = assigned
        if transfer:
            moved = add_working_days(assigned, 1)
            story.steps.append(
                Step(moved, "transfer", {"agency": right, "reason": TRANSFER_REASONS[right]})
            )
            drafted_from = moved
        # On time: the draft leaves room for the review (and a return) within the limit.
        latest = add_working_days(accepted, limit - (2 if returned else 1))
        if late:
            drafted = add_working_days(accepted, limit + rng.randrange(1, 6))
        elif latest <= drafted_from:
            drafted = drafted_from
        else:
            room = working_days_between(drafted_from, latest)
            drafted = add_working_days(drafted_from, rng.randrange(1, room + 1))
        story.steps.append(Step(drafted, "draft"))
        story.steps.append(Step(drafted, "submit"))
        if returned:
            back = add_working_days(drafted, 1)
            story.steps.append(
                Step(back, "review", {"approve": False, "comment": rng.choice(REVIEW_COMMENTS)})
            )
            story.steps.append(Step(back, "draft", {"revised": True}))
            story.steps.append(Step(back, "submit"))
            replied = add_working_days(back, 1)
        else:
            replied = drafted if rng.random() < 0.5 else add_working_days(drafted, 1)
            if not late:
                replied = min(replied, add_working_days(accepted, limit))
                replied = max(replied, drafted)
        story.steps.append(Step(replied, "review", {"approve": True}))
        self._after_reply(story, replied, rating=rating, reopen=reopen, limit=limit)
        return story

    def _after_reply(
        self, story: Story, replied: datetime.date, *, rating: str | None, reopen: bool,
        limit: int,
    ) -> None:  # fmt: skip
        rng = self.rng
        if reopen:
            rated = replied + datetime.timedelta(days=1)
            story.steps.append(
                Step(rated, "rate", {"rating": Rating.UNSATISFIED, "reopen": True,
                                     "comment": "问题没有解决，门口仍有商贩占道，请再次处理。"})
            )  # fmt: skip
            again = add_working_days(self._workday(rated), 3)
            story.steps.append(Step(again, "draft", {"revised": True, "second": True}))
            story.steps.append(Step(again, "submit"))
            story.steps.append(Step(again, "review", {"approve": True}))
            story.steps.append(
                Step(again + datetime.timedelta(days=2), "rate",
                     {"rating": Rating.FAIRLY_SATISFIED, "comment": "这次处理得比较彻底。"})
            )  # fmt: skip
            return
        if rating == "auto":
            if rng.random() < 0.35:
                rating = None
            else:
                rating = rng.choices(
                    [Rating.SATISFIED, Rating.FAIRLY_SATISFIED, Rating.UNSATISFIED],
                    weights=[70, 22, 8],
                )[0]
        if rating is None:
            closed = add_working_days(replied, RATING_DAYS + 1)
            story.steps.append(Step(closed, "close_unrated"))
        else:
            rated = replied + datetime.timedelta(days=rng.randrange(0, 4))
            story.steps.append(
                Step(rated, "rate", {"rating": rating,
                                     "comment": rng.choice(RATING_COMMENTS[rating])})
            )  # fmt: skip

    def rejected(self, story: Story, reason: str, *, note: str = "",
                 duplicate_of: Story | None = None) -> Story:  # fmt: skip
        on = self._workday(story.received + datetime.timedelta(days=1))
        story.steps.append(
            Step(on, "reject", {"reason": reason, "note": note, "duplicate_of": duplicate_of})
        )
        return story


def _limits() -> dict[str, int]:
    return dict(LetterType.objects.values_list("slug", "reply_days"))


INFO_REQUEST_2014 = Topic(
    "consultation",
    "education",
    "申请公开2013年财政预算执行情况",
    "请提供区财政局2013年预算执行情况报告全文。",
    "",
)


def plan_2014(planner: Planner) -> list[Story]:
    """376 letters through the portal in 2014: 370 replied, 6 not accepted (seed, part 三)."""
    rng = planner.rng
    limits = _limits()
    kinds = ["consultation"] * 190 + ["complaint"] * 110 + ["suggestion"] * 76
    rng.shuffle(kinds)
    year_days = [
        datetime.date(2014, 1, 2) + datetime.timedelta(days=n)
        for n in range((datetime.date(2014, 12, 12) - datetime.date(2014, 1, 2)).days)
    ]
    days = sorted(rng.choice(year_days) for _ in kinds)
    stories = [planner.story(kind, day) for kind, day in zip(kinds, days, strict=True)]
    # Six not accepted, spread over the year (the duplicates repeat the letter before them).
    rejections = {
        40: (Rejection.DUPLICATE, ""),
        95: (Rejection.INFO_REQUEST, ""),
        160: (Rejection.PETITION, ""),
        230: (Rejection.DUPLICATE, ""),
        300: (Rejection.INFO_REQUEST, ""),
        350: (Rejection.OUT_OF_SCOPE, "该事项已进入诉讼程序，请向人民法院咨询。"),
    }
    for index, story in enumerate(stories):
        if index in rejections:
            reason, note = rejections[index]
            earlier = stories[index - 1] if reason == Rejection.DUPLICATE else None
            if earlier is not None:
                story.topic, story.kind = earlier.topic, earlier.kind
                story.received = max(story.received, earlier.received)
            if reason == Rejection.INFO_REQUEST:
                story.topic = INFO_REQUEST_2014
            planner.rejected(story, reason, note=note, duplicate_of=earlier)
        else:
            planner.handled(
                story, limit=limits[story.kind], returned=rng.random() < 0.08,
                transfer=rng.random() < 0.06,
            )  # fmt: skip
    return stories


def plan_recent(planner: Planner) -> list[Story]:
    """The letters of 2024 to the end of the demonstration, in every type and state."""
    rng, end = planner.rng, planner.end
    limits = _limits()
    span = (end - RECENT_START).days
    kinds = rng.choices(
        ["mailbox", "mailbox-deputy", "consultation", "complaint", "suggestion"],
        weights=[10, 5, 35, 30, 20],
        k=RECENT_COUNT,
    )
    # The last 40 days hold a sixth of them, so that every open state is there at the end.
    days = sorted(
        RECENT_START + datetime.timedelta(days=rng.randrange(span - 40))
        if n < RECENT_COUNT * 5 // 6
        else end - datetime.timedelta(days=rng.randrange(0, 40))
        for n in range(RECENT_COUNT)
    )
    channels = [Channel.ONLINE] * 8 + [Channel.HOTLINE, Channel.LETTER, Channel.VISIT,
                                        Channel.PHONE]  # fmt: skip
    stories: list[Story] = []
    for kind, day in zip(kinds, days, strict=True):
        story = planner.story(kind, day, channel=rng.choice(channels))
        roll = rng.random()
        planner.handled(
            story,
            limit=limits[kind],
            late=roll < 0.06,
            returned=0.06 <= roll < 0.16,
            transfer=0.16 <= roll < 0.24,
            assign_later=rng.random() < 0.3,
        )
        stories.append(story)

    # Every reason for not accepting, once.
    special_day = datetime.date(2024, 3, 4)
    duplicate_source = planner.story("complaint", special_day, topic=TOPICS[8])
    planner.handled(duplicate_source, limit=limits["complaint"], rating=Rating.SATISFIED)
    duplicate = planner.story("complaint", special_day + datetime.timedelta(days=1),
                              topic=TOPICS[8])  # fmt: skip
    planner.rejected(duplicate, Rejection.DUPLICATE, duplicate_of=duplicate_source)
    info = planner.story("consultation", datetime.date(2024, 5, 13), topic=Topic(
        "consultation", "education", "申请公开学区划分文件",
        "请提供2024年小学学区划分的正式文件及其附件。", ""))  # fmt: skip
    planner.rejected(info, Rejection.INFO_REQUEST)
    petition = planner.story("mailbox", datetime.date(2024, 7, 8), topic=Topic(
        "complaint", "urban-management", "反映拆迁补偿问题",
        "对多年前的房屋拆迁补偿不服，多次上访未果，请区长过问。", ""))  # fmt: skip
    planner.rejected(petition, Rejection.PETITION)
    abusive = planner.story("complaint", datetime.date(2024, 9, 2))
    planner.rejected(abusive, Rejection.ABUSIVE)
    court = planner.story("suggestion", datetime.date(2025, 4, 7), topic=Topic(
        "suggestion", "health", "医疗纠纷赔偿",
        "与某医院的医疗纠纷已经起诉，请政府督促法院尽快判决。", ""))  # fmt: skip
    planner.rejected(
        court, Rejection.OUT_OF_SCOPE, note="该事项正在人民法院审理，请向法院了解进展。"
    )
    # The letter reopened after an unsatisfied rating and answered again.
    reopened = planner.story("mailbox", datetime.date(2025, 6, 9), topic=TOPICS[8])
    planner.handled(reopened, limit=limits["mailbox"], reopen=True)
    # Overdue at the end: accepted weeks before, still with the handler or the reviewer.
    for back, stop in ((30, "draft"), (25, "submit"), (18, "accept")):
        story = planner.story("complaint", add_working_days(end, -back))
        planner.handled(story, limit=limits["complaint"], late=True)
        keep = next(i for i, step in enumerate(story.steps) if step.action == stop)
        story.steps = story.steps[: keep + 1]
        stories.append(story)
    # A letter received on the last day, not yet accepted; one accepted that morning and
    # waiting for the office to find its agency.
    stories.append(planner.story("consultation", end))
    waiting = planner.story("mailbox", add_working_days(end, -1))
    waiting.hour = 9
    waiting.steps = [Step(end, "accept"), Step(add_working_days(end, 1), "assign",
                                              {"agency": waiting.topic.agency})]  # fmt: skip
    stories.append(waiting)
    stories += [duplicate_source, duplicate, info, petition, abusive, court, reopened]
    return stories


def follow_up_sessions(end: datetime.date) -> list[HotlineSession]:
    """The hotline sessions of 2025 to ``end`` with one of the bureaux of these letters on air
    (none when the channels' demonstration was not loaded)."""
    return list(
        HotlineSession.objects.filter(
            aired_on__gte=FOLLOW_UPS_FROM, aired_on__lte=end, agencies__slug__in=AGENCIES
        )
        .distinct()
        .prefetch_related("agencies")
        .order_by("aired_on", "id")
    )


def plan_follow_ups(planner: Planner, sessions: list[HotlineSession]) -> list[Story]:
    """Each case a session took for follow-up, as a letter that came by the hotline on the day
    on air, about the matters of the bureau on air, handled by it like any other."""
    limits = _limits()
    stories = []
    for session in sessions:
        agency = next(a.slug for a in session.agencies.all() if a.slug in HANDLERS)
        topics = [topic for topic in TOPICS if topic.agency == agency]
        for _n in range(session.follow_ups):
            topic = planner.rng.choice(topics)
            story = planner.story(
                topic.kind, session.aired_on, channel=Channel.HOTLINE, topic=topic
            )
            story.session = session
            story.hour = 11  # typed in after the programme
            planner.handled(story, limit=limits[topic.kind])
            stories.append(story)
    return stories


# --- Playing the stories ---------------------------------------------------------------------


class DemoQueryCodeHasher(PBKDF2PasswordHasher):
    """The query codes of the demonstration's letters, hashed with few iterations: nobody is
    given these codes, and hundreds of hashes at the production cost would take minutes. The
    hashes remain ordinary ``pbkdf2_sha256`` ones, read by the configured hashers."""

    iterations = 1000


@dataclass
class Staff:
    office: User
    handlers: dict[str, User]
    reviewers: dict[str, User]


def prepare_staff() -> Staff:
    usernames = {OFFICE, *HANDLERS.values(), *REVIEWERS.values()}
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    missing = usernames - set(users)
    if missing:
        raise RuntimeError(
            f"the agencies loader must run first: sign-ins {sorted(missing)} are missing"
        )
    return Staff(
        office=users[OFFICE],
        handlers={slug: users[name] for slug, name in HANDLERS.items()},
        reviewers={slug: users[name] for slug, name in REVIEWERS.items()},
    )


def prepare_types(agencies: dict[str, Agency]) -> dict[str, LetterType]:
    """The default types (seeded by the migration; again here after a flush), the district
    head's mailbox with its leader, and a deputy head's — configuration, as the administrator
    would enter it."""
    defaults.seed(django_apps, None)
    government = agencies[demo_data.GOVERNMENT_SLUG]
    LetterType.objects.filter(slug="mailbox", leader_name="").update(
        leader_name=government.leader_name or "", agency=government
    )
    LetterType.objects.get_or_create(
        slug="mailbox-deputy",
        defaults={
            "kind": LetterType.Kind.MAILBOX,
            "name": "副区长信箱",
            "reply_days": 15,
            "leader_name": "孙立军",
            "leader_title": "常务副区长",
            "agency": government,
            "description": "向分管城市建设和管理工作的常务副区长反映情况、提出建议。",
            "sort_order": 5,
        },
    )
    petitions = agencies.get("petitions")
    if not LetterSettings.objects.exists():
        LetterSettings.objects.create(
            petition_agency=petitions,
            petition_note="信访事项请到区信访局来访接待大厅反映，或拨打信访电话。",
        )
    return {letter_type.slug: letter_type for letter_type in LetterType.objects.all()}


class Runner:
    """Performs the steps through the services, as the actor of each would."""

    def __init__(self, staff: Staff, agencies: dict[str, Agency],
                 types: dict[str, LetterType]) -> None:  # fmt: skip
        self.staff = staff
        self.agencies = agencies
        self.types = types
        self.keys = iter(range(1, 100_000))

    def create(self, story: Story) -> None:
        data = services.LetterInput(
            letter_type=self.types[story.kind],
            name=story.writer.name,
            phone=story.writer.phone,
            # Callers and visitors often give no e-mail address.
            email="" if story.channel in (Channel.PHONE, Channel.VISIT) else story.writer.email,
            subject=story.topic.subject,
            content=story.topic.content,
            consent_to_publish=story.consent,
            # A mailbox letter is addressed to the leader's agency; others name the bureau.
            agency=None if story.kind.startswith("mailbox") else self.agencies[story.topic.agency],
        )
        moment = datetime.datetime.combine(
            story.received, datetime.time(story.hour, (story.hour * 7) % 60), tzinfo=SHANGHAI
        )
        if story.channel == Channel.ONLINE:
            key = f"demo-{story.received.year}-{next(self.keys):05d}"
            letter, _code = services.submit_letter(data, submission_key=key, now=moment)
        else:
            letter, _code = services.register_letter(
                data,
                actor=self.staff.office,
                channel=story.channel,
                received_on=story.received,
                hotline_session=story.session,
            )
            # Typed in on the day it came (a timestamp, not a state).
            Letter.objects.filter(pk=letter.pk).update(submitted_at=moment)
        story.letter = letter

    def perform(self, story: Story, step: Step) -> None:
        if story.letter is None:
            raise RuntimeError("a step was played before its letter was written")
        action: Callable[..., Any] = getattr(self, f"_{step.action}")
        story.letter = action(story, story.letter, step.on, **step.args)

    def _handler(self, letter: Letter) -> User:
        agency = letter.handling_agency
        return self.staff.handlers[agency.slug if agency is not None else ""]

    def _reviewer(self, letter: Letter) -> User:
        agency = letter.handling_agency
        return self.staff.reviewers[agency.slug if agency is not None else ""]

    def _accept(self, story: Story, letter: Letter, on: datetime.date, agency: str = "") -> Letter:
        return services.accept_letter(
            letter, actor=self.staff.office, on=on,
            handling_agency=self.agencies[agency] if agency else None,
        )  # fmt: skip

    def _assign(self, story: Story, letter: Letter, on: datetime.date, agency: str) -> Letter:
        return services.assign_letter(
            letter, actor=self.staff.office, agency=self.agencies[agency], on=on
        )

    def _transfer(
        self, story: Story, letter: Letter, on: datetime.date, agency: str, reason: str
    ) -> Letter:
        return services.transfer_letter(
            letter, actor=self.staff.office, agency=self.agencies[agency], reason=reason, on=on
        )

    def _reject(
        self, story: Story, letter: Letter, on: datetime.date, reason: str, note: str,
        duplicate_of: Story | None,
    ) -> Letter:  # fmt: skip
        earlier = duplicate_of.letter.number if duplicate_of and duplicate_of.letter else ""
        return services.reject_letter(
            letter, actor=self.staff.office, reason=reason, note=note, duplicate_of=earlier,
            on=on,
        )  # fmt: skip

    def _draft(
        self, story: Story, letter: Letter, on: datetime.date, revised: bool = False,
        second: bool = False,
    ) -> Letter:  # fmt: skip
        text = story.topic.reply
        if second:
            text += "经再次现场核查，已安排专人每日巡查，问题已彻底解决。"
        elif revised:
            text += "如有疑问，请拨打区政府服务热线咨询。"
        return services.draft_reply(letter, actor=self._handler(letter), reply_text=text, on=on)

    def _submit(self, story: Story, letter: Letter, on: datetime.date) -> Letter:
        return services.submit_for_review(letter, actor=self._handler(letter), on=on)

    def _review(
        self, story: Story, letter: Letter, on: datetime.date, approve: bool, comment: str = ""
    ) -> Letter:
        return services.review_letter(
            letter, actor=self._reviewer(letter), approve=approve, comment=comment, on=on
        )

    def _rate(
        self, story: Story, letter: Letter, on: datetime.date, rating: str, comment: str = "",
        reopen: bool = False,
    ) -> Letter:  # fmt: skip
        # The writer rates in the evening of the day, on the status page.
        moment = datetime.datetime.combine(on, datetime.time(20, 15), tzinfo=SHANGHAI)
        return services.rate_letter(
            letter, rating=rating, comment=comment, reopen=reopen, now=moment
        )

    def _close_unrated(self, story: Story, letter: Letter, on: datetime.date) -> Letter:
        # The daily job on the day after the writer's time to rate ran out.
        return services.close_unrated_letter(letter, today=on) or letter


def play(stories: list[Story], runner: Runner, end: datetime.date) -> None:
    """Write every letter and perform every step up to the end, all in date order."""
    agenda: list[tuple[datetime.date, int, int]] = []
    for index, story in enumerate(stories):
        agenda.append((story.received, index, -1))
        agenda += [(step.on, index, n) for n, step in enumerate(story.steps) if step.on <= end]
    agenda.sort()
    for _on, index, n in agenda:
        story = stories[index]
        if n < 0:
            runner.create(story)
        else:
            runner.perform(story, story.steps[n])


QA_WITHDRAWAL_REASON = "应来信人要求撤回。"


def publish_some(stories: list[Story], staff: Staff, end: datetime.date) -> int:
    """Publish every second closed recent letter whose writer agreed (and was not unsatisfied)
    as public Q&A, as its agency's reviewer would; withdraw the first again. Returns how many
    stand published."""
    eligible = sorted(
        (
            story.letter
            for story in stories
            if story.letter is not None
            and story.consent
            and story.letter.state == Letter.State.CLOSED
            and story.letter.rating != Rating.UNSATISFIED
            and story.letter.closed_on is not None
            and story.letter.handling_agency is not None
        ),
        key=lambda letter: letter.number,
    )
    published = 0
    for index, letter in enumerate(eligible[::2]):
        assert letter.closed_on is not None and letter.handling_agency is not None  # noqa: S101
        on = add_working_days(letter.closed_on, 1)
        if on > end:
            continue
        reviewer = staff.reviewers[letter.handling_agency.slug]
        moment = datetime.datetime.combine(on, datetime.time(10, 30), tzinfo=SHANGHAI)
        proposal = services.propose_publication(letter, actor=reviewer, now=moment)
        services.publish_letter(
            letter,
            actor=reviewer,
            subject=proposal.public_subject,
            content=proposal.public_content,
            reply=proposal.public_reply,
            now=moment + datetime.timedelta(minutes=20),
        )
        if index == 0:
            later = datetime.datetime.combine(
                min(add_working_days(on, 5), end), datetime.time(15), tzinfo=SHANGHAI
            )
            services.withdraw_publication(
                letter, actor=reviewer, reason=QA_WITHDRAWAL_REASON, now=later
            )
        else:
            published += 1
    return published


def end_date() -> datetime.date:
    """The last day of the demonstration: a working day a few days before today, early
    enough in the calendar's last year that every limit counted from it is covered."""
    end = timezone.localdate() - datetime.timedelta(days=DAYS_BEFORE_TODAY)
    last = datetime.date(max(covered_years()), 12, 31)
    end = min(end, add_working_days(last, -(RATING_DAYS + 20)))
    return end if is_working_day(end) else add_working_days(end, -1)


def load(stdout: TextIO) -> None:
    """The letters loader of ``load_demo`` (after the agencies loader)."""
    existing = Letter.objects.count()
    if existing:
        stdout.write(_("Letters: %(count)d present already, none loaded.\n") % {"count": existing})
        return
    slugs = {*AGENCIES, demo_data.GOVERNMENT_SLUG, "petitions"}
    agencies = {agency.slug: agency for agency in Agency.objects.filter(slug__in=slugs)}
    staff = prepare_staff()
    types = prepare_types(agencies)
    end = end_date()
    planner = Planner(random.Random(SEED), end)  # noqa: S311 - reproducible demo data
    old = plan_2014(planner)
    recent = plan_recent(planner)
    # Their own generator, so that the sessions found never shift the other letters' draws.
    follow_up_planner = Planner(random.Random(f"{SEED}:follow-ups"), end)  # noqa: S311
    follow_up_planner.serial = FOLLOW_UP_WRITERS
    follow_ups = plan_follow_ups(follow_up_planner, follow_up_sessions(end))
    runner = Runner(staff, agencies, types)
    first_mail = OutgoingMail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    memo = request_memo.set({})
    try:
        with override_settings(
            PASSWORD_HASHERS=["gongkai.interaction.letters.demo.DemoQueryCodeHasher"]
        ):
            play(old + recent + follow_ups, runner, end)
            # The daily job's clock refresh, as of today: the overdue are marked.
            for letter in Letter.objects.filter(state__in=["accepted", "handling", "review"]):
                services.refresh_letter_clock(letter)
            published = publish_some(recent, staff, end)
    finally:
        request_memo.reset(memo)
    # The notices of these letters went out when they happened, not now.
    OutgoingMail.objects.filter(
        pk__gt=first_mail, topic__startswith="letters.", sent_at__isnull=True
    ).update(sent_at=F("created_at"))
    counts = {
        "total": Letter.objects.count(),
        "old": len(old),
        "recent": len(recent) + len(follow_ups),
        "open": Letter.objects.exclude(state__in=["closed", "rejected"]).count(),
    }
    stdout.write(
        _("Letters: %(total)d loaded (%(old)d of 2014, %(recent)d of 2024–2026, %(open)d open).\n")
        % counts
    )
    if follow_ups:
        stdout.write(
            _("Letters: %(count)d of them follow-ups of %(sessions)d hotline sessions.\n")
            % {"count": len(follow_ups), "sessions": len({story.session for story in follow_ups})}
        )
    stdout.write(_("Public Q&A: %(count)d published.\n") % {"count": published})
