"""The workbench's survey pages: sign-in needed, another agency refused with nothing changed,
editors build, reviewers publish and close, the office sees all, questions frozen once
answered, results with the free texts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import StaffRole
from gongkai.interaction.surveys.models import Question, Response, Survey
from gongkai.workbench.navigation import navigation_for
from tests.interaction.surveys.conftest import answer, questions_of
from tests.interaction.surveys.test_services import snapshot

pytestmark = pytest.mark.django_db

State = Survey.State
TOKEN = "s" * 43
FROZEN = "This survey has 1 answer: its questions can no longer be changed"


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def staff_urls(survey: Survey) -> list[tuple[str, str]]:
    """Every staff address of ``survey``, with the method it answers."""
    question = questions_of(survey)[0]
    on_survey = [
        ("get", "detail"),
        ("get", "edit"),
        ("post", "edit"),
        ("post", "publish"),
        ("post", "close"),
        ("get", "results"),
        ("post", "export_csv"),
        ("post", "export_xlsx"),
        ("get", "question_add"),
        ("post", "question_add"),
    ]
    on_question = [
        ("get", "question_edit"),
        ("post", "question_edit"),
        ("post", "question_move"),
        ("post", "question_remove"),
    ]
    urls = [
        (method, reverse(f"surveys_staff:{name}", args=[survey.pk])) for method, name in on_survey
    ]
    urls += [
        (method, reverse(f"surveys_staff:{name}", args=[survey.pk, question.pk]))
        for method, name in on_question
    ]
    return urls


def settings_data(**overrides) -> dict[str, str]:
    now = timezone.localtime()
    data = {
        "title": "窗口服务满意度调查",
        "introduction": "请您评价",
        "opens_at": (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "results_shown": Survey.ResultsShown.LIVE,
        "answer_control": Survey.AnswerControl.BROWSER,
    }
    data.update(overrides)
    return data


QUESTION_DATA = {
    "text": "您对窗口服务是否满意？",
    "kind": Question.Kind.SINGLE,
    "required": "on",
    "choices": "满意\n基本满意\n\n不满意\n",
    "scale_min": "1",
    "scale_max": "5",
}


def test_anonymous_visitors_are_sent_to_sign_in_on_every_staff_url(client, make_survey):
    survey = make_survey(publish=False)
    before = snapshot(survey)
    login = reverse("workbench:login")
    urls = [("get", reverse("surveys_staff:index")), ("get", reverse("surveys_staff:create"))]
    for method, url in urls + staff_urls(survey):
        response = getattr(client, method)(url, {"direction": "up"} if method == "post" else None)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url
    assert snapshot(survey) == before


def test_another_agencys_staff_are_refused_everywhere_with_nothing_changed(
    client, make_survey, stranger
):
    draft = make_survey(publish=False, title="草稿")
    published = make_survey(title="已发布")
    answer(published, token=TOKEN, text="只给本机关看的意见")
    before = [snapshot(draft), snapshot(published)]
    client.force_login(stranger)

    for survey in (draft, published):
        for method, url in staff_urls(survey):
            data = {"direction": "down", **settings_data(), **QUESTION_DATA}
            response = getattr(client, method)(url, data if method == "post" else None)
            assert response.status_code == 404, url

    listing = client.get(reverse("surveys_staff:index")).content.decode()
    assert "草稿" not in listing and "已发布" not in listing
    assert [snapshot(draft), snapshot(published)] == before


def test_an_editor_builds_a_survey_through_the_forms(client, agency, editor):
    client.force_login(editor)
    assert "surveys" in [link.key for link in navigation_for(editor)]

    created = client.post(reverse("surveys_staff:create"), settings_data())
    survey = Survey.objects.get()
    assert created["Location"] == reverse("surveys_staff:detail", args=[survey.pk])
    assert survey.agency == agency and survey.state == State.DRAFT
    assert survey.results_shown == Survey.ResultsShown.LIVE

    added = client.post(reverse("surveys_staff:question_add", args=[survey.pk]), QUESTION_DATA)
    assert added.status_code == 302
    question = survey.questions.get()
    assert list(question.choices.values_list("text", flat=True)) == ["满意", "基本满意", "不满意"]

    rating = client.post(
        reverse("surveys_staff:question_add", args=[survey.pk]),
        {**QUESTION_DATA, "kind": "rating", "choices": "", "scale_min": "0", "scale_max": "10"},
    )
    assert rating.status_code == 302
    assert survey.questions.get(position=2).scale() == range(0, 11)

    page = client.get(reverse("surveys_staff:detail", args=[survey.pk])).content.decode()
    assert "您对窗口服务是否满意？" in page
    assert reverse("surveys_staff:publish", args=[survey.pk]) not in page  # not a reviewer


def test_a_bad_question_comes_back_with_the_message(client, make_survey, editor):
    survey = make_survey(publish=False, specs=[])
    client.force_login(editor)
    response = client.post(
        reverse("surveys_staff:question_add", args=[survey.pk]),
        {**QUESTION_DATA, "choices": "只有一个"},
    )
    assert response.status_code == 400
    assert "A choice question needs at least two choices." in response.content.decode()
    assert not survey.questions.exists()


def test_a_closing_before_the_opening_is_refused_on_the_form(client, editor):
    client.force_login(editor)
    now = timezone.localtime()
    response = client.post(
        reverse("surveys_staff:create"),
        settings_data(closes_at=(now - datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 400
    assert "The survey must close after it opens." in response.content.decode()
    assert not Survey.objects.exists()


def test_a_reviewer_publishes_and_closes_from_the_page(client, make_survey, reviewer):
    survey = make_survey(publish=False)
    client.force_login(reviewer)
    page = client.get(reverse("surveys_staff:detail", args=[survey.pk])).content.decode()
    assert reverse("surveys_staff:publish", args=[survey.pk]) in page

    client.post(reverse("surveys_staff:publish", args=[survey.pk]))
    assert Survey.objects.get(pk=survey.pk).state == State.PUBLISHED
    client.post(reverse("surveys_staff:close", args=[survey.pk]))
    assert Survey.objects.get(pk=survey.pk).state == State.CLOSED


def test_an_editor_may_not_publish_and_is_told_why(client, make_survey, editor):
    survey = make_survey(publish=False)
    client.force_login(editor)
    response = client.post(reverse("surveys_staff:publish", args=[survey.pk]))
    assert response.status_code == 403
    assert "Only a reviewer of the agency may publish a survey." in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).state == State.DRAFT


def test_the_office_sees_every_agencys_surveys_but_does_not_publish(client, make_survey, office):
    survey = make_survey(publish=False)
    answer(make_survey(title="有答卷的调查"), token=TOKEN, text="办公室可以看到")
    client.force_login(office)

    listing = client.get(reverse("surveys_staff:index")).content.decode()
    assert survey.title in listing and "有答卷的调查" in listing
    assert client.get(reverse("surveys_staff:detail", args=[survey.pk])).status_code == 200
    answered = Survey.objects.get(title="有答卷的调查")
    results = client.get(reverse("surveys_staff:results", args=[answered.pk]))
    assert "办公室可以看到" in results.content.decode()
    assert client.post(reverse("surveys_staff:publish", args=[survey.pk])).status_code == 403
    assert Survey.objects.get(pk=survey.pk).state == State.DRAFT


def test_editing_questions_is_refused_once_answered(client, make_survey, editor):
    survey = make_survey()
    answer(survey, token=TOKEN)
    question = questions_of(survey)[0]
    before = snapshot(survey)
    client.force_login(editor)

    page = client.get(reverse("surveys_staff:detail", args=[survey.pk])).content.decode()
    assert 'data-testid="questions-frozen"' in page
    assert reverse("surveys_staff:question_edit", args=[survey.pk, question.pk]) not in page

    attempts = [
        client.get(reverse("surveys_staff:question_edit", args=[survey.pk, question.pk])),
        client.post(
            reverse("surveys_staff:question_edit", args=[survey.pk, question.pk]), QUESTION_DATA
        ),
        client.post(reverse("surveys_staff:question_add", args=[survey.pk]), QUESTION_DATA),
    ]
    for response in attempts:
        assert response.status_code == 403
        assert FROZEN in response.content.decode()
        assert "Nothing was changed." in response.content.decode()
    # The buttons come back to the survey's page with the message.
    for name, data in (("question_move", {"direction": "down"}), ("question_remove", {})):
        url = reverse(f"surveys_staff:{name}", args=[survey.pk, question.pk])
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == reverse("surveys_staff:detail", args=[survey.pk])
        assert FROZEN in response.content.decode()
    assert snapshot(survey) == before


def test_staff_results_show_the_free_texts(client, make_survey, editor):
    survey = make_survey()
    answer(survey, token=TOKEN, text="建议延长办公时间")
    client.force_login(editor)

    page = client.get(reverse("surveys_staff:results", args=[survey.pk])).content.decode()

    assert 'data-testid="text-answers"' in page
    assert "建议延长办公时间" in page
    assert "Response 1" in page
    assert "The public does not see these results yet." in page


def test_the_survey_list_counts_responses_in_few_queries(
    client, make_survey, editor, django_assert_max_num_queries
):
    for index in range(5):
        survey = make_survey(title=f"调查{index}")
        answer(survey, token=TOKEN)
    client.force_login(editor)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("surveys_staff:index"))
    assert response.status_code == 200
    assert Response.objects.count() == 5


def test_the_menu_entry_is_for_those_who_work_on_surveys(agency, staff_role_factory, editor):
    handler = staff_role_factory(agency=agency, role=StaffRole.Role.HANDLER).user
    assert "surveys" in [link.key for link in navigation_for(editor)]
    assert "surveys" not in [link.key for link in navigation_for(handler)]


# --- who may answer ------------------------------------------------------------------------

FIXED = "Who may answer can only be changed while the survey is a draft"


def test_an_editor_makes_a_survey_for_signed_in_citizens(client, editor):
    client.force_login(editor)
    client.post(
        reverse("surveys_staff:create"),
        settings_data(answer_control=Survey.AnswerControl.CITIZEN),
    )
    survey = Survey.objects.get()
    assert survey.answer_control == Survey.AnswerControl.CITIZEN

    page = client.get(reverse("surveys_staff:detail", args=[survey.pk])).content.decode()
    assert "signed-in citizens only, one answer per account" in page
    form = client.get(reverse("surveys_staff:edit", args=[survey.pk])).content.decode()
    assert re.search(r'name="answer_control" value="citizen"[^>]*checked', form)
    assert FIXED not in form


def test_who_may_answer_is_shown_but_fixed_on_a_published_survey(
    client, make_survey, editor, citizen
):
    survey = make_survey(answer_control=Survey.AnswerControl.CITIZEN)
    answer(survey, account=citizen)
    client.force_login(editor)
    url = reverse("surveys_staff:edit", args=[survey.pk])

    form = client.get(url).content.decode()
    assert FIXED in form
    assert re.search(r'name="answer_control" value="browser"[^>]*disabled', form)

    # A changed value sent anyway is ignored; the other settings are saved.
    sent = client.post(
        url,
        settings_data(
            title="延长的调查",
            results_shown=survey.results_shown,
            answer_control=Survey.AnswerControl.BROWSER,
        ),
    )
    assert sent.status_code == 302
    survey.refresh_from_db()
    assert survey.title == "延长的调查"
    assert survey.answer_control == Survey.AnswerControl.CITIZEN
