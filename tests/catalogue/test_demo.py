"""The catalogue's demonstration data: the seed's figures, produced from records."""

from __future__ import annotations

import datetime
import io
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Q, Sum

from gongkai.agencies import demo as agencies_demo
from gongkai.agencies.selectors import members_on
from gongkai.catalogue import demo
from gongkai.catalogue.demo_text import TextGenerator
from gongkai.catalogue.models import (
    Document,
    DocumentEvent,
    DocumentRelation,
    DocumentVersion,
    ListRecord,
    NormativeRegistration,
    PageVisit,
)
from gongkai.core.models import SerialCounter
from gongkai.core.numbering import allocate_number

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2014, 1, 1, tzinfo=SHANGHAI)
END = datetime.datetime(2015, 1, 1, tzinfo=SHANGHAI)


def load() -> None:
    with transaction.atomic():
        agencies_demo.load(io.StringIO())
        demo.load(io.StringIO())


def published_2014():
    return Document.objects.filter(
        state=Document.State.PUBLISHED, published_at__gte=START, published_at__lt=END
    )


def snapshot() -> dict[str, object]:
    return {
        "documents": Document.objects.count(),
        "versions": DocumentVersion.objects.count(),
        "events": DocumentEvent.objects.count(),
        "relations": DocumentRelation.objects.count(),
        "registrations": NormativeRegistration.objects.count(),
        "visits": PageVisit.objects.aggregate(total=Sum("count"))["total"],
        "records": ListRecord.objects.count(),
        "counters": sorted(SerialCounter.objects.values_list("scope", "last_value")),
        "validity": sorted(Document.objects.values_list("pk", "validity")),
        "interprets": Document.interprets.through.objects.count(),
    }


def test_demo_figures_come_from_records_and_a_second_load_changes_nothing():
    load()
    posts = published_2014()
    disclosure = posts.exclude(kind=Document.Kind.NEWS)
    assert posts.count() >= 9800
    assert 1500 <= disclosure.count() < 1600
    assert posts.filter(kind=Document.Kind.NEWS, columns__slug__in=["gzdt", "zwdt"]).exists()

    # Every 2014 item is by a member of the disclosure system on its publication day (the
    # membership changes in 2014 on these dates only).
    changes = ["2014-01-01", "2014-03-10", "2014-07-01", "2014-09-01", "2015-01-01"]
    for start, end in itertools.pairwise(changes):
        window = posts.filter(published_at__date__gte=start, published_at__date__lt=end)
        members = set(members_on(datetime.date.fromisoformat(start)).values_list("pk", flat=True))
        assert set(window.values_list("agency_id", flat=True)) <= members
    assert posts.filter(agency__slug="project-agent").exists()  # joined in September

    # 18 normative documents of 2014, registered and valid.
    normative = disclosure.filter(is_normative=True)
    assert normative.count() == 18
    assert normative.filter(validity=Document.Validity.VALID).count() == 18
    registrations = NormativeRegistration.objects.filter(year=2014, document__in=normative)
    assert registrations.count() == 18
    assert registrations.values("number").distinct().count() == 18

    # The health bureau's 77 items by category, filed under statutory items.
    health = disclosure.filter(agency__slug="health")
    assert health.count() == 77
    for _category, count, items in demo.HEALTH_CATEGORIES:
        assert health.filter(statutory_item__code__in=items).count() == count

    assert posts.filter(agency__slug="environment").count() == 360
    housing = posts.filter(agency__slug="housing", columns__slug="zdly-bzxzf")
    assert housing.count() == 3
    for notice in housing:
        assert {column.slug for column in notice.columns.all()} == {"zwgg", "zdly-bzxzf"}

    # The documents the seed names, with their 文号 normalised.
    named = {
        "张政办发〔2014〕50号": "关于进一步加强政府信息公开工作的通知",
        "张政办发〔2014〕43号": "关于印发张店区深入推进行政审批制度改革实施方案的通知",
        "张政发〔2014〕128号": "关于公布保留和调整区级行政审批事项的通知",
        "张政字〔2014〕59号": "关于在全区推行行政权力清单制度的实施意见",
    }
    for number, title in named.items():
        document = Document.objects.get(doc_number_key=number)
        assert (document.title, document.doc_number) == (title, number)
        assert document.interpretations.filter(kind=Document.Kind.INTERPRETATION).exists()
    for title in (
        "关于规范政府信息公开情况统计报送工作的通知",
        "2014年义务教育段学校招生工作实施意见",
        "张店地区2014年高中段学校招生工作实施意见",
        "创业者一次性创业补贴的申领须知",
        "关于张店区城乡居民临时困难救助办法",
    ):
        assert posts.filter(title=title).count() == 1

    # Every published document has its index number, version 1 and publication event.
    assert not Document.objects.filter(state="published", index_number__isnull=True).exists()
    assert DocumentVersion.objects.filter(number=1).count() == Document.objects.count()
    assert DocumentEvent.objects.filter(code="published").count() == Document.objects.count()

    # 2024–2026: interpretations, amendments and repeals, so that validity shows.
    recent = Document.objects.filter(published_at__year__gte=2024)
    assert recent.filter(kind=Document.Kind.INTERPRETATION, interprets__isnull=False).count() >= 5
    amended = Document.objects.filter(validity=Document.Validity.AMENDED)
    assert amended.count() == 2
    assert all(d.relations_in.filter(kind=DocumentRelation.Kind.AMENDS).exists() for d in amended)
    repealed = Document.objects.filter(validity=Document.Validity.REPEALED)
    assert repealed.count() == 2 and not repealed.filter(repeal_date__isnull=True).exists()
    parking = Document.objects.get(title="张店区城区机动车停车管理办法")
    assert parking.relations_in.get().source.doc_number == "张政发〔2026〕3号"
    assert parking.repeal_date == datetime.date(2026, 2, 10)

    # Visits of 2014 and the structured lists.
    visits = PageVisit.objects.filter(day__year=2014)
    assert visits.aggregate(total=Sum("count"))["total"] >= 150_000
    assert visits.values("day").distinct().count() == 365
    assert visits.values("path").distinct().count() > 10
    power = ListRecord.objects.filter(record_type__code="power-list", state="published")
    assert power.filter(data__power_type="行政许可").count() == 151
    assert power.exclude(data__power_type="行政许可").count() == 24
    assert power.values("agency").distinct().count() == 38
    assert not power.exclude(Q(agency__kind="department")).exists()
    for code in ("procurement-notice", "procurement-result"):
        assert ListRecord.objects.filter(record_type__code=code, state="published").count() == 144

    # A second load changes nothing.
    before = snapshot()
    load()
    assert snapshot() == before

    # The counters were left where the numbers end: the next publication continues.
    health_agency = health.first().agency
    scope = f"index:{health_agency.org_code}:2014"
    last = SerialCounter.objects.get(scope=scope).last_value
    assert Document.objects.filter(agency=health_agency, published_at__gte=START,
                                   published_at__lt=END).count() == last  # fmt: skip
    with transaction.atomic():
        serial, number = allocate_number(
            scope=scope, pattern="{org_code}/{year}-{serial:05d}",
            org_code=health_agency.org_code, year=2014,
        )  # fmt: skip
    assert serial == last + 1
    assert not Document.objects.filter(index_number=number).exists()


def test_generated_text_is_reproducible():
    day = datetime.date(2014, 5, 6)
    first, second = TextGenerator(7), TextGenerator(7)
    made = [first.document_title(area="health", date=day) for _ in range(20)]
    assert made == [second.document_title(area="health", date=day) for _ in range(20)]
    assert len({text.title for text in made}) > 5
    body = first.document_body(made[0], issuer="张店区卫生局", date=day)
    assert body.startswith("<p>") and "张店区卫生局" in body and "2014年5月6日" in body
