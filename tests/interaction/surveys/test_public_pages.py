"""The public pages of surveys: answering once per visitor, validation that stores nothing,
closed and unopened surveys, results shown live or after closing, and never a free text."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode

from gongkai.citizens.models import CitizenAccount
from gongkai.core.models import AuditEntry
from gongkai.interaction.surveys import services, visitors
from gongkai.interaction.surveys.models import Answer, Response, Survey
from tests.citizens.conftest import PASSWORD, sign_in
from tests.interaction.surveys.conftest import answer, choice_ids, form_data, questions_of

pytestmark = pytest.mark.django_db

TOKEN = "a" * 43
OTHER_TOKEN = "b" * 43
LIMIT_MESSAGE = "Too many answers to this survey have come from your network address recently."


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def detail(survey: Survey) -> str:
    return reverse("surveys:detail", args=[survey.pk])


def results_url(survey: Survey) -> str:
    return reverse("surveys:results", args=[survey.pk])


def with_cookie(client, token: str) -> None:
    client.cookies[visitors.COOKIE_NAME] = token


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_open_upcoming_and_closed_surveys_never_drafts(
    client, make_survey, django_assert_max_num_queries
):
    make_survey(title="正在进行的调查")
    make_survey(title="即将开始的调查", opens=3, closes=20)
    make_survey(title="已经结束的调查", opens=-20, closes=-2)
    make_survey(title="草稿调查", publish=False)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("surveys:index"))

    page = response.content.decode()
    assert response.status_code == 200
    open_part = page[page.index('data-testid="open-surveys"') : page.index("Opening soon")]
    assert "正在进行的调查" in open_part
    assert "已经结束的调查" not in open_part
    assert "即将开始的调查" in page
    closed_part = page[page.index('data-testid="closed-surveys"') :]
    assert "已经结束的调查" in closed_part
    assert "草稿调查" not in page


def test_the_portal_menu_links_to_the_surveys(client, make_survey):
    """Through the 政民互动 column: the menu links its landing page, which lists the open
    surveys and links their index."""
    survey = make_survey()
    home = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("interaction:index")}"' in home
    landing = client.get(reverse("interaction:index")).content.decode()
    assert f'href="{reverse("surveys:index")}"' in landing
    assert f'href="{reverse("surveys:detail", args=[survey.pk])}"' in landing


def test_a_draft_is_not_found_on_any_public_page(client, make_survey):
    survey = make_survey(publish=False)
    for name in ("detail", "thanks", "answered", "results"):
        assert client.get(reverse(f"surveys:{name}", args=[survey.pk])).status_code == 404
    assert client.post(detail(survey), form_data(survey)).status_code == 404
    assert not Response.objects.exists()


# --- answering -----------------------------------------------------------------------------


def test_the_form_gives_a_visitor_cookie_and_an_answer_is_stored_under_its_keyed_hash(
    client, make_survey
):
    survey = make_survey()
    page = client.get(detail(survey))
    assert page.status_code == 200
    token = page.cookies[visitors.COOKIE_NAME].value
    assert page.cookies[visitors.COOKIE_NAME]["httponly"]
    single_q, multiple_q, rating_q, text_q = questions_of(survey)

    sent = client.post(detail(survey), form_data(survey, **{f"q{text_q.pk}": "希望多公开招生信息"}))

    assert sent.status_code == 302
    assert sent["Location"] == reverse("surveys:thanks", args=[survey.pk])
    stored = Response.objects.get()
    assert stored.number == 1
    assert stored.visitor_hash == visitors.visitor_hash(survey.pk, token)
    assert token not in stored.visitor_hash
    answers = {a.question_id: a for a in Answer.objects.filter(response=stored)}
    assert [c.pk for c in answers[single_q.pk].choices.all()] == [choice_ids(single_q)[0]]
    assert sorted(c.pk for c in answers[multiple_q.pk].choices.all()) == [
        choice_ids(multiple_q)[0],
        choice_ids(multiple_q)[2],
    ]
    assert answers[rating_q.pk].rating == 4
    assert answers[text_q.pk].text == "希望多公开招生信息"
    # Nothing records the address: no field of the response, no audit entry.
    assert "127.0.0.1" not in str(Response.objects.values().get())
    assert not AuditEntry.objects.filter(object_type="interaction.response").exists()
    assert client.get(sent["Location"]).status_code == 200


def test_the_same_cookie_is_refused_a_second_answer(client, make_survey):
    survey = make_survey()
    with_cookie(client, TOKEN)
    assert client.post(detail(survey), form_data(survey)).status_code == 302

    again = client.post(detail(survey), form_data(survey))
    shown = client.get(detail(survey))

    answered = reverse("surveys:answered", args=[survey.pk])
    assert again.status_code == 302 and again["Location"] == answered
    assert shown.status_code == 302 and shown["Location"] == answered
    assert Response.objects.count() == 1
    page = client.get(answered)
    assert "You have already answered this survey" in page.content.decode()


def test_the_same_form_sent_twice_is_stored_once(client, make_survey):
    """A double click without cookies: the form's key finds the first response."""
    survey = make_survey()
    data = form_data(survey, submission_key="k" * 43)

    first = client.post(detail(survey), data)
    client.cookies.pop(visitors.COOKIE_NAME)
    second = client.post(detail(survey), data)

    thanks = reverse("surveys:thanks", args=[survey.pk])
    assert first["Location"] == thanks
    assert second["Location"] == thanks
    assert Response.objects.count() == 1


def test_new_cookies_from_one_address_are_refused_beyond_the_limit(client, make_survey, settings):
    settings.GONGKAI_SURVEY_ANSWERS_PER_ADDRESS = 2
    survey = make_survey()
    for index in range(2):
        with_cookie(client, f"{index}" * 43)
        assert client.post(detail(survey), form_data(survey)).status_code == 302

    with_cookie(client, "c" * 43)
    refused = client.post(detail(survey), form_data(survey))

    assert refused.status_code == 429
    assert LIMIT_MESSAGE in refused.content.decode()
    assert Response.objects.count() == 2
    assert Answer.objects.filter(response__number=3).count() == 0
    # Another address is not affected, nor another survey from this one.
    other = client.post(detail(survey), form_data(survey), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    assert Response.objects.count() == 3


def test_the_limit_refusal_speaks_the_visitors_language(client, make_survey, settings):
    """The message is a translatable string: on the Chinese site it comes in Chinese (the
    catalogue's entry), here checked as the page's language and the refusal's place."""
    settings.GONGKAI_SURVEY_ANSWERS_PER_ADDRESS = 0
    survey = make_survey()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    refused = client.post(detail(survey), form_data(survey))
    assert refused.status_code == 429
    assert refused.headers["Content-Language"] == "zh-hans"
    assert 'data-testid="form-errors"' in refused.content.decode()
    assert not Response.objects.exists()


def test_required_questions_are_named_and_nothing_is_stored(client, make_survey):
    survey = make_survey()
    single_q, multiple_q, rating_q, _text_q = questions_of(survey)

    sent = client.post(
        detail(survey),
        {f"q{single_q.pk}": str(choice_ids(single_q)[1]), f"q{rating_q.pk}": ""},
    )

    page = sent.content.decode()
    assert sent.status_code == 400
    assert "Your answers were not saved." in page
    assert page.count("Answer this question.") == 4  # summary and field, for two questions
    assert f'href="#question-{multiple_q.pk}"' in page
    assert f'href="#question-{rating_q.pk}"' in page
    # What was chosen stays chosen.
    assert re.search(rf'value="{choice_ids(single_q)[1]}"[^>]*checked', page)
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("case", ["foreign_single", "foreign_multiple", "rating_high", "rating_x"])
def test_a_wrong_answer_is_refused_with_its_message_and_nothing_is_stored(
    client, make_survey, case
):
    survey = make_survey()
    single_q, multiple_q, rating_q, _text_q = questions_of(survey)
    foreign = choice_ids(multiple_q)[1]  # a choice of another question
    overrides, message = {
        "foreign_single": ({f"q{single_q.pk}": str(foreign)}, "Choose from the choices given."),
        "foreign_multiple": (
            {f"q{multiple_q.pk}": [str(choice_ids(single_q)[0])]},
            "Choose from the choices given.",
        ),
        "rating_high": ({f"q{rating_q.pk}": "6"}, "Give a rating from 1 to 5."),
        "rating_x": ({f"q{rating_q.pk}": "x"}, "Give a rating from 1 to 5."),
    }[case]

    sent = client.post(detail(survey), form_data(survey, **overrides))

    assert sent.status_code == 400
    assert message in sent.content.decode()
    assert not Response.objects.exists()


def test_an_optional_question_may_be_left_empty(client, make_survey):
    survey = make_survey()
    assert client.post(detail(survey), form_data(survey)).status_code == 302
    text_q = questions_of(survey)[3]
    assert not Answer.objects.filter(question=text_q).exists()


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (-10, -1, "This survey is closed and takes no more answers."),
        (2, 10, "This survey is not open yet."),
    ],
)
def test_closed_and_unopened_surveys_refuse_answers(client, make_survey, opens, closes, message):
    survey = make_survey(opens=opens, closes=closes)

    shown = client.get(detail(survey))
    sent = client.post(detail(survey), form_data(survey))

    assert shown.status_code == 200
    assert message in shown.content.decode()
    assert 'class="survey-form"' not in shown.content.decode()
    assert sent.status_code == 403
    assert message in sent.content.decode()
    assert not Response.objects.exists()


def test_a_survey_closed_by_its_reviewer_refuses_answers(client, make_survey, reviewer):
    survey = make_survey(closes=10)
    services.close_survey(survey, actor=reviewer)
    assert client.post(detail(survey), form_data(survey)).status_code == 403
    assert not Response.objects.exists()


# --- results -------------------------------------------------------------------------------


def test_results_kept_for_the_closing_are_hidden_while_open(client, make_survey):
    survey = make_survey(results=Survey.ResultsShown.AFTER_CLOSING)
    answer(survey, token=TOKEN)

    page = client.get(results_url(survey)).content.decode()

    assert 'data-testid="results-hidden"' in page
    assert "家长" not in page
    assert "survey-chart-data" not in page
    assert "echarts" not in page


def test_results_are_shown_once_closed(client, make_survey, reviewer):
    survey = make_survey(results=Survey.ResultsShown.AFTER_CLOSING)
    answer(survey, token=TOKEN)
    services.close_survey(survey, actor=reviewer)

    page = client.get(results_url(survey)).content.decode()

    assert "results-hidden" not in page
    assert "1 response in all." in page


def test_live_results_are_shown_while_open(client, make_survey):
    survey = make_survey(results=Survey.ResultsShown.LIVE)
    answer(survey, token=TOKEN)
    page = client.get(results_url(survey)).content.decode()
    assert "The survey is still open: these are the results so far." in page
    assert "1 response in all." in page


def _cells(page: str, label: str) -> list[str]:
    """The count and percentage cells of the table row labelled ``label``."""
    match = re.search(
        rf'<th scope="row">{re.escape(label)}</th>\s*<td class="num">(\d+)</td>\s*'
        rf'<td class="num">([\d.]+%)</td>',
        page,
    )
    assert match, label
    return [match.group(1), match.group(2)]


def test_counts_percentages_and_the_mean_are_correct(client, make_survey):
    survey = make_survey(results=Survey.ResultsShown.LIVE)
    answer(survey, token="1" * 43, single=0, multiple=(0, 1), rating=5)
    answer(survey, token="2" * 43, single=0, multiple=(1,), rating=4)
    answer(survey, token="3" * 43, single=1, multiple=(0, 1, 2), rating=4, text="意见")

    page = client.get(results_url(survey)).content.decode()

    assert "3 responses in all." in page
    assert _cells(page, "家长") == ["2", "66.7%"]
    assert _cells(page, "学生") == ["1", "33.3%"]
    assert _cells(page, "其他市民") == ["0", "0.0%"]
    assert _cells(page, "网站") == ["2", "66.7%"]
    assert _cells(page, "公众号") == ["3", "100.0%"]
    assert _cells(page, "学校通知") == ["1", "33.3%"]
    assert _cells(page, "5（非常满意）") == ["1", "33.3%"]
    assert _cells(page, "4") == ["2", "66.7%"]
    assert _cells(page, "1（非常不满意）") == ["0", "0.0%"]
    assert "Mean rating: 4.33 (on a scale from 1 to 5)." in page
    # The optional question: one answer, two left it empty.
    assert "1 answer" in page and "2 left it empty" in page


def test_free_text_never_reaches_a_public_page(client, make_survey, reviewer):
    survey = make_survey(results=Survey.ResultsShown.LIVE)
    secret = "我的电话是13912345678，请联系我"
    with_cookie(client, TOKEN)
    client.post(detail(survey), form_data(survey, **{f"q{questions_of(survey)[3].pk}": secret}))
    assert Answer.objects.filter(text=secret).exists()

    pages = [
        client.get(reverse("surveys:index")),
        client.get(detail(survey), follow=True),
        client.get(reverse("surveys:thanks", args=[survey.pk])),
        client.get(reverse("surveys:answered", args=[survey.pk])),
        client.get(results_url(survey)),
    ]
    services.close_survey(survey, actor=reviewer)
    pages.append(client.get(results_url(survey)))

    for response in pages:
        assert response.status_code == 200
        assert "13912345678" not in response.content.decode()
    assert "Written answers are read by the agency and are not published." in (
        pages[-1].content.decode()
    )


def test_charts_read_their_data_from_json_with_no_inline_script(client, make_survey):
    survey = make_survey(results=Survey.ResultsShown.LIVE)
    answer(survey, token=TOKEN)

    page = client.get(results_url(survey)).content.decode()

    assert '<script id="survey-chart-data" type="application/json">' in page
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert "/static/gongkai/js/survey-charts.js" in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    # The tables are there for readers without JavaScript.
    assert page.count('<table class="data-table survey-table">') == 3


def test_the_form_and_the_results_take_a_fixed_number_of_queries(
    client, make_survey, django_assert_max_num_queries
):
    survey = make_survey(results=Survey.ResultsShown.LIVE)
    for index in range(6):
        answer(survey, token=f"{index}" * 43, multiple=(0, 1, 2), text=f"意见{index}")
    with_cookie(client, TOKEN)

    with django_assert_max_num_queries(10):
        assert client.get(detail(survey)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(results_url(survey)).status_code == 200


# --- signed-in citizens only ---------------------------------------------------------------

SIGN_IN_PROMPT = "Only citizens signed in to their account can answer this survey, once each."
NOT_SAVED = "Your answers were not saved: you are not signed in."


def citizens_survey(make_survey, **options) -> Survey:
    return make_survey(answer_control=Survey.AnswerControl.CITIZEN, **options)


def sign_in_link(survey: Survey) -> str:
    """The prompt's link, as it appears in the page's HTML."""
    query = urlencode({"next": detail(survey)})
    return escape(f"{reverse('citizens:sign_in')}?{query}")


def test_an_anonymous_visitor_reads_the_questions_and_is_asked_to_sign_in(client, make_survey):
    survey = citizens_survey(make_survey)

    shown = client.get(detail(survey))

    page = shown.content.decode()
    assert shown.status_code == 200
    assert 'data-testid="survey-sign-in"' in page and SIGN_IN_PROMPT in page
    assert f'href="{sign_in_link(survey)}"' in page
    assert NOT_SAVED not in page
    for question in questions_of(survey):
        assert question.text in page
    # Questions to read, not a form to send.
    assert "<fieldset disabled>" in page
    assert 'method="post"' not in page.split('data-testid="survey-preview"')[1]
    assert "Send my answers" not in page
    assert visitors.COOKIE_NAME not in shown.cookies


def test_an_anonymous_answer_is_refused_with_the_prompt_and_nothing_stored(
    client, make_survey, settings
):
    survey = citizens_survey(make_survey)
    with_cookie(client, TOKEN)  # a survey cookie is no sign-in

    sent = client.post(detail(survey), form_data(survey, submission_key="k" * 43))

    page = sent.content.decode()
    assert sent.status_code == 403
    assert NOT_SAVED in page and SIGN_IN_PROMPT in page
    assert f'href="{sign_in_link(survey)}"' in page
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_the_prompt_leads_to_sign_in_and_back_to_the_survey(client, make_survey, citizen):
    survey = citizens_survey(make_survey)
    page = client.get(detail(survey)).content.decode()
    prompt = page.split('data-testid="survey-sign-in"')[1]
    link = html.unescape(re.search(r'href="([^"]*/sign-in/[^"]*)"', prompt).group(1))

    form = client.get(link).content.decode()
    assert f'name="next" value="{detail(survey)}"' in form
    signed_in = client.post(
        link, {"email": citizen.email, "password": PASSWORD, "next": detail(survey)}
    )

    assert signed_in.status_code == 302 and signed_in["Location"] == detail(survey)
    page = client.get(detail(survey)).content.decode()
    assert "Send my answers" in page and "survey-sign-in" not in page


def test_a_signed_in_citizen_answers_once(client, make_survey, citizen):
    survey = citizens_survey(make_survey)
    sign_in(client, citizen)

    sent = client.post(detail(survey), form_data(survey))

    assert sent.status_code == 302
    assert sent["Location"] == reverse("surveys:thanks", args=[survey.pk])
    stored = Response.objects.get()
    assert stored.account_hash == visitors.account_hash(survey.pk, citizen.pk)
    assert stored.visitor_hash == ""
    assert Answer.objects.filter(response=stored).count() == 3
    assert visitors.COOKIE_NAME not in sent.cookies


def test_a_second_answer_from_the_account_is_refused(client, make_survey, citizen):
    """Also from another browser: the account answers, not the browser."""
    survey = citizens_survey(make_survey)
    sign_in(client, citizen)
    assert client.post(detail(survey), form_data(survey)).status_code == 302

    again = client.post(detail(survey), form_data(survey))
    shown = client.get(detail(survey))
    other_browser = Client()
    sign_in(other_browser, citizen)
    elsewhere = other_browser.post(detail(survey), form_data(survey))

    answered = reverse("surveys:answered", args=[survey.pk])
    for response in (again, shown, elsewhere):
        assert response.status_code == 302 and response["Location"] == answered
    assert Response.objects.count() == 1
    page = client.get(answered).content.decode()
    assert "You have already answered this survey" in page
    assert "have already been received from your account" in page


def test_the_same_form_sent_twice_by_a_citizen_is_stored_once(client, make_survey, citizen):
    survey = citizens_survey(make_survey)
    sign_in(client, citizen)
    data = form_data(survey, submission_key="k" * 43)
    thanks = reverse("surveys:thanks", args=[survey.pk])
    assert client.post(detail(survey), data)["Location"] == thanks
    assert client.post(detail(survey), data)["Location"] == thanks
    assert Response.objects.count() == 1


def test_two_citizens_both_answer_from_one_address(
    client, make_survey, citizen, other_citizen, settings
):
    """The address limit is for browsers; accounts are counted by themselves."""
    settings.GONGKAI_SURVEY_ANSWERS_PER_ADDRESS = 1
    survey = citizens_survey(make_survey)
    for account in (citizen, other_citizen):
        browser = Client()
        sign_in(browser, account)
        assert browser.post(detail(survey), form_data(survey)).status_code == 302
    hashes = set(Response.objects.values_list("account_hash", flat=True))
    assert hashes == {
        visitors.account_hash(survey.pk, citizen.pk),
        visitors.account_hash(survey.pk, other_citizen.pk),
    }


def test_unconfirmed_and_closed_accounts_cannot_answer(client, make_survey, citizen_factory):
    """They cannot sign in; an account closed after signing in is signed out at once."""
    survey = citizens_survey(make_survey)
    for account in (citizen_factory(verified=False), citizen_factory(is_active=False)):
        refused = client.post(
            reverse("citizens:sign_in"), {"email": account.email, "password": PASSWORD}
        )
        assert refused.status_code == 200  # the sign-in form again, with its message
        assert client.post(detail(survey), form_data(survey)).status_code == 403

    account = citizen_factory()
    sign_in(client, account)
    CitizenAccount.objects.filter(pk=account.pk).update(is_active=False)
    sent = client.post(detail(survey), form_data(survey))
    assert sent.status_code == 403 and NOT_SAVED in sent.content.decode()
    assert not Response.objects.exists()


def test_a_citizens_survey_says_who_may_answer_even_when_closed(client, make_survey):
    survey = citizens_survey(make_survey, opens=-10, closes=-1)
    page = client.get(detail(survey)).content.decode()
    assert "Citizens signed in to their account, one answer each" in page
    assert "survey-sign-in" not in page
    browser_survey = make_survey(opens=-10, closes=-1)
    assert "Who may answer" not in client.get(detail(browser_survey)).content.decode()
