"""A province-scale dataset (issue 10), reproducible from a seed: agencies, documents,
applications and letters over the five years 2021–2025.

:func:`generate` runs inside a configured Django on a freshly migrated, empty database
(``bench/province/dataset.py`` sees to both). At ``scale`` 1 it makes

* **1,000 agencies** in the agencies app's own model: the province's government, general office
  and 40 departments; ten cities, each with its government, office and 20 departments; 41
  counties and districts, each with its government, office and 16 departments — all members
  of the disclosure system from 2020-12-31 (``MembershipChange``), the province's government
  the site identity's;
* **1,000,000 documents** by ``bench/search/generate.py`` (the same text, kinds, 文号, index
  numbers and classification; its generator reads each agency's vocabulary from the department
  its slug names), spread over the agencies by kind;
* **200,000 applications** (``info_requests``) with the events the services write, in their
  shape (code, legal date, from and to state, clock kind and days, data): registered or
  submitted, closed at receipt (不予处理), a correction asked and never sent (其他处理 1),
  corrected, accepted and assigned, extended, a fee notice never paid (其他处理 2), the reply
  drafted with its outcome, legal review, reply, delivery and closing — with every outcome of
  table 三 and withheld parts where the outcome withholds; those received late in 2025 are
  still open on 31 December, in the state their last event left. A few have a reconsideration
  or a lawsuit (table 四);
* **500,000 letters** (``interaction.letters``) of the four default types the same way:
  submitted, rejected or accepted, assigned, drafted, reviewed, replied, rated and closed
  (or closed unrated), open ones at the end.

``scale`` multiplies the documents, applications and letters (never the agencies). The cached
clock (``due_on``, ``clock_state``) of every application and letter is computed from its
events by :func:`gongkai.core.clock.compute_clock` as of 2025-12-31. Personal data is invented
(generated names, identity numbers with valid check digits, mobile numbers with 0000 in the
middle). Rows go in by ``insert_many`` (SQLite) or ``COPY`` (PostgreSQL) in batches, never
through the services (they audit, notify and number one at a time: hours at this size), so no
audit entry, notice or outbox row is made; events have no actor.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import random
import time
from collections import Counter
from typing import Any, TextIO

from django.db import connection, transaction

from bench.search import generate as documents
from gongkai.agencies.demo import USCC_ALPHABET, USCC_WEIGHTS, _org_code_check
from gongkai.agencies.demo_data import GIVEN_NAME_CHARACTERS, SURNAMES
from gongkai.agencies.models import Agency, MembershipChange, SiteIdentity
from gongkai.core.clock import ClockEvent, ClockReading, EventKind, compute_clock
from gongkai.core.models import SerialCounter
from gongkai.core.workdays import add_working_days
from gongkai.info_requests.demo import resident_id
from gongkai.info_requests.models import (
    FeeNotice,
    InfoRequest,
    Remedy,
    RequestEvent,
    WithheldPart,
    answers_application,
    recorded_outcome,
)
from gongkai.info_requests.outcomes import AT_RECEIPT, WITHHOLDING, Exemption, Outcome
from gongkai.info_requests.rules import rule_set_for
from gongkai.interaction.letters.models import Letter, LetterEvent, LetterType

SHANGHAI = documents.SHANGHAI
FIRST_DAY, LAST_DAY = documents.FIRST_DAY, documents.LAST_DAY
MEMBERS_FROM = datetime.date(2020, 12, 31)
MARKER_SCOPE = "bench:province:dataset:v2"
NORMATIVE_GENRES = ("banfa", "guiding")  # 办法 and 规定 with a 文号: 行政规范性文件
DOCUMENTS, APPLICATIONS, LETTERS = 1_000_000, 200_000, 500_000
BATCH = 5000

PROVINCE = "江北省"
CITIES = ("东陵", "西川", "南浦", "北原", "青石", "白河", "临泽", "安平", "长宁", "云川")
COUNTIES = (
    "桃源", "柳林", "石门", "清水", "丰乐", "永和", "新集", "梅岭", "松溪", "凤台", "龙泉",
    "金山", "玉田", "银湖", "春城", "秋浦", "望江", "怀远", "兴隆", "宝丰", "广德", "崇仁",
    "德化", "福安", "和顺", "嘉禾", "静海", "乐平", "明水", "宁远", "平山", "庆云", "瑞昌",
    "顺义", "泰和", "通许", "武安", "祥符", "延寿", "昭平", "定远",
)  # fmt: skip
# (the demo's area key — its vocabulary, topic and statutory item —, the province's name of
# the department, the name a city's or county's has)
DEPARTMENTS = (
    ("education", "教育厅", "教育局"),
    ("health", "卫生健康委员会", "卫生健康局"),
    ("civil-affairs", "民政厅", "民政局"),
    ("hrss", "人力资源和社会保障厅", "人力资源和社会保障局"),
    ("environment", "生态环境厅", "生态环境局"),
    ("work-safety", "应急管理厅", "应急管理局"),
    ("food-drug", "市场监督管理局", "市场监督管理局"),
    ("housing", "住房和城乡建设厅", "住房和城乡建设局"),
    ("finance", "财政厅", "财政局"),
    ("development-reform", "发展和改革委员会", "发展和改革局"),
    ("land-resources", "自然资源厅", "自然资源局"),
    ("agriculture", "农业农村厅", "农业农村局"),
    ("water", "水利厅", "水利局"),
    ("transport", "交通运输厅", "交通运输局"),
    ("police", "公安厅", "公安局"),
    ("justice", "司法厅", "司法局"),
    ("audit", "审计厅", "审计局"),
    ("statistics", "统计局", "统计局"),
    ("commerce", "商务厅", "商务局"),
    ("economy-it", "工业和信息化厅", "工业和信息化局"),
    ("forestry", "林业局", "林业局"),
    ("construction", "城市管理局", "城市管理局"),
    ("prices", "医疗保障局", "医疗保障局"),
    ("science", "科学技术厅", "科学技术局"),
    ("ethnic", "民族宗教事务委员会", "民族宗教事务局"),
    ("veterans", "退役军人事务厅", "退役军人事务局"),
    ("culture", "文化和旅游厅", "文化和旅游局"),
    ("sports", "体育局", "体育局"),
    ("state-assets", "国有资产监督管理委员会", "国有资产监督管理局"),
    ("financial", "地方金融监督管理局", "地方金融监督管理局"),
    ("radio", "广播电视局", "广播电视局"),
    ("grain", "粮食和物资储备局", "粮食和物资储备局"),
    ("energy", "能源局", "能源局"),
    ("big-data", "大数据局", "大数据局"),
    ("approval", "政务服务管理办公室", "行政审批服务局"),
    ("rural", "乡村振兴局", "乡村振兴局"),
    ("drugs", "药品监督管理局", "药品监督管理局"),
    ("foreign", "外事办公室", "外事办公室"),
    ("research", "人民政府研究室", "人民政府研究室"),
    ("petition", "信访局", "信访局"),
)
LEVELS = (  # (departments each government has, how many such governments)
    (40, 1),
    (20, len(CITIES)),
    (16, len(COUNTIES)),
)
DIVISION = "990000"  # no real division: the codes are invented (valid check characters)

# Applications: who asks, how, and what comes of it.
CHANNELS = (
    (InfoRequest.Channel.ONLINE, 60),
    (InfoRequest.Channel.REGISTERED_MAIL, 20),
    (InfoRequest.Channel.IN_PERSON, 10),
    (InfoRequest.Channel.EMAIL, 5),
    (InfoRequest.Channel.ORDINARY_MAIL, 5),
)
ORGANISATIONS = (  # of the quarter of applicants that are organisations
    (InfoRequest.OrganisationKind.BUSINESS, 50),
    (InfoRequest.OrganisationKind.LEGAL_SERVICES, 25),
    (InfoRequest.OrganisationKind.RESEARCH, 5),
    (InfoRequest.OrganisationKind.PUBLIC_WELFARE, 5),
    (InfoRequest.OrganisationKind.OTHER, 15),
)
HANDLED_OUTCOMES = (  # the reply of a handling agency, with its weight
    (Outcome.DISCLOSED, 30),
    (Outcome.ALREADY_PUBLIC, 12),
    (Outcome.PARTLY_DISCLOSED, 12),
    (Outcome.WITHHELD_SECRET, 0.5),
    (Outcome.WITHHELD_PROHIBITED, 1),
    (Outcome.WITHHELD_SECURITY, 0.5),
    (Outcome.WITHHELD_THIRD_PARTY, 2),
    (Outcome.WITHHELD_INTERNAL, 1.5),
    (Outcome.WITHHELD_PROCESS, 2),
    (Outcome.WITHHELD_ENFORCEMENT, 1),
    (Outcome.WITHHELD_QUERY, 1),
    (Outcome.NOT_HELD, 18),
    (Outcome.OTHER_AGENCY, 6),
    (Outcome.NEEDS_CREATION, 3),
    (Outcome.STILL_UNCLEAR, 1),
)
AT_RECEIPT_OUTCOMES = tuple(sorted(AT_RECEIPT))
EXEMPTION_OF = {
    Outcome.WITHHELD_SECRET: Exemption.SECRET,
    Outcome.WITHHELD_PROHIBITED: Exemption.PROHIBITED,
    Outcome.WITHHELD_SECURITY: Exemption.SECURITY,
    Outcome.WITHHELD_THIRD_PARTY: Exemption.THIRD_PARTY,
    Outcome.WITHHELD_INTERNAL: Exemption.INTERNAL,
    Outcome.WITHHELD_PROCESS: Exemption.PROCESS,
    Outcome.WITHHELD_ENFORCEMENT: Exemption.ENFORCEMENT,
    Outcome.WITHHELD_QUERY: Exemption.QUERY,
}
PATHS = (  # how an application goes, with its weight
    ("handled", 86),
    ("at_receipt", 8),
    ("corrected", 3),  # a correction asked and sent, then handled
    ("no_correction", 2),
    ("unpaid_fee", 0.6),
    ("corrected_late", 0.4),  # handled, but the agency asked for a correction after accepting
)
REMEDY_SHARE = 0.02  # of the answered applications that did not disclose everything

LETTER_TYPES = (("mailbox", 30), ("consultation", 35), ("complaint", 20), ("suggestion", 15))
LETTER_CHANNELS = (
    (Letter.Channel.ONLINE, 80),
    (Letter.Channel.HOTLINE, 8),
    (Letter.Channel.LETTER, 6),
    (Letter.Channel.PHONE, 4),
    (Letter.Channel.VISIT, 2),
)
REJECTIONS = (
    (Letter.Rejection.DUPLICATE, 35),
    (Letter.Rejection.INFO_REQUEST, 20),
    (Letter.Rejection.PETITION, 20),
    (Letter.Rejection.OUT_OF_SCOPE, 20),
    (Letter.Rejection.ABUSIVE, 5),
)
RATINGS = (
    (Letter.Rating.SATISFIED, 70),
    (Letter.Rating.FAIRLY_SATISFIED, 20),
    (Letter.Rating.UNSATISFIED, 10),
)
LETTER_SUBJECTS = (
    "关于{term}的咨询", "咨询{term}办理流程", "反映{place}{term}问题", "建议加强{term}工作",
    "投诉{place}{term}落实不到位", "关于{place}{term}的建议", "{term}政策咨询",
    "询问{term}申请条件", "{place}{term}进展情况", "对{term}工作的意见",
)  # fmt: skip
LETTER_BODY = (
    "您好！本人是{place}居民，想了解{term}的有关规定。请问具体需要哪些材料，"
    "在哪里办理，办理时限是多少？希望相关部门予以答复，谢谢。"
)
REQUEST_SUBJECTS = (
    "{agency}{year}年{term}有关文件", "{place}{term}项目的审批材料", "{agency}{term}资金使用情况",
    "{place}{term}的实施方案", "{year}年{place}{term}名单", "{agency}关于{term}的会议纪要",
)  # fmt: skip


def _uscc(kind: str, serial: int) -> str:
    """An invented unified social credit code with valid check characters."""
    body = f"MP{serial:06d}"
    head = "11" + DIVISION + body + _org_code_check(body)
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(head, USCC_WEIGHTS, strict=True))
    return head + USCC_ALPHABET[(31 - total % 31) % 31]


def build_agencies(stdout: TextIO) -> list[Agency]:
    """The province's 1,000 agencies, members from 2020-12-31; the government is the site's."""
    rows: list[tuple[Agency, str]] = []  # (agency, slug of its parent)
    serial = 0

    def add(name: str, short: str, slug: str, kind: str, parent: str) -> None:
        nonlocal serial
        serial += 1
        agency = Agency(
            name=name,
            short_name=short,
            slug=slug,
            org_code=_uscc(kind, serial),
            kind=kind,
            sort_order=serial * 10,
            functions=f"负责{name}职责范围内的政府信息公开工作。",
            office_hours="周一至周五 上午9:00-12:00 下午13:30-17:00（法定节假日除外）",
            phone=f"0000-{serial:07d}",
        )
        rows.append((agency, parent))

    governments = [(PROVINCE, "省", "p", "")]
    governments += [
        (f"{PROVINCE}{city}市", "市", f"c{n:02d}", "p--zhangdian") for n, city in enumerate(CITIES)
    ]
    governments += [  # the counties belong to the cities in turn
        (f"{county}县", "县", f"x{n:02d}", f"c{n % len(CITIES):02d}--zhangdian")
        for n, county in enumerate(COUNTIES)
    ]
    sizes = [LEVELS[0][0]] + [LEVELS[1][0]] * LEVELS[1][1] + [LEVELS[2][0]] * LEVELS[2][1]
    for (place, level, prefix, parent), size in zip(governments, sizes, strict=True):
        government = f"{prefix}--zhangdian"  # the demo government's vocabulary
        add(f"{place}人民政府", f"{level}政府", government, Agency.Kind.GOVERNMENT, parent)
        add(
            f"{place}人民政府办公厅" if level == "省" else f"{place}人民政府办公室",
            f"{level}政府办公室",
            f"{prefix}--general-office",
            Agency.Kind.GENERAL_OFFICE,
            government,
        )
        for key, province_name, local_name in DEPARTMENTS[:size]:
            name = province_name if level == "省" else local_name
            add(f"{place}{name}", f"{level}{name}", f"{prefix}--{key}", "department", government)
    with transaction.atomic():
        Agency.objects.bulk_create([agency for agency, _parent in rows], batch_size=500)
        by_slug = {a.slug: a for a in Agency.objects.all()}
        for agency, parent in rows:
            if parent:
                by_slug[agency.slug].parent = by_slug[parent]
        Agency.objects.bulk_update(list(by_slug.values()), ["parent"], batch_size=500)
        MembershipChange.objects.bulk_create(
            [
                MembershipChange(
                    agency=agency,
                    change=MembershipChange.Change.JOINED,
                    date=MEMBERS_FROM,
                    reason="全省政府网站集约化平台上线",
                )
                for agency in by_slug.values()
            ],
            batch_size=1000,
        )
        SiteIdentity.objects.update_or_create(
            pk=1,
            defaults={
                "site_name": f"{PROVINCE}人民政府信息公开平台",
                "government": by_slug["p--zhangdian"],
            },
        )
    stdout.write(f"agencies: {len(by_slug):,} created, members from {MEMBERS_FROM}\n")
    return sorted(by_slug.values(), key=lambda a: a.sort_order)


class ProvinceDocuments(documents._Generator):
    """The search benchmark's document generator on the province's agencies: each agency's
    vocabulary is that of the demo department its slug names (``c03--education``)."""

    def __init__(self, seed: int, agencies: list[Agency]) -> None:
        super().__init__(seed, agencies)
        self.places = [PROVINCE, *(f"{c}市" for c in CITIES), *(f"{c}县" for c in COUNTIES)]

    def area(self, agency: Agency) -> tuple[str, str, str, str]:
        key = agency.slug.rsplit("--", 1)[-1]
        return documents.demo.AREAS.get(key, documents.demo.DEFAULT_AREA)


class _Weighted:
    def __init__(self, rng: random.Random, pairs: Any) -> None:
        values, weights = zip(*pairs, strict=True)
        self.draw = documents._Draw(rng, list(values), list(weights))

    def __call__(self) -> Any:
        return self.draw()


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    minute = rng.randrange(8 * 60 + 30, 17 * 60 + 30)
    return datetime.datetime.combine(
        day, datetime.time(minute // 60, minute % 60, rng.randrange(60)), tzinfo=SHANGHAI
    )


def _per_day(count: int, rng: random.Random) -> list[datetime.date]:
    """``count`` receipt days spread evenly over the working days of the five years, in order."""
    days = documents._working_days()
    return [
        day
        for position, day in enumerate(days)
        for _n in range(count * (position + 1) // len(days) - count * position // len(days))
    ]


def _person(rng: random.Random) -> str:
    return (
        SURNAMES[rng.randrange(len(SURNAMES))]
        + GIVEN_NAME_CHARACTERS[rng.randrange(len(GIVEN_NAME_CHARACTERS))]
        + GIVEN_NAME_CHARACTERS[rng.randrange(len(GIVEN_NAME_CHARACTERS))]
    )


def _phone(rng: random.Random) -> str:
    return f"13{rng.randrange(10)}0000{rng.randrange(10000):04d}"


def _cached_clock(events: list[dict[str, Any]], limit: int) -> tuple[datetime.date | None, str]:
    key = tuple((e["clock_kind"], e["on"], e["clock_days"]) for e in events if e["clock_kind"])
    reading = _clock(key, limit, LAST_DAY, 3)
    return reading.due_date, reading.state


@functools.lru_cache(maxsize=1 << 16)
def _clock(
    key: tuple[tuple[str, datetime.date, int], ...], limit: int, today: datetime.date, soon: int
) -> ClockReading:
    """``compute_clock`` of the events ``(kind, date, days)``, once for each distinct clock:
    most letters' and applications' clocks repeat one another's dates (a pure function of
    them and the calendar), and reading them was a fifth of the generator's time."""
    clock = [ClockEvent(kind=kind, date=on, days=days) for kind, on, days in key]
    return compute_clock(clock, limit=limit, today=today, due_soon=soon)


class _Batches:
    """Parents (applications or letters) with their children, written a batch at a time."""

    def __init__(self, parent: Any, key: str, now: datetime.datetime) -> None:
        self.parent, self.key, self.now = parent, key, now
        self.rows: list[dict[str, Any]] = []
        self.children: list[tuple[Any, str, dict[str, Any]]] = []  # (model, parent key, row)
        self.last_pk = 0

    def flush(self) -> None:
        if not self.rows:
            return
        with transaction.atomic():
            documents._insert(self.parent, self.rows, now=self.now)
            pks = dict(self.parent.objects.filter(pk__gt=self.last_pk).values_list("number", "pk"))
            fee_pks: dict[str, int] = {}
            by_model: dict[Any, list[dict[str, Any]]] = {}
            for _model, number, row in self.children:
                row[self.key] = pks[number]
            # Fee notices first (a few): their ids go into the events' data.
            for model, number, row in self.children:
                if model is FeeNotice:
                    documents._insert(FeeNotice, [row], now=self.now)
                    fee_pks[number] = FeeNotice.objects.filter(request_id=pks[number]).values_list(
                        "pk", flat=True
                    )[0]
            for model, number, row in self.children:
                if model is FeeNotice:
                    continue
                if row.get("data", {}).get("fee") == "?":
                    row["data"] = {**row["data"], "fee": fee_pks[number]}
                by_model.setdefault(model, []).append(row)
            for model, rows in by_model.items():
                documents._insert(model, rows, now=self.now)
        self.last_pk = max(pks.values())
        self.rows, self.children = [], []


def _event(
    code: str, on: datetime.date, before: str, after: str, rng: random.Random, **extra: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "on": on,
        "at": _at(on, rng),
        "from_state": before,
        "to_state": after,
        "comment": extra.pop("comment", ""),
        "data": extra.pop("data", {}),
        "clock_kind": extra.pop("clock", ""),
        "clock_days": extra.pop("days", 0),
    }


def _later(day: datetime.date, rng: random.Random, low: int, high: int) -> datetime.date:
    return add_working_days(day, rng.randint(low, high))


class Applications:
    """One application after the other, with its events, from ``seed``."""

    def __init__(self, seed: int, agencies: list[Agency]) -> None:
        self.rng = rng = random.Random(seed + 2)
        weight = {"p": 3.0, "c": 1.5, "x": 1.0}
        asked = [
            (a, weight[a.slug[0]] * (1.5 if a.kind == "government" else 1.0)) for a in agencies
        ]
        self.agency = _Weighted(rng, asked)
        self.channel = _Weighted(rng, CHANNELS)
        self.organisation = _Weighted(rng, ORGANISATIONS)
        self.outcome = _Weighted(rng, HANDLED_OUTCOMES)
        self.path = _Weighted(rng, PATHS)
        self.places = [PROVINCE, *(f"{c}市" for c in CITIES), *(f"{c}县" for c in COUNTIES)]
        self.serials: Counter[int] = Counter()
        self.figures: Counter[str] = Counter()

    def make(
        self, received: datetime.date
    ) -> tuple[dict[str, Any], list[tuple[Any, dict[str, Any]]]]:
        rng = self.rng
        agency = self.agency()
        channel = self.channel()
        self.serials[received.year] += 1
        number = f"YSQ{received.year}{self.serials[received.year]:05d}"
        rules = rule_set_for(received)
        person = rng.random() < 0.75
        if person:
            name = _person(rng)
            born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 50))
            id_type, id_number = "resident_id", resident_id(DIVISION, born, rng.randrange(1000))
        else:
            place = self.places[rng.randrange(len(self.places))]
            suffix = ("有限公司", "律师事务所", "研究院", "协会")[rng.randrange(4)]
            name = f"{place}某{suffix}{rng.randrange(1000)}"
            id_type, id_number = "business_licence", _uscc("x", 900_000 + rng.randrange(99_999))
        term = documents.LONG_TAIL[rng.randrange(len(documents.LONG_TAIL))]
        description = REQUEST_SUBJECTS[rng.randrange(len(REQUEST_SUBJECTS))].format(
            agency=agency.short_name,
            place=self.places[rng.randrange(len(self.places))],
            term=term,
            year=received.year - rng.randrange(3),
        )
        start_code = (
            RequestEvent.Code.SUBMITTED if channel == "online" else RequestEvent.Code.REGISTERED
        )
        start_data = (
            {} if channel == "online" else {"channel": channel, "arrived_on": received.isoformat()}
        )
        events = [
            _event(
                start_code, received, "", "received", rng, clock=EventKind.START, data=start_data
            )
        ]
        children: list[tuple[Any, dict[str, Any]]] = []
        request: dict[str, Any] = {
            "number": number,
            "query_code": "!bench",  # no query code: a status look-up never matches
            "case_type": "information",
            "channel": channel,
            "submitted_at": _at(received, rng),
            "received_on": received,
            "receipt_basis": "",
            "rule_set": rules.code,
            "agency_id": agency.pk,
            "state": "received",
            "applicant_kind": "person" if person else "organisation",
            "organisation_kind": "" if person else self.organisation(),
            "name": name,
            "id_type": id_type,
            "id_number": id_number,
            "id_digest": hashlib.sha256(f"bench:{id_type}:{id_number}".encode()).hexdigest(),
            "phone": _phone(rng),
            "description": f"申请公开{description}。",
            "form": "electronic" if rng.random() < 0.6 else "paper",
            "delivery": "online" if channel == "online" else "post",
            "created_at": events[0]["at"],
            "updated_at": events[0]["at"],
        }
        path = self.path()
        day = received
        state = "received"

        def step(code: str, after: str, low: int, high: int, **extra: Any) -> None:
            nonlocal day, state
            day = _later(day, rng, low, high)
            events.append(_event(code, day, state, after, rng, **extra))
            state = after

        outcome = ""
        Code = RequestEvent.Code
        if path == "at_receipt":
            outcome = AT_RECEIPT_OUTCOMES[rng.randrange(len(AT_RECEIPT_OUTCOMES))]
            step(Code.CLOSED, "closed", 1, 5, data={"outcome": outcome}, clock=EventKind.STOP)
            request.update(outcome=outcome, reply_text="依法不予处理。")
        elif path == "no_correction":
            step(Code.CORRECTION_REQUESTED, "correction", 1, 6, clock=EventKind.PAUSE)
            due = add_working_days(day, 15)
            events[-1]["data"] = {"due_on": due.isoformat()}
            request["correction_due_on"] = due
            outcome = Outcome.NO_CORRECTION
            day = due  # the deadline job closes it the next working day
            step(Code.CLOSED, "closed", 1, 1, data={"outcome": outcome, "due_on": due.isoformat()},
                 clock=EventKind.STOP)  # fmt: skip
            request.update(outcome=outcome, reply_text=str(Outcome(outcome).label))
        else:
            if path == "corrected":
                step(Code.CORRECTION_REQUESTED, "correction", 1, 6, clock=EventKind.PAUSE)
                request["correction_due_on"] = add_working_days(day, 15)
                events[-1]["data"] = {"due_on": request["correction_due_on"].isoformat()}
                step(Code.CORRECTED, "accepted", 1, 12, clock=EventKind.RESTART)
                request["corrected"] = True
            else:
                step(Code.ACCEPTED, "accepted", 0, 2)
            handler = agency
            step(Code.ASSIGNED, "handling", 0, 2, data={"agency": handler.pk})
            request["handling_agency_id"] = handler.pk
            if path == "corrected_late":
                step(Code.CORRECTION_REQUESTED, "correction", 1, 3, clock=EventKind.PAUSE)
                request["correction_due_on"] = add_working_days(day, 15)
                events[-1]["data"] = {"due_on": request["correction_due_on"].isoformat()}
                step(Code.CORRECTED, "handling", 1, 10, clock=EventKind.RESTART)
                request["corrected"] = True
            if path == "unpaid_fee":
                step(Code.FEE_NOTIFIED, "awaiting_fee", 2, 8, clock=EventKind.PAUSE,
                     data={"fee": "?", "amount": "100.00", "method": "per_page"})  # fmt: skip
                due = add_working_days(day, 20)
                children.append((FeeNotice, {
                    "method": "per_page", "quantity": 400, "amount": "100.00",
                    "basis": "按量计收：超出100页的部分每页0.25元。", "issued_on": day,
                    "due_on": due, "settlement": "lapsed", "settled_on": add_working_days(due, 1),
                }))  # fmt: skip
                outcome = Outcome.UNPAID_FEE
                day = due
                step(Code.CLOSED, "closed", 1, 1, clock=EventKind.STOP,
                     data={"outcome": outcome, "due_on": due.isoformat()})  # fmt: skip
                request.update(outcome=outcome, reply_text=str(Outcome(outcome).label))
            else:
                slow = rng.random() < 0.1
                if slow:
                    step(Code.EXTENDED, "handling", 8, 16, clock=EventKind.EXTEND, days=20,
                         data={"days": 20}, comment="需要调取档案，延长答复期限。")  # fmt: skip
                    request["extension_days"] = 20
                outcome = self.outcome()
                withheld = 1 if outcome in WITHHOLDING else 0
                step(
                    Code.DRAFTED, "handling", 2, 12, data={"outcome": outcome, "withheld": withheld}
                )
                request.update(outcome=outcome, reply_text="经审查，现答复如下。")
                if withheld:
                    children.append((WithheldPart, {
                        "description": "涉及第三方的部分", "exemption": EXEMPTION_OF.get(
                            outcome, Exemption.THIRD_PARTY), "reason": "依法不予公开。",
                    }))  # fmt: skip
                step(Code.SUBMITTED_FOR_REVIEW, "legal_review", 0, 1)
                step(Code.REVIEW_APPROVED, "legal_review", 0, 2, comment="同意。")
                events.append(_event(Code.REPLIED, day, "legal_review", "replied", rng,
                                     data={"outcome": outcome}, clock=EventKind.STOP))  # fmt: skip
                state = "replied"
                step(Code.DELIVERED, "delivered", 0, 3, comment="邮寄送达")
                step(Code.CLOSED, "closed", 0, 5)
        # What had happened by 31 December 2025: later steps have not happened yet.
        events = [e for e in events if e["on"] <= LAST_DAY]
        children = [c for c in children if c[0] is not FeeNotice or c[1]["issued_on"] <= LAST_DAY]
        if children and children[0][0] is FeeNotice and children[0][1]["settled_on"] > LAST_DAY:
            children[0][1].update(settlement="", settled_on=None)
        codes = [e["code"] for e in events]
        request["state"] = events[-1]["to_state"]
        if Code.DRAFTED not in codes and request["state"] != "closed":
            request.update(outcome="", reply_text="")
            children = [c for c in children if c[0] is not WithheldPart]
        if Code.ASSIGNED not in codes:
            request.pop("handling_agency_id", None)
        if Code.EXTENDED not in codes:
            request["extension_days"] = 0
        if Code.CORRECTED not in codes:
            request["corrected"] = False
        answered = [e for e in events if e["clock_kind"] == EventKind.STOP]
        if answered:
            request["replied_on"] = answered[0]["on"]
        # The first answer, kept on the application as the services keep it: the earliest
        # answering event by date, time and row (``min`` keeps the first of equals).
        answers = [e for e in events if answers_application(e["code"], e["data"])]
        if answers:
            first = min(answers, key=lambda e: (e["on"], e["at"]))
            request["first_answered_on"] = first["on"]
            request["first_answer_outcome"] = recorded_outcome(first["data"])
        for e in events:
            if e["code"] == Code.DELIVERED:
                request.update(delivered_on=e["on"], delivery_note="邮寄送达")
        if request["state"] == "closed":
            request["closed_on"] = events[-1]["on"]
        request["due_on"], request["clock_state"] = _cached_clock(events, rules.reply_limit)
        request["updated_at"] = events[-1]["at"]
        self.figures[f"state {request['state']}"] += 1
        if request.get("replied_on"):
            self.figures["answered"] += 1
        if (
            answered
            and request["outcome"] not in (Outcome.DISCLOSED, Outcome.ALREADY_PUBLIC)
            and rng.random() < REMEDY_SHARE
            and answered[0]["on"] <= datetime.date(2025, 9, 30)
        ):
            children.append((Remedy, self._remedy(answered[0]["on"])))
            self.figures["remedies"] += 1
        return request, [(RequestEvent, e) for e in events] + children

    def _remedy(self, answered: datetime.date) -> dict[str, Any]:
        rng = self.rng
        filed = answered + datetime.timedelta(days=rng.randint(10, 59))
        kind = rng.choice([Remedy.Kind.RECONSIDERATION] * 3 + [Remedy.Kind.LITIGATION])
        decided = filed + datetime.timedelta(days=rng.randint(40, 200))
        result = rng.choice(["upheld"] * 6 + ["corrected", "other"])
        if decided > LAST_DAY:
            decided, result = None, ""
        return {
            "kind": kind,
            "body": "江北省人民政府" if kind == Remedy.Kind.RECONSIDERATION else "江北省某人民法院",
            "filed_on": filed,
            "result": result,
            "decided_on": decided,
        }


class Letters:
    """One letter after the other, with its events, from ``seed``."""

    def __init__(self, seed: int, agencies: list[Agency]) -> None:
        self.rng = rng = random.Random(seed + 3)
        types = {t.slug: t for t in LetterType.objects.all()}
        self.type = _Weighted(rng, [(types[slug], w) for slug, w in LETTER_TYPES if slug in types])
        self.channel = _Weighted(rng, LETTER_CHANNELS)
        self.rejection = _Weighted(rng, REJECTIONS)
        self.rating = _Weighted(rng, RATINGS)
        weight = {"p": 2.0, "c": 1.5, "x": 1.0}
        self.handler = _Weighted(
            rng, [(a, weight[a.slug[0]]) for a in agencies if a.kind == "department"]
        )
        self.places = [PROVINCE, *(f"{c}市" for c in CITIES), *(f"{c}县" for c in COUNTIES)]
        self.serials: Counter[int] = Counter()
        self.figures: Counter[str] = Counter()

    def make(
        self, received: datetime.date
    ) -> tuple[dict[str, Any], list[tuple[Any, dict[str, Any]]]]:
        rng = self.rng
        letter_type = self.type()
        channel = self.channel()
        self.serials[received.year] += 1
        number = f"LX{received.year}{self.serials[received.year]:05d}"
        term = documents.LONG_TAIL[rng.randrange(len(documents.LONG_TAIL))]
        place = self.places[rng.randrange(len(self.places))]
        Code = LetterEvent.Code
        first = (
            _event(
                Code.SUBMITTED,
                received,
                "",
                "received",
                rng,
                data={"type": letter_type.pk, "attachments": 0},
            )
            if channel == "online"
            else _event(Code.REGISTERED, received, "", "received", rng, data={"channel": channel})
        )
        events = [first]
        letter: dict[str, Any] = {
            "number": number,
            "query_code": "!bench",
            "letter_type_id": letter_type.pk,
            "channel": channel,
            "state": "received",
            "agency_id": letter_type.agency_id,
            "name": _person(rng),
            "phone": _phone(rng),
            "subject": LETTER_SUBJECTS[rng.randrange(len(LETTER_SUBJECTS))].format(
                term=term, place=place
            ),
            "content": LETTER_BODY.format(term=term, place=place),
            "consent_to_publish": rng.random() < 0.3,
            "submitted_at": first["at"],
            "received_on": received,
            "created_at": first["at"],
        }
        day, state = received, "received"

        def step(code: str, after: str, low: int, high: int, **extra: Any) -> None:
            nonlocal day, state
            day = _later(day, rng, low, high)
            events.append(_event(code, day, state, after, rng, **extra))
            state = after

        limit = letter_type.reply_days
        if rng.random() < 0.05:
            reason = self.rejection()
            note = "请向有关机关反映。" if reason == Letter.Rejection.OUT_OF_SCOPE else ""
            step(Code.REJECTED, "rejected", 0, 2, data={"reason": reason}, comment=note)
            letter.update(rejection_reason=reason, rejection_note=note)
        else:
            step(Code.ACCEPTED, "accepted", 0, 1, data={"limit": limit}, clock=EventKind.START)
            letter.update(accepted_on=day, limit_days=limit)
            handler = self.handler()
            step(Code.ASSIGNED, "handling", 0, 1, data={"agency": handler.pk})
            letter["handling_agency_id"] = handler.pk
            step(Code.DRAFTED, "handling", 1, max(2, limit - 2))
            letter["reply_text"] = f"您好！关于您反映的{term}问题，答复如下：……感谢您的关注。"
            step(Code.SUBMITTED_FOR_REVIEW, "review", 0, 1)
            step(Code.REVIEW_APPROVED, "review", 0, 1)
            late = rng.random() < 0.04
            if late:
                day = add_working_days(day, rng.randint(2, 8))
            accepted = events[1]["on"]
            clock = _clock(((EventKind.START, accepted, 0),), limit, day, 2)
            events.append(_event(Code.REPLIED, day, "review", "replied", rng, clock=EventKind.STOP,
                                 data={"agency": handler.pk, "due_on": clock.due_date.isoformat()
                                       if clock.due_date else "", "working_days": clock.used,
                                       "reopened": False}))  # fmt: skip
            state = "replied"
            letter.update(replied_on=day, replied_at=events[-1]["at"])
            if rng.random() < 0.6:
                rating = self.rating()
                step(Code.RATED, "replied", 0, 5, data={"rating": rating, "reopen": False})
                events.append(
                    _event(Code.CLOSED, day, "replied", "closed", rng, data={"rated": True})
                )
                events[-1]["at"] = events[-2]["at"]
                state = "closed"
                letter.update(rating=rating, rated_at=events[-1]["at"])
            else:
                step(Code.CLOSED, "closed", 11, 11, data={"rated": False, "waited": 11})
        events = [e for e in events if e["on"] <= LAST_DAY]
        letter["state"] = events[-1]["to_state"]
        codes = [e["code"] for e in events]
        if Code.REJECTED not in codes:
            letter.pop("rejection_reason", None)
            letter.pop("rejection_note", None)
        if Code.ACCEPTED not in codes:
            for name in ("accepted_on", "limit_days"):
                letter.pop(name, None)
        if Code.ASSIGNED not in codes:
            letter.pop("handling_agency_id", None)
        if Code.DRAFTED not in codes:
            letter.pop("reply_text", None)
        if Code.REPLIED not in codes:
            for name in ("replied_on", "replied_at"):
                letter.pop(name, None)
        if Code.CLOSED not in codes:
            for name in ("rating", "rated_at"):
                letter.pop(name, None)
        if letter["state"] in ("closed", "rejected"):
            letter["closed_on"] = events[-1]["on"]
        if Code.ACCEPTED in codes:
            letter["due_on"], letter["clock_state"] = _cached_clock(events, limit)
        letter["updated_at"] = events[-1]["at"]
        self.figures[f"state {letter['state']}"] += 1
        return letter, [(LetterEvent, e) for e in events]


def register_normative(stdout: TextIO) -> None:
    """Enter the 办法 and 规定 with a 文号 in the normative-document register (统一登记、统一
    编号), numbered per year in publication order: table 二 of the annual report counts them."""
    from gongkai.catalogue.models import Document, NormativeRegistration

    rows = (
        Document.objects.filter(genre__code__in=NORMATIVE_GENRES)
        .exclude(doc_number="")
        .order_by("published_at", "id")
        .values_list("id", "published_at")
    )
    serials: Counter[int] = Counter()
    registrations = []
    for document_id, published in rows.iterator(chunk_size=10000):
        year = published.astimezone(SHANGHAI).year
        serials[year] += 1
        registrations.append(
            NormativeRegistration(
                document_id=document_id,
                year=year,
                serial=serials[year],
                number=f"JBGF-{year}-{serials[year]:05d}",
                registered_at=published,
            )
        )
    with transaction.atomic():
        NormativeRegistration.objects.bulk_create(registrations, batch_size=BATCH)
    stdout.write(f"normative documents registered: {len(registrations):,}\n")


def _write(kind: str, maker: Any, parent: Any, key: str, count: int, stdout: TextIO) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    batches = _Batches(
        parent, key, datetime.datetime.combine(LAST_DAY, datetime.time(23), tzinfo=SHANGHAI)
    )
    report_every = max(BATCH, count // 5)
    for done, day in enumerate(_per_day(count, maker.rng), 1):
        row, children = maker.make(day)
        batches.rows.append(row)
        batches.children.extend((model, row["number"], child) for model, child in children)
        if len(batches.rows) >= BATCH:
            batches.flush()
            if done % report_every < BATCH:
                seconds = time.perf_counter() - started
                stdout.write(f"  {done:,} / {count:,} {kind}, {seconds:.0f} s\n")
    batches.flush()
    seconds = time.perf_counter() - started
    events = (RequestEvent if parent is InfoRequest else LetterEvent).objects.count()
    stdout.write(
        f"{kind}: {count:,} with {events:,} events in {seconds:.1f} s "
        f"({count / seconds:,.0f} a second; {time.process_time() - cpu:.1f} s CPU); "
        + ", ".join(f"{name} {n:,}" for name, n in sorted(maker.figures.items()))
        + "\n"
    )


def is_complete(scale: float) -> bool:
    marker = SerialCounter.objects.filter(scope=MARKER_SCOPE).values_list("last_value", flat=True)
    return list(marker) == [round(scale * 1000)]


def generate(scale: float, seed: int, stdout: TextIO) -> dict[str, Any]:
    """The whole dataset at ``scale`` (1: a million documents) from ``seed``."""
    started = time.perf_counter()
    with documents.bulk_sqlite():  # this connection's pragmas for the whole generation
        counts = _generate(scale, seed, stdout)
    with connection.cursor() as cursor:
        # On PostgreSQL VACUUM too, as autovacuum would on a server that runs it (this one
        # does not): without the visibility map an index-only scan reads every row it counts.
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    seconds = time.perf_counter() - started
    stdout.write(f"dataset generated in {seconds:.0f} s\n")
    return {**counts, "seconds": round(seconds, 1)}


def _generate(scale: float, seed: int, stdout: TextIO) -> dict[str, Any]:
    agencies = build_agencies(stdout)
    counts = {
        "agencies": len(agencies),
        "documents": round(DOCUMENTS * scale),
        "applications": round(APPLICATIONS * scale),
        "letters": round(LETTERS * scale),
    }
    mailbox = LetterType.objects.filter(kind=LetterType.Kind.MAILBOX).first()
    if mailbox is not None:
        mailbox.agency = agencies[0]
        mailbox.leader_title = "省长"
        mailbox.name = "省长信箱"
        mailbox.save(update_fields=["agency", "leader_title", "name"])
    documents.generate(
        counts["documents"],
        seed,
        stdout,
        agencies=agencies,
        generator_class=ProvinceDocuments,
        marker=f"{MARKER_SCOPE}:documents",
    )
    register_normative(stdout)
    with documents.bulk_sqlite(InfoRequest, RequestEvent, stdout=stdout):
        _write("applications", Applications(seed, agencies), InfoRequest, "request_id",
               counts["applications"], stdout)  # fmt: skip
    with documents.bulk_sqlite(Letter, LetterEvent, stdout=stdout):
        _write("letters", Letters(seed, agencies), Letter, "letter_id", counts["letters"], stdout)
    with transaction.atomic():
        SerialCounter.objects.bulk_create(
            [
                SerialCounter(scope=f"info_requests:{year}", last_value=n)
                for year, n in _serials(InfoRequest, "YSQ").items()
            ]
            + [
                SerialCounter(scope=f"letters:{year}", last_value=n)
                for year, n in _serials(Letter, "LX").items()
            ]
        )
        SerialCounter.objects.create(scope=MARKER_SCOPE, last_value=round(scale * 1000))
    return counts


def _serials(model: Any, prefix: str) -> dict[int, int]:
    """The last serial of each year's tracking numbers (the counters continue from there)."""
    last: dict[int, int] = {}
    for number in model.objects.values_list("number", flat=True).iterator(chunk_size=10000):
        year, serial = int(number[len(prefix) : len(prefix) + 4]), int(number[len(prefix) + 4 :])
        last[year] = max(last.get(year, 0), serial)
    return last
