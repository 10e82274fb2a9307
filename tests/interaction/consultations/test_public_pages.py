"""The public pages: the list, a consultation, the comment form and the feedback.

Messages are asserted in English (``en_client`` asks for it); everything else on data.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.interaction.consultations import services
from gongkai.interaction.consultations.models import Comment, Consultation, Decision
from gongkai.interaction.consultations.services import CommentDecision

from .conftest import CONTACT, EARLIER, PAST, new_key

pytestmark = pytest.mark.django_db

Moderation = Consultation.Moderation


def detail_url(consultation: Consultation) -> str:
    return reverse("consultations:detail", args=[consultation.pk])


def comment_url(consultation: Consultation) -> str:
    return reverse("consultations:comment", args=[consultation.pk])


def form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "article": "",
        "text": "建议明确监督部门。",
        "name": "李华",
        "contact": CONTACT,
        "submission_key": new_key(),
    }
    data.update(overrides)
    return data


def test_the_portal_menu_leads_to_the_consultations(client):
    """Through the 政民互动 column: its landing page links the list, whose pages mark the
    column as current."""
    from gongkai.portal.navigation import main_navigation

    entries = {entry.key: entry for entry in main_navigation()}
    assert reverse("consultations:list") in entries["interaction"].also
    landing = client.get(reverse("interaction:index")).content.decode()
    assert f'href="{reverse("consultations:list")}"' in landing


def test_the_list_shows_published_consultations_by_stage(
    client, make_consultation, published, django_assert_max_num_queries
):
    draft = make_consultation(title="尚未发布的草稿")
    running = published(title="正在征求意见")
    upcoming = published(
        title="即将征求意见",
        opens_on=datetime.date(2026, 4, 1),
        closes_on=datetime.date(2026, 4, 30),
    )
    ended = published(title="已经结束", now=EARLIER, **PAST)
    for n in range(5):
        published(title=f"更多征求意见{n}")

    with django_assert_max_num_queries(8):
        response = client.get(reverse("consultations:list"))
    assert response.status_code == 200
    shown = {item["consultation"].pk for item in response.context["items"]}
    assert {running.pk, upcoming.pk, ended.pk} <= shown
    assert draft.pk not in shown

    def in_phase(phase: str) -> set[int]:
        page = client.get(reverse("consultations:list"), {"phase": phase})
        return {item["consultation"].pk for item in page.context["items"]}

    assert running.pk in in_phase("open") and ended.pk not in in_phase("open")
    assert in_phase("upcoming") == {upcoming.pk}
    assert in_phase("closed") == {ended.pk}
    assert in_phase("feedback") == set()


def test_a_draft_has_no_public_page(client, make_consultation):
    assert client.get(detail_url(make_consultation())).status_code == 404


def test_the_page_shows_the_draft_by_articles_and_the_shown_comments(
    client, published, comment_on, reviewer
):
    consultation = published(moderation=Moderation.BEFORE)
    article = consultation.articles.get(number="第一条")
    shown = comment_on(consultation, text="这一条应当写明依据。", article=article)
    services.moderate_comment(shown, actor=reviewer, show=True)
    comment_on(consultation, text="尚未审核的意见")

    response = client.get(detail_url(consultation))
    content = response.content.decode()
    assert response.status_code == 200
    assert [a.number for a in response.context["articles"]] == ["第一条", "第二条"]
    assert "这一条应当写明依据。" in content
    assert "尚未审核的意见" not in content
    assert response.context["form"] is not None


def test_a_comment_on_the_whole_draft_through_the_form(en_client, published):
    consultation = published(moderation=Moderation.AT_ONCE)
    response = en_client.post(comment_url(consultation), form(), follow=True)
    comment = Comment.objects.get()
    assert comment.article is None and comment.state == Comment.State.SHOWN
    assert "your comment is published below" in response.content.decode()


def test_a_comment_on_an_article_through_the_form(en_client, published):
    consultation = published(moderation=Moderation.BEFORE)
    article = consultation.articles.get(number="第二条")
    response = en_client.post(comment_url(consultation), form(article=str(article.pk)), follow=True)
    comment = Comment.objects.get()
    assert comment.article == article and comment.state == Comment.State.PENDING
    assert "will be shown once it has been read" in response.content.decode()


def test_the_article_link_chooses_the_article_in_the_form(client, published):
    consultation = published()
    article = consultation.articles.get(number="第二条")
    response = client.get(detail_url(consultation), {"article": article.pk})
    assert response.context["form"]["article"].value() == str(article.pk)


def test_double_submission_makes_one_comment(client, published):
    consultation = published()
    data = form()
    first = client.post(comment_url(consultation), data)
    second = client.post(comment_url(consultation), data)
    assert first.status_code == second.status_code == 302
    assert Comment.objects.count() == 1


def test_bad_input_gets_a_clear_message_and_changes_nothing(en_client, published):
    consultation = published()
    response = en_client.post(comment_url(consultation), form(contact="not a contact", text=""))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["text"] == ["Write your comment."]
    assert errors["contact"] == [
        "Give a phone number (digits only, with the area code) or an e-mail address."
    ]
    assert not Comment.objects.exists()
    # What was typed comes back, so nothing is lost.
    assert "not a contact" in response.content.decode()


def test_commenting_before_the_opening_day_is_refused_with_the_message(en_client, published):
    consultation = published(opens_on=datetime.date(2026, 3, 20))
    page = en_client.get(detail_url(consultation))
    assert page.context["form"] is None
    assert "Comments on this draft open on 2026-03-20" in page.content.decode()

    response = en_client.post(comment_url(consultation), form())
    assert response.status_code == 400
    assert response.context["refusal"] == (
        "Comments on this draft open on 2026-03-20; please come back then."
    )
    assert not Comment.objects.exists()


def test_commenting_after_the_closing_day_is_refused_with_the_message(en_client, published):
    consultation = published(now=EARLIER, **PAST)
    page = en_client.get(detail_url(consultation))
    assert page.context["form"] is None
    assert "This consultation closed on 2026-03-09" in page.content.decode()

    response = en_client.post(comment_url(consultation), form())
    assert response.status_code == 400
    assert response.context["refusal"] == (
        "This consultation closed on 2026-03-09: comments are no longer accepted."
    )
    assert "comments are no longer accepted" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_name_is_shown_only_when_asked_and_personal_data_is_masked(
    client, published, comment_on
):
    consultation = published(moderation=Moderation.AT_ONCE)
    comment_on(consultation, name="张三丰", show_name=True, text="总体赞成。")
    comment_on(consultation, name="李四光", show_name=False, text="我的手机13812345678请回电。")
    content = client.get(detail_url(consultation)).content.decode()
    assert "张三丰" in content
    assert "李四光" not in content
    assert "13812345678" not in content


def test_the_contact_is_never_on_a_public_page(
    client, published, comment_on, reviewer, published_document
):
    """Through every stage: open, closed, feedback published; on every public page."""
    consultation = published(moderation=Moderation.AT_ONCE)
    comment = comment_on(consultation, show_name=True)
    email_comment = comment_on(consultation, contact="writer@example.cn", show_name=True)
    pages = [reverse("consultations:list"), detail_url(consultation)]
    pages += [f"{reverse('consultations:list')}?phase={p}" for p in ("open", "closed", "feedback")]

    def check() -> None:
        for url in pages:
            content = client.get(url).content.decode()
            assert CONTACT not in content, url
            assert "writer@example.cn" not in content, url

    check()
    services.close_consultation(consultation, actor=reviewer, reason="提前结束")
    check()
    services.save_feedback(consultation, actor=reviewer, summary="说明。")
    services.record_decisions(
        consultation,
        actor=reviewer,
        decisions=[
            CommentDecision(comment.pk, Decision.ADOPTED),
            CommentDecision(email_comment.pk, Decision.NOT_ADOPTED, "理由"),
        ],
    )
    services.publish_feedback(consultation, actor=reviewer, final_document=published_document())
    check()


def test_the_feedback_with_its_figures_and_the_final_document(
    client, closed_with_comments, reviewer, published_document
):
    consultation = closed_with_comments(count=3)
    one, two, three = consultation.comments.order_by("pk")
    services.save_feedback(consultation, actor=reviewer, summary="经研究，采纳两条。")
    point = services.add_feedback_point(
        consultation, actor=reviewer, text="关于监督的意见", decision=Decision.ADOPTED
    )
    services.record_decisions(
        consultation,
        actor=reviewer,
        decisions=[
            CommentDecision(one.pk, point_id=point.pk),
            CommentDecision(two.pk, Decision.ADOPTED),
            CommentDecision(three.pk, Decision.NOT_ADOPTED, "与上位法不一致。"),
        ],
    )
    final = published_document(title="张店区测试管理办法")
    services.publish_feedback(consultation, actor=reviewer, final_document=final)

    response = client.get(detail_url(consultation))
    content = response.content.decode()
    counts = response.context["counts"]
    assert (counts.received, counts.adopted, counts.not_adopted) == (3, 2, 1)
    assert 'data-count="received">3<' in content
    assert "与上位法不一致。" in content
    assert "关于监督的意见" in content
    assert reverse("catalogue:document", args=[final.pk]) in content
    listed = client.get(reverse("consultations:list"), {"phase": "feedback"})
    assert [i["consultation"].pk for i in listed.context["items"]] == [consultation.pk]


def test_attachments_are_public_once_published(client, make_consultation, editor, reviewer):
    from tests.catalogue.conftest import make_pdf

    consultation = make_consultation()
    attachment = services.add_attachment(
        consultation, actor=editor, uploaded_file=SimpleUploadedFile("草案.pdf", make_pdf())
    )
    url = reverse("consultations:attachment", args=[consultation.pk, attachment.pk])
    assert client.get(url).status_code == 404
    services.publish_consultation(consultation, actor=reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
