"""The catalogue's demonstration data: the 2014 portal as the seed report describes it.

``load(stdout)`` is an entry of ``load_demo``'s loaders, run after ``gongkai.agencies.demo.load``
inside the command's transaction. The figures are the report's, and each is produced from
records, so the pages and the annual report count them back:

* 2014: 9,846 posts in all (政务信息和工作动态 9800余条次), of which 1,536 disclosure items
  (kind document or interpretation; 政府信息公开栏目 1500余条次) by the members of the day —
  among them the documents the seed names with their numbers and titles; 18 normative
  documents of the government and its office, registered and valid; the health bureau's 77
  items (2 机构职能, 2 规划计划, 32 政策文件, 31 业务工作, 10 others); the environment branch's
  360; three batches of affordable-housing notices; the power list of 151 licensing and 24
  non-licensing items across 38 departments, 144 procurement notices and 144 results; and
  page visits totalling 153,000-odd (访问量超过15万次).
* 2024–2026: documents with interpretations, amendments and repeals, so that validity shows.

Titles and bodies of generated items come from :mod:`gongkai.catalogue.demo_text` with a fixed
seed, so every run generates the same records. Each document is matched on its natural key
(agency, title, publication time): a second run finds them all and creates nothing, and the
relations, visits and list records are matched the same way.

Speed: ten thousand documents go in with ``insert_many`` (``executemany``) rather than one
service call each. Index numbers are still the agency's pattern and counter: for each agency
and year the loader reads the counter (``index:<org code>:<year>``, the scope the publication
service uses), numbers its new documents last+1 … last+n in publication order and sets the
counter to last+n in the same transaction — exactly what n calls of ``allocate_number`` would
leave behind, so the next publication continues at last+n+1. Registration numbers of normative
documents are allocated the same way (``registration:<org code>:<year>``).
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.agencies.selectors import members_on
from gongkai.catalogue.bulk_import import insert_many
from gongkai.catalogue.clocks import catalogue_settings_for
from gongkai.catalogue.demo_text import GeneratedText, TextGenerator
from gongkai.catalogue.docnumbers import normalize_doc_number
from gongkai.catalogue.models import (
    Column,
    Document,
    DocumentEvent,
    DocumentRelation,
    DocumentVersion,
    Genre,
    ListRecord,
    NormativeRegistration,
    PageVisit,
    RecordField,
    RecordType,
    StatutoryItem,
    Topic,
)
from gongkai.core.models import SerialCounter
from gongkai.core.numbering import format_number
from gongkai.core.workdays import is_working_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 20140101
YEAR = 2014

# The report's figures (seed, part 五 and others).
POSTS_2014 = 9846
DISCLOSURE_2014 = 1536
NOTICES_2014 = 660
NORMATIVE_2014 = 18
ENVIRONMENT_2014 = 360
HOUSING_BATCHES = 3
LICENSING_ITEMS = 151
NON_LICENSING_ITEMS = 24
POWER_LIST_DEPARTMENTS = 38
PROCUREMENTS = 144
VISITS_2014_MIN = 150_000
# The health bureau's 77 items by the report's categories, with the statutory items they are
# filed under (REG 20): 机构职能 → item 2; 规划计划 → item 3; 政策文件 → item 1; 业务工作
# (approvals, training, fee standards) → items 5 and 8; the rest → items 11, 12 and 13.
HEALTH_CATEGORIES: list[tuple[str, int, tuple[str, ...]]] = [
    ("机构职能", 2, ("reg20-02",)),
    ("规划计划", 2, ("reg20-03",)),
    ("政策文件", 32, ("reg20-01",)),
    ("业务工作", 31, ("reg20-05", "reg20-08")),
    ("其他", 10, ("reg20-11", "reg20-12", "reg20-13")),
]

# Per agency: (vocabulary area, topic code, statutory item code, key-area column slug).
AREAS: dict[str, tuple[str, str, str, str]] = {
    "zhangdian": ("general", "zhzw-qt", "reg20-01", ""),
    "general-office": ("general", "zhzw-zwgk", "reg20-01", ""),
    "education": ("education", "kjjy-jy", "reg20-11", "zdly-jy"),
    "health": ("health", "wsty-ws", "reg20-11", "zdly-ylws"),
    "civil-affairs": ("civil", "mzfp-mz", "reg21-county-07", "zdly-shbz"),
    "hrss": ("employment", "ldrs-ldjy", "reg20-11", "zdly-jiuye"),
    "environment": ("environment", "cxjs-hjjc", "reg20-13", "zdly-hjbh"),
    "work-safety": ("general", "scjg-aqsc", "reg20-13", "zdly-aqsc"),
    "food-drug": ("general", "scjg-spyp", "reg20-13", "zdly-spyp"),
    "housing": ("housing", "cxjs-zfbz", "reg20-11", ""),
    "finance": ("economy", "czjr-cz", "reg20-07", "zdly-czzj"),
    "development-reform": ("economy", "gmjj-fzgh", "reg20-10", "zdly-gcjs"),
    "land-resources": ("rural", "gtzy-td", "reg21-county-04", "zdly-tdzs"),
    "agriculture": ("rural", "nylsl-ny", "reg20-11", ""),
    "water": ("rural", "nylsl-sl", "reg21-county-01", ""),
    "forestry": ("rural", "nylsl-ly", "reg20-15", ""),
    "construction": ("housing", "cxjs-cxgh", "reg21-county-01", "zdly-gcjs"),
    "statistics": ("economy", "gmjj-tj", "reg20-04", ""),
    "prices": ("economy", "czjr-qt", "reg20-08", ""),
    "audit": ("economy", "czjr-sj", "reg20-15", ""),
    "economy-it": ("economy", "gyjt-gy", "reg20-15", ""),
    "commerce": ("economy", "smhg-sm", "reg20-15", ""),
    "transport": ("general", "gyjt-jt", "reg21-county-01", ""),
    "police": ("general", "gaaq-ga", "reg21-county-06", ""),
    "justice": ("general", "gaaq-sf", "reg21-county-02", ""),
}
TOWN_AREA = ("town", "zhzw-qt", "reg21-town-01", "")
DEFAULT_AREA = ("general", "zhzw-qt", "reg20-15", "")

POLICY_GENRES = frozenset({"tongzhi", "yijian", "banfa", "guiding", "tongbao", "baogao"})


@dataclass
class Planned:
    """A document to create, with everything its rows need."""

    agency: str  # slug
    title: str
    published: datetime.datetime
    kind: str = Document.Kind.DOCUMENT
    formation: datetime.date | None = None
    doc_number: str = ""
    statutory: str = ""
    topic: str = ""
    genre: str = ""
    columns: tuple[str, ...] = ()
    summary: str = ""
    body: str = ""
    keywords: str = ""
    is_normative: bool = False
    needs_interpretation: bool = False
    interpretation_format: str = ""
    key: str = ""  # a name for relations between demonstration documents
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Relation:
    source: str  # key of the later document
    target: str  # key of the earlier one
    kind: str  # DocumentRelation.Kind
    validity: str  # what the earlier one becomes
    date: datetime.date


def _at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def _d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def subject_of(title: str) -> str:
    """What a title is about, for the generated body: 关于做好X工作的通知 → 做好X工作."""
    subject = title.removeprefix("关于")
    for ending in ("的通知", "的实施意见", "的指导意见", "的意见", "的报告", "的决定"):
        subject = subject.removesuffix(ending)
    return subject


# --- The documents the seed names ----------------------------------------------------------


def _seed_named(gen: TextGenerator) -> list[Planned]:
    """The 2014 documents the report names, with their numbers and titles where it gives them."""
    rows: list[tuple[str, str, str, str, str, str, str, tuple[str, ...], str]] = [
        # (agency, title, 文号, published, statutory, topic, genre, columns, key)
        ("general-office", "关于进一步加强政府信息公开工作的通知", "张政办发〔2014〕50号",
         "2014-08-18", "reg20-01", "zhzw-zwgk", "tongzhi", ("zcwj", "gkgzqk"), "notice-50"),
        ("general-office", "关于印发张店区深入推进行政审批制度改革实施方案的通知",
         "张政办发〔2014〕43号", "2014-07-16", "reg20-01", "zhzw-qt", "tongzhi",
         ("zcwj", "zdly-xzql"), "notice-43"),
        ("zhangdian", "关于公布保留和调整区级行政审批事项的通知", "张政发〔2014〕128号",
         "2014-10-20", "reg20-05", "zhzw-qt", "tongzhi", ("zcwj", "zdly-xzql"), "notice-128"),
        ("zhangdian", "关于在全区推行行政权力清单制度的实施意见", "张政字〔2014〕59号",
         "2014-11-14", "reg20-01", "zhzw-qt", "yijian", ("zcwj", "zdly-xzql"), "opinion-59"),
        ("general-office", "关于规范政府信息公开情况统计报送工作的通知", "",
         "2014-11-05", "reg20-15", "zhzw-zwgk", "tongzhi", ("gkgzqk",), "statistics-notice"),
        ("general-office", "关于对张政办发〔2014〕50号文件落实情况开展督查工作的通知", "",
         "2014-11-24", "reg20-15", "zhzw-zwgk", "tongzhi", ("gkgzqk",), "inspection-notice"),
        ("general-office", "关于进一步规范依申请公开告知书及相关工作的通知", "",
         "2014-09-12", "reg20-15", "zhzw-zwgk", "tongzhi", ("gkgzqk",), ""),
        ("general-office", "张店区政府信息公开工作考核办法", "", "2014-03-17", "reg20-15",
         "zhzw-zwgk", "banfa", ("gkgzqk",), "assessment-2014"),
        ("general-office", "政府信息公开责任追究办法", "", "2014-03-17", "reg20-15",
         "zhzw-zwgk", "banfa", ("gkgzqk",), ""),
        ("finance", "关于淄博市张店区2013年财政预算执行情况和2014年财政预算草案的报告", "",
         "2014-02-21", "reg20-07", "czjr-cz", "baogao", ("zdly-czzj",), ""),
        ("finance", "关于张店区2013年财政决算和2014年上半年财政预算执行情况的报告", "",
         "2014-08-26", "reg20-07", "czjr-cz", "baogao", ("zdly-czzj",), ""),
        ("agriculture", "关于进一步做好农村土地承包经营权确权登记颁证工作的指导意见", "",
         "2014-05-08", "reg20-01", "nylsl-ny", "yijian", ("zcwj",), ""),
        ("agriculture",
         "关于转发<关于对全市农村土地承包经营权确权登记颁证工作进行专项督查的通知>的通知", "",
         "2014-09-23", "reg20-15", "nylsl-ny", "tongzhi", ("zcwj",), ""),
        ("agriculture", "农村土地承包经营权确权登记颁证工作相关问题政策问答", "",
         "2014-10-09", "reg20-11", "nylsl-ny", "qita", (), ""),
        ("education", "2014年义务教育段学校招生工作实施意见", "", "2014-05-20", "reg20-11",
         "kjjy-jy", "yijian", ("zdly-jy",), "enrolment-compulsory"),
        ("education", "2014年张店地区义务教育段民办学校招生工作实施方案", "", "2014-05-27",
         "reg20-11", "kjjy-jy", "fangan", ("zdly-jy",), ""),
        ("education", "2014年张店地区部分普通高中学校招生指标分配实施方案", "", "2014-05-30",
         "reg20-11", "kjjy-jy", "fangan", ("zdly-jy",), ""),
        ("education", "张店地区2014年高中段学校招生工作实施意见", "", "2014-06-03", "reg20-11",
         "kjjy-jy", "yijian", ("zdly-jy",), ""),
        ("hrss", "创业者一次性创业补贴的申领须知", "", "2014-03-25", "reg20-11", "ldrs-ldjy",
         "qita", ("zdly-jiuye",), ""),
        ("hrss", "“双零家庭”认定及安置政策", "", "2014-04-15", "reg20-11", "ldrs-ldjy", "qita",
         ("zdly-jiuye",), ""),
        ("hrss", "关于做好灵活就业人员公共就业服务工作的通知", "", "2014-06-17", "reg20-11",
         "ldrs-ldjy", "tongzhi", ("zdly-jiuye",), ""),
        ("hrss", "张店区卫生系统事业单位公开招聘人员公告", "", "2014-04-28", "reg20-14",
         "ldrs-rsgl", "gonggao", ("zdly-jiuye", "tzgg"), ""),
        ("hrss", "张店区2014年公开招聘教师公告", "", "2014-06-10", "reg20-14", "ldrs-rsgl",
         "gonggao", ("zdly-jiuye", "tzgg"), ""),
        ("hrss", "2014年淄博市考试录用公务员简章", "", "2014-03-05", "reg20-14", "ldrs-rsgl",
         "qita", ("zdly-jiuye",), ""),
        ("civil-affairs", "区民政局各科室、所属事业单位及各镇办民政办联系方式", "",
         "2014-02-18", "reg20-02", "mzfp-mz", "qita", ("zdly-shbz",), ""),
        ("civil-affairs", "区民政局干部签订“阳光低保”<承诺书>公示", "", "2014-04-09",
         "reg21-county-07", "mzfp-shjz", "qita", ("zdly-shbz",), ""),
        ("civil-affairs", "关于张店区城乡居民临时困难救助办法", "", "2014-07-08",
         "reg21-county-07", "mzfp-shjz", "banfa", ("zdly-shbz",), ""),
        ("civil-affairs", "社会养老服务扶持奖补政策汇总", "", "2014-09-16", "reg20-11",
         "mzfp-mz", "qita", ("zdly-shbz",), ""),
    ]  # fmt: skip
    planned = []
    for agency, title, number, day, item, topic, genre, columns, key in rows:
        published = _at(_d(day), 9, 30)
        formation = _d(day) - datetime.timedelta(days=4)
        text = GeneratedText(title, genre, subject_of(title), f"{title}。", "")
        issuer = "张店区人民政府" if agency == "zhangdian" else ""
        planned.append(
            Planned(
                agency=agency,
                title=title,
                published=published,
                formation=formation,
                doc_number=number,
                statutory=item,
                topic=topic,
                genre=genre,
                columns=columns,
                summary=f"《{title}》全文。",
                body=gen.document_body(text, issuer=issuer or "张店区", date=formation),
                keywords="政务公开" if agency == "general-office" else "",
                is_normative=key in ("notice-43", "notice-128", "opinion-59"),
                needs_interpretation=key in ("notice-43", "notice-128", "opinion-59", "notice-50"),
                key=key,
            )
        )
    return planned


# --- Generation helpers --------------------------------------------------------------------


class Calendar2014:
    """The working days of 2014 and the members of the disclosure system on each."""

    def __init__(self, agencies: dict[str, Agency]) -> None:
        start, end = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
        days = (start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
        self.days = [day for day in days if is_working_day(day)]
        by_pk = {agency.pk: slug for slug, agency in agencies.items()}
        # Membership changes in 2014 fall on a few dates: one query each.
        self.periods: list[tuple[datetime.date, list[str]]] = []
        for change in (start, _d("2014-03-10"), _d("2014-07-01"), _d("2014-09-01")):
            slugs = sorted(
                by_pk[pk] for pk in members_on(change).values_list("pk", flat=True) if pk in by_pk
            )
            self.periods.append((change, slugs))

    def members(self, day: datetime.date) -> list[str]:
        current: list[str] = []
        for start, slugs in self.periods:
            if start <= day:
                current = slugs
        return current


def _area(slug: str, agency: Agency) -> tuple[str, str, str, str]:
    if slug in AREAS:
        return AREAS[slug]
    if agency.kind in (Agency.Kind.TOWN, Agency.Kind.SUBDISTRICT):
        return TOWN_AREA
    return DEFAULT_AREA


class NumberBook:
    """文号 for generated documents: the agency's prefix, the year, the next unused serial."""

    def __init__(self, taken: list[str]) -> None:
        self.next: dict[tuple[str, int], int] = defaultdict(lambda: 1)
        self.taken = set(taken)

    def prefix(self, agency: Agency) -> str:
        if agency.kind == Agency.Kind.GOVERNMENT:
            return "张政发"
        if agency.kind == Agency.Kind.GENERAL_OFFICE:
            return "张政办发"
        core = agency.short_name or agency.name
        for part in ("张店区", "张店", "区"):
            core = core.removeprefix(part)
        if agency.kind in (Agency.Kind.TOWN, Agency.Kind.SUBDISTRICT):
            return f"{core[:1]}政发"
        return f"张{core[:2]}发"

    def issue(self, agency: Agency, year: int) -> str:
        prefix = self.prefix(agency)
        while True:
            serial = self.next[(prefix, year)]
            self.next[(prefix, year)] = serial + 1
            number = f"{prefix}〔{year}〕{serial}号"
            if number not in self.taken:
                self.taken.add(number)
                return number


class Generator:
    """Everything generated, reproducibly from ``SEED``."""

    def __init__(self, agencies: dict[str, Agency], calendar: Calendar2014) -> None:
        self.agencies = agencies
        self.calendar = calendar
        self.text = TextGenerator(SEED)
        self.rng = random.Random(SEED + 1)  # noqa: S311 - reproducible demonstration data
        self.numbers = NumberBook(
            ["张政办发〔2014〕50号", "张政办发〔2014〕43号", "张政发〔2014〕128号"]
        )

    def day(self) -> datetime.date:
        return self.calendar.days[self.rng.randrange(len(self.calendar.days))]

    def moment(self, day: datetime.date) -> datetime.datetime:
        return _at(day, self.rng.randint(8, 17), self.rng.randrange(60))

    def name_of(self, slug: str) -> str:
        agency = self.agencies[slug]
        return agency.short_name or agency.name

    def document(
        self,
        slug: str,
        day: datetime.date,
        *,
        text: GeneratedText | None = None,
        statutory: str = "",
        columns: tuple[str, ...] | None = None,
        numbered: bool | None = None,
    ) -> Planned:
        agency = self.agencies[slug]
        area, topic, item, key_area = _area(slug, agency)
        text = text or self.text.document_title(area=area, date=day)
        formation = day - datetime.timedelta(days=self.rng.randint(1, 12))
        if numbered is None:
            numbered = text.genre in POLICY_GENRES and self.rng.random() < 0.8
        if columns is None:
            columns = ("zcwj",) if text.genre in POLICY_GENRES else ()
            columns += (key_area,) if key_area else ()
        return Planned(
            agency=slug,
            title=text.title,
            published=self.moment(day),
            formation=formation,
            doc_number=self.numbers.issue(agency, day.year) if numbered else "",
            statutory=statutory or item,
            topic=topic,
            genre=text.genre,
            columns=columns,
            summary=text.summary,
            body=self.text.document_body(text, issuer=agency.name, date=formation),
            keywords=text.keywords,
        )

    def news(self, slug: str, day: datetime.date, *, notice: bool = False) -> Planned:
        agency = self.agencies[slug]
        area = _area(slug, agency)[0]
        if notice:
            text = self.text.notice_title(area=area, date=day)
            column = "tzgg"
        else:
            text = self.text.news_title(body_name=self.name_of(slug), area=area)
            column = "zwdt" if agency.kind == Agency.Kind.GOVERNMENT else "gzdt"
        return Planned(
            agency=slug,
            title=text.title,
            published=self.moment(day),
            kind=Document.Kind.NEWS,
            columns=(column,),
            summary=text.summary,
            body=self.text.news_body(text, body_name=self.name_of(slug), date=day),
            keywords=text.keywords,
        )

    def member_on(self, day: datetime.date, *, exclude: frozenset[str] = frozenset()) -> str:
        members = [slug for slug in self.calendar.members(day) if slug not in exclude]
        return members[self.rng.randrange(len(members))]


# --- 2014 ----------------------------------------------------------------------------------


def _normative_2014(g: Generator) -> Iterator[Planned]:
    """15 more normative documents of the government and its office (18 with the 3 named)."""
    for n in range(NORMATIVE_2014 - 3):
        slug = "zhangdian" if n % 3 == 0 else "general-office"
        day = g.day()
        area = ("general", "economy", "housing", "civil", "employment")[n % 5]
        text = g.text.document_title(area=area, date=day)
        while text.genre not in ("banfa", "guiding", "yijian", "tongzhi"):
            text = g.text.document_title(area=area, date=day)
        planned = g.document(slug, day, text=text, statutory="reg20-01", numbered=True)
        planned.is_normative = True
        planned.columns = ("zcwj",)
        yield planned


def _health_2014(g: Generator) -> Iterator[Planned]:
    """The health bureau's 77 items; the two fee standards the report names are 业务工作."""
    for category, count, items in HEALTH_CATEGORIES:
        made = 2 if category == "业务工作" else 0  # the fee standards, in _named_health
        for n in range(made, count):
            day = g.day()
            text = g.text.document_title(area="health", date=day)
            if category == "机构职能":
                text = GeneratedText(
                    ("张店区卫生局主要职责和内设机构", "张店区卫生局领导分工及联系方式")[n],
                    "qita", "机构职能", "本局机构职能信息。", "机构职能",
                )  # fmt: skip
            elif category == "规划计划":
                text = GeneratedText(
                    ("张店区卫生事业发展“十二五”规划中期评估报告", "张店区2014年卫生工作计划")[n],
                    "guihua", "卫生规划", "卫生事业规划计划。", "规划 计划",
                )  # fmt: skip
            yield g.document("health", day, text=text, statutory=items[n % len(items)])


def _named_health() -> list[Planned]:
    rows = [
        ("社区卫生服务及预防保健项目收费标准", "2014-04-22"),
        ("非营利性医疗机构普通病房床位价格标准", "2014-04-22"),
    ]
    return [
        Planned(
            agency="health",
            title=title,
            published=_at(_d(day), 10, 0),
            formation=_d(day) - datetime.timedelta(days=7),
            statutory="reg20-08",
            topic="wsty-ws",
            genre="qita",
            columns=("zdly-ylws",),
            summary=f"按照市物价局标准公开的{title}。",
            body=f"<p>按照市物价局核定的标准，现将{title}予以公开。</p>",
            keywords="收费标准 医疗服务",
        )
        for title, day in rows
    ]


def _environment_2014(g: Generator) -> Iterator[Planned]:
    for _n in range(ENVIRONMENT_2014):
        day = g.day()
        text = g.text.environment_title(date=day)
        item = "reg20-05" if "环境影响评价" in text.title else "reg20-13"
        yield g.document(
            "environment", day, text=text, statutory=item, columns=("zdly-hjbh",), numbered=False
        )


def _housing_2014() -> list[Planned]:
    batches = [("第一批", "2014-04-16"), ("第二批", "2014-07-22"), ("第三批", "2014-11-11")]
    return [
        Planned(
            agency="housing",
            title=f"2014年{batch}经济适用住房申购家庭公示",
            published=_at(_d(day), 9, 0),
            formation=_d(day) - datetime.timedelta(days=2),
            statutory="reg20-11",
            topic="cxjs-zfbz",
            genre="gonggao",
            columns=("zwgg", "zdly-bzxzf"),
            summary=f"2014年{batch}经济适用住房申购家庭名单公示，公示期7天。",
            body=(
                f"<p>根据保障性住房分配政策，经审核，现将2014年{batch}经济适用住房申购家庭"
                "予以公示（申请人姓名和身份证号已隐去部分字符）。公示期为7天，如有异议，请在"
                "公示期内向区房管局书面反映。</p>"
            ),
            keywords="保障性住房 经济适用住房 公示",
        )
        for batch, day in batches
    ]


def _interpretations_2014(named: list[Planned]) -> list[Planned]:
    by_key = {planned.key: planned for planned in named if planned.key}
    made: list[Planned] = []
    for key in ("notice-50", "notice-43", "notice-128", "opinion-59"):
        policy = by_key[key]
        made.append(
            Planned(
                agency=policy.agency,
                title=f"《{policy.title}》政策解读",
                published=policy.published + datetime.timedelta(days=1),
                kind=Document.Kind.INTERPRETATION,
                statutory=policy.statutory,
                topic=policy.topic,
                genre="jiedu",
                columns=("zcjd",),
                summary=f"对《{policy.title}》的出台背景和主要内容的解读。",
                body=TextGenerator(SEED + len(made)).interpretation_body(
                    policy.title, subject=policy.title
                ),
                interpretation_format=Document.InterpretationFormat.TEXT,
                key=f"interpretation-{key}",
                extra={"interprets": key},
            )
        )
    return made


def plan_2014(agencies: dict[str, Agency], calendar: Calendar2014) -> list[Planned]:
    """Every 2014 post, in a fixed order (the generator's draws depend on it)."""
    g = Generator(agencies, calendar)
    named = _seed_named(g.text)
    planned = [*named, *_named_health(), *_housing_2014(), *_interpretations_2014(named)]
    planned += _normative_2014(g)
    planned += _health_2014(g)
    planned += _environment_2014(g)
    exact = frozenset({"health", "environment", "housing"})  # their counts are the report's
    while len(planned) < DISCLOSURE_2014:
        day = g.day()
        planned.append(g.document(g.member_on(day, exclude=exact), day))
    quiet = frozenset({"environment"})  # its 360 are all it published on the portal
    for n in range(NOTICES_2014):
        day = g.day()
        slug = "general-office" if n % 3 == 0 else g.member_on(day, exclude=quiet)
        planned.append(g.news(slug, day, notice=True))
    while len(planned) < POSTS_2014:
        day = g.day()
        slug = "zhangdian" if g.rng.random() < 0.15 else g.member_on(day, exclude=quiet)
        planned.append(g.news(slug, day))
    return planned


# --- 2024–2026 ----------------------------------------------------------------------------

RECENT: list[dict[str, Any]] = [
    {"key": "assessment-2024", "agency": "general-office", "title": "张店区政务公开工作考核办法",
     "day": "2024-02-20", "doc_number": "张政办发〔2024〕6号", "genre": "banfa",
     "statutory": "reg20-01", "topic": "zhzw-zwgk", "normative": True},
    {"key": "elderly-2024", "agency": "civil-affairs", "title": "张店区养老服务补贴管理办法",
     "day": "2024-03-12", "doc_number": "张民发〔2024〕8号", "genre": "banfa",
     "statutory": "reg20-11", "topic": "mzfp-mz", "normative": True},
    {"key": "parking-2024", "agency": "urban-management",
     "title": "张店区城区机动车停车管理办法", "day": "2024-05-14",
     "doc_number": "张城管发〔2024〕5号", "genre": "banfa", "statutory": "reg21-county-01",
     "topic": "cxjs-cszl", "normative": True},
    {"key": "flood-2024", "agency": "general-office", "title": "张店区防汛应急预案",
     "day": "2024-05-28", "doc_number": "张政办发〔2024〕15号", "genre": "fangan",
     "statutory": "reg20-12", "topic": "zhzw-yjgl"},
    {"key": "rent-2024", "agency": "housing", "title": "张店区公共租赁住房租赁补贴实施细则",
     "day": "2024-06-18", "doc_number": "张房发〔2024〕12号", "genre": "xize",
     "statutory": "reg20-11", "topic": "cxjs-zfbz", "normative": True},
    {"key": "business-2025", "agency": "zhangdian", "title": "张店区进一步优化营商环境若干措施",
     "day": "2025-03-18", "doc_number": "张政发〔2025〕4号", "genre": "qita",
     "statutory": "reg20-01", "topic": "gmjj-qt", "normative": True},
    {"key": "elderly-2025", "agency": "civil-affairs",
     "title": "关于修订《张店区养老服务补贴管理办法》的通知", "day": "2025-04-15",
     "doc_number": "张民发〔2025〕11号", "genre": "tongzhi", "statutory": "reg20-11",
     "topic": "mzfp-mz", "normative": True},
    {"key": "employment-2025", "agency": "hrss", "title": "关于进一步做好稳就业工作的实施意见",
     "day": "2025-07-08", "doc_number": "张人社发〔2025〕19号", "genre": "yijian",
     "statutory": "reg20-11", "topic": "ldrs-ldjy"},
    {"key": "parking-2026", "agency": "zhangdian",
     "title": "关于废止《张店区城区机动车停车管理办法》的决定", "day": "2026-02-10",
     "doc_number": "张政发〔2026〕3号", "genre": "jueding", "statutory": "reg20-01",
     "topic": "cxjs-cszl"},
    {"key": "rent-2026", "agency": "housing",
     "title": "关于修订《张店区公共租赁住房租赁补贴实施细则》的通知", "day": "2026-03-17",
     "doc_number": "张房发〔2026〕4号", "genre": "tongzhi", "statutory": "reg20-11",
     "topic": "cxjs-zfbz", "normative": True},
    {"key": "education-2026", "agency": "education",
     "title": "张店区2026年义务教育学校招生入学工作实施方案", "day": "2026-04-21",
     "doc_number": "张教发〔2026〕9号", "genre": "fangan", "statutory": "reg20-11",
     "topic": "kjjy-jy"},
    {"key": "flood-2026", "agency": "general-office", "title": "张店区防汛应急预案（2026年修订）",
     "day": "2026-05-19", "doc_number": "张政办发〔2026〕11号", "genre": "fangan",
     "statutory": "reg20-12", "topic": "zhzw-yjgl"},
    {"key": "renewal-2026", "agency": "zhangdian", "title": "关于推进城市更新行动的实施意见",
     "day": "2026-06-09", "doc_number": "张政发〔2026〕8号", "genre": "yijian",
     "statutory": "reg20-03", "topic": "cxjs-cxgh", "needs_interpretation": True},
]  # fmt: skip
# Interpretations of recent policies: (policy key, format, days after the policy).
RECENT_INTERPRETATIONS = [
    ("assessment-2024", Document.InterpretationFormat.TEXT, 1),
    ("elderly-2025", Document.InterpretationFormat.TEXT, 2),
    ("business-2025", Document.InterpretationFormat.GRAPHIC, 1),
    ("employment-2025", Document.InterpretationFormat.TEXT, 3),
    ("education-2026", Document.InterpretationFormat.TEXT, 1),
    ("rent-2026", Document.InterpretationFormat.GRAPHIC, 2),
]
RELATIONS = [
    Relation("assessment-2024", "assessment-2014", DocumentRelation.Kind.REPEALS,
             Document.Validity.REPEALED, _d("2024-02-20")),
    Relation("elderly-2025", "elderly-2024", DocumentRelation.Kind.AMENDS,
             Document.Validity.AMENDED, _d("2025-04-15")),
    Relation("parking-2026", "parking-2024", DocumentRelation.Kind.REPEALS,
             Document.Validity.REPEALED, _d("2026-02-10")),
    Relation("rent-2026", "rent-2024", DocumentRelation.Kind.AMENDS,
             Document.Validity.AMENDED, _d("2026-03-17")),
    Relation("flood-2026", "flood-2024", DocumentRelation.Kind.REPLACES,
             Document.Validity.EXPIRED, _d("2026-05-19")),
]  # fmt: skip
RECENT_NEWS = 120


def plan_recent(agencies: dict[str, Agency]) -> list[Planned]:
    text = TextGenerator(SEED + 2024)
    rng = random.Random(SEED + 2025)  # noqa: S311 - reproducible demonstration data
    planned: list[Planned] = []
    by_key: dict[str, Planned] = {}
    for spec in RECENT:
        day = _d(spec["day"])
        subject = spec["title"]
        generated = GeneratedText(subject, spec["genre"], subject_of(subject), f"{subject}。", "")
        issuer = agencies[spec["agency"]].name
        item = Planned(
            agency=spec["agency"],
            title=spec["title"],
            published=_at(day, 10, 0),
            formation=day - datetime.timedelta(days=6),
            doc_number=spec["doc_number"],
            statutory=spec["statutory"],
            topic=spec["topic"],
            genre=spec["genre"],
            columns=("zcwj",),
            summary=f"《{spec['title']}》全文。",
            body=text.document_body(generated, issuer=issuer, date=day),
            is_normative=spec.get("normative", False),
            needs_interpretation=spec.get("needs_interpretation", False)
            or any(key == spec["key"] for key, _f, _n in RECENT_INTERPRETATIONS),
            key=spec["key"],
        )
        planned.append(item)
        by_key[spec["key"]] = item
    for key, fmt, days in RECENT_INTERPRETATIONS:
        policy = by_key[key]
        planned.append(
            Planned(
                agency=policy.agency,
                title=f"图解：《{policy.title}》"
                if fmt == Document.InterpretationFormat.GRAPHIC
                else f"《{policy.title}》政策解读",
                published=policy.published + datetime.timedelta(days=days),
                kind=Document.Kind.INTERPRETATION,
                statutory=policy.statutory,
                topic=policy.topic,
                genre="jiedu",
                columns=("zcjd",),
                summary=f"解读《{policy.title}》的背景、主要内容和关键词。",
                body=text.interpretation_body(policy.title, subject=policy.title),
                interpretation_format=fmt,
                key=f"interpretation-{key}",
                extra={"interprets": key},
            )
        )
    slugs = sorted(agencies)
    start = datetime.date(2024, 1, 2)
    for n in range(RECENT_NEWS):
        day = start + datetime.timedelta(days=rng.randrange(900))
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
        slug = slugs[rng.randrange(len(slugs))]
        agency = agencies[slug]
        generated = text.news_title(
            body_name=agency.short_name or agency.name, area=_area(slug, agency)[0]
        )
        planned.append(
            Planned(
                agency=slug,
                title=generated.title,
                published=_at(day, 9 + n % 8, rng.randrange(60)),
                kind=Document.Kind.NEWS,
                columns=("gzdt",),
                summary=generated.summary,
                body=text.news_body(generated, body_name=agency.short_name, date=day),
                keywords=generated.keywords,
            )
        )
    return planned


# --- Writing -------------------------------------------------------------------------------


class Lookups:
    def __init__(self) -> None:
        self.items = dict(StatutoryItem.objects.values_list("code", "pk"))
        self.topics = dict(Topic.objects.values_list("code", "pk"))
        self.genres = dict(Genre.objects.values_list("code", "pk"))
        self.columns = dict(Column.objects.values_list("slug", "pk"))


def _allocate(scope: str, count: int) -> int:
    """Take ``count`` serials of ``scope`` at once; returns the first. See the module text."""
    counter = SerialCounter.objects.select_for_update().filter(scope=scope).first()
    if counter is None:
        counter = SerialCounter.objects.create(scope=scope, last_value=0)
    first = counter.last_value + 1
    SerialCounter.objects.filter(pk=counter.pk).update(last_value=counter.last_value + count)
    return first


NaturalKey = tuple[int, str, datetime.datetime]


def _existing_keys(planned: list[Planned]) -> dict[NaturalKey, int]:
    years = {item.published.year for item in planned}
    query = Q()
    for year in years:
        query |= Q(
            published_at__gte=_at(datetime.date(year, 1, 1), 0),
            published_at__lt=_at(datetime.date(year + 1, 1, 1), 0),
        )
    rows = Document.objects.filter(query).values_list("agency_id", "title", "published_at", "pk")
    return {
        (agency_id, title, published): pk
        for agency_id, title, published, pk in rows
        if published is not None
    }


def create_documents(
    planned: list[Planned], agencies: dict[str, Agency], lookups: Lookups
) -> tuple[int, dict[str, int]]:
    """Create the planned documents that do not exist yet; (created, pks by key)."""
    now = timezone.now()
    existing = _existing_keys(planned)
    keys: dict[str, int] = {}
    new: list[Planned] = []
    for item in planned:
        natural = (agencies[item.agency].pk, item.title, item.published)
        if natural in existing:
            if item.key:
                keys[item.key] = existing[natural]
        else:
            existing[natural] = 0  # a duplicate within the plan is made once
            new.append(item)
    new.sort(key=lambda item: item.published)
    index_numbers: dict[int, str] = {}
    registrations: dict[int, tuple[int, int, str]] = {}
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    normative_groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for position, item in enumerate(new):
        groups[(item.agency, item.published.year)].append(position)
        if item.is_normative:
            normative_groups[(item.agency, item.published.year)].append(position)
    for (slug, year), positions in groups.items():
        agency = agencies[slug]
        pattern = catalogue_settings_for(agency).index_pattern
        first = _allocate(f"index:{agency.org_code}:{year}", len(positions))
        for offset, position in enumerate(positions):
            index_numbers[position] = format_number(
                pattern, org_code=agency.org_code, year=year, serial=first + offset
            )
    for (slug, year), positions in normative_groups.items():
        agency = agencies[slug]
        pattern = catalogue_settings_for(agency).registration_pattern
        first = _allocate(f"registration:{agency.org_code}:{year}", len(positions))
        for offset, position in enumerate(positions):
            serial = first + offset
            number = format_number(pattern, org_code=agency.org_code, year=year, serial=serial)
            registrations[position] = (year, serial, number)
    rows = []
    for position, item in enumerate(new):
        doc_number = normalize_doc_number(item.doc_number) if item.doc_number else ""
        rows.append(
            {
                "kind": item.kind,
                "state": Document.State.PUBLISHED.value,
                "agency_id": agencies[item.agency].pk,
                "index_number": index_numbers[position],
                "title": item.title,
                "summary": item.summary,
                "body": item.body,
                "formation_date": item.formation,
                "published_at": item.published,
                "doc_number": doc_number,
                "doc_number_key": doc_number,
                "statutory_item_id": lookups.items.get(item.statutory),
                "topic_id": lookups.topics.get(item.topic),
                "genre_id": lookups.genres.get(item.genre),
                "keywords": item.keywords,
                "effective_date": item.published.date() if item.is_normative else None,
                "is_normative": item.is_normative,
                "needs_interpretation": item.needs_interpretation,
                "interpretation_format": item.interpretation_format,
                "version": 1,
                "created_at": item.published,
            }
        )
    insert_many(Document, rows, now=now)
    pks: dict[str, int] = {}
    numbers = [row["index_number"] for row in rows]
    for start in range(0, len(numbers), 1000):
        batch = Document.objects.filter(index_number__in=numbers[start : start + 1000])
        pks.update((str(number), pk) for number, pk in batch.values_list("index_number", "pk"))
    links, versions, events, register = [], [], [], []
    for position, (item, row) in enumerate(zip(new, rows, strict=True)):
        pk = pks[str(row["index_number"])]
        if item.key:
            keys[item.key] = pk
        links += [{"document_id": pk, "column_id": lookups.columns[c]} for c in item.columns]
        metadata = {
            "index_number": row["index_number"],
            "doc_number": row["doc_number"],
            "formation_date": item.formation.isoformat() if item.formation else None,
            "keywords": item.keywords,
            "validity": Document.Validity.VALID.value,
            "manner": Document.Manner.PROACTIVE.value,
            "attachments": [],
        }
        versions.append(
            {
                "document_id": pk,
                "number": 1,
                "title": item.title,
                "summary": item.summary,
                "body": item.body,
                "metadata": {k: v for k, v in metadata.items() if v is not None},
                "published_at": item.published,
            }
        )
        data: dict[str, Any] = {"version": 1, "index_number": row["index_number"], "late": False}
        if position in registrations:
            year, serial, number = registrations[position]
            register.append(
                NormativeRegistration(
                    document_id=pk,
                    year=year,
                    serial=serial,
                    number=number,
                    registered_at=item.published,
                )
            )
            data["registration"] = number
        events.append(
            {
                "document_id": pk,
                "code": "published",
                "created_at": item.published,
                "from_state": Document.State.APPROVED.value,
                "to_state": Document.State.PUBLISHED.value,
                "data": data,
            }
        )
    insert_many(Document.columns.through, links, now=now)
    insert_many(DocumentVersion, versions, now=now)
    insert_many(DocumentEvent, events, now=now)
    NormativeRegistration.objects.bulk_create(register)
    return len(new), keys


def link_documents(keys: dict[str, int], planned: list[Planned]) -> int:
    """Interpretations to their policies, and the amendments and repeals; repeat-safe."""
    through = Document.interprets.through
    wanted = [
        (keys[item.key], keys[item.extra["interprets"]])
        for item in planned
        if "interprets" in item.extra
    ]
    have = set(
        through.objects.filter(from_document_id__in=[w[0] for w in wanted]).values_list(
            "from_document_id", "to_document_id"
        )
    )
    made = 0
    for interpretation, policy in wanted:
        if (interpretation, policy) in have:
            continue
        through.objects.create(from_document_id=interpretation, to_document_id=policy)
        published = Document.objects.values_list("published_at", flat=True).get(pk=interpretation)
        published = published or timezone.now()
        DocumentEvent.objects.bulk_create(
            [
                DocumentEvent(
                    document_id=interpretation, code="interpretation_linked",
                    created_at=published, data={"policies": [policy]},
                ),
                DocumentEvent(
                    document_id=policy, code="interpretation_linked",
                    created_at=published, data={"interpretation": interpretation},
                ),
            ]
        )  # fmt: skip
        made += 1
    for relation in RELATIONS:
        source, target = keys[relation.source], keys[relation.target]
        _obj, created = DocumentRelation.objects.get_or_create(
            source_id=source, target_id=target, kind=relation.kind
        )
        if not created:
            continue
        repealed = relation.validity in (Document.Validity.REPEALED, Document.Validity.EXPIRED)
        Document.objects.filter(pk=target).update(
            validity=relation.validity, repeal_date=relation.date if repealed else None
        )
        data: dict[str, Any] = {"from": Document.Validity.VALID.value, "to": relation.validity}
        data["by"] = source
        if repealed:
            data["date"] = relation.date.isoformat()
        DocumentEvent.objects.create(
            document_id=target,
            code="validity_changed",
            created_at=_at(relation.date, 10),
            data=data,
        )
        made += 1
    return made


# --- Visits --------------------------------------------------------------------------------


def load_visits(stdout: TextIO, keys: dict[str, int]) -> int:
    """Visits of 2014 per page and day, totalling 150,000-odd; existing rows are kept."""
    rng = random.Random(SEED + 3)  # noqa: S311 - reproducible demonstration data
    paths = [
        ("/", 250),
        (reverse("catalogue:index"), 70),
        (reverse("catalogue:key_areas"), 25),
        (reverse("catalogue:normative"), 14),
        (reverse("catalogue:interpretations"), 14),
    ]
    paths += [(reverse("catalogue:column", args=[slug]), 20) for slug in ("gzdt", "tzgg", "zcwj")]
    paths += [
        (reverse("catalogue:agency_disclosure", args=[slug]), 10)
        for slug in ("education", "health", "civil-affairs", "hrss", "environment", "housing")
    ]
    paths += [
        (reverse("catalogue:document", args=[keys[key]]), 5)
        for key in ("notice-50", "notice-43", "notice-128", "opinion-59")
        if key in keys
    ]
    start = datetime.date(YEAR, 1, 1)
    rows = []
    for offset in range(365):
        day = start + datetime.timedelta(days=offset)
        weekday_factor = 1.0 if day.weekday() < 5 else 0.45
        for path, mean in paths:
            count = max(0, round(mean * weekday_factor * rng.uniform(0.6, 1.4)))
            if count:
                rows.append(PageVisit(path=path, day=day, count=count))
    before = PageVisit.objects.filter(day__year=YEAR).count()
    PageVisit.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    created = PageVisit.objects.filter(day__year=YEAR).count() - before
    stdout.write(_("Page visits of 2014: %(rows)d rows recorded.\n") % {"rows": created})
    return created


# --- Structured lists ----------------------------------------------------------------------

POWER_OBJECTS = ("经营", "设立", "建设", "从业资格", "执业", "变更", "设施", "活动")
POWER_SUFFIXES = ("审批", "许可", "核准", "登记", "备案")
SUPPLIER_WORDS = ("鑫达", "齐鲁", "博远", "华信", "恒泰", "瑞丰", "金诚", "鲁中", "天润", "宏远")
SUPPLIER_TRADES = ("信息技术", "办公设备", "建筑工程", "医疗器械", "物业服务", "印务")
PURCHASES = (
    "办公设备采购", "信息化系统建设", "物业管理服务", "校园安防设备采购", "医疗设备采购",
    "绿化养护服务", "道路维修工程", "公务用车定点维修", "印刷服务", "网络运维服务",
    "图书采购", "课桌椅采购",
)  # fmt: skip


def load_list_records(stdout: TextIO, agencies: dict[str, Agency]) -> int:
    """The power list and the procurement notices and results, as published list records."""
    from gongkai.catalogue.data.record_types import seed_record_types
    from gongkai.catalogue.lists import AgencyLookup, build_search_text, clean_values

    seed_record_types(RecordType, RecordField, Column, StatutoryItem)
    types = {t.code: t for t in RecordType.objects.filter(code__in=_LIST_CODES)}
    fields = {code: list(t.fields.all()) for code, t in types.items()}
    lookup = AgencyLookup()
    existing = {
        (record_type_id, agency_id, data.get("item_name") or data.get("project_name"))
        for record_type_id, agency_id, data in ListRecord.objects.filter(
            record_type__in=types.values()
        ).values_list("record_type_id", "agency_id", "data")
    }
    records = []
    for code, slug, values, published in _list_rows(agencies):
        record_type, agency = types[code], agencies[slug]
        name = values.get("item_name") or values.get("project_name")
        if (record_type.pk, agency.pk, name) in existing:
            continue
        data, errors = clean_values(record_type, values, fields=fields[code], agencies=lookup)
        if errors:
            raise ValueError(f"demonstration list record does not fit {code}: {errors}")
        records.append(
            ListRecord(
                record_type=record_type,
                agency=agency,
                data=data,
                search_text=build_search_text(agency.name, data, fields[code], agencies=lookup),
                state=ListRecord.State.PUBLISHED,
                published_at=published,
            )
        )
    ListRecord.objects.bulk_create(records, batch_size=500)
    stdout.write(_("List records: %(created)d published.\n") % {"created": len(records)})
    return len(records)


_LIST_CODES = ("power-list", "procurement-notice", "procurement-result")


def power_list_departments() -> list[tuple[str, str]]:
    """(slug, area) of the 38 departments whose items the 2014 list kept (张政发〔2014〕128号)."""
    from gongkai.agencies import demo_data

    departments = [
        (row.slug, row.area)
        for row in demo_data.AGENCIES
        if row.kind == Agency.Kind.DEPARTMENT
        and row.slug not in ("news-office", "staffing-office", "petitions")
    ]
    return departments[:POWER_LIST_DEPARTMENTS]


def _list_rows(
    agencies: dict[str, Agency],
) -> Iterator[tuple[str, str, dict[str, Any], datetime.datetime]]:
    rng = random.Random(SEED + 4)  # noqa: S311 - reproducible demonstration data
    departments = power_list_departments()
    published = _at(_d("2014-10-20"), 10)
    for n in range(LICENSING_ITEMS + NON_LICENSING_ITEMS):
        slug, area = departments[n % len(departments)]
        agency = agencies[slug]
        licensing = n < LICENSING_ITEMS
        subject = POWER_OBJECTS[(n // len(departments)) % len(POWER_OBJECTS)]
        suffix = POWER_SUFFIXES[n % len(POWER_SUFFIXES)] if licensing else "确认"
        yield (
            "power-list",
            slug,
            {
                "item_name": f"{area}{subject}{suffix}",
                "power_type": "行政许可" if licensing else "其他",
                "implementing_agency": agency.pk,
                "legal_basis": "《中华人民共和国行政许可法》及有关法律、法规"
                if licensing
                else "有关法律、法规和规范性文件",
                "fee_basis": "不收费",
                "procedure": "申请—受理—审查—决定—送达",
                "statutory_time_limit": "20个工作日",
                "promised_time_limit": f"{rng.choice((5, 7, 10))}个工作日",
                "supervision_phone": agency.phone,
            },
            published,
        )
    buyers = sorted(
        slug
        for slug, agency in agencies.items()
        if agency.kind in (Agency.Kind.DEPARTMENT, Agency.Kind.TOWN, Agency.Kind.SUBDISTRICT)
    )
    methods = ("公开招标", "竞争性谈判", "询价", "竞争性磋商", "单一来源采购")
    for n in range(PROCUREMENTS):
        slug = buyers[rng.randrange(len(buyers))]
        day = datetime.date(YEAR, 1, 6) + datetime.timedelta(days=(n * 347) // PROCUREMENTS)
        project = f"{agencies[slug].short_name}{rng.choice(PURCHASES)}项目（ZDCG-2014-{n + 1:03d}）"
        budget = rng.randrange(50, 3000) * 1000
        yield (
            "procurement-notice",
            slug,
            {
                "project_name": project,
                "budget": str(budget),
                "purpose": "保障本单位履行职责和公共服务需要",
                "notice_date": day.isoformat(),
                "procurement_method": methods[n % len(methods)],
            },
            _at(day, 9),
        )
        result_day = day + datetime.timedelta(days=21)
        supplier = f"淄博{rng.choice(SUPPLIER_WORDS)}{rng.choice(SUPPLIER_TRADES)}有限公司"
        yield (
            "procurement-result",
            slug,
            {
                "project_name": project,
                "winning_supplier": supplier,
                "winning_amount": str(round(budget * rng.uniform(0.82, 0.98), 2)),
                "notice_date": result_day.isoformat(),
            },
            _at(result_day, 9),
        )


# --- The loader ----------------------------------------------------------------------------


def load(stdout: TextIO) -> None:
    """The catalogue loader of ``load_demo`` (after the agencies loader)."""
    from gongkai.agencies import demo_data

    slugs = [row.slug for row in demo_data.AGENCIES]
    agencies = {agency.slug: agency for agency in Agency.objects.filter(slug__in=slugs)}
    calendar = Calendar2014(agencies)
    planned = plan_2014(agencies, calendar) + plan_recent(agencies)
    created, keys = create_documents(planned, agencies, Lookups())
    stdout.write(
        _("Catalogue documents: %(created)d created, %(kept)d already present.\n")
        % {"created": created, "kept": len(planned) - created}
    )
    link_documents(keys, planned)
    load_visits(stdout, keys)
    load_list_records(stdout, agencies)
