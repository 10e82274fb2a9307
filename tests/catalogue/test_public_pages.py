"""The catalogue's public pages: what the public sees, and never what it must not."""

from __future__ import annotations

import datetime
import itertools
import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Attachment, Column, Document, DocumentRelation
from gongkai.catalogue.selectors import public as selectors
from tests.catalogue.public_helpers import (
    SECRET_TITLES,
    add_version,
    join,
    make_attachment,
    make_document,
    non_public_documents,
    register,
    relate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member(agency):
    agency.name = "测试区财政局"
    agency.slug = "finance"
    agency.address = "测试区政府路8号"
    agency.phone = "025-87654321"
    agency.office_hours = "工作日 9:00-17:00"
    agency.save()
    return join(agency)


@pytest.fixture
def other_member(other_agency):
    other_agency.name = "测试区教育局"
    other_agency.slug = "education"
    other_agency.save()
    return join(other_agency)


def at(year: int, month: int = 5, day: int = 6) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def html_of(response) -> str:
    return response.content.decode()


def public_pages(agency: Agency) -> list[str]:
    return [
        reverse("portal:home"),
        reverse("catalogue:index"),
        reverse("catalogue:column", args=["tzgg"]),
        reverse("catalogue:column", args=["zdly"]),
        reverse("catalogue:interpretations"),
        reverse("catalogue:key_areas"),
        reverse("catalogue:agency_disclosure", args=[agency.slug]),
        reverse("catalogue:agency_guide", args=[agency.slug]),
        reverse("catalogue:agency_rules", args=[agency.slug]),
        reverse("catalogue:agency_statutory_items", args=[agency.slug]),
        reverse("catalogue:agency_annual_reports", args=[agency.slug]),
        reverse("catalogue:normative"),
        reverse("catalogue:kiosk"),
    ]


# --------------------------------------------------------------------------- never public


def test_nothing_unpublished_withdrawn_or_not_proactive_appears_on_any_page(client, member):
    public = make_document(
        member,
        title="已公开的财政文件",
        genre="banfa",
        statutory_item="reg20-07",
        columns=("tzgg", "zdly-czzj"),
        is_normative=True,
    )
    register(public, year=2024, serial=1)
    hidden = non_public_documents(member)
    for n, document in enumerate(hidden.values(), start=2):
        document.genre_id = public.genre_id
        document.statutory_item_id = public.statutory_item_id
        document.is_normative = True
        document.save()
        document.columns.set(public.columns.all())
        register(document, year=2024, serial=n)
    # Titles that would also match the rules and annual-report sub-columns.
    make_document(
        member,
        title="测试区财政局政府信息公开工作年度报告（草稿）",
        genre="baogao",
        state=Document.State.DRAFT,
    )

    for url in public_pages(member):
        response = client.get(url)
        assert response.status_code == 200, url
        html = html_of(response)
        for title in (*SECRET_TITLES, "年度报告（草稿）"):
            assert title not in html, (url, title)
    catalogue = html_of(client.get(reverse("catalogue:index")))
    assert "已公开的财政文件" in catalogue
    assert "（工作稿）" not in catalogue  # the public content is the published version


def test_non_public_documents_and_their_attachments_answer_404(client, member):
    for name, document in non_public_documents(member).items():
        attachment = make_attachment(document, "附件.pdf", b"%PDF-1.4 secret")
        page = client.get(reverse("catalogue:document", args=[document.pk]))
        download = client.get(reverse("catalogue:attachment", args=[document.pk, attachment.pk]))
        assert page.status_code == 404, name
        assert download.status_code == 404, name
        assert b"secret" not in download.content


def test_a_published_document_without_a_version_is_not_public(client, member):
    document = make_document(member, title="没有版本的文件", with_version=False)

    assert client.get(reverse("catalogue:document", args=[document.pk])).status_code == 404
    assert "没有版本的文件" not in html_of(client.get(reverse("catalogue:index")))


def test_unknown_document_agency_and_column_answer_404(client, member):
    assert client.get(reverse("catalogue:document", args=[999999])).status_code == 404
    # More digits than the database's integers hold (SQLite raised OverflowError: a 500).
    assert client.get("/documents/99999999999999999999/").status_code == 404
    assert client.get(reverse("catalogue:column", args=["no-such"])).status_code == 404
    for name in ("agency_disclosure", "agency_guide", "agency_rules"):
        assert client.get(reverse(f"catalogue:{name}", args=["no-such"])).status_code == 404


# --------------------------------------------------------------------------- the document page


def test_document_page_shows_the_metadata_table_of_regulation_section_3(client, member):
    document = make_document(
        member,
        title="关于加强财政资金管理的通知",
        summary="加强财政资金管理",
        topic="czjr-cz",
        genre="tongzhi",
        effective_date=datetime.date(2024, 6, 1),
        keywords="财政 资金",
        source="测试区财政局办公室",
    )

    response = client.get(reverse("catalogue:document", args=[document.pk]))

    assert response.status_code == 200
    html = html_of(response)
    table = re.search(r'<table class="meta-table">(.*?)</table>', html, re.S).group(1)
    headers = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert len(headers) == 15  # 索引号 … 信息来源, exactly REGULATION.md §3's list
    for value in (
        document.index_number,
        "关于加强财政资金管理的通知",
        "测试区财政局",
        "2024-04-01",  # 成文日期
        "2024-05-06",  # 发布日期
        document.doc_number,
        "财政、金融、审计",  # the topic's parent
        "财政",
        "通知",
        "财政 资金",
        "加强财政资金管理",
        "2024-06-01",
        "测试区财政局办公室",
    ):
        assert value in table, value
    assert "（工作稿）" not in html


def test_document_page_shows_the_latest_version_and_only_the_body_as_html(client, member):
    document = make_document(member, title="第一版标题", body="<p>第一版</p>")
    add_version(
        document,
        title="第二版<b>标题</b>",
        summary="第二版概述",
        body='<p><strong>第二版正文</strong></p><script>alert("x")</script>',
    )

    html = html_of(client.get(reverse("catalogue:document", args=[document.pk])))

    assert "<strong>第二版正文</strong>" in html
    assert "第二版&lt;b&gt;标题&lt;/b&gt;" in html  # the title is text, escaped
    assert "alert(" not in html
    assert "第一版" not in html


def test_a_repealed_document_says_so_and_links_its_successor(client, member):
    old = make_document(
        member,
        title="旧办法",
        validity=Document.Validity.REPEALED,
        repeal_date=datetime.date(2025, 1, 1),
    )
    new = make_document(member, title="新办法", published_at=at(2025, 1, 1))
    relate(new, old, DocumentRelation.Kind.REPEALS)
    withdrawn = make_document(member, title="撤回的后续文件", state=Document.State.WITHDRAWN)
    relate(withdrawn, old, DocumentRelation.Kind.AMENDS)

    html = html_of(client.get(reverse("catalogue:document", args=[old.pk])))

    notice = re.search(r'<div class="validity-notice validity-repealed"(.*?)</div>', html, re.S)
    assert notice, "the page shows a repeal notice"
    assert "2025-01-01" in notice.group(1)
    assert f'href="{reverse("catalogue:document", args=[new.pk])}"' in notice.group(1)
    assert "新办法" in notice.group(1)
    assert "撤回的后续文件" not in html
    # The successor's page links back to what it repealed.
    new_html = html_of(client.get(reverse("catalogue:document", args=[new.pk])))
    assert f'href="{reverse("catalogue:document", args=[old.pk])}"' in new_html


@pytest.mark.parametrize(
    "validity", [Document.Validity.AMENDED, Document.Validity.EXPIRED, Document.Validity.VALID]
)
def test_amended_and_expired_documents_carry_a_notice(client, member, validity):
    document = make_document(member, validity=validity)

    html = html_of(client.get(reverse("catalogue:document", args=[document.pk])))

    assert ('class="validity-notice' in html) is (validity != Document.Validity.VALID)


def test_interpretations_are_linked_both_ways(client, member):
    policy = make_document(member, title="就业扶持政策")
    reading = make_document(member, title="就业扶持政策解读", kind=Document.Kind.INTERPRETATION)
    reading.interprets.add(policy)
    hidden = make_document(member, title="未发布的解读", state=Document.State.DRAFT)
    hidden.interprets.add(policy)

    policy_html = html_of(client.get(reverse("catalogue:document", args=[policy.pk])))
    reading_html = html_of(client.get(reverse("catalogue:document", args=[reading.pk])))

    assert reverse("catalogue:document", args=[reading.pk]) in policy_html
    assert "未发布的解读" not in policy_html
    assert reverse("catalogue:document", args=[policy.pk]) in reading_html


def test_relations_and_interpretations_come_newest_first_in_three_queries(
    member, django_assert_num_queries
):
    policy = make_document(member, title="就业扶持政策")
    day = timezone.now() - datetime.timedelta(days=10)
    older, newer = (
        make_document(
            member,
            title=f"解读{n}",
            kind=Document.Kind.INTERPRETATION,
            published_at=day + datetime.timedelta(days=n),
        )
        for n in (1, 2)
    )
    for reading in (older, newer):
        reading.interprets.add(policy)
    repealing = make_document(member, title="废止决定")
    relate(repealing, policy, DocumentRelation.Kind.REPEALS)

    with django_assert_num_queries(3):
        relations = selectors.document_relations(policy)

    assert relations.interpretations == [newer, older]
    assert relations.repealed_by == [repealing]
    assert relations.interpreted_policies == relations.amends == []
    assert selectors.document_relations(newer).interpreted_policies == [policy]


def test_attachment_download_keeps_the_original_name_and_is_never_inline(client, member):
    document = make_document(member)
    name = "2024年 预算表(公开).pdf"
    attachment = make_attachment(document, name, b"%PDF-1.4 budget")
    other = make_document(member)

    page = html_of(client.get(reverse("catalogue:document", args=[document.pk])))
    response = client.get(reverse("catalogue:attachment", args=[document.pk, attachment.pk]))

    assert reverse("catalogue:attachment", args=[document.pk, attachment.pk]) in page
    assert name in page
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 budget"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
    assert "inline" not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert name not in attachment.file.name  # stored under a random name
    # An attachment is reached only through its own document.
    wrong = client.get(reverse("catalogue:attachment", args=[other.pk, attachment.pk]))
    assert wrong.status_code == 404


def test_an_amendment_in_progress_stays_private_until_it_is_published(client, member):
    document = make_document(
        member, title="公开的标题", doc_number="测政发〔2024〕1号", keywords="公开 主题词"
    )
    attachment = make_attachment(document, "已发布附件.pdf", b"%PDF-1.4 published")
    # The editor amends the working copy; the public keeps reading the published version.
    Document.objects.filter(pk=document.pk).update(
        amendment_state=Document.State.DRAFT,
        title="修订中的标题",
        doc_number="测政发〔2024〕99号",
        keywords="修订中的主题词",
    )
    added = make_attachment(
        document, "修订中附件.pdf", b"%PDF-1.4 draft", pending_change=Attachment.PendingChange.ADDED
    )
    removed = make_attachment(
        document, "待删除附件.pdf", b"%PDF-1.4 old", pending_change=Attachment.PendingChange.REMOVED
    )

    page = html_of(client.get(reverse("catalogue:document", args=[document.pk])))
    catalogue = html_of(client.get(reverse("catalogue:index")))

    for html in (page, catalogue):
        assert "公开的标题" in html and "测政发〔2024〕1号" in html
        assert "修订中的标题" not in html and "〔2024〕99号" not in html
    assert "公开 主题词" in page and "修订中的主题词" not in page
    assert "修订中附件.pdf" not in page
    assert "已发布附件.pdf" in page and "待删除附件.pdf" in page
    download = reverse("catalogue:attachment", args=[document.pk, added.pk])
    assert client.get(download).status_code == 404
    for kept in (attachment, removed):
        url = reverse("catalogue:attachment", args=[document.pk, kept.pk])
        assert client.get(url).status_code == 200


def test_documents_published_and_withdrawn_through_the_services(
    client, member, published_document, reviewer
):
    """The whole path: the workflow publishes, the pages show; a withdrawal removes at once."""
    from gongkai.catalogue import services

    document = published_document(
        title="经审核发布的通知", columns=[Column.objects.get(slug="tzgg")]
    )
    urls = [
        reverse("catalogue:index"),
        reverse("catalogue:column", args=["tzgg"]),
        reverse("catalogue:agency_disclosure", args=[member.slug]),
        reverse("catalogue:agency_feed", args=[member.slug]),
        reverse("catalogue:sitemap"),
        "/api/v1/documents",
    ]
    page = reverse("catalogue:document", args=[document.pk])
    assert client.get(page).status_code == 200
    for url in urls:
        body = html_of(client.get(url))
        assert "经审核发布的通知" in body or page in body, url

    services.withdraw_document(document, actor=reviewer, reason="内容有误")

    assert client.get(page).status_code == 404
    assert client.get(f"/api/v1/documents/{document.index_number}").status_code == 404
    for url in urls:
        body = html_of(client.get(url))
        assert "经审核发布的通知" not in body and page not in body, url


# --------------------------------------------------------------------------- the catalogue


@pytest.fixture
def catalogue_rows(member, other_member):
    rows = [
        (member, "reg20-07", "czjr-cz", "tongzhi", 2024, Document.Validity.VALID),
        (member, "reg20-07", "czjr-sj", "tongzhi", 2024, Document.Validity.VALID),
        (member, "reg20-01", "czjr-cz", "banfa", 2023, Document.Validity.REPEALED),
        (other_member, "reg20-11", "kjjy-jy", "tongzhi", 2024, Document.Validity.VALID),
        (other_member, "reg20-01", "kjjy-jy", "yijian", 2023, Document.Validity.EXPIRED),
    ]
    documents = [
        make_document(
            agency,
            statutory_item=item,
            topic=topic,
            genre=genre,
            published_at=at(year),
            validity=validity,
        )
        for agency, item, topic, genre, year, validity in rows
    ]
    non_public_documents(member)
    return documents


def facet_counts(response) -> dict[str, dict[str, int]]:
    return {
        block.name: {link.label: link.count for link in block.links}
        for block in response.context["facets"]
    }


def test_catalogue_counts_each_facet_value(client, catalogue_rows):
    response = client.get(reverse("catalogue:index"))

    counts = facet_counts(response)
    assert counts["agency"] == {"测试区财政局": 3, "测试区教育局": 2}
    assert counts["statutory_item"] == {
        "行政法规、规章和规范性文件": 2,
        "财政预算、决算信息": 2,
        "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况": 1,
    }
    assert counts["topic"] == {"财政、金融、审计": 3, "科技、教育": 2}  # by top-level topic
    assert counts["genre"] == {"通知": 3, "意见": 1, "办法": 1}
    assert counts["year"] == {"2024": 3, "2023": 2}
    assert sorted(counts["validity"].values()) == [1, 1, 3]
    assert response.context["page_obj"].paginator.count == 5


def test_catalogue_filters_and_counts_the_other_facets_under_them(client, catalogue_rows):
    response = client.get(reverse("catalogue:index"), {"agency": "finance", "year": "2024"})

    assert response.context["page_obj"].paginator.count == 2
    counts = facet_counts(response)
    # A facet is counted under every filter but its own, so the other choices stay visible.
    assert counts["agency"] == {"测试区财政局": 2, "测试区教育局": 1}
    assert counts["year"] == {"2024": 2, "2023": 1}
    assert counts["genre"] == {"通知": 2}
    selected = [
        link for block in response.context["facets"] for link in block.links if link.selected
    ]
    assert {link.label for link in selected} == {"测试区财政局", "2024"}
    # Following a selected value removes that filter and keeps the others.
    agency_link = next(link for link in selected if link.label == "测试区财政局")
    assert agency_link.url == "?year=2024"


def test_catalogue_topic_filter_includes_sub_topics_and_ignores_bad_values(client, catalogue_rows):
    by_parent = client.get(reverse("catalogue:index"), {"topic": "czjr"})
    by_child = client.get(reverse("catalogue:index"), {"topic": "czjr-sj"})
    malformed = client.get(reverse("catalogue:index"), {"year": "abc", "validity": "nonsense"})

    assert by_parent.context["page_obj"].paginator.count == 3
    assert by_child.context["page_obj"].paginator.count == 1
    assert malformed.status_code == 200
    assert malformed.context["page_obj"].paginator.count == 5


def test_catalogue_is_paginated_by_twenty_keeping_the_filters(client, member):
    for n in range(25):
        make_document(member, published_at=at(2024, 1, 1) + datetime.timedelta(hours=n))

    first = client.get(reverse("catalogue:index"), {"agency": "finance"})
    second = client.get(reverse("catalogue:index"), {"agency": "finance", "page": "2"})

    assert len(first.context["page_obj"].object_list) == 20
    assert len(second.context["page_obj"].object_list) == 5
    assert 'href="?agency=finance&amp;page=2"' in html_of(first)


# --------------------------------------------------------------------------- columns, agencies


def test_column_pages_include_their_sub_columns(client, member):
    make_document(member, title="财政资金公开", columns=("zdly-czzj",))
    make_document(member, title="采购公告", columns=("zdly-zfcg",))
    make_document(member, title="通知公告一则", columns=("tzgg",))
    reading = make_document(member, title="政策解读一则", columns=("zcjd",))

    key_areas = html_of(client.get(reverse("catalogue:key_areas")))
    area = html_of(client.get(reverse("catalogue:column", args=["zdly-czzj"])))
    interpretations = html_of(client.get(reverse("catalogue:interpretations")))

    assert "财政资金公开" in key_areas and "采购公告" in key_areas
    assert "通知公告一则" not in key_areas
    assert reverse("catalogue:column", args=["zdly-zfcg"]) in key_areas  # sub-column entrances
    assert "财政资金公开" in area and "采购公告" not in area
    assert reverse("catalogue:document", args=[reading.pk]) in interpretations


def test_agency_disclosure_column_and_its_sub_columns(client, member, other_member):
    rule = make_document(member, title="测试区财政局政府信息公开保密审查办法", genre="banfa")
    filed_rule = make_document(
        member, title="财政局发布审核规定", genre="guiding", columns=("gkgzqk",)
    )
    make_document(member, title="财政专项资金管理办法", genre="banfa")  # not about disclosure
    report = make_document(
        member, title="测试区财政局2024年政府信息公开工作年度报告", genre="baogao"
    )
    make_document(member, title="财政局工作报告", genre="baogao")
    make_document(member, statutory_item="reg20-07")
    make_document(other_member, title="教育局信息公开办法", genre="banfa")

    index = client.get(reverse("catalogue:agency_disclosure", args=["finance"]))
    rules = html_of(client.get(reverse("catalogue:agency_rules", args=["finance"])))
    reports = html_of(client.get(reverse("catalogue:agency_annual_reports", args=["finance"])))
    statutory = client.get(reverse("catalogue:agency_statutory_items", args=["finance"]))
    # REG 12: the guide names the office, its address, hours, phone, fax and online contact.
    guide = html_of(client.get(reverse("catalogue:agency_guide", args=["finance"])))

    disclosure = index.context["disclosure"]
    assert (disclosure.document_count, disclosure.rule_count, disclosure.report_count) == (6, 2, 1)
    assert "/lists/?agency=finance" in html_of(index)
    assert reverse("catalogue:document", args=[rule.pk]) in rules
    assert reverse("catalogue:document", args=[filed_rule.pk]) in rules
    assert "财政专项资金管理办法" not in rules and "教育局信息公开办法" not in rules
    assert reverse("catalogue:document", args=[report.pk]) in reports
    assert "财政局工作报告" not in reports
    counts = {row.item.code: row.count for row in statutory.context["statutory_items"]}
    assert counts["reg20-07"] == 1
    assert counts["reg20-01"] == 0
    assert "reg21-county-01" in counts  # a department: REG 21's county items apply
    assert "reg21-town-01" not in counts
    for value in ("测试区政府路8号", "025-87654321", "工作日 9:00-17:00"):
        assert value in guide


def test_normative_register_lists_public_documents_by_year_with_validity(client, member):
    valid = make_document(member, title="规范性文件甲", is_normative=True)
    repealed = make_document(
        member, title="规范性文件乙", is_normative=True, validity=Document.Validity.REPEALED
    )
    old = make_document(member, title="规范性文件丙", is_normative=True, published_at=at(2023))
    register(valid, year=2024, serial=1)
    register(repealed, year=2024, serial=2)
    register(old, year=2023, serial=1)

    latest = client.get(reverse("catalogue:normative"))
    earlier = html_of(client.get(reverse("catalogue:normative"), {"year": "2023"}))

    assert latest.context["year"] == 2024
    current = latest.context["current"]
    assert (current.made, current.valid, current.repealed) == (2, 1, 1)
    html = html_of(latest)
    assert "CSGS-2024-001" in html and "CSGS-2024-002" in html
    assert "规范性文件丙" not in html
    assert "CSGS-2023-001" in earlier and "规范性文件丙" in earlier


def test_home_shows_the_latest_items_of_the_main_columns_and_the_key_areas(client, member):
    for n in range(8):
        make_document(
            member,
            title=f"工作动态第{n}条",
            columns=("gzdt",),
            published_at=at(2024, 3, 1) + datetime.timedelta(days=n),
        )
    make_document(member, title="隐藏的通知", columns=("tzgg",), state=Document.State.WITHDRAWN)

    html = html_of(client.get(reverse("portal:home")))

    # 工作动态 and its parent 政务动态 both show the six latest news items.
    assert html.count("工作动态第7条") == 2
    assert "工作动态第1条" not in html
    assert "隐藏的通知" not in html
    assert reverse("catalogue:column", args=["zdly-czzj"]) in html
    assert reverse("catalogue:key_areas") in html


@pytest.mark.parametrize("recent_filings", [1, 3, 7, 1000])
def test_home_sections_rank_each_column_s_latest_whatever_the_filings_read_first(
    member, monkeypatch, recent_filings
):
    """The latest of each column come from the newest filings and, for the columns left, from
    all their filings (selectors.public.HOME_RECENT_FILINGS): the same as ranking them all."""
    layout = [
        ("gzdt",),
        ("gzdt", "tzgg"),
        ("zwgg",),  # under 通知公告
        ("zcwj",),
        ("gzdt",),
        ("zdly-czzj",),
        ("zcwj", "zwgg"),
        ("gzdt",),
        ("tzgg",),
        ("zcjd",),
        ("gzdt",),
    ]
    base = at(2024, 3, 1)
    for n, columns in enumerate(layout):
        # Two pairs share a publication time: the later id comes first.
        make_document(
            member, columns=columns, published_at=base + datetime.timedelta(days=n // 2 * 2)
        )
    make_document(member, columns=("zcwj",), state=Document.State.WITHDRAWN, published_at=at(2025))
    make_document(
        member, columns=("tzgg",), manner=Document.Manner.ON_REQUEST, published_at=at(2025)
    )
    make_document(member, columns=("zcjd",), with_version=False, published_at=at(2025))

    def expected(per_column: int) -> list[tuple[str, list[int]]]:
        public = list(selectors.published_documents().prefetch_related("columns"))
        children: dict[int | None, list[Column]] = {}
        for column in Column.objects.all():
            children.setdefault(column.parent_id, []).append(column)
        answer = []
        for column in Column.objects.filter(on_home_page=True).order_by("sort_order", "id"):
            subtree, todo = set(), [column]
            while todo:
                current = todo.pop()
                subtree.add(current.pk)
                todo.extend(children.get(current.pk, []))
            shown = [d for d in public if {c.pk for c in d.columns.all()} & subtree]
            shown.sort(key=lambda d: (d.published_at, d.pk), reverse=True)
            answer.append((column.slug, [d.pk for d in shown[:per_column]]))
        return answer

    monkeypatch.setattr(selectors, "HOME_RECENT_FILINGS", recent_filings)
    for per_column in (1, 2, 6):
        sections = selectors.home_sections(per_column=per_column)
        got = [(s.column.slug, [d.pk for d in s.documents]) for s in sections.columns]
        assert got == expected(per_column), (recent_filings, per_column)
        for section in sections.columns:
            for document in section.documents:
                assert document.public_title  # annotated as published_documents() gives them


def test_navigation_leads_to_the_catalogue_interpretations_and_key_areas(client, member):
    html = html_of(client.get(reverse("catalogue:index")))
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)

    for name in ("catalogue:index", "catalogue:interpretations", "catalogue:key_areas"):
        assert f'href="{reverse(name)}"' in nav
    assert 'aria-current="page"' in nav


def test_kiosk_has_large_entrances_and_its_script_but_no_inline_script(client, member):
    html = html_of(client.get(reverse("catalogue:kiosk")))

    assert 'data-kiosk-idle-seconds="120"' in html
    assert 'data-kiosk-home="/kiosk/"' in html
    assert "gongkai/js/kiosk.js" in html
    assert html.count('class="kiosk-button') >= 3
    assert reverse("catalogue:agency_disclosure", args=["finance"]) in html


def test_pages_have_no_inline_script_or_style_and_ordered_headings(client, member):
    document = make_document(member, columns=("tzgg",))
    urls = [*public_pages(member), reverse("catalogue:document", args=[document.pk])]
    for url in urls:
        html = html_of(client.get(url))
        for attributes in re.findall(r"<script\b([^>]*)>", html):
            assert "src=" in attributes, url
        assert " style=" not in html, url
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
        assert levels[0] == 1, url
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (url, levels)


# --------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("rows", [5, 60])
def test_list_pages_run_a_bounded_number_of_queries(
    client, member, other_member, rows, django_assert_max_num_queries
):
    for n in range(rows):
        document = make_document(
            [member, other_member][n % 2],
            genre=["tongzhi", "banfa"][n % 2],
            topic=["czjr-cz", "kjjy-jy"][n % 2],
            statutory_item="reg20-01",
            columns=("gzdt", "zdly-czzj"),
            is_normative=True,
            published_at=at(2020 + n % 5),
            title=f"政府信息公开办法{n}",
        )
        register(document, year=2020 + n % 5, serial=n + 1)
    urls = [
        *public_pages(member),
        reverse("catalogue:index") + "?agency=finance&topic=czjr",
        reverse("catalogue:document", args=[document.pk]),
        reverse("catalogue:sitemap"),
        reverse("catalogue:agency_feed", args=[member.slug]),
        reverse("catalogue:column_feed", args=["zdly"]),
    ]
    for url in urls:
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200, url
    # The home page keeps the shell's own bound with the catalogue's sections added (the
    # latest documents' ids ranked per column, then those documents: docs/performance.md).
    with django_assert_max_num_queries(5):
        assert client.get(reverse("portal:home")).status_code == 200
