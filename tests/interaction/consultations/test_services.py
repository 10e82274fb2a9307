"""The services of consultations: comments, moderation, closing, feedback, permissions."""

from __future__ import annotations

import datetime

import pytest

from gongkai.catalogue import services as catalogue_services
from gongkai.catalogue.models import SensitiveTerm
from gongkai.core.models import AuditEntry
from gongkai.interaction.consultations import selectors, services, tasks
from gongkai.interaction.consultations.models import (
    Comment,
    Consultation,
    ConsultationEvent,
    Decision,
)
from gongkai.interaction.consultations.services import CommentDecision
from gongkai.interaction.consultations.workflow import (
    ConsultationError,
    ConsultationPermissionDenied,
)

from .conftest import CONTACT, EARLIER, NOW, PAST, new_key

pytestmark = pytest.mark.django_db

State = Consultation.State
Moderation = Consultation.Moderation


def snapshot(consultation: Consultation) -> dict[str, object]:
    """Everything an action may change, to assert that a refused one changed nothing."""
    consultation.refresh_from_db()
    return {
        "consultation": (
            consultation.state,
            consultation.title,
            consultation.closes_on,
            consultation.closed_at,
            consultation.final_document_id,
            consultation.feedback_published_at,
        ),
        "comments": sorted(
            Comment.objects.filter(consultation=consultation).values_list(
                "pk", "state", "hidden_reason", "decision", "decision_reason", "point_id"
            )
        ),
        "events": ConsultationEvent.objects.filter(consultation=consultation).count(),
        "articles": list(consultation.articles.values_list("number", "text")),
        "audit": AuditEntry.objects.count(),
    }


# --- comments ------------------------------------------------------------------------------


def test_a_comment_on_the_whole_draft_and_one_on_an_article(published, comment_on):
    consultation = published(moderation=Moderation.AT_ONCE)
    article = consultation.articles.get(number="第二条")

    whole = comment_on(consultation, text="总体赞成。")
    on_article = comment_on(consultation, text="适用范围应包括各镇。", article=article)

    assert whole.article is None
    assert on_article.article == article
    assert [c.pk for c in selectors.shown_comments(consultation)] == [whole.pk, on_article.pk]
    assert selectors.shown_comment_counts(consultation) == {None: 1, article.pk: 1}
    event = ConsultationEvent.objects.filter(code="comment_received").last()
    assert event.data == {"comment": on_article.pk, "article": article.pk}
    # The trail names the comment, never its writer or contact.
    entry = AuditEntry.objects.filter(action="consultations.comment_received").last()
    assert CONTACT not in str(entry.details) and "王小明" not in str(entry.details)


def test_an_article_of_another_consultation_is_refused(published, comment_on):
    consultation = published()
    other = published(title="另一个征求意见稿")
    with pytest.raises(ConsultationError) as refused:
        comment_on(consultation, article=other.articles.first())
    assert refused.value.field == "article"
    assert not Comment.objects.exists()


def test_moderated_before_showing(published, comment_on, reviewer):
    consultation = published(moderation=Moderation.BEFORE)
    comment = comment_on(consultation)

    assert comment.state == Comment.State.PENDING
    assert not selectors.shown_comments(consultation).exists()

    with pytest.raises(ConsultationError, match="Say why the comment is hidden"):
        services.moderate_comment(comment, actor=reviewer, show=False)
    services.moderate_comment(comment, actor=reviewer, show=True)
    assert list(selectors.shown_comments(consultation)) == [comment]

    services.moderate_comment(comment, actor=reviewer, show=False, reason="广告")
    comment.refresh_from_db()
    assert comment.state == Comment.State.HIDDEN
    assert comment.hidden_reason == "广告"
    assert comment.moderated_by == reviewer
    assert not selectors.shown_comments(consultation).exists()


def test_shown_at_once_and_hidden_afterwards(published, comment_on, reviewer):
    consultation = published(moderation=Moderation.AT_ONCE)
    comment = comment_on(consultation)

    assert comment.state == Comment.State.SHOWN
    assert list(selectors.shown_comments(consultation)) == [comment]

    services.moderate_comment(comment, actor=reviewer, show=False, reason="泄露他人隐私")
    assert not selectors.shown_comments(consultation).exists()
    assert selectors.feedback_counts(consultation).received == 1


def test_the_default_moderation_is_configurable(settings, make_consultation):
    assert make_consultation(moderation="").moderation == Moderation.BEFORE
    settings.GONGKAI_CONSULTATION_MODERATION = "at_once"
    assert make_consultation(moderation="").moderation == Moderation.AT_ONCE
    settings.GONGKAI_CONSULTATION_MODERATION = "nonsense"
    assert make_consultation(moderation="").moderation == Moderation.BEFORE


def test_commenting_before_the_opening_day_is_refused(published, comment_on):
    consultation = published(opens_on=datetime.date(2026, 3, 11))
    with pytest.raises(ConsultationError) as refused:
        comment_on(consultation)
    assert refused.value.message == (
        "Comments on this draft open on 2026-03-11; please come back then."
    )
    assert not Comment.objects.exists()


def test_the_opening_and_closing_days_are_days_in_shanghai(published, comment_on):
    """Open from 00:00 of the opening day to 24:00 of the closing day, China time."""
    consultation = published(
        opens_on=datetime.date(2026, 3, 10), closes_on=datetime.date(2026, 3, 10)
    )
    first_minute = datetime.datetime(2026, 3, 9, 16, 0, tzinfo=datetime.UTC)  # 00:00 in Shanghai
    last_minute = datetime.datetime(2026, 3, 10, 15, 59, tzinfo=datetime.UTC)  # 23:59
    comment_on(consultation, now=first_minute)
    comment_on(consultation, now=last_minute)
    with pytest.raises(ConsultationError, match="closed on 2026-03-10"):
        comment_on(consultation, now=last_minute + datetime.timedelta(minutes=1))
    with pytest.raises(ConsultationError, match="open on 2026-03-10"):
        comment_on(consultation, now=first_minute - datetime.timedelta(minutes=1))
    assert Comment.objects.count() == 2


def test_commenting_after_the_closing_day_is_refused(published, comment_on):
    consultation = published(now=EARLIER, **PAST)
    with pytest.raises(ConsultationError) as refused:
        comment_on(consultation)
    assert refused.value.message == (
        "This consultation closed on 2026-03-09: comments are no longer accepted."
    )
    assert not Comment.objects.exists()


def test_commenting_after_an_early_close_is_refused(published, comment_on, reviewer):
    consultation = published()
    services.close_consultation(consultation, actor=reviewer, reason="任务调整")
    assert consultation.state == State.CLOSED and consultation.closed_early
    with pytest.raises(ConsultationError, match="closed on 2026-03-10"):
        comment_on(consultation)
    assert not Comment.objects.exists()


def test_a_draft_takes_no_comment(make_consultation, comment_on):
    with pytest.raises(ConsultationError, match="not open for comments"):
        comment_on(make_consultation())


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"contact": ""}, "contact"),
        ({"contact": "abc"}, "contact"),
        ({"contact": "me@"}, "contact"),
        ({"text": "  "}, "text"),
        ({"text": "长" * 5001}, "text"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(published, comment_on, fields, field):
    consultation = published()
    with pytest.raises(ConsultationError) as refused:
        comment_on(consultation, **fields)
    assert refused.value.field == field
    assert not Comment.objects.exists()


def test_the_same_form_sent_twice_makes_one_comment(published):
    consultation = published()
    key = new_key()
    first, created = services.submit_comment(
        consultation, name="王", contact=CONTACT, text="意见", submission_key=key
    )
    again, created_again = services.submit_comment(
        consultation, name="王", contact=CONTACT, text="意见", submission_key=key
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Comment.objects.count() == 1


def test_a_missing_submission_key_is_refused(published):
    with pytest.raises(ConsultationError, match="form has expired"):
        services.submit_comment(
            published(), name="王", contact=CONTACT, text="意见", submission_key="short"
        )


# --- the draft and its publication ---------------------------------------------------------


def test_publishing_needs_another_person_than_the_maker(
    make_consultation, agency, reviewer, staff_role_factory
):
    from gongkai.agencies.models import StaffRole

    staff_role_factory(user=reviewer, agency=agency, role=StaffRole.Role.EDITOR)
    consultation = make_consultation(actor=reviewer)
    before = snapshot(consultation)
    with pytest.raises(ConsultationPermissionDenied, match="another reviewer"):
        services.publish_consultation(consultation, actor=reviewer)
    assert snapshot(consultation) == before


def test_an_editor_cannot_publish(make_consultation, editor):
    consultation = make_consultation()
    with pytest.raises(ConsultationPermissionDenied):
        services.publish_consultation(consultation, actor=editor)
    assert consultation.state == State.DRAFT


def test_a_secrecy_marking_blocks_publication(make_consultation, reviewer):
    SensitiveTerm.objects.get_or_create(term="机密", kind=SensitiveTerm.Kind.SECRECY)
    consultation = make_consultation(summary="机密★一年")
    with pytest.raises(ConsultationError, match="secrecy marking"):
        services.publish_consultation(consultation, actor=reviewer)
    consultation.refresh_from_db()
    assert consultation.state == State.DRAFT


def test_personal_data_needs_the_reviewers_reason(make_consultation, reviewer):
    consultation = make_consultation(summary="联系人手机13912345678")
    with pytest.raises(ConsultationError) as refused:
        services.publish_consultation(consultation, actor=reviewer)
    assert refused.value.field == "personal_data_reason"
    assert "13912345678" not in refused.value.message  # the snippet is masked
    services.publish_consultation(consultation, actor=reviewer, personal_data_reason="工作电话")
    assert consultation.state == State.OPEN
    event = consultation.events.get(code="published")
    assert event.comment == "工作电话"


def test_a_draft_past_its_closing_day_is_not_published(make_consultation, reviewer):
    consultation = make_consultation(
        opens_on=datetime.date(2026, 2, 1), closes_on=datetime.date(2026, 3, 9)
    )
    with pytest.raises(ConsultationError, match="closing day has passed"):
        services.publish_consultation(consultation, actor=reviewer)


def test_articles_are_checked_and_replaced(make_consultation, editor):
    with pytest.raises(ConsultationError, match="numbered “第一条”"):
        make_consultation(
            articles=[
                services.ArticleData("第一条", "", "一"),
                services.ArticleData("第一条", "", "二"),
            ]
        )
    consultation = make_consultation()
    services.update_consultation(
        consultation,
        actor=editor,
        title=consultation.title,
        opens_on=consultation.opens_on,
        closes_on=consultation.closes_on,
        articles=[services.ArticleData("第一条", "", "新的文字")],
    )
    assert list(consultation.articles.values_list("number", "text")) == [("第一条", "新的文字")]


def test_a_published_consultation_cannot_be_edited(published, editor):
    consultation = published()
    before = snapshot(consultation)
    with pytest.raises(ConsultationError, match="not possible while"):
        services.update_consultation(
            consultation,
            actor=editor,
            title="改过的标题",
            opens_on=consultation.opens_on,
            closes_on=consultation.closes_on,
        )
    assert snapshot(consultation) == before


# --- closing --------------------------------------------------------------------------------


def test_the_daily_job_closes_consultations_past_their_closing_day(published):
    due = published(now=EARLIER, **PAST)
    running = published(title="仍在征求意见")
    assert tasks.close_due_consultations() == 1
    assert tasks.close_due_consultations() == 0  # repeat-safe
    due.refresh_from_db()
    running.refresh_from_db()
    assert due.state == State.CLOSED and not due.closed_early
    assert due.closed_at == due.closes_at  # it closed when the closing day ended
    assert running.state == State.OPEN


# --- feedback -------------------------------------------------------------------------------


def test_feedback_counts_are_computed_from_the_comments(closed_with_comments, reviewer):
    consultation = closed_with_comments(count=5)
    one, two, three, four, five = consultation.comments.order_by("pk")
    services.moderate_comment(five, actor=reviewer, show=False, reason="重复")
    point = services.add_feedback_point(
        consultation, actor=reviewer, text="多条意见建议增加监督规定。", decision=Decision.ADOPTED
    )
    services.record_decisions(
        consultation,
        actor=reviewer,
        decisions=[
            CommentDecision(one.pk, point_id=point.pk),
            CommentDecision(two.pk, point_id=point.pk),
            CommentDecision(three.pk, decision=Decision.PARTLY, reason="部分吸收。"),
            CommentDecision(four.pk, decision=Decision.NOT_ADOPTED, reason="与上位法不符。"),
        ],
    )
    counts = selectors.feedback_counts(consultation)
    assert (counts.received, counts.shown, counts.hidden, counts.pending) == (5, 4, 1, 0)
    assert (counts.adopted, counts.partly, counts.not_adopted, counts.undecided) == (2, 1, 1, 0)

    # A point's decision counts for every comment grouped under it.
    point.decision = Decision.NOT_ADOPTED
    point.reason = "不采纳。"
    point.save()
    counts = selectors.feedback_counts(consultation)
    assert (counts.adopted, counts.not_adopted) == (0, 3)


def test_a_decision_other_than_adopted_needs_its_reason(closed_with_comments, reviewer):
    consultation = closed_with_comments(count=1)
    comment = consultation.comments.get()
    with pytest.raises(ConsultationError, match="give the reason"):
        services.record_decisions(
            consultation,
            actor=reviewer,
            decisions=[CommentDecision(comment.pk, decision=Decision.NOT_ADOPTED)],
        )
    comment.refresh_from_db()
    assert comment.decision == ""


def test_the_feedback_is_published_only_when_every_comment_is_handled(
    published, comment_on, reviewer
):
    consultation = published(moderation=Moderation.BEFORE)
    pending = comment_on(consultation)
    services.close_consultation(consultation, actor=reviewer, reason="提前结束")
    services.save_feedback(consultation, actor=reviewer, summary="采纳情况说明。")
    with pytest.raises(ConsultationError, match="1 comment still awaits moderation"):
        services.publish_feedback(consultation, actor=reviewer)
    services.moderate_comment(pending, actor=reviewer, show=True)
    with pytest.raises(ConsultationError, match="1 shown comment has no decision"):
        services.publish_feedback(consultation, actor=reviewer)
    services.record_decisions(
        consultation, actor=reviewer, decisions=[CommentDecision(pending.pk, Decision.ADOPTED)]
    )
    services.publish_feedback(consultation, actor=reviewer, now=NOW)
    assert consultation.state == State.FEEDBACK
    event = consultation.events.get(code="feedback_published")
    assert event.data["received"] == 1 and event.data["adopted"] == 1


def test_the_feedback_needs_a_summary(closed_with_comments, reviewer):
    consultation = closed_with_comments(count=0)
    with pytest.raises(ConsultationError) as refused:
        services.publish_feedback(consultation, actor=reviewer)
    assert refused.value.field == "summary"


def test_the_feedback_closes_a_consultation_past_its_closing_day(published, reviewer):
    consultation = published(now=EARLIER, **PAST)
    services.save_feedback(consultation, actor=reviewer, summary="说明")
    consultation.refresh_from_db()
    assert consultation.state == State.CLOSED
    assert consultation.events.filter(code="closed", actor=None).exists()


def test_only_a_published_document_is_linked(
    closed_with_comments, reviewer, editor, published_document, agency
):
    from gongkai.catalogue import services as catalogue_services

    consultation = closed_with_comments(count=0)
    services.save_feedback(consultation, actor=reviewer, summary="未收到意见。")
    draft = catalogue_services.create_document(
        agency=agency, actor=editor, kind="document", title="尚未发布的文件"
    )
    before = snapshot(consultation)
    with pytest.raises(ConsultationError) as refused:
        services.publish_feedback(consultation, actor=reviewer, final_document=draft)
    assert refused.value.field == "final_document"
    assert snapshot(consultation) == before

    final = published_document()
    services.publish_feedback(consultation, actor=reviewer, final_document=final)
    assert consultation.final_document == final


def test_the_final_document_may_be_linked_later_but_only_a_published_one(
    closed_with_comments, reviewer, published_document
):
    consultation = closed_with_comments(count=0)
    services.save_feedback(consultation, actor=reviewer, summary="未收到意见。")
    services.publish_feedback(consultation, actor=reviewer)
    withdrawn = published_document()
    catalogue_services.withdraw_document(withdrawn, actor=reviewer, reason="错误")
    before = snapshot(consultation)
    with pytest.raises(ConsultationError, match="Only a published document"):
        services.link_final_document(consultation, actor=reviewer, document=withdrawn)
    assert snapshot(consultation) == before

    final = published_document()
    services.link_final_document(consultation, actor=reviewer, document=final)
    consultation.refresh_from_db()
    assert consultation.final_document == final
    assert consultation.events.filter(code="final_document_linked").exists()


# --- another agency's staff ---------------------------------------------------------------


def test_another_agencys_staff_are_refused_every_action(
    make_consultation, published, comment_on, reviewer, other_reviewer, other_editor, agency
):
    draft = make_consultation()
    running = published(title="征求意见中", moderation=Moderation.BEFORE)
    comment = comment_on(running)
    attempts = [
        (draft, lambda: services.publish_consultation(draft, actor=other_reviewer)),
        (
            draft,
            lambda: services.update_consultation(
                draft,
                actor=other_editor,
                title="改",
                opens_on=draft.opens_on,
                closes_on=draft.closes_on,
            ),
        ),
        (running, lambda: services.moderate_comment(comment, actor=other_reviewer, show=True)),
        (running, lambda: services.close_consultation(running, actor=other_reviewer, reason="x")),
        (running, lambda: services.save_feedback(running, actor=other_reviewer, summary="x")),
        (running, lambda: services.publish_feedback(running, actor=other_reviewer)),
    ]
    for consultation, attempt in attempts:
        before = snapshot(consultation)
        with pytest.raises(ConsultationPermissionDenied):
            attempt()
        assert snapshot(consultation) == before
    with pytest.raises(ConsultationPermissionDenied):
        services.create_consultation(
            agency=agency,
            actor=other_editor,
            title="别的机关",
            opens_on=datetime.date(2026, 3, 1),
            closes_on=datetime.date(2026, 3, 31),
        )
    assert Consultation.objects.count() == 2
