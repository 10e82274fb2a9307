"""Public Q&A and consultations on drafts in the search: indexed as their own content types,
following publication and withdrawal at once, rebuilt with everything else, and every hit
checked against their public gates — on every engine."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from gongkai.interaction.consultations.indexing import consultation_item
from gongkai.interaction.letters import services as letter_services
from gongkai.search import indexing
from gongkai.search.engine import SearchQuery, search
from gongkai.search.models import SearchEntry
from tests.search.interaction_support import (
    LetterDesk,
    draft_consultation,
    published_consultation,
)

pytestmark = pytest.mark.django_db

SUBJECT = "华光路路灯维修咨询"
CONTENT = "华光路东段的路灯坏了两个星期，夜间出行不便，请问何时维修？"
REPLY = "经核实，华光路路灯已列入本周维修计划，预计周五前恢复照明。"


@pytest.fixture
def desk(agency, reviewer, staff_role_factory, agency_factory):
    return LetterDesk(agency, reviewer, staff_role_factory, agency_factory)


def hits(q: str, **filters) -> list[tuple[str, str]]:
    return [(hit.kind, hit.url) for hit in search(SearchQuery(q=q, **filters)).hits]


def test_published_qa_is_found_as_its_own_type_and_follows_withdrawal(desk, indexed, client):
    with indexed():
        letter = desk.replied(subject=SUBJECT, content=CONTENT, reply=REPLY)
        proposal = letter_services.propose_publication(letter, actor=desk.reviewer)
    assert hits("路灯") == []  # proposed: not public yet
    assert not SearchEntry.objects.exists()

    with indexed():
        published = desk.publish(letter)
    url = reverse("letters:qa_detail", args=[published.pk])
    assert hits("路灯") == [("qa", url)]
    assert hits("维修计划") == [("qa", url)]  # the reply is searched too
    result = search(SearchQuery(q="路灯"))
    facets = {f.name: {v.value: v.count for v in f.values} for f in result.facets}
    assert facets["type"] == {"qa": 1}
    assert facets["agency"] == {desk.agency.slug: 1}
    assert hits("路灯", type="qa") == [("qa", url)]
    assert hits("路灯", type="document") == []
    page = client.get(reverse("search:results"), {"q": "路灯"}).content.decode()
    assert f'href="{url}"' in page
    assert client.get("/api/v1/search", {"q": "路灯"}).json()["hits"][0]["kind"] == "qa"
    assert proposal.pk == published.pk

    with indexed():
        letter_services.withdraw_publication(letter, actor=desk.reviewer, reason="撤回")
    assert hits("路灯") == []
    assert not SearchEntry.objects.exists()


def test_a_withdrawn_or_reopened_qa_never_appears_while_the_index_lags(desk, indexed):
    with indexed():
        withdrawn = desk.replied(subject=SUBJECT, content=CONTENT, reply=REPLY)
        desk.publish(withdrawn)
        reopened = desk.replied(subject="路灯又坏了", content="路灯修好后又坏了，请再看看。",
                                reply="已通知维修单位，路灯将于近日修复。")  # fmt: skip
        desk.publish(reopened)
    assert len(hits("路灯")) == 2
    # Changed without the commit's index update: the index still holds both.
    letter_services.withdraw_publication(withdrawn, actor=desk.reviewer, reason="撤回")
    letter_services.rate_letter(reopened, rating="unsatisfied", comment="没修好", reopen=True)
    assert SearchEntry.objects.filter(source="qa").count() == 2

    for q in ("路灯", "华光路", "维修"):
        result = search(SearchQuery(q=q))
        assert result.hits == [] and result.total == 0, q
        assert sum(v.count for f in result.facets for v in f.values) == 0


def test_consultations_are_found_by_title_summary_text_and_articles(
    agency, editor, reviewer, indexed, client
):
    with indexed():
        draft = draft_consultation(agency, editor, title="测试区停车管理办法（征求意见稿）")
        consultation = published_consultation(agency, editor, reviewer)
    url = reverse("consultations:detail", args=[consultation.pk])
    for q in ("养犬", "规范养犬行为", "办理登记", "犬牌"):
        assert hits(q) == [("consultation", url)], q
    assert hits("停车") == []  # a draft is never indexed
    assert hits("犬牌", type="consultation") == [("consultation", url)]
    result = search(SearchQuery(q="犬牌"))
    assert {v.value for f in result.facets if f.name == "type" for v in f.values} == {
        "consultation"
    }
    page = client.get(reverse("search:results"), {"q": "犬牌"}).content.decode()
    assert f'href="{url}"' in page

    # An entry for the draft (an index that lags or went wrong) is never shown.
    indexing._save(
        SearchEntry.Source.CONSULTATION, draft.pk, indexing.item_values(consultation_item(draft))
    )
    assert SearchEntry.objects.filter(object_id=draft.pk, source="consultation").exists()
    assert hits("停车") == []
    assert search(SearchQuery(q="停车")).total == 0


def test_comments_and_their_contacts_are_never_indexed(agency, editor, reviewer, indexed):
    from gongkai.interaction.consultations import services as consultation_services
    from gongkai.interaction.consultations.models import Consultation

    with indexed():
        consultation = published_consultation(
            agency, editor, reviewer, moderation=Consultation.Moderation.AT_ONCE
        )
        consultation_services.submit_comment(
            consultation,
            name="柏青禾",
            contact="13600009999",
            text="建议增加遛狗时间限制的规定。",
            submission_key="search-comment-0001",
        )
    for q in ("柏青禾", "13600009999", "遛狗"):
        assert search(SearchQuery(q=q)).total == 0, q


def test_a_rebuild_gives_the_same_rows_as_the_updates_and_keeps_to_the_agency(
    desk, agency, editor, reviewer, indexed
):
    with indexed():
        desk.publish(desk.replied(subject=SUBJECT, content=CONTENT, reply=REPLY))
        desk.replied(subject="未公开的咨询", content="这封信未同意公开，不应被检索到。",
                     reply="已答复。谢谢您的来信。", consent=False)  # fmt: skip
        published_consultation(agency, editor, reviewer)
        draft_consultation(agency, editor, title="草稿不入索引")

    def snapshot():
        return sorted(
            json.dumps(row, sort_keys=True, default=str)
            for row in SearchEntry.objects.values(
                "source", "object_id", *SearchEntry.INDEXED_FIELDS
            )
        )

    incremental = snapshot()
    assert sorted(row["source"] for row in SearchEntry.objects.values("source")) == [
        "consultation",
        "qa",
    ]
    out = io.StringIO()
    call_command("rebuild_index", stdout=out, stderr=io.StringIO())
    assert snapshot() == incremental
    call_command("rebuild_index", agency=agency.slug, stdout=out, stderr=io.StringIO())
    assert snapshot() == incremental
    assert len(hits("路灯")) == 1 and len(hits("犬牌")) == 1
