"""The actions on an application's staff page: one POST view per service, and the panels the
case page offers each user in each state.

Pages are read in English (the language cookie) so that the services' messages can be
asserted on; the form errors are also checked through the response's context.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from gongkai.info_requests import services
from gongkai.info_requests.models import (
    Consultation,
    FeeNotice,
    InfoRequest,
    RequestEvent,
    WithheldPart,
)
from gongkai.info_requests.outcomes import Exemption, Outcome
from gongkai.info_requests.views.staff_actions import ACTIONS, Panel, panels_for
from tests.info_requests.conftest import at

pytestmark = pytest.mark.django_db

State = InfoRequest.State
Code = RequestEvent.Code
D = datetime.date


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, case: InfoRequest, **kwargs: int) -> str:
    return reverse(f"info_requests_staff:{name}", kwargs={"pk": case.pk, **kwargs})


def detail_url(case: InfoRequest) -> str:
    return reverse("info_requests_staff:detail", args=[case.pk])


def snapshot(case: InfoRequest) -> tuple:
    """What a refused request must leave exactly as it was."""
    case.refresh_from_db()
    return (
        case.state,
        case.handling_agency_id,
        case.outcome,
        case.reply_text,
        case.extension_days,
        case.updated_at,
        case.events.count(),
        case.withheld.count(),
        case.consultations.filter(answered_on__isnull=False).count(),
        case.fees.exclude(settlement="").count(),
    )


def post(client, user, address: str, data: dict | None = None):
    client.force_login(user)
    return client.post(address, data or {})


def panel(response, name: str) -> Panel:
    (found,) = [p for p in response.context["panels"] if p.name == name]
    return found


def last_message(response) -> str:
    """The message the action added (earlier ones wait for a page to show them)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


def reply_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "outcome": Outcome.PARTLY_DISCLOSED,
        "reply_text": "经审查，部分公开，受助人身份证号码不予公开。",
        "referred_agency": "",
        "withheld_1_description": "受助人身份证号码",
        "withheld_1_exemption": Exemption.THIRD_PARTY,
        "withheld_1_reason": "个人隐私",
    }
    data.update(overrides)
    return data


# --- the whole case through the views ------------------------------------------------------


def test_a_partial_disclosure_walks_through_the_views(
    english, submit, office, handling_agency, handler, legal_reviewer
):
    client = english
    case = submit(D(2025, 9, 1))

    with at(D(2025, 9, 2)):
        response = post(client, office, url("accept", case), {"handling_agency": ""})
        assert response.status_code == 302
        assert response["Location"] == detail_url(case)
        assert last_message(response) == "The application is accepted."
        case.refresh_from_db()
        assert case.state == State.ACCEPTED

        response = post(client, office, url("assign", case), {"agency": handling_agency.pk})
        assert response.status_code == 302
        case.refresh_from_db()
        assert (case.state, case.handling_agency) == (State.HANDLING, handling_agency)

    with at(D(2025, 9, 10)):
        response = post(client, handler, url("draft_reply", case), reply_data())
        assert response.status_code == 302, response.context and [
            p.form.errors for p in response.context["panels"]
        ]
        case.refresh_from_db()
        assert case.outcome == Outcome.PARTLY_DISCLOSED
        part = WithheldPart.objects.get(request=case)
        assert (part.description, part.exemption, part.reason) == (
            "受助人身份证号码",
            Exemption.THIRD_PARTY,
            "个人隐私",
        )
        # The draft comes back in the form when the page is opened again.
        form = panel(client.get(detail_url(case)), "draft_reply").form
        assert form.initial["withheld_1_description"] == "受助人身份证号码"

        response = post(client, handler, url("submit_for_review", case))
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.state == State.LEGAL_REVIEW

        response = post(client, legal_reviewer, url("review", case), {"decision": "approve"})
        assert response.status_code == 302
        assert last_message(response) == "The reply is approved and issued."
        case.refresh_from_db()
        assert case.state == State.REPLIED
        assert case.replied_on == D(2025, 9, 10)

    with at(D(2025, 9, 12)):
        response = post(
            client, handler, url("deliver", case), {"how": "电子邮件", "on": "2025-09-11"}
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert (case.state, case.delivered_on) == (State.DELIVERED, D(2025, 9, 11))

        response = post(client, handler, url("close", case))
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.state == State.CLOSED

    codes = list(case.events.values_list("code", flat=True))
    assert codes == [
        Code.SUBMITTED,
        Code.NOTICE_ISSUED,  # the acknowledgement
        Code.ACCEPTED,
        Code.ASSIGNED,
        Code.DRAFTED,
        Code.SUBMITTED_FOR_REVIEW,
        Code.REVIEW_APPROVED,
        Code.REPLIED,
        Code.NOTICE_ISSUED,  # the reply notice
        Code.DELIVERED,
        Code.CLOSED,
    ]


def test_accept_can_assign_at_once(client, submit, office, handling_agency):
    case = submit(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        response = post(
            client, office, url("accept", case), {"handling_agency": handling_agency.pk}
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.handling_agency) == (State.HANDLING, handling_agency)


# --- refusals ---------------------------------------------------------------------------------


def test_a_legal_review_return_needs_a_comment(english, assigned, handler, legal_reviewer):
    case = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 3)):
        services.draft_reply(
            case, actor=handler, outcome=Outcome.NOT_HELD, reply_text="经检索，不存在。"
        )
        services.submit_for_review(case, actor=handler)
        before = snapshot(case)

        response = post(
            english, legal_reviewer, url("review", case), {"decision": "return", "comment": " "}
        )

    assert response.status_code == 400
    assert panel(response, "review").form.errors["comment"] == ["Say what must change."]
    assert escape("Say what must change.") in response.content.decode()
    assert snapshot(case) == before

    with at(D(2025, 9, 3)):
        response = post(
            english,
            legal_reviewer,
            url("review", case),
            {"decision": "return", "comment": "请补充检索范围。"},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.HANDLING


def _plausible_posts(case: InfoRequest, agency_pk: int, consultation_pk: int, fee_pk: int):
    """Every action URL of the case with data its form would accept."""
    today = "2025-09-05"
    return [
        (url("accept", case), {"handling_agency": agency_pk}),
        (url("assign", case), {"agency": agency_pk}),
        (url("transfer", case), {"agency": agency_pk, "reason": "职责调整"}),
        (url("request_correction", case), {"what": "请补充所需信息的文号。"}),
        (url("receive_correction", case), {"text": "文号为张政发〔2024〕1号。", "on": today}),
        (
            url("close_at_receipt", case),
            {"outcome": Outcome.PETITION, "reply_text": "请通过信访渠道反映。"},
        ),
        (url("extend", case), {"days": 10, "reason": "需要调取档案。"}),
        (url("consult", case), {"kind": Consultation.Kind.THIRD_PARTY, "party": "某公司"}),
        (
            url("settle_consultation", case, consultation_pk=consultation_pk),
            {"answer": Consultation.Answer.AGREES, "note": "", "on": today},
        ),
        (
            url("issue_fee_notice", case),
            {"method": FeeNotice.Method.PER_PAGE, "pages": 60, "payment": "银行转账"},
        ),
        (
            url("settle_fee", case, fee_pk=fee_pk),
            {"settlement": FeeNotice.Settlement.PAID, "note": "", "on": today},
        ),
        (url("draft_reply", case), reply_data()),
        (url("submit_for_review", case), {}),
        (url("review", case), {"decision": "approve", "comment": ""}),
        (url("approve_as_head", case), {"decision": "approve", "comment": ""}),
        (url("deliver", case), {"how": "电子邮件", "on": today}),
        (url("close", case), {}),
    ]


def test_another_agencys_staff_get_404_on_every_action_and_nothing_changes(
    client, assigned, handler, stranger, other_agency
):
    case = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        consultation = services.consult(
            case, actor=handler, kind=Consultation.Kind.THIRD_PARTY, party="某公司"
        )
        services.settle_consultation(consultation, actor=handler, answer=Consultation.Answer.AGREES)
        fee = services.issue_fee_notice(
            case, actor=handler, method=FeeNotice.Method.PER_PAGE, pages=60, payment="银行转账"
        )
    case.refresh_from_db()
    assert case.state == State.AWAITING_FEE
    before = snapshot(case)
    posts = _plausible_posts(case, other_agency.pk, consultation.pk, fee.pk)
    # Every action URL of the urlconf is tried.
    assert len(posts) == len(ACTIONS)

    with at(D(2025, 9, 5)):
        for address, data in posts:
            response = post(client, stranger, address, data)
            assert response.status_code == 404, address

    assert snapshot(case) == before


def test_an_office_member_who_is_not_a_handler_may_not_draft_the_reply(client, assigned, office):
    case = assigned(D(2025, 9, 1))
    before = snapshot(case)
    with at(D(2025, 9, 3)):
        response = post(client, office, url("draft_reply", case), reply_data())
    assert response.status_code == 403
    assert snapshot(case) == before


def test_actions_are_posted_not_got(client, submit, office):
    case = submit(D(2025, 9, 1))
    before = snapshot(case)
    client.force_login(office)
    assert client.get(url("accept", case)).status_code == 405
    assert client.get(url("close_at_receipt", case)).status_code == 405
    assert snapshot(case) == before


def test_actions_need_sign_in(client, submit):
    case = submit(D(2025, 9, 1))
    before = snapshot(case)
    response = client.post(url("accept", case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("workbench:login"))
    assert snapshot(case) == before


def test_a_correction_is_asked_within_7_working_days(english, submit, office):
    """REG 30: the correction notice goes out within 7 working days of receipt."""
    case = submit(D(2025, 9, 1))  # a Monday: the 7th working day is Wednesday 10 September
    before = snapshot(case)
    with at(D(2025, 9, 11)):
        response = post(english, office, url("request_correction", case), {"what": "请补充文号。"})
    assert response.status_code == 400
    message = (
        "A correction must be asked within 7 working days of receipt (REG 30); that was 2025-09-10."
    )
    assert panel(response, "request_correction").form.non_field_errors() == [message]
    assert escape(message) in response.content.decode()
    assert snapshot(case) == before

    other = submit(D(2025, 9, 1))
    with at(D(2025, 9, 10)):
        response = post(english, office, url("request_correction", other), {"what": "请补充文号。"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.state == State.CORRECTION


def test_one_extension_of_at_most_20_working_days(english, assigned, office):
    """REG 33: one extension, at most 20 working days."""
    case = assigned(D(2025, 9, 1))
    before = snapshot(case)
    with at(D(2025, 9, 3)):
        response = post(
            english, office, url("extend", case), {"days": 21, "reason": "需要调取档案。"}
        )
        assert response.status_code == 400
        assert panel(response, "extend").form.errors["days"] == [
            "An extension is 1 to 20 working days."
        ]
        assert snapshot(case) == before

        response = post(
            english, office, url("extend", case), {"days": 20, "reason": "需要调取档案。"}
        )
        assert response.status_code == 302
        assert last_message(response) == "The time limit is extended by 20 working days."
        case.refresh_from_db()
        assert case.extension_days == 20
        assert case.events.filter(code=Code.EXTENDED).count() == 1
        after_first = snapshot(case)

        response = post(english, office, url("extend", case), {"days": 5, "reason": "再延一次。"})
    assert response.status_code == 400
    # The extension is no longer offered, but the refused form is shown with its reason.
    assert panel(response, "extend").form.non_field_errors() == [
        "An application may be extended only once (REG 33)."
    ]
    assert snapshot(case) == after_first


def test_a_withheld_part_needs_its_exemption(english, assigned, handler):
    case = assigned(D(2025, 9, 1))
    before = snapshot(case)
    with at(D(2025, 9, 3)):
        response = post(
            english, handler, url("draft_reply", case), reply_data(withheld_1_exemption="")
        )
        assert response.status_code == 400
        form = panel(response, "draft_reply").form
        assert form.errors["withheld_1_exemption"] == ["Choose the exemption of each part."]
        # The service's own refusal (no part named) lands next to the parts.
        response = post(
            english,
            handler,
            url("draft_reply", case),
            reply_data(withheld_1_description="", withheld_1_exemption="", withheld_1_reason=""),
        )
    assert response.status_code == 400
    assert panel(response, "draft_reply").form.errors["withheld_1_description"] == [
        "Name each part withheld and its exemption (REG 37)."
    ]
    assert snapshot(case) == before


def test_a_fee_is_noticed_and_paid(client, assigned, handler):
    case = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        response = post(
            client,
            handler,
            url("issue_fee_notice", case),
            {"method": FeeNotice.Method.PER_PAGE, "pages": 60, "payment": "银行转账"},
        )
        assert response.status_code == 302
        fee = case.fees.get()
        assert fee.amount > 0
        response = post(
            client,
            handler,
            url("settle_fee", case, fee_pk=fee.pk),
            {"settlement": FeeNotice.Settlement.PAID, "on": "2025-09-02"},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    fee.refresh_from_db()
    assert (case.state, fee.settlement) == (State.HANDLING, FeeNotice.Settlement.PAID)


def test_a_future_date_is_refused(english, assigned, handler):
    case = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        consultation = services.consult(
            case, actor=handler, kind=Consultation.Kind.THIRD_PARTY, party="某公司"
        )
        before = snapshot(case)
        response = post(
            english,
            handler,
            url("settle_consultation", case, consultation_pk=consultation.pk),
            {"answer": Consultation.Answer.AGREES, "on": "2025-09-03"},
        )
    assert response.status_code == 400
    name = f"settle_consultation-{consultation.pk}"
    assert panel(response, name).form.errors["on"] == ["The date cannot be in the future."]
    assert snapshot(case) == before


# --- the panels offered -----------------------------------------------------------------------


def names(panels: list[Panel]) -> set[str]:
    return {p.name for p in panels}


def test_the_office_is_offered_the_receipt_actions(submit, office, handler):
    case = submit(D(2025, 9, 1))
    panels = panels_for(case, office)
    assert names(panels) == {"accept", "request_correction", "close_at_receipt", "extend"}
    assert [p.danger for p in panels if p.name == "close_at_receipt"] == [True]
    assert all(p.url.startswith(detail_url(case)) for p in panels)
    assert all(not p.form.is_bound for p in panels)
    # The handling agency's staff see nothing before the case is assigned to them.
    assert panels_for(case, handler) == []


def test_the_handler_drafts_and_the_reviewer_reviews(
    assigned, office, handler, legal_reviewer, stranger
):
    case = assigned(D(2025, 9, 1))
    handling = names(panels_for(case, handler))
    assert {"draft_reply", "consult", "issue_fee_notice", "request_correction"} <= handling
    assert not handling & {"review", "approve_as_head", "accept", "assign", "extend", "deliver"}
    assert "submit_for_review" not in handling  # nothing drafted yet
    assert "draft_reply" not in names(panels_for(case, office))
    assert panels_for(case, legal_reviewer) == []
    assert panels_for(case, stranger) == []

    with at(D(2025, 9, 3)):
        services.draft_reply(
            case, actor=handler, outcome=Outcome.NOT_HELD, reply_text="经检索，不存在。"
        )
    case.refresh_from_db()
    assert "submit_for_review" in names(panels_for(case, handler))

    with at(D(2025, 9, 3)):
        services.submit_for_review(case, actor=handler)
    case.refresh_from_db()
    in_review = names(panels_for(case, handler))
    assert not in_review & {"draft_reply", "submit_for_review", "review"}
    review_panels = panels_for(case, legal_reviewer)
    assert names(review_panels) == {"review"}
    decisions = review_panels[0].form.decisions  # type: ignore[attr-defined]
    assert [(d.value, d.danger) for d in decisions] == [("approve", False), ("return", True)]


def test_a_bound_form_replaces_the_blank_one(assigned, office):
    case = assigned(D(2025, 9, 1))
    blank = {p.name: p for p in panels_for(case, office)}
    form = blank["transfer"].form.__class__({"reason": ""}, case=case)
    assert not form.is_valid()
    panels = {p.name: p for p in panels_for(case, office, bound={"transfer": form})}
    assert panels["transfer"].form is form
    assert not panels["extend"].form.is_bound


def test_the_page_shows_the_panels(english, assigned, handler):
    case = assigned(D(2025, 9, 1))
    english.force_login(handler)
    response = english.get(detail_url(case))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'action="{url("draft_reply", case)}"' in content
    assert 'name="withheld_5_exemption"' in content
    assert url("review", case) not in content
    assert "<script" not in content.split('data-testid="action-panels"', 1)[1]
