"""The workbench pages of consultations: the form, publication, moderation, closing, the
feedback, and the refusals (anonymous visitors, another agency's staff)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.models import AuditEntry
from gongkai.interaction.consultations import services
from gongkai.interaction.consultations.models import (
    Comment,
    Consultation,
    ConsultationArticle,
    ConsultationAttachment,
    ConsultationEvent,
    Decision,
    Feedback,
    FeedbackPoint,
)
from gongkai.workbench.queue import queue_for

from .conftest import CONTACT

pytestmark = pytest.mark.django_db

State = Consultation.State


def url(name: str, *args: object) -> str:
    return reverse(f"consultations_staff:{name}", args=args)


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "张店区停车管理办法（征求意见稿）",
        "summary": "起草说明",
        "body": "<p>第一条 为了规范停车管理，制定本办法。</p><p>第二条 本办法适用于城区。</p>",
        "opens_on": "2026-03-15",
        "closes_on": "2026-04-14",
        "moderation": "before",
        "articles-TOTAL_FORMS": "3",
        "articles-INITIAL_FORMS": "0",
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def everything() -> dict[str, object]:
    """The state of every consultation table, to assert that a refusal changed nothing."""
    return {
        "consultations": sorted(
            Consultation.objects.values_list(
                "pk", "state", "title", "closed_at", "final_document_id", "updated_at"
            )
        ),
        "articles": ConsultationArticle.objects.count(),
        "attachments": ConsultationAttachment.objects.count(),
        "comments": sorted(
            Comment.objects.values_list("pk", "state", "decision", "decision_reason", "point_id")
        ),
        "feedback": sorted(Feedback.objects.values_list("pk", "summary")),
        "points": FeedbackPoint.objects.count(),
        "events": ConsultationEvent.objects.count(),
    }


# --- the draft ------------------------------------------------------------------------------


def test_an_editor_prepares_a_consultation_split_into_articles(client, editor):
    client.force_login(editor)
    response = client.post(url("create"), form_data(split_articles="on"))
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", consultation.pk)
    assert consultation.state == State.DRAFT and consultation.created_by == editor
    assert list(consultation.articles.values_list("number", "text")) == [
        ("第一条", "为了规范停车管理，制定本办法。"),
        ("第二条", "本办法适用于城区。"),
    ]


def test_an_editor_gives_articles_row_by_row(client, editor):
    client.force_login(editor)
    data = form_data(
        **{
            "articles-0-number": "第一条",
            "articles-0-heading": "目的",
            "articles-0-text": "为了规范停车管理。",
            "articles-1-number": "第二条",
            "articles-1-text": "删除的这一条",
            "articles-1-DELETE": "on",
        }
    )
    client.post(url("create"), data)
    consultation = Consultation.objects.get()
    assert list(consultation.articles.values_list("number", "heading")) == [("第一条", "目的")]


def test_bad_dates_come_back_on_the_form(client, editor):
    client.force_login(editor)
    response = client.post(url("create"), form_data(closes_on="2026-03-01"))
    assert response.status_code == 400
    assert "closes_on" in response.context["form"].errors
    assert not Consultation.objects.exists()


def test_a_reviewer_publishes_after_the_check(client, make_consultation, reviewer):
    consultation = make_consultation()
    client.force_login(reviewer)
    page = client.get(url("detail", consultation.pk))
    assert page.status_code == 200 and page.context["actions"]["publish"]
    response = client.post(url("publish", consultation.pk))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.state == State.OPEN


def test_personal_data_found_comes_back_on_the_publish_form(client, make_consultation, reviewer):
    consultation = make_consultation(summary="联系电话13912345678")
    client.force_login(reviewer)
    response = client.post(url("publish", consultation.pk))
    assert response.status_code == 400
    assert "personal_data_reason" in response.context["publish_form"].errors
    consultation.refresh_from_db()
    assert consultation.state == State.DRAFT


def test_an_editor_uploads_an_attachment(client, make_consultation, editor):
    from tests.catalogue.conftest import make_pdf

    consultation = make_consultation()
    client.force_login(editor)
    response = client.post(
        url("attachment_upload", consultation.pk),
        {"file": SimpleUploadedFile("说明.pdf", make_pdf())},
    )
    assert response.status_code == 302
    attachment = consultation.attachments.get()
    assert attachment.original_name == "说明.pdf"
    download = client.get(url("attachment_download", consultation.pk, attachment.pk))
    assert download.status_code == 200
    bad = client.post(
        url("attachment_upload", consultation.pk),
        {"file": SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>")},
    )
    assert bad.status_code == 400
    assert consultation.attachments.count() == 1


# --- comments and moderation ----------------------------------------------------------------


def test_a_reviewer_moderates_and_reads_contacts_audited(client, published, comment_on, reviewer):
    consultation = published()
    pending = comment_on(consultation)
    other = comment_on(consultation)
    client.force_login(reviewer)

    page = client.get(url("comments", consultation.pk))
    assert page.status_code == 200
    assert CONTACT in page.content.decode()
    assert AuditEntry.objects.filter(action="personal_data.read", actor=reviewer).exists()

    client.post(url("comment_moderate", consultation.pk, pending.pk), {"action": "show"})
    client.post(url("comment_moderate", consultation.pk, other.pk), {"action": "hide"})
    pending.refresh_from_db()
    other.refresh_from_db()
    assert pending.state == Comment.State.SHOWN
    assert other.state == Comment.State.PENDING  # hiding needs a reason
    client.post(
        url("comment_moderate", consultation.pk, other.pk), {"action": "hide", "reason": "广告"}
    )
    other.refresh_from_db()
    assert other.state == Comment.State.HIDDEN


def test_an_editor_sees_comments_without_contacts_and_cannot_moderate(
    client, published, comment_on, editor
):
    consultation = published()
    comment = comment_on(consultation)
    client.force_login(editor)
    page = client.get(url("comments", consultation.pk))
    assert CONTACT not in page.content.decode()
    response = client.post(url("comment_moderate", consultation.pk, comment.pk), {"action": "show"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.state == Comment.State.PENDING


def test_the_reviewers_queue_holds_comments_awaiting_moderation(
    published, comment_on, reviewer, editor, agency
):
    consultation = published()
    comment_on(consultation)
    comment_on(consultation)
    items = [item for item in queue_for(reviewer, agency) if item.url.startswith(url("list"))]
    assert len(items) == 1
    assert items[0].title == consultation.title
    assert items[0].due == consultation.closes_on
    assert "2" in str(items[0].state)
    assert not [i for i in queue_for(editor, agency) if i.url.startswith(url("list"))]


def test_the_workbench_menu_has_the_consultations(editor, reviewer, office_user, handler_only):
    from gongkai.workbench.navigation import navigation_for

    for user in (editor, reviewer, office_user):
        assert "consultations" in {link.key for link in navigation_for(user)}
    assert "consultations" not in {link.key for link in navigation_for(handler_only)}


@pytest.fixture
def handler_only(db, agency, staff_role_factory):
    from gongkai.agencies.models import StaffRole

    return staff_role_factory(agency=agency, role=StaffRole.Role.HANDLER).user


# --- closing and the feedback ---------------------------------------------------------------


def test_the_whole_feedback_through_the_pages(
    client, published, comment_on, reviewer, published_document
):
    consultation = published(moderation=Consultation.Moderation.AT_ONCE)
    one = comment_on(consultation)
    two = comment_on(consultation)
    client.force_login(reviewer)

    assert client.post(url("close", consultation.pk), {"reason": ""}).status_code == 400
    client.post(url("close", consultation.pk), {"reason": "任务调整，提前结束"})
    consultation.refresh_from_db()
    assert consultation.state == State.CLOSED and consultation.closed_early

    client.post(url("feedback_summary", consultation.pk), {"summary": "采纳一条。"})
    client.post(
        url("feedback_point_add", consultation.pk),
        {"text": "关于监督", "decision": Decision.ADOPTED, "reason": ""},
    )
    point = FeedbackPoint.objects.get()
    refused = client.post(
        url("feedback_decisions", consultation.pk),
        {f"decision_{one.pk}": f"point:{point.pk}", f"decision_{two.pk}": Decision.NOT_ADOPTED},
    )
    assert refused.status_code == 400  # not adopted needs its reason
    two.refresh_from_db()
    assert two.decision == ""
    client.post(
        url("feedback_decisions", consultation.pk),
        {
            f"decision_{one.pk}": f"point:{point.pk}",
            f"decision_{two.pk}": Decision.NOT_ADOPTED,
            f"reason_{two.pk}": "不符合上位法。",
        },
    )
    page = client.get(url("feedback", consultation.pk))
    counts = page.context["counts"]
    assert (counts.received, counts.adopted, counts.not_adopted) == (2, 1, 1)

    final = published_document()
    response = client.post(
        url("feedback_publish", consultation.pk), {"final_document": final.index_number}
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.state == State.FEEDBACK
    assert consultation.final_document == final


def test_a_document_that_is_not_published_cannot_be_named_final(
    client, closed_with_comments, reviewer, editor, agency
):
    from gongkai.catalogue import services as catalogue_services

    consultation = closed_with_comments(count=0)
    services.save_feedback(consultation, actor=reviewer, summary="未收到意见。")
    draft = catalogue_services.create_document(
        agency=agency, actor=editor, kind="document", title="草稿文件"
    )
    client.force_login(reviewer)
    address = f"http://testserver/documents/{draft.pk}/"
    response = client.post(url("feedback_publish", consultation.pk), {"final_document": address})
    assert response.status_code == 400
    assert "final_document" in response.context["publish_form"].errors
    consultation.refresh_from_db()
    assert consultation.state == State.CLOSED and consultation.final_document is None


# --- refusals --------------------------------------------------------------------------------


def _every_staff_url(consultation: Consultation) -> list[tuple[str, str, dict[str, object]]]:
    """(method, url, data) of every staff page and action of ``consultation``."""
    comment = consultation.comments.first()
    attachment = consultation.attachments.first()
    point = FeedbackPoint.objects.filter(feedback__consultation=consultation).first()
    pk = consultation.pk
    return [
        ("get", url("detail", pk), {}),
        ("get", url("edit", pk), {}),
        ("post", url("edit", pk), form_data(title="改过")),
        ("post", url("attachment_upload", pk), {}),
        ("get", url("attachment_download", pk, attachment.pk), {}),
        ("post", url("attachment_remove", pk, attachment.pk), {}),
        ("post", url("publish", pk), {"personal_data_reason": "x"}),
        ("post", url("close", pk), {"reason": "x"}),
        ("post", url("final_document", pk), {"final_document": "x"}),
        ("get", url("comments", pk), {}),
        ("post", url("comment_moderate", pk, comment.pk), {"action": "hide", "reason": "x"}),
        ("get", url("feedback", pk), {}),
        ("post", url("feedback_summary", pk), {"summary": "x"}),
        ("post", url("feedback_point_add", pk), {"text": "x", "decision": "adopted"}),
        ("post", url("feedback_point_remove", pk, point.pk), {}),
        ("post", url("feedback_decisions", pk), {}),
        ("post", url("feedback_publish", pk), {}),
    ]


@pytest.fixture
def full_consultation(make_consultation, editor, reviewer, comment_on) -> Consultation:
    """A closed consultation with an attachment, a comment, a feedback summary and a point."""
    from tests.catalogue.conftest import make_pdf

    consultation = make_consultation(moderation=Consultation.Moderation.AT_ONCE)
    services.add_attachment(
        consultation, actor=editor, uploaded_file=SimpleUploadedFile("a.pdf", make_pdf())
    )
    services.publish_consultation(consultation, actor=reviewer)
    comment_on(consultation)
    services.close_consultation(consultation, actor=reviewer, reason="提前")
    services.save_feedback(consultation, actor=reviewer, summary="说明")
    services.add_feedback_point(consultation, actor=reviewer, text="要点", decision="adopted")
    return consultation


def test_anonymous_visitors_are_sent_to_sign_in(client, full_consultation):
    sign_in = reverse("workbench:login")
    pages = [("get", url("list"), {}), ("get", url("create"), {})]
    pages += _every_staff_url(full_consultation)
    before = everything()
    for method, address, data in pages:
        response = getattr(client, method)(address, data)
        assert response.status_code == 302, address
        assert response["Location"].startswith(sign_in), address
    assert everything() == before


def test_another_agencys_staff_are_refused_everywhere_with_nothing_changed(
    client, full_consultation, other_reviewer, other_editor, staff_role_factory, other_agency
):
    from gongkai.agencies.models import StaffRole

    # One person holding every role of the other agency.
    for role in (StaffRole.Role.HANDLER, StaffRole.Role.HEAD):
        staff_role_factory(user=other_reviewer, agency=other_agency, role=role)
    staff_role_factory(user=other_reviewer, agency=other_agency, role=StaffRole.Role.EDITOR)
    before = everything()
    for user in (other_reviewer, other_editor):
        client.force_login(user)
        for method, address, data in _every_staff_url(full_consultation):
            response = getattr(client, method)(address, data)
            assert response.status_code == 404, (user, address)
        listed = client.get(url("list"))
        assert full_consultation not in listed.context["page"].object_list
    assert everything() == before


def test_the_office_sees_every_agencys_consultations_but_changes_nothing(
    client, full_consultation, office_user
):
    client.force_login(office_user)
    listed = client.get(url("list"))
    assert full_consultation in listed.context["page"].object_list
    assert client.get(url("detail", full_consultation.pk)).status_code == 200
    before = everything()
    response = client.post(url("feedback_publish", full_consultation.pk), {})
    assert response.status_code == 403
    assert everything() == before


def test_the_list_of_an_agency(
    client, published, make_consultation, editor, django_assert_max_num_queries
):
    for n in range(4):
        published(title=f"征求意见{n}")
    make_consultation(title="草稿")
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        response = client.get(url("list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 5


def test_closing_by_the_date_happens_on_the_first_feedback_action(client, published, reviewer):
    from .conftest import EARLIER, PAST

    consultation = published(now=EARLIER, **PAST)
    client.force_login(reviewer)
    page = client.get(url("detail", consultation.pk))
    assert page.context["actions"]["feedback"]
    client.post(url("feedback_summary", consultation.pk), {"summary": "说明"})
    consultation.refresh_from_db()
    assert consultation.state == State.CLOSED
    assert consultation.closed_at == datetime.datetime(
        2026, 3, 9, 16, 0, tzinfo=datetime.UTC
    )  # the end of the closing day in Shanghai
