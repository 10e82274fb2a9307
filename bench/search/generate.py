"""A reproducible catalogue for the search benchmark: ``count`` public documents from a seed.

:func:`generate` runs inside a configured Django on a freshly migrated database that holds no
document (``bench/search/run.py`` sees to both). It creates the demonstration district's agencies
with the demo's own loader (statutory items, topics and genres come with the migrations), then
``count`` published, proactively disclosed documents with their first published version — what
``published_documents()`` and ``public_version()`` need — spread over the working days of
2021–2025 in publication order: about 70% documents, 25% news items and 5% interpretations,
across the agencies (the government and its office most, public institutions least), the
statutory items, topics, genres and validity values.

Titles and bodies come from the demo's vocabulary and :class:`TextGenerator`
(``gongkai.catalogue.demo_text``) as ``gongkai.catalogue.demo`` builds them, with 文号 from the
demo's :class:`NumberBook`. The demo's bodies are short (300 characters or so), so each one is
lengthened with more sentences of the same vocabulary to a length drawn around 800 characters
(one document in a hundred runs to several thousand). Each also gets one or more sentences
naming a term of :data:`LONG_TAIL` — government terms of the project's segmentation dictionary
that the demo's vocabulary never uses — drawn with Zipf's law, so that the index holds rare
words as well as the very common ones; the benchmark's rare queries use the tail's last terms.

Everything is drawn from ``random.Random(seed)`` and the fixed tables here: the same seed gives
the same rows (ids included, the database being empty) on SQLite and PostgreSQL. Rows go in
with the demo loader's ``insert_many`` (``executemany``) on SQLite and ``COPY`` on PostgreSQL,
in batches of :data:`BATCH` with their versions, one transaction a batch; never through
``save()`` or the services: nothing is audited, screened, signalled or indexed — the runner
builds the index afterwards. Index numbers follow each agency's pattern and serial counter per
year, and the counters are left where publication would continue. No relation, column, event
or attachment is made: search reads none of them.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime
import functools
import itertools
import json
import math
import random
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from html import escape
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    TextField,
)

from gongkai.agencies.demo import load_agencies
from gongkai.agencies.models import Agency
from gongkai.catalogue import demo, demo_text
from gongkai.catalogue.bulk_import import insert_many
from gongkai.catalogue.clocks import catalogue_settings_for
from gongkai.catalogue.demo_text import GeneratedText, TextGenerator
from gongkai.catalogue.docnumbers import normalize_doc_number
from gongkai.catalogue.models import Document, DocumentVersion, Genre, StatutoryItem, Topic
from gongkai.core.models import SerialCounter
from gongkai.core.numbering import format_number
from gongkai.core.workdays import is_working_day

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY = datetime.date(2021, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)
BATCH = 5000
# Written last, in the transaction of the last batch: a database holding it with the value
# ``count`` is complete. The version changes whenever the generated rows would.
MARKER_SCOPE = "bench:search:dataset:v1"

KINDS = (Document.Kind.DOCUMENT, Document.Kind.NEWS, Document.Kind.INTERPRETATION)
KIND_WEIGHTS = (70, 25, 5)
AGENCY_WEIGHTS = {
    Agency.Kind.GOVERNMENT: 4.0,
    Agency.Kind.GENERAL_OFFICE: 4.0,
    Agency.Kind.DEPARTMENT: 1.5,
    Agency.Kind.TOWN: 1.0,
    Agency.Kind.SUBDISTRICT: 1.0,
    Agency.Kind.PUBLIC_INSTITUTION: 0.4,
    Agency.Kind.PUBLIC_ENTERPRISE: 0.4,
}
VALIDITIES = (
    Document.Validity.VALID,
    Document.Validity.AMENDED,
    Document.Validity.REPEALED,
    Document.Validity.EXPIRED,
)
VALIDITY_WEIGHTS = (88, 4, 4, 4)  # of documents; news and interpretations stay valid
OWN_CLASSIFICATION = 0.65  # the agency's usual statutory item and topic; otherwise any
NUMBERED_SHARE = 0.8  # policy documents with a 文号, as in the demo
# Body lengths in characters of text: log-normal around a median per kind, and one document
# in a hundred long (a plan, a report, a list of measures).
MEDIAN_LENGTH = {
    Document.Kind.DOCUMENT: 780,
    Document.Kind.NEWS: 520,
    Document.Kind.INTERPRETATION: 700,
}
LENGTH_SIGMA = 0.4
LONG_SHARE = 0.01
LONG_LENGTH = (3000, 15000)
TITLE_LENGTH = (10, 40)

# Government terms of the segmentation dictionary (gongkai/core/data/userdict.txt) that the
# demo's vocabulary never uses, frozen here in a fixed order so that the dataset does not move
# when the dictionary grows. Drawn with Zipf's law (exponent ZIPF_EXPONENT): the first terms
# are common, the last ones rare (the benchmark's rare queries).
LONG_TAIL = (
    "政务公开", "依申请公开", "政策解读", "重点工作", "规范性文件", "行政许可", "办事指南",
    "专项资金", "应急预案", "食品安全", "市场监管", "行政处罚", "社会救助", "医疗卫生",
    "公开指南", "公开目录", "年度报告", "便民服务中心", "政府门户网站", "督查考核", "考核指标",
    "权力清单", "责任清单", "简政放权", "放管服", "审批事项", "部门预算", "部门决算",
    "三公经费", "公务接待", "公务用车", "政府债务", "转移支付", "招标投标", "公共资源交易",
    "国有资产", "保障性住房", "公租房", "棚户区改造", "城中村改造", "旧城改造", "征地补偿",
    "拆迁安置", "安置补偿", "土地出让", "建设用地", "土地流转", "最低生活保障", "特困供养",
    "医疗救助", "临时救助", "养老保险", "城乡居民医保", "就业创业", "创业担保贷款", "招生计划",
    "教育收费", "公立医院", "精准扶贫", "生产安全事故", "药品安全", "环境监测", "扬尘治理",
    "突发事件", "应急管理", "价格监管", "企业信用", "行政复议", "行政诉讼", "舆情回应",
    "政民互动", "网上咨询", "网上投诉", "建议征集", "在线调查", "人大代表建议", "政协委员提案",
    "建议提案", "行政强制", "行政征收", "行政给付", "行政裁决", "行政确认", "行政奖励",
    "行政检查", "行政事业性收费", "双随机一公开", "负面清单", "预决算", "财政决算", "因公出国",
    "政府工作报告", "统计公报", "政府常务会议", "人事任免", "法治政府", "阳光政府", "成员单位",
    "公开主体", "门户网站", "区长信箱", "书记信箱", "政风行风热线", "网上信访", "每月公示",
    "成绩单", "责任追究", "统计报送", "源头认定", "公开属性", "保密审查", "合法性审查",
    "法制审核", "统一登记编号", "告知书", "延期答复", "信息处理费", "第三方意见", "重复申请",
    "查询码", "索引号", "发文字号", "成文日期", "发布日期", "信息员", "公开办", "非行政许可",
    "经适房", "经济适用房", "廉租房", "限价房", "棚改", "征地拆迁", "新农合", "五保", "环评",
)  # fmt: skip
ZIPF_EXPONENT = 1.3
DETAIL_SENTENCES = (
    "{place}将{term}列入年度重点任务，明确责任单位和完成时限。",
    "涉及{term}的事项，由{agency}会同有关部门按照职责分工办理。",
    "对{term}工作中群众反映的问题，要建立台账、限期整改、逐一销号。",
    "{agency}已就{term}有关情况进行专题研究，办理结果依法向社会公开。",
    "{place}{term}工作情况将纳入年度目标管理考核。",
)
EXTRA_HEADINGS = ("职责分工", "组织领导", "监督考核", "经费保障", "宣传引导", "其他事项")
_TAG_RE = re.compile(r"<[^>]+>")


class _Draw:
    """Weighted draws by bisection of cumulative weights (faster than ``random.choices``)."""

    def __init__(self, rng: random.Random, values: list[Any], weights: list[float]) -> None:
        self.rng = rng
        self.values = values
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self) -> Any:
        position = bisect.bisect_right(self.cumulative, self.rng.random() * self.total)
        return self.values[min(position, len(self.values) - 1)]


def _insert(model: type[Model], rows: list[dict[str, Any]], *, now: datetime.datetime) -> None:
    """INSERT ``rows`` (``{attname: value}``, defaults for what is missing) into ``model``.

    ``insert_many`` (``executemany``) on SQLite; ``COPY`` on PostgreSQL, where executemany
    makes a round trip per row and takes two to three times as long.
    """
    if connection.vendor == "sqlite":
        _sqlite_insert(model, rows, now=now)
        return
    if connection.vendor != "postgresql":
        insert_many(model, rows, now=now)
        return
    from psycopg.types.json import Jsonb

    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    specs = [  # (attname, default, is JSON)
        (
            field.attname,
            now
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            else field.get_default(),
            isinstance(field, JSONField),
        )
        for field in fields
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = []
            for attname, default, is_json in specs:
                value = row.get(attname, default)
                values.append(Jsonb(value) if is_json and value is not None else value)
            copy.write_row(values)


@functools.cache
def _sqlite_statement(model: type[Model], now: datetime.datetime) -> tuple[str, list[Any]]:
    """The INSERT of ``model`` and, per column, (attname, default, conversion or None)."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["?"] * len(fields))
    specs = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default: Any = now
        else:
            default = field.get_default()
        convert: Any = None
        if isinstance(field, DateTimeField):
            convert = _sqlite_datetime
        elif isinstance(field, DateField):
            convert = str  # SQLite's adapt_datefield_value
        elif isinstance(field, JSONField):
            convert = functools.partial(json.dumps, cls=field.encoder)
        elif not isinstance(
            field, ForeignKey | CharField | TextField | IntegerField | BooleanField
        ):
            convert = functools.partial(field.get_db_prep_save, connection=connection)
        specs.append((field.attname, default, convert))
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", specs  # noqa: S608


def _sqlite_datetime(value: datetime.datetime) -> str:
    """What Django's SQLite backend stores for a datetime: naive UTC, ``str()``."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return str(value)


def _sqlite_insert(
    model: type[Model], rows: list[dict[str, Any]], *, now: datetime.datetime
) -> None:
    """``insert_many`` for the generator on SQLite: the same values as the ORM would store, with
    the statement and each column's conversion made once and the dates, datetimes and JSON
    converted directly — the field's ``get_db_prep_save`` through the backend took two thirds
    of the SQLite writes' time (most datetimes are distinct, so memoising them did not help).
    """
    sql, specs = _sqlite_statement(model, now)
    pairs = [(attname, default) for attname, default, _convert in specs]
    conversions = [(n, convert) for n, (_a, _d, convert) in enumerate(specs) if convert]
    values = []
    for row in rows:
        get = row.get
        line = [get(attname, default) for attname, default in pairs]
        for n, convert in conversions:
            if line[n] is not None:
                line[n] = convert(line[n])
        values.append(line)
    with connection.cursor() as cursor:
        cursor.cursor.executemany(sql, values)


@contextlib.contextmanager
def bulk_sqlite(*models: type[Model], stdout: TextIO | None = None) -> Iterator[None]:
    """On SQLite, load ``models``' tables as a throwaway database can: their secondary indexes
    dropped and made again at the end (one sorted build each instead of an update per row), the
    rollback journal in memory instead of the WAL (every page written once, not twice), no
    waiting for the disk and a large page cache, for this connection only; the journal mode is
    put back at the end. Nothing changes in the rows: it is the same inserts. ``stdout`` is told
    how long the indexes took."""
    if connection.vendor != "sqlite":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        pragmas = (
            "synchronous=OFF",  # the settings ask for FULL; nothing is lost a rerun cannot make
            "journal_mode=MEMORY",
            "cache_size=-1048576",  # 1 GiB (the default is 2 MiB)
            "temp_store=MEMORY",
        )
        for pragma in pragmas if not connection.in_atomic_block else ():  # (not in a test's)
            cursor.execute(f"PRAGMA {pragma}")
        marks = ", ".join(["%s"] * len(tables)) or "NULL"
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}) "  # noqa: S608
            "AND sql IS NOT NULL ORDER BY name",
            tables,
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)
            cursor.execute(f"PRAGMA journal_mode={journal}")
        if stdout is not None and indexes:
            seconds = time.perf_counter() - started
            stdout.write(f"  {len(indexes)} indexes made again in {seconds:.1f} s\n")


class _Writer:
    """Buffers rows and writes a batch of documents with their versions in one transaction."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now
        self.documents: list[dict[str, Any]] = []
        self.versions: list[dict[str, Any]] = []
        self.last_pk = 0

    def add(self, document: dict[str, Any], version: dict[str, Any]) -> None:
        self.documents.append(document)
        self.versions.append(version)

    def flush(self) -> None:
        if not self.documents:
            return
        with transaction.atomic():
            _insert(Document, self.documents, now=self.now)
            pks = dict(
                Document.objects.filter(pk__gt=self.last_pk).values_list("index_number", "pk")
            )
            if len(pks) != len(self.documents):
                raise RuntimeError("the benchmark database held documents before generation")
            for document, version in zip(self.documents, self.versions, strict=True):
                version["document_id"] = pks[document["index_number"]]
            _insert(DocumentVersion, self.versions, now=self.now)
        self.last_pk = max(pks.values())
        self.documents, self.versions = [], []


@functools.cache
def _runs(sentences: tuple[str, ...]) -> list[tuple[list[tuple[str, ...]], list[str]]]:
    """Every run of two, and of three, different ``sentences`` in a fixed order, also joined."""
    runs = []
    for size in (2, 3):
        tuples = list(itertools.permutations(sentences, size))
        runs.append((tuples, ["".join(run) for run in tuples]))
    return runs


def _working_days() -> list[datetime.date]:
    days = (FIRST_DAY + datetime.timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1))
    return [day for day in days if is_working_day(day)]


def _area(agency: Agency) -> tuple[str, str, str, str]:
    """The demo's (vocabulary area, topic, statutory item, key-area column) of an agency."""
    if agency.slug in demo.AREAS:
        return demo.AREAS[agency.slug]
    if agency.kind in (Agency.Kind.TOWN, Agency.Kind.SUBDISTRICT):
        return demo.TOWN_AREA
    return demo.DEFAULT_AREA


class _Generator:
    """One document after the other, in publication order, from ``seed``."""

    def __init__(self, seed: int, agencies: list[Agency]) -> None:
        self.rng = random.Random(seed)
        self.text = TextGenerator(seed + 1)
        self.numbers = demo.NumberBook([])
        ordered = sorted(agencies, key=lambda agency: (agency.sort_order, agency.pk))
        self.agency = _Draw(self.rng, ordered, [AGENCY_WEIGHTS[a.kind] for a in ordered])
        self.kind = _Draw(self.rng, list(KINDS), list(KIND_WEIGHTS))
        self.validity = _Draw(self.rng, list(VALIDITIES), list(VALIDITY_WEIGHTS))
        ranks = range(1, len(LONG_TAIL) + 1)
        self.term = _Draw(self.rng, list(LONG_TAIL), [r**-ZIPF_EXPONENT for r in ranks])
        towns = (Agency.Kind.TOWN, Agency.Kind.SUBDISTRICT)
        self.places = [
            "张店区",
            *sorted(a.short_name or a.name for a in agencies if a.kind in towns),
        ]
        self.items = dict(StatutoryItem.objects.values_list("code", "pk"))
        self.topics = dict(Topic.objects.values_list("code", "pk"))
        self.genres = dict(Genre.objects.values_list("code", "pk"))
        self.item_pks = sorted(self.items.values())
        self.topic_pks = sorted(self.topics.values())
        self.index_patterns = {a.pk: catalogue_settings_for(a).index_pattern for a in agencies}
        self.serials: dict[tuple[Agency, int], int] = defaultdict(int)

    def area(self, agency: Agency) -> tuple[str, str, str, str]:
        """The demo's (vocabulary area, topic, statutory item, column) of ``agency``; the
        province generator (``bench/province``) reads it from its own agencies' slugs."""
        return _area(agency)

    # --- pieces

    def _title(self, make: Any, *, wrapper: int = 0) -> GeneratedText:
        """A generated title of 10–40 characters (``wrapper`` more will be put around it)."""
        text = make()
        for _attempt in range(20):
            if TITLE_LENGTH[0] <= len(text.title) + wrapper <= TITLE_LENGTH[1]:
                break
            text = make()
        return text

    def _target_length(self, kind: str) -> int:
        if kind == Document.Kind.DOCUMENT and self.rng.random() < LONG_SHARE:
            return self.rng.randint(*LONG_LENGTH)
        return int(MEDIAN_LENGTH[kind] * math.exp(self.rng.gauss(0.0, LENGTH_SIGMA)))

    def _detail(self, agency: Agency) -> str:
        template = DETAIL_SENTENCES[self.rng.randrange(len(DETAIL_SENTENCES))]
        return template.format(
            term=self.term(),
            place=self.places[self.rng.randrange(len(self.places))],
            agency=agency.short_name or agency.name,
        )

    def _paragraphs(self, sentences: tuple[str, ...], agency: Agency, length: int) -> list[str]:
        """Paragraphs of ``sentences`` totalling about ``length`` characters, one of them at
        least naming a long-tail term (one more every 600 characters or so)."""
        paragraphs: list[str] = []
        written = 0
        details = max(1, round(length / 600))
        runs = _runs(sentences)
        while written < length or details > 0:
            # Two or three different sentences: one draw from the prepared runs is much faster
            # than ``random.sample`` and joining, and this is the generator's inner loop.
            tuples, joined = runs[self.rng.random() < 0.5]
            position = self.rng.randrange(len(tuples))
            if details > 0:
                chosen = list(tuples[position])
                chosen.insert(self.rng.randrange(len(chosen) + 1), self._detail(agency))
                details -= 1
                paragraph = "".join(chosen)
            else:
                paragraph = joined[position]
            written += len(paragraph)
            paragraphs.append(paragraph)
        return paragraphs

    def _lengthen(self, body: str, kind: str, agency: Agency, *, before: str | None) -> str:
        """``body`` with paragraphs added (ahead of ``before`` when it is in it) up to a length
        drawn for ``kind``."""
        missing = self._target_length(kind) - len(_TAG_RE.sub("", body))
        pool = demo_text.NEWS_SENTENCES if kind == Document.Kind.NEWS else demo_text.SENTENCES
        paragraphs = self._paragraphs(pool, agency, max(missing, 0))
        if kind == Document.Kind.DOCUMENT:
            sections = body.count("<h3>")
            headings = [*demo_text.SECTION_HEADINGS, *EXTRA_HEADINGS]
            parts = []
            for number, paragraph in enumerate(paragraphs, sections + 1):
                heading = headings[(number - 1) % len(headings)]
                label = demo_text.chinese_numeral(number) if number <= 20 else str(number)
                parts.append(f"<h3>{label}、{heading}</h3><p>{escape(paragraph)}</p>")
            extra = "".join(parts)
        else:
            extra = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
        at = body.rfind(before) if before else -1
        return body[:at] + extra + body[at:] if at >= 0 else body + extra

    def _index_number(self, agency: Agency, year: int) -> str:
        self.serials[(agency, year)] += 1
        serial = self.serials[(agency, year)]
        pattern = self.index_patterns[agency.pk]
        if serial == 1:  # checks the pattern once; later numbers are formatted directly
            return format_number(pattern, org_code=agency.org_code, year=year, serial=serial)
        return pattern.format_map({"org_code": agency.org_code, "year": year, "serial": serial})

    def _classification(self, agency: Agency) -> tuple[int | None, int | None]:
        _vocabulary, topic, item, _column = self.area(agency)
        if self.rng.random() < OWN_CLASSIFICATION:
            return self.items.get(item), self.topics.get(topic)
        return (
            self.item_pks[self.rng.randrange(len(self.item_pks))],
            self.topic_pks[self.rng.randrange(len(self.topic_pks))],
        )

    # --- one document

    def document(self, published: datetime.datetime) -> tuple[dict[str, Any], dict[str, Any]]:
        kind = self.kind()
        agency = self.agency()
        day = published.date()
        area = self.area(agency)[0]
        name = agency.short_name or agency.name
        formation: datetime.date | None = day - datetime.timedelta(days=self.rng.randint(1, 12))
        doc_number = ""
        validity = Document.Validity.VALID
        item_pk, topic_pk = self._classification(agency)
        if kind == Document.Kind.NEWS:
            notice = self.rng.random() < 0.2
            if notice:
                text = self._title(lambda: self.text.notice_title(area=area, date=day))
            else:
                text = self._title(lambda: self.text.news_title(body_name=name, area=area))
            body = self.text.news_body(text, body_name=name, date=day)
            body = self._lengthen(body, kind, agency, before=None)
            genre_code = "gonggao" if text.genre == "gonggao" else ""
            formation, item_pk, topic_pk = None, None, None
        elif kind == Document.Kind.INTERPRETATION:
            policy = self._title(
                lambda: self.text.document_title(area=area, date=day), wrapper=len("《》政策解读")
            )
            title = f"《{policy.title}》政策解读"
            text = GeneratedText(
                title, "jiedu", policy.subject, f"对《{policy.title}》的解读。", policy.keywords
            )
            body = self.text.interpretation_body(policy.title, subject=policy.subject)
            body = self._lengthen(body, kind, agency, before="<h3>三、")
            genre_code = "jiedu"
        else:
            if agency.slug == "environment" and self.rng.random() < 0.5:
                text = self._title(lambda: self.text.environment_title(date=day))
            elif self.rng.random() < 0.2:
                text = self._title(lambda: self.text.notice_title(area=area, date=day))
            else:
                text = self._title(lambda: self.text.document_title(area=area, date=day))
            issuer = agency.name
            body = self.text.document_body(text, issuer=issuer, date=formation or day)
            body = self._lengthen(body, kind, agency, before=f"<p>{escape(issuer)}</p>")
            genre_code = text.genre
            if text.genre in demo.POLICY_GENRES and self.rng.random() < NUMBERED_SHARE:
                doc_number = normalize_doc_number(self.numbers.issue(agency, day.year))
            validity = self.validity()
        repeal_date = None
        if validity in (Document.Validity.REPEALED, Document.Validity.EXPIRED):
            repeal_date = min(day + datetime.timedelta(days=self.rng.randint(60, 900)), LAST_DAY)
        index_number = self._index_number(agency, day.year)
        document = {
            "kind": kind.value,
            "state": Document.State.PUBLISHED.value,
            "agency_id": agency.pk,
            "index_number": index_number,
            "title": text.title,
            "summary": text.summary,
            "body": body,
            "formation_date": formation,
            "published_at": published,
            "doc_number": doc_number,
            "doc_number_key": doc_number,
            "statutory_item_id": item_pk,
            "topic_id": topic_pk,
            "genre_id": self.genres.get(genre_code),
            "keywords": text.keywords,
            "validity": validity.value,
            "repeal_date": repeal_date,
            "manner": Document.Manner.PROACTIVE.value,
            "interpretation_format": Document.InterpretationFormat.TEXT.value
            if kind == Document.Kind.INTERPRETATION
            else "",
            "version": 1,
            "created_at": published,
            "updated_at": published,
        }
        metadata = {
            "index_number": index_number,
            "doc_number": doc_number,
            "keywords": text.keywords,
            "validity": validity.value,
            "manner": Document.Manner.PROACTIVE.value,
            "attachments": [],
        }
        if formation is not None:
            metadata["formation_date"] = formation.isoformat()
        version = {
            "number": 1,
            "title": text.title,
            "summary": text.summary,
            "body": body,
            "metadata": metadata,
            "published_at": published,
        }
        return document, version


def _moments(count: int, rng: random.Random) -> Iterator[datetime.datetime]:
    """``count`` publication times spread evenly over the working days, in order."""
    days = _working_days()
    for position, day in enumerate(days):
        on_day = count * (position + 1) // len(days) - count * position // len(days)
        for minute in sorted(rng.randrange(8 * 60, 18 * 60) for _ in range(on_day)):
            at = datetime.time(minute // 60, minute % 60, rng.randrange(60))
            yield datetime.datetime.combine(day, at, tzinfo=SHANGHAI)


def is_complete(count: int) -> bool:
    """Whether this database holds a finished dataset of ``count`` documents."""
    marker = SerialCounter.objects.filter(scope=MARKER_SCOPE).values_list("last_value", flat=True)
    return list(marker) == [count] and Document.objects.count() == count


def generate(
    count: int,
    seed: int,
    stdout: TextIO,
    *,
    agencies: list[Agency] | None = None,
    generator_class: type[_Generator] = _Generator,
    marker: str = MARKER_SCOPE,
) -> dict[str, Any]:
    """Create the agencies and ``count`` public documents from ``seed``; returns figures.

    ``agencies`` (made beforehand) replace the demonstration district's, and
    ``generator_class`` the document generator, for the province dataset (``bench/province``);
    ``marker`` is the scope of the completion marker."""
    if Document.objects.exists():
        raise RuntimeError("generate() needs a database without documents")
    started, cpu = time.perf_counter(), time.process_time()
    with bulk_sqlite(Document, DocumentVersion, stdout=stdout):
        if agencies is None:
            with transaction.atomic():
                agencies = list(load_agencies(stdout).values())
        generator = generator_class(seed, agencies)
        writer = _Writer(
            now=datetime.datetime.combine(LAST_DAY, datetime.time(23), tzinfo=SHANGHAI)
        )
        kinds: Counter[str] = Counter()
        lengths: list[int] = []
        numbered = 0
        report_every = max(BATCH, count // 10)
        for done, published in enumerate(_moments(count, generator.rng), 1):
            document, version = generator.document(published)
            writer.add(document, version)
            kinds[document["kind"]] += 1
            numbered += bool(document["doc_number"])
            if done % 50 == 1:  # a sample: stripping the tags of every body would cost time
                lengths.append(len(_TAG_RE.sub("", document["body"])))
            if len(writer.documents) >= BATCH:
                writer.flush()
                if done % report_every < BATCH:
                    seconds = time.perf_counter() - started
                    stdout.write(
                        f"  {done:,} / {count:,} documents, {seconds:.0f} s, "
                        f"{done / seconds:,.0f} per second\n"
                    )
        writer.flush()
    with transaction.atomic():
        SerialCounter.objects.bulk_create(
            [
                SerialCounter(scope=f"index:{agency.org_code}:{year}", last_value=last)
                for (agency, year), last in sorted(
                    generator.serials.items(), key=lambda pair: (pair[0][0].pk, pair[0][1])
                )
            ],
            batch_size=500,
        )
        SerialCounter.objects.create(scope=marker, last_value=count)
    # Fresh planner statistics, as autovacuum (or an operator after a bulk import) would
    # gather: without them PostgreSQL estimated one public document of a million.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    figures = {
        "documents": count,
        "seconds": round(seconds, 1),
        "per_second": round(count / seconds) if seconds else None,
        "kinds": dict(sorted(kinds.items())),
        "with_doc_number": numbered,
        "agencies": len(agencies),
        "body_chars_mean": round(statistics.fmean(lengths)) if lengths else 0,
        "body_chars_median": round(statistics.median(lengths)) if lengths else 0,
        "body_chars_max_sampled": max(lengths, default=0),
    }
    stdout.write(
        f"generated {count:,} documents in {seconds:.1f} s ({figures['per_second']:,} per "
        f"second; {time.process_time() - cpu:.1f} s CPU): "
        f"{', '.join(f'{n:,} {k}' for k, n in figures['kinds'].items())}; "
        f"{numbered:,} with a 文号; body text {figures['body_chars_mean']:,} characters on "
        f"average (median {figures['body_chars_median']:,}, sampled)\n"
    )
    return figures
