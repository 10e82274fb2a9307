"""The actions on an application's staff page: one POST view per service, and the panels the
case page offers each user in each state.

Pages are read in English (the language cookie) so that the services' messages can be
asserted on; the form errors are also checked through the response's context.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from gongkai.agencies.models import StaffRole
from gongkai.catalogue.models import Document
from gongkai.info_requests import services
from gongkai.info_requests.models import (
    Consultation,
    FeeNotice,
    InfoRequest,
    Notice,
    Remedy,
    RequestEvent,
    RequestFile,
    WithheldPart,
)
from gongkai.info_requests.outcomes import Exemption, Outcome
from gongkai.info_requests.views.staff_actions import ACTIONS, Panel, panels_for
from tests.info_requests.conftest import at

pytestmark = pytest.mark.django_db

State = InfoRequest.State
Code = RequestEvent.Code
D = datetime.date


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


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


# The actions on what an answered case has issued: tried on a replied case (below).
LATER_ACTIONS = {"propose_for_disclosure", "record_remedy", "decide_remedy", "reissue_notice"}


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
    # Every action URL of the urlconf is tried, here or on a replied case (LATER_ACTIONS).
    assert len(posts) + len(LATER_ACTIONS) == len(ACTIONS)

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
    # The acknowledgement issued on submission may be corrected (``reissue_notice``).
    assert names(panels) == {
        "accept",
        "request_correction",
        "close_at_receipt",
        "extend",
        "reissue_notice",
    }
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


# --- after the reply: proactive disclosure, reconsideration and litigation, notices -----------

REPLIED_ON = D(2025, 9, 10)


def png_upload(name: str = "明细.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def replied(assigned, handler, legal_reviewer):
    """An application received on 1 September and disclosed on 10 September, with the
    released copy attached (unless ``released=False``)."""

    def run(*, released: bool = True) -> InfoRequest:
        case = assigned(D(2025, 9, 1))
        with at(REPLIED_ON):
            if released:
                services.add_request_file(
                    case, actor=handler, kind=RequestFile.Kind.RELEASED, uploaded_file=png_upload()
                )
            services.draft_reply(
                case, actor=handler, outcome=Outcome.DISCLOSED, reply_text="予以公开。"
            )
            services.submit_for_review(case, actor=handler)
            services.review_request(case, actor=legal_reviewer, approve=True)
        case.refresh_from_db()
        assert case.replied_on == REPLIED_ON
        return case

    return run


@pytest.fixture
def editing_handler(handler, handling_agency, staff_role_factory):
    """The handler, also an editor of the handling agency's catalogue."""
    staff_role_factory(agency=handling_agency, role=StaffRole.Role.EDITOR, user=handler)
    return handler


def remedies_of(case: InfoRequest) -> list[tuple]:
    return list(
        Remedy.objects.filter(request=case)
        .order_by("id")
        .values_list("kind", "body", "case_number", "filed_on", "result", "decided_on", "note")
    )


def notices_of(case: InfoRequest) -> list[tuple]:
    return list(
        Notice.objects.filter(request=case).order_by("id").values_list("number", "replaced_on")
    )


def everything(case: InfoRequest) -> tuple:
    """A replied case as a refused action must leave it."""
    return snapshot(case), remedies_of(case), notices_of(case), Document.objects.count()


def test_another_agencys_staff_get_404_on_the_later_actions_and_nothing_changes(
    client, replied, office, stranger, staff_role_factory, other_agency
):
    staff_role_factory(agency=other_agency, role=StaffRole.Role.EDITOR, user=stranger)
    case = replied()
    with at(D(2025, 10, 9)):
        remedy = services.record_remedy(
            case,
            actor=office,
            kind=Remedy.Kind.RECONSIDERATION,
            body="张家港市人民政府",
            filed_on=D(2025, 10, 9),
        )
    notice = Notice.objects.get(request=case, kind=Notice.Kind.REPLY)
    before = everything(case)
    posts = [
        (url("propose_for_disclosure", case), {}),
        (
            url("record_remedy", case),
            {"kind": Remedy.Kind.LITIGATION, "body": "某区人民法院", "filed_on": "2025-10-10"},
        ),
        (
            url("decide_remedy", case, remedy_pk=remedy.pk),
            {"result": Remedy.Result.CORRECTED, "decided_on": "2025-10-10"},
        ),
        (
            url("reissue_notice", case),
            {"notice": notice.pk, "reason": "申请人姓名有误。", "on": "2025-10-10"},
        ),
    ]
    assert len(posts) == len(LATER_ACTIONS)

    with at(D(2025, 10, 10)):
        for address, data in posts:
            assert post(client, stranger, address, data).status_code == 404, address

    assert everything(case) == before


# --- reconsideration and litigation (REG 51, table 四) ---------------------------------------


def test_a_reconsideration_and_the_lawsuit_after_it_are_recorded_and_decided(
    english, replied, office
):
    case = replied()
    assert "record_remedy" in names(panels_for(case, office))

    with at(D(2025, 10, 9)):
        response = post(
            english,
            office,
            url("record_remedy", case),
            {
                "kind": Remedy.Kind.RECONSIDERATION,
                "body": "张家港市人民政府",
                "case_number": "张政复〔2025〕12号",
                "filed_on": "2025-10-09",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == detail_url(case)
        assert last_message(response) == (
            "The administrative reconsideration before 张家港市人民政府 is recorded."
        )
        remedy = case.remedies.get()
        assert (remedy.kind, remedy.filed_on, remedy.result, remedy.recorded_by) == (
            Remedy.Kind.RECONSIDERATION,
            D(2025, 10, 9),
            "",
            office,
        )

        page = english.get(detail_url(case))
        listing = page.content.decode().split('data-testid="remedies"', 1)[1]
        listing = listing.split("</section>", 1)[0]
        for shown in ("administrative reconsideration", "张政复〔2025〕12号", "2025-10-09"):
            assert shown in listing
        assert "not yet decided" in listing
        decide = panel(page, f"decide_remedy-{remedy.pk}")
        assert decide.url == url("decide_remedy", case, remedy_pk=remedy.pk)
        assert decide.title == (
            "Result of the administrative reconsideration before 张家港市人民政府 "
            "(filed 2025-10-09)"
        )

    with at(D(2025, 12, 1)):
        response = post(
            english,
            office,
            decide.url,
            {"result": Remedy.Result.UPHELD, "decided_on": "2025-12-01", "note": "维持原答复。"},
        )
        assert response.status_code == 302
        assert last_message(response) == (
            "The result of the administrative reconsideration is recorded: upheld."
        )
        remedy.refresh_from_db()
        assert (remedy.result, remedy.decided_on, remedy.note) == (
            Remedy.Result.UPHELD,
            D(2025, 12, 1),
            "维持原答复。",
        )
        page = english.get(detail_url(case))
        assert not [p for p in page.context["panels"] if p.name.startswith("decide_remedy")]
        assert "维持原答复。" in page.content.decode()

        response = post(
            english,
            office,
            url("record_remedy", case),
            {
                "kind": Remedy.Kind.LITIGATION_AFTER,
                "body": "张家港市人民法院",
                "filed_on": "2025-12-01",
            },
        )
    assert response.status_code == 302
    assert list(case.remedies.order_by("id").values_list("kind", "result")) == [
        (Remedy.Kind.RECONSIDERATION, Remedy.Result.UPHELD),
        (Remedy.Kind.LITIGATION_AFTER, Remedy.Result.PENDING),
    ]


def test_only_the_office_records_remedies(client, replied, office, handler, legal_reviewer):
    case = replied()
    other = replied()
    with at(D(2025, 10, 9)):
        remedy = services.record_remedy(
            case, actor=office, kind=Remedy.Kind.LITIGATION, body="某区人民法院",
            filed_on=D(2025, 10, 9),
        )  # fmt: skip
    before, other_before = everything(case), everything(other)
    record = {"kind": Remedy.Kind.LITIGATION, "body": "某区人民法院", "filed_on": "2025-10-10"}
    decide = {"result": Remedy.Result.CORRECTED, "decided_on": "2025-10-10"}

    with at(D(2025, 10, 10)):
        for user in (handler, legal_reviewer):
            assert post(client, user, url("record_remedy", case), record).status_code == 403
            address = url("decide_remedy", case, remedy_pk=remedy.pk)
            assert post(client, user, address, decide).status_code == 403
        # A remedy is decided only through its own application's page.
        address = url("decide_remedy", other, remedy_pk=remedy.pk)
        assert post(client, office, address, decide).status_code == 404

    assert everything(case) == before
    assert everything(other) == other_before
    for user in (handler, legal_reviewer):
        assert not {p.name.split("-")[0] for p in panels_for(case, user)} & {
            "record_remedy",
            "decide_remedy",
        }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": ""}, "kind", "Choose reconsideration or litigation."),
        ({"body": " "}, "body", "Name the reconsideration body or the court."),
        ({"filed_on": ""}, "filed_on", "Give the date it was filed."),
        ({"filed_on": "2025-10-11"}, "filed_on", "The date cannot be in the future."),
        (
            {"filed_on": "2025-09-09"},
            "filed_on",
            "It cannot be filed before the reply (2025-09-10).",
        ),
        (
            {"kind": Remedy.Kind.LITIGATION_AFTER},
            "kind",
            "Record the reconsideration before the lawsuit that followed it.",
        ),
    ],
)
def test_a_remedy_with_bad_input_is_refused_at_its_field(
    english, replied, office, data, field, message
):
    case = replied()
    before = everything(case)
    good = {"kind": Remedy.Kind.RECONSIDERATION, "body": "区人民政府", "filed_on": "2025-10-09"}
    with at(D(2025, 10, 10)):
        response = post(english, office, url("record_remedy", case), {**good, **data})
    assert response.status_code == 400
    assert panel(response, "record_remedy").form.errors[field] == [message]
    assert escape(message) in response.content.decode()
    assert everything(case) == before


def test_a_result_with_bad_input_is_refused_and_a_result_is_recorded_once(english, replied, office):
    case = replied()
    with at(D(2025, 10, 9)):
        remedy = services.record_remedy(
            case, actor=office, kind=Remedy.Kind.RECONSIDERATION, body="区人民政府",
            filed_on=D(2025, 10, 9),
        )  # fmt: skip
    address = url("decide_remedy", case, remedy_pk=remedy.pk)
    name = f"decide_remedy-{remedy.pk}"
    before = everything(case)
    with at(D(2025, 12, 1)):
        for data, field, message in [
            ({"result": ""}, "result", "Choose the result."),
            ({"decided_on": ""}, "decided_on", "Give the date of the decision."),
            (
                {"decided_on": "2025-10-08"},
                "decided_on",
                "The decision cannot come before the filing.",
            ),
            ({"decided_on": "2025-12-02"}, "decided_on", "The date cannot be in the future."),
        ]:
            good = {"result": Remedy.Result.CORRECTED, "decided_on": "2025-12-01"}
            response = post(english, office, address, {**good, **data})
            assert response.status_code == 400, data
            assert panel(response, name).form.errors[field] == [message]
            assert escape(message) in response.content.decode()
        assert everything(case) == before

        good = {"result": Remedy.Result.CORRECTED, "decided_on": "2025-12-01"}
        assert post(english, office, address, good).status_code == 302
        decided = everything(case)
        response = post(english, office, address, {**good, "result": Remedy.Result.OTHER})
    # No longer offered, but the refused form is shown with its reason.
    assert response.status_code == 400
    assert panel(response, name).form.non_field_errors() == ["The result is recorded already."]
    assert everything(case) == decided
    remedy.refresh_from_db()
    assert remedy.result == Remedy.Result.CORRECTED


def test_an_application_not_replied_cannot_be_challenged(english, assigned, office):
    case = assigned(D(2025, 9, 1))
    assert "record_remedy" not in names(panels_for(case, office))
    before = everything(case)
    with at(D(2025, 9, 3)):
        response = post(
            english,
            office,
            url("record_remedy", case),
            {"kind": Remedy.Kind.RECONSIDERATION, "body": "区人民政府", "filed_on": "2025-09-03"},
        )
    assert response.status_code == 400
    assert panel(response, "record_remedy").form.non_field_errors() == [
        "Only a replied application can be challenged."
    ]
    assert everything(case) == before


# --- proposing released information for proactive disclosure (REG 44) ------------------------


def test_the_handler_proposes_the_released_information_for_proactive_disclosure(
    english, replied, editing_handler, handling_agency
):
    case = replied()
    offered = {p.name: p for p in panels_for(case, editing_handler)}
    assert offered["propose_for_disclosure"].url == url("propose_for_disclosure", case)

    with at(D(2025, 9, 12)):
        response = post(english, editing_handler, url("propose_for_disclosure", case))
        # The editor goes on in the catalogue's workbench.
        assert english.get(response["Location"]).status_code == 200

    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue_staff:document_detail", args=[document.pk])
    assert last_message(response) == (
        "A catalogue draft is made from the released files: complete it and send it to the "
        "confidentiality review."
    )
    assert (document.agency, document.state) == (handling_agency, Document.State.DRAFT)
    assert [a.original_name for a in document.attachments.all()] == ["明细.png"]
    event = case.events.get(code=Code.PROPOSED_FOR_DISCLOSURE)
    assert (event.actor, event.data) == (editing_handler, {"document": document.pk})


def test_only_a_handler_who_edits_the_catalogue_proposes(
    client, replied, office, handler, legal_reviewer, staff_role_factory, agency
):
    # The office member edits the catalogue of the agency asked, not of the handling agency.
    staff_role_factory(agency=agency, role=StaffRole.Role.EDITOR, user=office)
    case = replied()
    before = everything(case)
    with at(D(2025, 9, 12)):
        for user in (office, handler, legal_reviewer):
            response = post(client, user, url("propose_for_disclosure", case))
            assert response.status_code == 403
            assert "propose_for_disclosure" not in names(panels_for(case, user))
    assert everything(case) == before


def test_nothing_is_proposed_without_released_files_or_before_the_reply(
    english, replied, assigned, editing_handler
):
    case = replied(released=False)
    assert "propose_for_disclosure" not in names(panels_for(case, editing_handler))
    before = everything(case)
    with at(D(2025, 9, 12)):
        response = post(english, editing_handler, url("propose_for_disclosure", case))
    assert response.status_code == 400
    assert panel(response, "propose_for_disclosure").form.non_field_errors() == [
        "Attach the information released before proposing it."
    ]
    assert everything(case) == before

    handling = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        services.add_request_file(
            handling,
            actor=editing_handler,
            kind=RequestFile.Kind.RELEASED,
            uploaded_file=png_upload(),
        )
        assert "propose_for_disclosure" not in names(panels_for(handling, editing_handler))
        before = everything(handling)
        response = post(english, editing_handler, url("propose_for_disclosure", handling))
    assert response.status_code == 400
    assert panel(response, "propose_for_disclosure").form.non_field_errors() == [
        "Only replied applications can be proposed."
    ]
    assert everything(handling) == before


# --- correcting a notice ----------------------------------------------------------------------


def test_a_notice_is_corrected_from_the_case_page(english, replied, handler, office):
    case = replied()
    reply = Notice.objects.get(request=case, kind=Notice.Kind.REPLY)
    acknowledgement = Notice.objects.get(request=case, kind=Notice.Kind.ACKNOWLEDGEMENT)
    english.force_login(handler)
    form = panel(english.get(detail_url(case)), "reissue_notice").form
    assert set(form.fields["notice"].queryset) == {reply, acknowledgement}

    with at(D(2025, 9, 12)):
        response = post(
            english,
            handler,
            url("reissue_notice", case),
            {"notice": reply.pk, "reason": "申请人姓名有误。", "on": "2025-09-12"},
        )
        assert response.status_code == 302
        assert response["Location"] == detail_url(case)
        new = Notice.objects.get(replaces=reply)
        assert last_message(response) == (
            f"Notice {new.number} is issued; it replaces {reply.number}."
        )
        assert (new.kind, new.reissue_reason, new.issued_on, new.issued_by) == (
            Notice.Kind.REPLY,
            "申请人姓名有误。",
            D(2025, 9, 12),
            handler,
        )
        reply.refresh_from_db()
        assert reply.replaced_on == D(2025, 9, 12)
        # The replaced notice is no longer offered; its replacement is.
        form = panel(english.get(detail_url(case)), "reissue_notice").form
        assert set(form.fields["notice"].queryset) == {new, acknowledgement}

        # The disclosure office corrects notices too.
        response = post(
            english,
            office,
            url("reissue_notice", case),
            {"notice": acknowledgement.pk, "reason": "日期有误。", "on": "2025-09-12"},
        )
    assert response.status_code == 302
    assert Notice.objects.filter(replaces=acknowledgement).count() == 1


def test_a_notice_correction_is_refused_to_other_roles_and_for_bad_input(
    english, replied, submit, handler, legal_reviewer, head
):
    case = replied()
    reply = Notice.objects.get(request=case, kind=Notice.Kind.REPLY)
    foreign = Notice.objects.get(request=submit(D(2025, 9, 1)))  # another case's receipt
    address = url("reissue_notice", case)
    good = {"notice": reply.pk, "reason": "申请人姓名有误。", "on": "2025-09-12"}
    before = everything(case)
    with at(D(2025, 9, 12)):
        for user in (legal_reviewer, head):
            assert post(english, user, address, good).status_code == 403
            assert "reissue_notice" not in names(panels_for(case, user))
        for data, field, message in [
            ({"reason": " "}, "reason", "Give the reason for the new notice."),
            ({"notice": ""}, "notice", "Choose the notice to correct."),
            (
                {"notice": foreign.pk},
                "notice",
                "Choose a notice of this application that has not been replaced.",
            ),
            ({"on": ""}, "on", "Give the date of the new notice."),
            ({"on": "2025-09-13"}, "on", "The date cannot be in the future."),
            (
                {"on": "2025-09-09"},
                "on",
                "A new notice cannot be dated before the notice it replaces.",
            ),
        ]:
            response = post(english, handler, address, {**good, **data})
            assert response.status_code == 400, data
            assert panel(response, "reissue_notice").form.errors[field] == [message]
            assert escape(message) in response.content.decode()
    assert everything(case) == before
