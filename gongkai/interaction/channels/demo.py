"""Demonstration hotline sessions, service logs, channel figures and opinion responses: 2014 as
the seed reports it, and 2024–2026.

``load(stdout)`` is an entry of ``interaction.demo.PART_LOADERS``, run by ``load_demo`` after
the agencies (and catalogue) loaders. Every record goes through the services, entered by the
demonstration's disclosure office (``office``), so the audit trail is what real use leaves.

2014, in the seed's own words (its part 一 and 九):

* 政风行风热线 "上线政府部门28个，区长面对面7期，接听热线600余个": the programme's
  sessions put 28 distinct departments on air and took 612 calls in all
  (:data:`HOTLINE_2014_CALLS`), of which the special programme 区长市民面对面 had 7 sessions —
  "接听市民热线电话160余个 … 下线后调查办理70余件": 163 calls, 72 cases taken for follow-up
  and the other 91 answered on air, on the topics the seed names (暖气不热、乱搭乱建、
  占道经营、适龄学生入学). How the calls spread over the dated sessions is invented; the
  totals are the seed's.
* 档案馆 "接待查档群众512人次，接待电话咨询231人次，查询利用档案3194卷次，
  复印档案资料972页，出具证明411份": the archive's daily logs over 2014's working days add
  up to exactly these figures (files, pages and certificates only on days with visitors, never
  more certificates than visitors).
* 政务微博 "今日张店" (registered August 2013) "粉丝数突破5万，已发布…4500余条次；
  共收到网民留言…70余条次" and 《张店手机报》 (opened July 2012) "已编发670余期，
  发布…7000余条次，订阅用户4.1万户": these are totals since opening, so the figures are
  monthly from the opening to December 2014 and add up to them (4,536 posts, 73 messages
  received and answered, 50,460 followers; 674 issues, 7,046 items, 41,000 subscribers).
  《张店通讯》 "编辑出版94期，印刷发行940万份" and the safety bureau's text messages
  "2982条" are 2014's own figures, entered for the whole year.
* The seed reports no opinion matter by number, so 2014 has none.

2024–2026: sessions of both programmes (the cases some of the 2025–2026 sessions took for
follow-up are registered as letters by the letters' demonstration, which runs after this one:
those sessions' follow-up figure is then counted from the letters), daily logs of the archive
and of the government's reading room, monthly and yearly channel figures, and matters of
public opinion — responded, one closed without a public response, one still open. Where the
catalogue has a public document of the responsible agency published in the days after a matter
was found, the response links it; otherwise the response is a post on the official microblog
(an address under example.com).

Idempotent: each record is matched on its natural key (programme and day, point and day,
channel and period, agency and topic), so a second run finds them all and creates nothing.
Reproducible: every choice comes from ``random.Random(SEED)``; only the last date depends on
the day (a few days before today).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies import demo_data
from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core.context import request_memo
from gongkai.core.models import User
from gongkai.core.workdays import add_working_days, is_working_day
from gongkai.interaction.channels import services
from gongkai.interaction.channels.models import (
    Channel,
    ChannelFigure,
    HotlineProgramme,
    HotlineSession,
    Metric,
    OpinionResponse,
    ServiceLog,
    ServicePoint,
)
from gongkai.interaction.channels.services import Leader

SEED = 20140116
OFFICE = "office"  # the demonstration's disclosure office sign-in (agencies' demo data)
DAYS_BEFORE_TODAY = 3  # the newest record is at least this many days old
RECENT_START = datetime.date(2024, 1, 2)

HOTLINE = "政风行风热线"
FACE_TO_FACE = "区长市民面对面"
HOTLINE_2014_CALLS = 612  # 接听热线600余个, every session of the programme
FACE_TO_FACE_2014 = {"sessions": 7, "calls": 163, "answered_on_air": 91, "follow_ups": 72}
ARCHIVE_2014 = {
    "visitors": 512,
    "phone_consultations": 231,
    "files_consulted": 3194,
    "pages_copied": 972,
    "certificates_issued": 411,
}
WEIBO = "今日张店新浪微博"
WEIBO_OPENED = datetime.date(2013, 8, 1)
WEIBO_TO_2014 = {"posts": 4536, "messages_received": 73, "messages_answered": 73}
WEIBO_FOLLOWERS_2014 = 50_460
MOBILE = "张店手机报"
MOBILE_OPENED = datetime.date(2012, 7, 1)
MOBILE_TO_2014 = {"issues": 674, "posts": 7046}
MOBILE_SUBSCRIBERS_2014 = 41_000
BULLETIN = "张店通讯"
BULLETIN_2014 = {"issues": 94, "copies": 9_400_000}
SMS = "安全生产短信平台"
SMS_2014 = {"messages_sent": 2982}
ARCHIVE_POINT = "张店区档案馆查档接待室"
READING_ROOM = "区政府信息公开查阅室"


# --------------------------------------------------------------------------- helpers


def spread(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, in whole numbers adding up to ``total``
    (largest remainders first)."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    parts = [int(share) for share in shares]
    rest = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - shares[i], i))
    for i in order[:rest]:
        parts[i] += 1
    return parts


def months(first: datetime.date, last: datetime.date) -> list[tuple[int, int]]:
    """The (year, month) pairs from ``first``'s month to ``last``'s, both included."""
    result = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        result.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def rng_for(part: str) -> random.Random:
    """A generator of its own for each part, so that what one part draws never shifts another
    (the recent parts draw more as the days pass; 2014 must stay the same)."""
    return random.Random(f"{SEED}:{part}")  # noqa: S311 - reproducible demonstration data


def working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days = []
    day = first
    while day <= last:
        if is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def person_name(seed: int) -> str:
    """A generated, fictional personal name."""
    surnames, given = demo_data.SURNAMES, demo_data.GIVEN_NAME_CHARACTERS
    return (
        surnames[(seed * 13 + 5) % len(surnames)]
        + given[(seed * 7 + 2) % len(given)]
        + given[(seed * 19 + 11) % len(given)]
    )


def end_date() -> datetime.date:
    """The last day of the demonstration: a working day a few days before today."""
    end = timezone.localdate() - datetime.timedelta(days=DAYS_BEFORE_TODAY)
    return end if is_working_day(end) else add_working_days(end, -1)


@dataclass
class Loaded:
    sessions: int = 0
    logs: int = 0
    figures: int = 0
    opinions: int = 0


# --------------------------------------------------------------------------- hotline


# The seven 区长市民面对面 of 2014: date, leader's title, agencies on air, topics, calls,
# answered on air, cases taken for follow-up. The topics are the seed's hot issues.
FACE_TO_FACE_SESSIONS: list[tuple[str, str, tuple[str, ...], str, int, int, int]] = [
    ("2014-01-16", "区长", ("construction", "housing"), "暖气不热、供热收费", 24, 13, 11),
    ("2014-03-20", "常务副区长", ("urban-management", "land-resources"),
     "乱搭乱建、违章建筑拆除", 22, 12, 10),
    ("2014-05-15", "副区长", ("urban-management", "industry-commerce"),
     "占道经营、马路市场", 23, 13, 10),
    ("2014-07-17", "副区长", ("education", "police"), "适龄学生入学、学区划分", 25, 14, 11),
    ("2014-09-18", "副区长", ("civil-affairs", "hrss"), "城乡低保、养老保险", 21, 12, 9),
    ("2014-11-13", "区长", ("construction", "housing"), "暖气不热、老旧小区改造", 26, 15, 11),
    ("2014-12-18", "副区长", ("prices", "food-drug"), "节日市场物价、食品安全", 22, 12, 10),
]  # fmt: skip

# The 28 departments on air in 2014: the 27 close to people's livelihood but the broadcaster
# itself, and the petitions bureau and the local tax bureau.
ON_AIR_2014 = [
    "education", "health", "civil-affairs", "hrss", "environment", "work-safety", "food-drug",
    "housing", "finance", "development-reform", "land-resources", "archives", "prices",
    "construction", "urban-management", "transport", "water", "agriculture", "forestry",
    "culture", "sports", "family-planning", "justice", "police", "industry-commerce", "audit",
    "petitions", "local-tax",
]  # fmt: skip
RECENT_ON_AIR = [*ON_AIR_2014, "commerce", "statistics", "economy-it", "news-office"]
RECENT_FACE_TO_FACE_TOPICS = [
    ("construction", "老旧小区改造、加装电梯"),
    ("education", "义务教育招生、课后服务"),
    ("urban-management", "占道经营、夜市管理"),
    ("transport", "公交线路调整、停车难"),
    ("civil-affairs", "养老服务、困难群众救助"),
    ("housing", "物业管理、公租房配租"),
    ("environment", "餐饮油烟、噪声扰民"),
    ("hrss", "就业补贴、社保缴费"),
]


class HotlinePlan:
    """The sessions to record, in date order."""

    def __init__(self, agencies: dict[str, Agency], end: datetime.date):
        self.agencies = agencies
        self.end = end

    def face_to_face_2014(self) -> Iterator[dict[str, object]]:
        for n, (day, title, slugs, topics, calls, answered, follow_ups) in enumerate(
            FACE_TO_FACE_SESSIONS
        ):
            yield {
                "aired_on": datetime.date.fromisoformat(day),
                "leaders": [Leader(person_name(100 + n % 3), title)],
                "agencies": [self.agencies[slug] for slug in slugs],
                "topics": topics,
                "calls": calls,
                "answered_on_air": answered,
                "follow_ups": follow_ups,
            }

    def department_sessions(
        self, rng: random.Random, slugs: list[str], days: list[datetime.date], calls: list[int]
    ) -> Iterator[dict[str, object]]:
        for n, (slug, day, taken) in enumerate(zip(slugs, days, calls, strict=True)):
            agency = self.agencies[slug]
            answered = round(taken * rng.uniform(0.5, 0.7))
            follow_ups = rng.randint(max(0, (taken - answered) // 2), taken - answered)
            area = next((row.area for row in demo_data.AGENCIES if row.slug == slug), "")
            yield {
                "aired_on": day,
                "leaders": [Leader(person_name(300 + n), f"{agency.display_name}主要负责人")],
                "agencies": [agency],
                "topics": f"{area}方面的咨询、投诉和建议",
                "calls": taken,
                "answered_on_air": answered,
                "follow_ups": follow_ups,
            }

    def hotline_2014(self) -> Iterator[dict[str, object]]:
        """One session a department on the programme's Tuesdays, the calls adding up with the
        special programme's to the year's 612."""
        tuesdays = [
            day
            for day in working_days(datetime.date(2014, 1, 7), datetime.date(2014, 12, 30))
            if day.weekday() == 1
        ]
        step = len(tuesdays) / len(ON_AIR_2014)
        days = [tuesdays[int(i * step)] for i in range(len(ON_AIR_2014))]
        rng = rng_for("hotline-2014")
        slugs = list(ON_AIR_2014)
        rng.shuffle(slugs)
        remaining = HOTLINE_2014_CALLS - FACE_TO_FACE_2014["calls"]
        calls = spread(remaining, [rng.uniform(0.7, 1.3) for _ in slugs])
        yield from self.department_sessions(rng, slugs, days, calls)

    def recent(self, programme: str) -> Iterator[dict[str, object]]:
        """2024 to the end: the special programme every other month, the departments' every
        other Tuesday."""
        rng = rng_for(f"hotline-recent-{programme}")
        if programme == FACE_TO_FACE:
            for year in (2024, 2025, 2026):
                for month in range(1, 13, 2):
                    day = datetime.date(year, month, 15)
                    while not (is_working_day(day) and day.weekday() == 3):
                        day += datetime.timedelta(days=1)
                    if day > self.end:
                        return
                    slug, topics = rng.choice(RECENT_FACE_TO_FACE_TOPICS)
                    calls = rng.randint(18, 32)
                    answered = round(calls * rng.uniform(0.5, 0.65))
                    yield {
                        "aired_on": day,
                        "leaders": [
                            Leader(person_name(200 + year + month), rng.choice(["区长", "副区长"]))
                        ],
                        "agencies": [self.agencies[slug]],
                        "topics": topics,
                        "calls": calls,
                        "answered_on_air": answered,
                        "follow_ups": calls - answered - rng.randint(0, 3),
                    }
            return
        tuesdays = [day for day in working_days(RECENT_START, self.end) if day.weekday() == 1][::2]
        slugs = [RECENT_ON_AIR[n % len(RECENT_ON_AIR)] for n in range(len(tuesdays))]
        taken = [rng.randint(8, 22) for _ in tuesdays]
        yield from self.department_sessions(rng, slugs, tuesdays, taken)


def load_hotline(actor: User, agencies: dict[str, Agency], end: datetime.date) -> int:
    broadcaster = agencies.get("broadcasting")
    programmes = {}
    for order, (name, description) in enumerate(
        [
            (HOTLINE, "区广播电视局政风行风热线节目，政府部门负责人轮流上线，接听市民来电。"),
            (FACE_TO_FACE, "政风行风热线特别节目，区政府领导轮流上线，与市民面对面交流。"),
        ]
    ):
        programmes[name], _created = HotlineProgramme.objects.get_or_create(
            name=name,
            defaults={"broadcaster": broadcaster, "description": description, "sort_order": order},
        )
    existing = set(HotlineSession.objects.values_list("programme_id", "aired_on"))
    plan = HotlinePlan(agencies, end)
    sessions = [
        *((FACE_TO_FACE, values) for values in plan.face_to_face_2014()),
        *((HOTLINE, values) for values in plan.hotline_2014()),
        *((FACE_TO_FACE, values) for values in plan.recent(FACE_TO_FACE)),
        *((HOTLINE, values) for values in plan.recent(HOTLINE)),
    ]
    count = 0
    for name, values in sessions:
        programme = programmes[name]
        if (programme.pk, values["aired_on"]) in existing:
            continue
        services.record_hotline_session(programme, actor=actor, **values)  # type: ignore[arg-type]
        count += 1
    return count


# --------------------------------------------------------------------------- services


Figures = dict[str, Any]


def archive_2014() -> dict[datetime.date, Figures]:
    """The archive's 2014 days, adding up to the seed's figures exactly."""
    rng = rng_for("archive-2014")
    days = working_days(datetime.date(2014, 1, 2), datetime.date(2014, 12, 31))
    busy = {day: rng.uniform(0.6, 1.4) * (1.3 if day.month in (3, 4, 9) else 1.0) for day in days}
    visitors = Counter(
        rng.choices(days, weights=[busy[day] for day in days], k=ARCHIVE_2014["visitors"])
    )
    phone = Counter(rng.choices(days, k=ARCHIVE_2014["phone_consultations"]))
    open_days = sorted(visitors)
    weights = [visitors[day] for day in open_days]
    files = Counter(rng.choices(open_days, weights=weights, k=ARCHIVE_2014["files_consulted"]))
    pages = Counter(rng.choices(open_days, weights=weights, k=ARCHIVE_2014["pages_copied"]))
    certificates: Counter[datetime.date] = Counter()
    for _n in range(ARCHIVE_2014["certificates_issued"]):
        room = [day for day in open_days if certificates[day] < visitors[day]]
        certificates[
            rng.choices(room, weights=[visitors[day] - certificates[day] for day in room])[0]
        ] += 1
    logs = {}
    for day in days:
        figures = {
            "visitors": visitors[day],
            "phone_consultations": phone[day],
            "files_consulted": files[day],
            "pages_copied": pages[day],
            "certificates_issued": certificates[day],
        }
        if any(figures.values()):
            logs[day] = figures
    return logs


def archive_recent(end: datetime.date) -> dict[datetime.date, Figures]:
    rng = rng_for("archive-recent")
    logs = {}
    for day in working_days(RECENT_START, end):
        visitors = max(0, round(rng.gauss(6, 2.5)))
        logs[day] = {
            "visitors": visitors,
            "phone_consultations": rng.randint(0, 4),
            "files_consulted": sum(rng.randint(1, 6) for _ in range(visitors)),
            "pages_copied": rng.randint(0, 4 * visitors),
            "certificates_issued": rng.randint(0, visitors // 2),
        }
    return logs


def reading_room_recent(end: datetime.date) -> dict[datetime.date, Figures]:
    rng = rng_for("reading-room-recent")
    logs = {}
    for day in working_days(RECENT_START, end):
        visitors = rng.choice([0, 0, 1, 1, 2, 3])
        figures = {
            "visitors": visitors,
            "phone_consultations": rng.choice([0, 0, 1, 2]),
            "files_consulted": sum(rng.randint(1, 4) for _ in range(visitors)),
            "pages_copied": rng.randint(0, 6) * visitors,
            "certificates_issued": 0,
        }
        if any(figures.values()):
            logs[day] = figures
    return logs


def load_services(actor: User, agencies: dict[str, Agency], end: datetime.date) -> int:
    archive, _created = ServicePoint.objects.get_or_create(
        agency=agencies["archives"],
        name=ARCHIVE_POINT,
        defaults={"kind": ServicePoint.Kind.ARCHIVE, "address": "张店区人民西路档案馆一楼"},
    )
    reading_room, _created = ServicePoint.objects.get_or_create(
        agency=agencies[demo_data.GENERAL_OFFICE_SLUG],
        name=READING_ROOM,
        defaults={
            "kind": ServicePoint.Kind.READING_ROOM,
            "address": demo_data.GOVERNMENT_BUILDING,
            "sort_order": 1,
        },
    )
    existing = set(ServiceLog.objects.values_list("point_id", "date"))
    count = 0
    for point, logs in (
        (archive, archive_2014()),
        (archive, archive_recent(end)),
        (reading_room, reading_room_recent(end)),
    ):
        for day, figures in logs.items():
            if (point.pk, day) in existing:
                continue
            services.record_service_log(point, day=day, actor=actor, **figures)
            count += 1
    return count


# --------------------------------------------------------------------------- channels


def growth(first: int, last: int, steps: int, rng: random.Random) -> list[int]:
    """A level rising from ``first`` to ``last`` over ``steps`` periods, never falling."""
    increments = spread(last - first, [rng.uniform(0.5, 1.5) for _ in range(steps - 1)])
    levels = [first]
    for increment in increments:
        levels.append(levels[-1] + increment)
    return levels


def channel_periods(end: datetime.date) -> Iterator[tuple]:
    """(channel name, year, month or None, {metric: value}) for every period to enter."""
    last_month = end.replace(day=1) - datetime.timedelta(days=1)  # the last complete month
    rng = rng_for("channels-2014")
    # 今日张店 on Sina Weibo: monthly from August 2013, rising activity.
    periods = months(WEIBO_OPENED, datetime.date(2014, 12, 1))
    weights = [1 + n / 8 for n in range(len(periods))]
    posts = spread(WEIBO_TO_2014["posts"], [w * rng.uniform(0.8, 1.2) for w in weights])
    received = spread(WEIBO_TO_2014["messages_received"], [rng.uniform(0.3, 1.7) for _ in periods])
    followers = growth(2_100, WEIBO_FOLLOWERS_2014, len(periods), rng)
    for n, (year, month) in enumerate(periods):
        yield (
            WEIBO,
            year,
            month,
            {
                "posts": posts[n],
                "messages_received": received[n],
                "messages_answered": received[n],
                "followers": followers[n],
            },
        )
    recent_rng = rng_for("channels-recent")
    recent = months(RECENT_START, last_month)
    for n, (year, month) in enumerate(recent):
        got = recent_rng.randint(3, 12)
        yield (
            WEIBO,
            year,
            month,
            {
                "posts": recent_rng.randint(120, 210),
                "messages_received": got,
                "messages_answered": got if n < len(recent) - 1 else got - 1,
                "followers": 186_000 + 900 * n + (n * 37) % 200,  # the same month, the same level
            },
        )
    # 张店手机报: monthly from July 2012.
    periods = months(MOBILE_OPENED, datetime.date(2014, 12, 1))
    issues = spread(MOBILE_TO_2014["issues"], [rng.uniform(0.9, 1.1) for _ in periods])
    items = spread(MOBILE_TO_2014["posts"], [rng.uniform(0.8, 1.2) for _ in periods])
    subscribers = growth(8_000, MOBILE_SUBSCRIBERS_2014, len(periods), rng)
    for n, (year, month) in enumerate(periods):
        yield (
            MOBILE,
            year,
            month,
            {
                "issues": issues[n],
                "posts": items[n],
                "subscribers": subscribers[n],
            },
        )
    # 《张店通讯》 and the safety text messages: whole years, then 2026 month by month.
    yield BULLETIN, 2014, None, dict(BULLETIN_2014)
    yield SMS, 2014, None, dict(SMS_2014)
    for year in (2024, 2025):
        if year < end.year:
            yield BULLETIN, year, None, {"issues": 48, "copies": 48 * 50_000}
            yield SMS, year, None, {"messages_sent": 2_400 + 300 * (year - 2024)}
    for year, month in months(datetime.date(2026, 1, 1), last_month):
        yield BULLETIN, year, month, {"issues": 4, "copies": 4 * 50_000}


def load_channels(actor: User, agencies: dict[str, Agency], end: datetime.date) -> int:
    definitions = [
        (WEIBO, "news-office", Channel.Kind.MICROBLOG, WEIBO_OPENED,
         ["posts", "messages_received", "messages_answered", "followers"]),
        (MOBILE, "news-office", Channel.Kind.MOBILE_BULLETIN, MOBILE_OPENED,
         ["posts", "issues", "subscribers"]),
        (BULLETIN, "broadcasting", Channel.Kind.PRINTED_BULLETIN, None, ["issues", "copies"]),
        (SMS, "work-safety", Channel.Kind.SMS, None, ["messages_sent"]),
    ]  # fmt: skip
    channels = {}
    for order, (name, slug, kind, opened_on, metrics) in enumerate(definitions):
        channels[name], _created = Channel.objects.get_or_create(
            agency=agencies[slug],
            name=name,
            defaults={
                "kind": kind,
                "opened_on": opened_on,
                "metrics": [metric.value for metric in Metric if metric.value in metrics],
                "sort_order": order,
            },
        )
    existing = set(ChannelFigure.objects.values_list("channel_id", "year", "month").distinct())
    count = 0
    for name, year, month, values in channel_periods(end):
        channel = channels[name]
        if (channel.pk, year, month) in existing:
            continue
        services.record_channel_figures(channel, year=year, month=month, values=values, actor=actor)
        count += 1
    return count


# --------------------------------------------------------------------------- opinions


# (date found, agency, source, topic, working days to respond; 0: closed without a public
# response; None: still open, found a few days before the end).
OPINIONS: list[tuple[str | None, str, str, str, int | None]] = [
    ("2024-01-09", "construction", "forum", "网民反映某小区冬季供暖温度不达标", 2),
    ("2024-03-18", "urban-management", "social_media", "网传老城区改造拆迁补偿标准调整", 1),
    ("2024-05-27", "education", "social_media", "关于小学招生学区划分的网络关注", 3),
    ("2024-07-15", "environment", "forum", "网民反映工业园区夜间异味", 2),
    ("2024-09-02", "food-drug", "social_media", "网传某超市销售过期食品", 1),
    ("2024-11-11", "hrss", "hotline", "网民咨询灵活就业人员社保补贴政策", 4),
    ("2025-02-10", "transport", "forum", "网民反映公交线路调整后出行不便", 3),
    ("2025-04-21", "civil-affairs", "news_media", "关于养老服务补贴发放的媒体报道", 2),
    ("2025-06-16", "construction", "social_media", "网传某楼盘延期交房", 5),
    ("2025-08-25", "health", "forum", "网民反映社区卫生服务中心夜间无人值守", 0),
    ("2025-10-13", "urban-management", "hotline", "网民反映某路段占道经营", 1),
    ("2026-01-12", "construction", "social_media", "网民反映老旧小区暖气不热", 2),
    ("2026-03-23", "education", "news_media", "关于义务教育招生政策的媒体关注", 3),
    ("2026-06-08", "housing", "forum", "网传公租房配租结果不公", 2),
    ("2026-09-14", "environment", "social_media", "网民反映河道水质异常", 2),
    (None, "housing", "social_media", "网民反映某小区电梯长时间停运", None),
]
CLOSING_REASON = "经核实系个别误解，已当面向反映人说明情况，不需公开回应。"


def _catalogue_response(agency: Agency, found_on: datetime.date, end: datetime.date):
    """A public document of ``agency`` published in the ten days after ``found_on``."""
    return (
        public_document_rows()
        .filter(
            agency=agency,
            published_at__date__gte=found_on,
            published_at__date__lte=min(found_on + datetime.timedelta(days=10), end),
        )
        .order_by("published_at", "id")
        .first()
    )


def load_opinions(actor: User, agencies: dict[str, Agency], end: datetime.date) -> int:
    existing = set(OpinionResponse.objects.values_list("agency_id", "topic"))
    count = 0
    for n, (found, slug, source, topic, days) in enumerate(OPINIONS):
        agency = agencies[slug]
        if (agency.pk, topic) in existing:
            continue
        found_on = (
            datetime.date.fromisoformat(found) if found is not None else add_working_days(end, -2)
        )
        if found_on > end:
            continue
        opinion = services.record_opinion(
            agency,
            topic=topic,
            source=source,
            source_detail="今日张店微博评论区" if source == "social_media" else "",
            found_on=found_on,
            actor=actor,
        )
        count += 1
        if days is None:
            continue
        if days == 0:
            services.close_opinion(opinion, reason=CLOSING_REASON, actor=actor)
            continue
        document: Document | None = _catalogue_response(agency, found_on, end)
        if document is not None and document.published_at is not None:
            responded_on = timezone.localtime(document.published_at).date()
            services.respond_to_opinion(
                opinion, responded_on=responded_on, document=document, actor=actor
            )
            continue
        responded_on = min(add_working_days(found_on, days), end)
        services.respond_to_opinion(
            opinion,
            responded_on=responded_on,
            url=f"https://weibo.example.com/jinrizhangdian/{responded_on:%Y%m%d}{n:02d}",
            title=f"关于“{topic}”的情况通报",
            actor=actor,
        )
    return count


# --------------------------------------------------------------------------- entry


def load(stdout: TextIO) -> None:
    """The hotline, services and channels loader of ``load_demo``."""
    actor = User.objects.filter(username=OFFICE).first()
    if actor is None:
        raise RuntimeError(f"the agencies loader must run first: sign-in {OFFICE!r} is missing")
    agencies = {agency.slug: agency for agency in Agency.objects.all()}
    end = end_date()
    loaded = Loaded()
    memo = request_memo.set({})  # the office's roles do not change during the load
    try:
        loaded.sessions = load_hotline(actor, agencies, end)
        loaded.logs = load_services(actor, agencies, end)
        loaded.figures = load_channels(actor, agencies, end)
        loaded.opinions = load_opinions(actor, agencies, end)
    finally:
        request_memo.reset(memo)
    stdout.write(
        _(
            "Hotline and services: %(sessions)d hotline sessions, %(logs)d service logs, "
            "%(figures)d channel periods and %(opinions)d opinion matters loaded.\n"
        )
        % {
            "sessions": loaded.sessions,
            "logs": loaded.logs,
            "figures": loaded.figures,
            "opinions": loaded.opinions,
        }
    )
