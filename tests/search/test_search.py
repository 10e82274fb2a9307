"""Search through the engine, the page and the API, on whichever database the suite runs."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from gongkai.catalogue import services
from gongkai.catalogue.models import Document, ScreeningFinding
from gongkai.search import indexing
from gongkai.search.engine import PAGE_SIZE, SearchQuery, search
from gongkai.search.models import SearchEntry
from tests.catalogue.lists_support import SENTINEL_ID, SENTINEL_NAME, housing_values, make_record
from tests.catalogue.lists_support import seed as seed_list_types

pytestmark = pytest.mark.django_db


def titles(q: str, **filters) -> list[str]:
    return [hit.title for hit in search(SearchQuery(q=q, **filters)).hits]


def publish_all(published_document, indexed, *docs: dict) -> list[Document]:
    with indexed():
        return [published_document(**fields) for fields in docs]


def test_chinese_words_mixed_tokens_and_width_variants_are_found(published_document, indexed):
    publish_all(
        published_document,
        indexed,
        {"title": "关于提高城乡低保标准的通知", "body": "<p>城乡居民最低生活保障。</p>"},
        {"title": "环保督察整改情况公示", "body": "<p>生态环境保护。</p>"},
        {"title": "2014年普通高中招生工作意见", "body": "<p>招生计划。</p>"},
        {"title": "大气污染防治通告", "body": "<p>ＰＭ２．５平均浓度下降，APEC会议期间。</p>"},
        {"title": "保障性住房分配办法", "body": "<p>住房保障。</p>"},
    )

    assert titles("低保") == ["关于提高城乡低保标准的通知"]
    assert titles("环保") == ["环保督察整改情况公示"]
    assert titles("招生") == ["2014年普通高中招生工作意见"]
    assert titles("2014年") == ["2014年普通高中招生工作意见"]
    assert titles("PM2.5") == ["大气污染防治通告"]
    assert titles("ＰＭ２．５") == ["大气污染防治通告"]
    assert titles("apec") == ["大气污染防治通告"]
    assert titles("住房") == ["保障性住房分配办法"]
    assert titles("保障性住房") == ["保障性住房分配办法"]
    assert titles("不存在的词语组合") == []


def test_title_ranks_above_body_and_recent_above_old(published_document, indexed):
    old = datetime.datetime(2023, 1, 5, tzinfo=datetime.UTC)
    new = datetime.datetime(2024, 1, 5, tzinfo=datetime.UTC)
    with indexed():
        published_document(title="一般工作安排", body="<p>做好安全生产工作。</p>")
        published_document(title="安全生产专项整治方案", body="<p>专项整治。</p>")

    assert titles("安全生产")[0] == "安全生产专项整治方案"
    # Equal relevance: the more recent first, and date sort puts the newest first too.
    with indexed():
        a = published_document(title="防汛工作通知", body="<p>正文。</p>")
        b = published_document(title="防汛工作通知", body="<p>正文。</p>")
        Document.objects.filter(pk=a.pk).update(published_at=old)
        Document.objects.filter(pk=b.pk).update(published_at=new)
    call_command("rebuild_index", stderr=io.StringIO(), stdout=io.StringIO())
    hits = search(SearchQuery(q="防汛")).hits
    assert [h.url for h in hits] == [
        reverse("catalogue:document", args=[b.pk]),
        reverse("catalogue:document", args=[a.pk]),
    ]
    dated = search(SearchQuery(q="防汛", sort="date")).hits
    assert dated[0].url == reverse("catalogue:document", args=[b.pk])


@pytest.mark.parametrize(
    "typed",
    ["张政办发〔2014〕50号", "张政办发[2014]50号", "张政办发(2014)50号", "张政办发（2014）50号"],
)
def test_a_document_number_in_any_bracket_form_returns_that_document_first(
    published_document, indexed, typed
):
    with indexed():
        for n in range(3):
            published_document(
                title=f"张政办发文件第{n}号通知", body="<p>张政办发 2014 50 号。</p>"
            )
        wanted = published_document(
            title="关于印发实施办法的通知", doc_number="张政办发〔2014〕50号"
        )

    hits = search(SearchQuery(q=typed)).hits
    assert hits[0].title == "关于印发实施办法的通知"
    assert hits[0].exact
    by_index = search(SearchQuery(q=wanted.index_number)).hits
    assert by_index[0].title == "关于印发实施办法的通知"


def _accept_all(document: Document) -> dict[int, str]:
    return {f.pk: "test" for f in ScreeningFinding.objects.filter(document=document)}


def test_personal_data_in_drafts_withdrawn_documents_and_personal_fields_is_never_found(
    document_factory, published_document, indexed, agency, editor, reviewer, client,
    staff_role_factory, agency_factory,
):  # fmt: skip
    sentinel = f"<p>申请人{SENTINEL_NAME}，身份证号{SENTINEL_ID}。</p>"
    # An application (依申请公开) by the same person: never indexed, whatever happens to it.
    from gongkai.info_requests import services as request_services
    from tests.info_requests.conftest import application_data

    with indexed():
        request_services.submit_request(
            application_data(
                name=SENTINEL_NAME,
                id_number=SENTINEL_ID,
                description=f"申请公开草稿 待撤回 {SENTINEL_NAME} 的低保材料",
            ),
            agency=agency,
            submission_key="search-sentinel",
        )
    with indexed():
        document_factory(title=f"草稿 {SENTINEL_NAME}", body=sentinel)
        draft = document_factory(title=f"待撤回 {SENTINEL_NAME}", body=sentinel)
        draft = services.submit_document(draft, actor=editor)
        withdrawn = services.approve_document(
            draft, actor=reviewer, accept_reasons=_accept_all(draft)
        )
        types = seed_list_types()
        make_record(
            types["housing-allocation"],
            agency=agency,
            actor=editor,
            values=housing_values(),
            publish=True,
        )
    # Letters (来信) by the same person, who gave a phone and an e-mail and typed them into
    # the letter too: one without consent, one only proposed for publication, and one
    # published as public Q&A — whose public text is masked.
    from gongkai.interaction.letters import services as letter_services
    from tests.search.interaction_support import SENTINEL_EMAIL, SENTINEL_PHONE, LetterDesk

    desk = LetterDesk(agency, reviewer, staff_role_factory, agency_factory)
    typed = (
        f"我是{SENTINEL_NAME}，身份证号{SENTINEL_ID}，电话{SENTINEL_PHONE}，"
        f"邮箱{SENTINEL_EMAIL}。华光路的路灯坏了，请尽快维修。"
    )
    with indexed():
        desk.replied(subject=f"{SENTINEL_NAME}的来信", content=typed,
                     reply=f"{SENTINEL_NAME}您好，路灯已修复。", consent=False)  # fmt: skip
        proposed = desk.replied(subject="路灯不亮", content=typed, reply="路灯已经修复。")
        letter_services.propose_publication(proposed, actor=reviewer)
        published_qa = desk.publish(
            desk.replied(
                subject="华光路路灯",
                content=typed,
                reply=f"{SENTINEL_NAME}您好，华光路路灯已修复。",
            )
        )
    qa_url = reverse("letters:qa_detail", args=[published_qa.pk])
    assert [hit.url for hit in search(SearchQuery(q="华光路")).hits] == [qa_url]

    assert search(SearchQuery(q=SENTINEL_NAME)).total == 1  # published: found, for now
    # Withdrawn without the commit's index update: the index lags and still holds it.
    services.withdraw_document(withdrawn, actor=reviewer, reason="含个人信息")
    assert SearchEntry.objects.filter(object_id=withdrawn.pk, source="document").exists()

    assert search(SearchQuery(q="公共租赁住房")).total == 1  # the record itself is found
    for q in (
        SENTINEL_NAME, SENTINEL_ID, f"{SENTINEL_NAME} {SENTINEL_ID}", "待撤回", "草稿",
        SENTINEL_PHONE, SENTINEL_EMAIL, "shen.yanqiu", "example.cn",
        f"{SENTINEL_NAME} {SENTINEL_PHONE}", f"{SENTINEL_PHONE} {SENTINEL_EMAIL}",
    ):  # fmt: skip
        result = search(SearchQuery(q=q))
        assert result.total == 0, q
        assert result.hits == []
        assert sum(v.count for f in result.facets for v in f.values) == 0
        page = client.get(reverse("search:results"), {"q": q}).content.decode()
        assert 'class="search-hit"' not in page  # the query is echoed, nothing else
        answer = client.get("/api/v1/search", {"q": q}).json()
        assert answer["total"] == 0 and answer["hits"] == []


HOSTILE = [
    '"',
    '"低保',
    "低保 AND 环保",
    "OR",
    "NOT 低保",
    "低保 NEAR 环保",
    "NEAR(低保 环保)",
    "*",
    "低*",
    "^低保",
    "title:低保",
    "-低保",
    "((低保",
    "低保))",
    "[张政办发",
    "'; DROP TABLE search_searchentry; --",
    "%_\\",
    "低保" * 1000,
    "\x00\x01低保\x1f\x7f",
    "😀🏠低保",
    "，。！？【】（）《》：；“”",
    "&& || ! <-> :*",
    "<script>alert(1)</script>",
    "",
    "   ",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_any_input_gives_a_page_and_an_answer(published_document, indexed, client, q):
    with indexed():
        published_document(title="关于提高城乡低保标准的通知", body="<p>低保 环保。</p>")

    page = client.get(reverse("search:results"), {"q": q, "page": "x", "year": "abc"})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.content.decode()
    answer = client.get("/api/v1/search", {"q": q, "page": "-3", "sort": "?"})
    assert answer.status_code == 200
    assert isinstance(answer.json()["hits"], list)


def test_facets_filters_and_pagination(
    published_document, indexed, agency, other_agency, staff_role_factory
):
    from gongkai.agencies.models import StaffRole

    other_editor = staff_role_factory(agency=other_agency, role=StaffRole.Role.EDITOR).user
    other_reviewer = staff_role_factory(agency=other_agency, role=StaffRole.Role.REVIEWER).user
    with indexed():
        for n in range(PAGE_SIZE + 3):
            published_document(title=f"城乡低保工作第{n}期", body="<p>低保。</p>")
        from gongkai.catalogue import services as s

        doc = s.create_document(
            agency=other_agency, actor=other_editor, kind=Document.Kind.INTERPRETATION,
            title="低保政策解读", body="<p>低保解读。</p>",
            formation_date=datetime.date(2024, 3, 1),
        )  # fmt: skip
        doc = s.submit_document(doc, actor=other_editor)
        s.approve_document(doc, actor=other_reviewer)

    result = search(SearchQuery(q="低保"))
    assert result.total == PAGE_SIZE + 4
    assert len(result.hits) == PAGE_SIZE and result.num_pages == 2
    assert len(search(SearchQuery(q="低保", page=2)).hits) == 4
    facets = {f.name: {v.value: v.count for v in f.values} for f in result.facets}
    assert facets["agency"] == {
        other_agency.slug: 1,
        agency.slug: PAGE_SIZE + 3,
    }
    assert facets["type"] == {"document": PAGE_SIZE + 3, "interpretation": 1}
    assert sum(facets["year"].values()) == PAGE_SIZE + 4

    narrowed = search(SearchQuery(q="低保", agency=other_agency.slug))
    assert [h.title for h in narrowed.hits] == ["低保政策解读"]
    # Drill sideways: the agency facet still counts the other agency.
    assert len(next(f for f in narrowed.facets if f.name == "agency").values) == 2
    assert titles("低保", type="interpretation") == ["低保政策解读"]


def test_no_result_suggests_fewer_filters_and_single_words(published_document, indexed, client):
    with indexed():
        published_document(title="安全生产工作通知", body="<p>安全生产。</p>")

    result = search(SearchQuery(q="安全生产 短信平台", year=2001))
    assert result.total == 0
    labels = [str(s.label) for s in result.suggestions]
    assert any("Year" in label for label in labels)
    assert "安全生产" in labels and "短信" in labels
    page = client.get(reverse("search:results"), {"q": "安全生产 短信平台"}).content.decode()
    assert "?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7" in page  # a link to 安全生产 alone


def test_snippets_escape_everything_and_mark_the_matched_words(published_document, indexed):
    with indexed():
        published_document(
            title="低保<b>标准</b>", body="<p>关于 &lt;script&gt;x&lt;/script&gt; 低保 标准。</p>"
        )

    (hit,) = search(SearchQuery(q="低保")).hits
    assert "<mark>低保</mark>" in hit.title_html
    assert "&lt;b&gt;" in hit.title_html
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "<mark>低保</mark>" in hit.snippet_html


def test_index_follows_publishing_amendment_and_withdrawal(
    published_document, indexed, editor, reviewer
):
    with indexed():
        document = published_document(title="春季造林绿化通知", body="<p>植树。</p>")
    assert titles("造林") == ["春季造林绿化通知"]

    with indexed():
        services.start_amendment(document, actor=editor)
        services.update_document(document, actor=editor, title="秋季森林防火通知")
    assert titles("造林") == ["春季造林绿化通知"]  # the amendment is not public yet
    assert titles("防火") == []
    with indexed():
        document = services.submit_document(document, actor=editor)
        services.approve_document(document, actor=reviewer)
    assert titles("防火") == ["秋季森林防火通知"]
    assert titles("造林") == []

    with indexed():
        services.withdraw_document(document, actor=reviewer, reason="错误")
    assert not SearchEntry.objects.exists()


def _index_rows() -> list[str]:
    """Every index entry's indexed fields, comparable across builds (ids left out)."""
    return sorted(
        json.dumps(row, sort_keys=True, default=str)
        for row in SearchEntry.objects.values("source", "object_id", *SearchEntry.INDEXED_FIELDS)
    )


def test_incremental_updates_and_a_full_rebuild_give_identical_rows(
    published_document, document_factory, indexed, agency, editor, reviewer, capsys, monkeypatch
):
    with indexed():
        published_document(title="低保标准通知", doc_number="张政办发〔2014〕50号")
        published_document(title="环保督察", body="<p>PM2.5</p>")
        document_factory(title="草稿不入索引")
        types = seed_list_types()
        make_record(
            types["housing-allocation"], agency=agency, actor=editor,
            values=housing_values(), publish=True,
        )  # fmt: skip
        gone = published_document(title="将被撤回")
        services.withdraw_document(gone, actor=reviewer, reason="撤回")

    def answers():
        return [
            [(h.url, h.title) for h in search(SearchQuery(q=q)).hits]
            for q in ("低保", "pm2.5", "公共租赁住房", "张政办发[2014]50号", "撤回")
        ]

    incremental, incremental_answers = _index_rows(), answers()
    assert len(incremental) == 3
    call_command("rebuild_index")
    err = capsys.readouterr().err
    assert "[" in err and "3/3" in err
    assert _index_rows() == incremental
    assert answers() == incremental_answers

    call_command("rebuild_index", agency=agency.slug)
    assert _index_rows() == incremental

    # The large-rebuild path: text cut in two spawned worker processes.
    monkeypatch.setattr(indexing, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(indexing, "REBUILD_BATCH", 1)
    call_command("rebuild_index", workers=2)
    assert _index_rows() == incremental
    assert answers() == incremental_answers


def test_bulk_indexing_in_worker_processes_gives_the_rows_of_one_by_one_indexing(
    published_document, indexed, monkeypatch
):
    """A bulk import's indexing (issue 10: a transaction a chunk, text cut in spawned workers,
    related objects read once, entries inserted without the ORM, few engine commits) writes
    the same rows, and the engine answers the same, as indexing each document on its own."""
    from gongkai.search.models import SearchPending

    with indexed():
        documents = [
            published_document(title="低保标准通知", doc_number="张政办发〔2014〕50号"),
            published_document(title="环保督察", body="<p>PM2.5</p>"),
            published_document(title="公共租赁住房分配", keywords="住房"),
        ]

    def answers():
        return [
            sorted((h.url, h.title) for h in search(SearchQuery(q=q)).hits)
            for q in ("低保", "pm2.5", "住房", "张政办发[2014]50号")
        ]

    one_by_one, one_by_one_answers = _index_rows(), answers()
    assert len(one_by_one) == 3 and all(one_by_one_answers)
    monkeypatch.setattr(indexing, "BULK_POOL_THRESHOLD", 1)
    monkeypatch.setattr(indexing, "REBUILD_BATCH", 1)
    monkeypatch.setattr(indexing, "BULK_TRANSACTION", 2)  # two transactions: 2 documents, 1
    with indexed():
        written = indexing.index_documents([d.pk for d in documents], workers=2)
    assert written == 3
    assert _index_rows() == one_by_one
    assert answers() == one_by_one_answers
    assert not SearchPending.objects.exists()  # the engine took every queued entry


def test_page_and_api_show_the_same_hits_and_the_api_is_in_the_schema(
    published_document, indexed, client
):
    with indexed():
        published_document(title="关于提高城乡低保标准的通知")

    page = client.get(reverse("search:results"), {"q": "低保"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<mark>低保</mark>" in html
    assert 'role="search"' in html
    assert "<script>" not in html.split("</head>")[1]  # no inline script in the body
    answer = client.get("/api/v1/search", {"q": "低保"}).json()
    assert [h["title"] for h in answer["hits"]] == ["关于提高城乡低保标准的通知"]
    assert answer["facets"]
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/search" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert parameters >= {"q", "agency", "statutory_item", "topic", "genre", "year"}
    assert parameters >= {"validity", "type", "sort", "page"}


def test_empty_search_page_shows_the_form(client):
    page = client.get(reverse("search:results"))
    assert page.status_code == 200
    assert 'id="search-q"' in page.content.decode()


def test_the_backend_is_chosen_by_configuration(search_backend):
    from django.db import connection

    from gongkai.search.backends import get_backend

    expected = {"sqlite": "sqlite", "postgresql": "postgres"}[connection.vendor]
    assert get_backend().name == ("tantivy" if "tantivy" in search_backend else expected)
