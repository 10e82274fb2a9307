"""The services walk an application from receipt to closing; each rule names its article."""

from __future__ import annotations

import datetime

import pytest

from gongkai.core.models import AuditEntry
from gongkai.info_requests import services, tasks
from gongkai.info_requests.clocks import read_clock
from gongkai.info_requests.models import InfoRequest, RequestEvent
from gongkai.info_requests.outcomes import (
    AT_RECEIPT,
    BY_DEADLINE,
    WITHHOLDING,
    Exemption,
    Outcome,
)
from gongkai.info_requests.workflow import InfoRequestError, InfoRequestPermissionDenied
from tests.info_requests.conftest import APPLICANT_NAME, VALID_ID, application_data, at

pytestmark = pytest.mark.django_db
State = InfoRequest.State
D = datetime.date


def test_a_partial_disclosure_from_receipt_to_closing(
    assigned, handler, legal_reviewer, mailoutbox
):
    request = assigned(D(2025, 9, 1))
    assert request.state == State.HANDLING
    assert request.rule_set == "2019"
    with at(D(2025, 9, 10)):
        services.draft_reply(
            request,
            actor=handler,
            outcome=Outcome.PARTLY_DISCLOSED,
            reply_text="经审查，部分公开。",
            withheld=[services.Withheld("受助人身份证号码", Exemption.THIRD_PARTY, "个人隐私")],
        )
        services.submit_for_review(request, actor=handler)
        request = services.review_request(request, actor=legal_reviewer, approve=True)
    assert request.state == State.REPLIED
    assert request.replied_on == D(2025, 9, 10)
    reading = read_clock(request, today=D(2025, 12, 1))
    assert reading.on_time is True
    # 20 working days after 1 September: the 20th is Sunday 28 September, a swapped working day.
    assert reading.due_date == D(2025, 9, 28)
    with at(D(2025, 9, 11)):
        services.deliver_request(request, actor=handler, how="电子邮件")
        request = services.close_request(request, actor=handler)
    assert request.state == State.CLOSED
    assert request.withheld.get().exemption == Exemption.THIRD_PARTY
    codes = list(request.events.values_list("code", flat=True))
    assert codes[0] == RequestEvent.Code.SUBMITTED
    assert codes[-1] == RequestEvent.Code.CLOSED
    # No event, audit entry or number carries the applicant's data.
    for event in request.events.all():
        assert APPLICANT_NAME not in str(event.data) + event.comment
    for entry in AuditEntry.objects.all():
        assert APPLICANT_NAME not in str(entry.details) + entry.object_repr
        assert VALID_ID not in str(entry.details) + entry.object_repr


def test_the_legal_reviewer_is_not_the_drafter(
    assigned, handler, handling_agency, staff_role_factory
):
    from gongkai.agencies.models import StaffRole

    staff_role_factory(agency=handling_agency, role=StaffRole.Role.LEGAL_REVIEWER, user=handler)
    request = assigned(D(2025, 9, 1))
    services.draft_reply(
        request, actor=handler, outcome=Outcome.NOT_HELD, reply_text="经检索，不存在。"
    )
    services.submit_for_review(request, actor=handler)
    with pytest.raises(InfoRequestPermissionDenied):
        services.review_request(request, actor=handler, approve=True)
    request.refresh_from_db()
    assert request.state == State.LEGAL_REVIEW


def test_a_second_submission_of_the_same_form_makes_one_application(agency):
    data = application_data()
    first, code = services.submit_request(data, agency=agency, submission_key="same-key")
    again, no_code = services.submit_request(data, agency=agency, submission_key="same-key")
    assert again.pk == first.pk and code and no_code is None
    assert InfoRequest.objects.count() == 1
    assert services.check_query_code(first, code)
    assert not services.check_query_code(first, "WRONG123")


def test_bad_input_changes_nothing(agency):
    with pytest.raises(InfoRequestError) as error:
        services.submit_request(
            application_data(id_number="110105194912310021"), agency=agency, submission_key="k"
        )
    assert error.value.field == "id_number"
    assert InfoRequest.objects.count() == 0


def _replied(assigned, handler, legal_reviewer, day, outcome=Outcome.DISCLOSED):
    request = assigned(day)
    with at(day):
        services.draft_reply(request, actor=handler, outcome=outcome, reply_text="予以公开。")
        services.submit_for_review(request, actor=handler)
        return services.review_request(request, actor=legal_reviewer, approve=True)


def test_reconsideration_then_litigation_feed_table_four(assigned, handler, legal_reviewer, office):
    """REG 51: reconsideration, litigation directly or after reconsideration, with results."""
    from gongkai.info_requests.models import Remedy

    request = _replied(assigned, handler, legal_reviewer, D(2025, 9, 1))
    with pytest.raises(InfoRequestError) as error:
        services.record_remedy(
            request, actor=office, kind=Remedy.Kind.LITIGATION_AFTER, body="某区人民法院",
            filed_on=D(2025, 10, 9),
        )  # fmt: skip
    assert error.value.field == "kind"
    with pytest.raises(InfoRequestError):
        services.record_remedy(
            request, actor=office, kind=Remedy.Kind.RECONSIDERATION, body="区人民政府",
            filed_on=D(2025, 8, 1),
        )  # fmt: skip
    first = services.record_remedy(
        request, actor=office, kind=Remedy.Kind.RECONSIDERATION, body="区人民政府",
        filed_on=D(2025, 10, 9),
    )  # fmt: skip
    services.decide_remedy(
        first, actor=office, result=Remedy.Result.UPHELD, decided_on=D(2025, 12, 1)
    )
    second = services.record_remedy(
        request, actor=office, kind=Remedy.Kind.LITIGATION_AFTER, body="某区人民法院",
        filed_on=D(2025, 12, 10),
    )  # fmt: skip
    assert second.result == ""  # 尚未审结
    with pytest.raises(InfoRequestPermissionDenied):
        services.record_remedy(
            request, actor=handler, kind=Remedy.Kind.LITIGATION, body="法院",
            filed_on=D(2025, 12, 10),
        )  # fmt: skip
    assert Remedy.objects.count() == 2


def test_released_information_is_proposed_for_proactive_disclosure(
    assigned, handler, legal_reviewer, handling_agency, staff_role_factory
):
    """REG 44: the released copy becomes a catalogue draft of the handling agency."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongkai.agencies.models import StaffRole
    from gongkai.catalogue.models import Document
    from gongkai.info_requests.models import RequestFile

    staff_role_factory(agency=handling_agency, role=StaffRole.Role.EDITOR, user=handler)
    request = assigned(D(2025, 9, 1))
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    png = buffer.getvalue()
    with pytest.raises(InfoRequestError):
        services.propose_for_disclosure(request, actor=handler)  # not replied yet
    with at(D(2025, 9, 1)):
        services.add_request_file(
            request, actor=handler, kind=RequestFile.Kind.RELEASED,
            uploaded_file=SimpleUploadedFile("明细.png", png, content_type="image/png"),
        )  # fmt: skip
    with at(D(2025, 9, 2)):
        services.draft_reply(request, actor=handler, outcome=Outcome.DISCLOSED, reply_text="公开")
        services.submit_for_review(request, actor=handler)
        request = services.review_request(request, actor=legal_reviewer, approve=True)
    document = services.propose_for_disclosure(request, actor=handler)
    assert document.state == Document.State.DRAFT
    assert document.agency == handling_agency
    assert [a.original_name for a in document.attachments.all()] == ["明细.png"]
    assert APPLICANT_NAME not in document.title + document.summary
    with pytest.raises(InfoRequestError, match="proposed already"):
        services.propose_for_disclosure(request, actor=handler)
    assert Document.objects.count() == 1


def test_the_head_approves_after_the_legal_review_where_the_agency_requires_it(
    assigned, handler, legal_reviewer, head, handling_agency
):
    from gongkai.info_requests.models import AgencyRequestSettings

    AgencyRequestSettings.objects.create(agency=handling_agency, head_approval=True)
    request = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        services.draft_reply(request, actor=handler, outcome=Outcome.NOT_HELD, reply_text="不存在")
        services.submit_for_review(request, actor=handler)
        request = services.review_request(request, actor=legal_reviewer, approve=True)
        assert request.state == State.HEAD_APPROVAL and request.replied_on is None
        with pytest.raises(InfoRequestError) as error:
            services.approve_as_head(request, actor=head, approve=False)
        assert error.value.field == "comment"
        with pytest.raises(InfoRequestPermissionDenied):
            services.approve_as_head(request, actor=legal_reviewer, approve=True)
        request = services.approve_as_head(request, actor=head, approve=False, comment="补充检索")
        assert request.state == State.HANDLING
        services.submit_for_review(request, actor=handler)
        services.review_request(request, actor=legal_reviewer, approve=True)
        request = services.approve_as_head(request, actor=head, approve=True)
    assert request.state == State.REPLIED and request.replied_on == D(2025, 9, 2)
    codes = [
        code
        for code in request.events.values_list("code", flat=True)
        if code.startswith(("review", "head", "replied"))
    ]
    assert codes == [
        RequestEvent.Code.REVIEW_APPROVED,
        RequestEvent.Code.HEAD_RETURNED,
        RequestEvent.Code.REVIEW_APPROVED,
        RequestEvent.Code.HEAD_APPROVED,
        RequestEvent.Code.REPLIED,
    ]


# --------------------------------------------------------------------------- the first answer


def _first_answer_from_events(request: InfoRequest) -> tuple[datetime.date | None, str]:
    """What the events give, as table 三 read them before the answer was kept on the
    application: the earliest answering event by date, time and row, and the outcome it
    recorded (the database's ``data ->> 'outcome'``), else the application's own."""
    from django.db.models.fields.json import KeyTextTransform

    from gongkai.info_requests.models import answering_event_condition

    request.refresh_from_db()
    first = (
        request.events.filter(answering_event_condition())
        .order_by("on", "at", "id")
        .values_list("on", KeyTextTransform("outcome", "data"))
        .first()
    )
    if first is None:
        return None, ""
    return first[0], first[1] or request.outcome


def _first_answer_kept(request: InfoRequest) -> tuple[datetime.date | None, str]:
    request.refresh_from_db()
    if request.first_answered_on is None:
        return None, ""
    return request.first_answered_on, request.first_answer_outcome or request.outcome


HANDLED = sorted(set(Outcome.values) - AT_RECEIPT - BY_DEADLINE)


@pytest.mark.parametrize("outcome", HANDLED)
def test_reg36_a_reply_is_kept_as_the_first_answer(
    outcome, assigned, handler, legal_reviewer, office
):
    """Every reply type of REG 36 (with REG 37's partial disclosure and REG 38): the reply
    issued is the application's first answer, with its outcome; delivery and closing, later
    and without an outcome, leave it."""
    request = assigned(D(2025, 9, 1))
    assert _first_answer_kept(request) == _first_answer_from_events(request) == (None, "")
    parts = [services.Withheld("涉及第三方的部分", Exemption.THIRD_PARTY, "个人隐私")]
    with at(D(2025, 9, 5)):
        services.draft_reply(
            request,
            actor=handler,
            outcome=outcome,
            reply_text="答复如下。",
            withheld=parts if outcome in WITHHOLDING else (),
            referred_agency="江北省自然资源厅" if outcome == Outcome.OTHER_AGENCY else "",
        )
        services.submit_for_review(request, actor=handler)
    assert _first_answer_kept(request) == (None, "")  # a draft answers nothing
    with at(D(2025, 9, 8)):
        request = services.review_request(request, actor=legal_reviewer, approve=True)
    assert request.state == State.REPLIED
    assert _first_answer_kept(request) == _first_answer_from_events(request)
    assert _first_answer_kept(request) == (D(2025, 9, 8), outcome)
    with at(D(2025, 9, 10)):
        services.deliver_request(request, actor=handler, how="邮寄")
    with at(D(2025, 9, 12)):
        services.close_request(request, actor=office)
    assert _first_answer_kept(request) == _first_answer_from_events(request)
    assert _first_answer_kept(request) == (D(2025, 9, 8), outcome)


@pytest.mark.parametrize("outcome", sorted(AT_RECEIPT))
def test_reg36_a_closing_at_receipt_is_the_first_answer(outcome, submit, office):
    """REG 36(6), 35 and 39: closed at receipt, the closing carries the outcome and answers."""
    request = submit(D(2025, 9, 1))
    with at(D(2025, 9, 3)):
        request = services.close_at_receipt(
            request, actor=office, outcome=outcome, reply_text="依法不予处理。"
        )
    assert _first_answer_kept(request) == _first_answer_from_events(request)
    assert _first_answer_kept(request) == (D(2025, 9, 3), outcome)


def test_reg30_reg42_a_closing_for_a_missed_deadline_is_the_first_answer(
    submit, assigned, office, handler
):
    """REG 30 (no correction) and REG 42 (fee unpaid): the deadline job's closing answers."""
    uncorrected = submit(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        services.request_correction(uncorrected, actor=office, what="请写明文件名称", days=10)
    unpaid = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        services.issue_fee_notice(
            unpaid, actor=handler, method="per_page", pages=150, payment="银行转账"
        )
    tasks.run_all(today=D(2025, 9, 30))
    assert _first_answer_kept(uncorrected) == _first_answer_from_events(uncorrected)
    assert _first_answer_kept(uncorrected) == (D(2025, 9, 30), Outcome.NO_CORRECTION)
    assert _first_answer_kept(unpaid) == _first_answer_from_events(unpaid)
    assert _first_answer_kept(unpaid) == (D(2025, 9, 30), Outcome.UNPAID_FEE)


def test_the_migration_keeps_the_first_answer_the_events_give(submit, office):
    """0005 fills the first answer from the events as table 三 picks it: the earliest by date
    (an answer written later with an earlier date takes the place), then time, then row;
    a closing without an outcome does not answer; the outcome recorded, else none."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("gongkai.info_requests.migrations.0005_first_answer")
    requests = [submit(D(2025, 9, 1)) for _ in range(5)]
    moment = datetime.datetime(2025, 9, 10, 2, tzinfo=datetime.UTC)

    def event(request, code, on, hour, **data):
        RequestEvent.objects.create(
            request=request,
            code=code,
            on=on,
            at=moment.replace(day=on.day, hour=hour),
            data=data,
        )

    Code = RequestEvent.Code
    earlier, same_day, by_row, unanswered, no_outcome = requests
    event(earlier, Code.REPLIED, D(2025, 9, 12), 2, outcome=Outcome.DISCLOSED)
    event(earlier, Code.CLOSED, D(2025, 9, 10), 3, outcome=Outcome.REPEAT)  # written later
    event(same_day, Code.REPLIED, D(2025, 9, 10), 5, outcome=Outcome.DISCLOSED)
    event(same_day, Code.REPLIED, D(2025, 9, 10), 4, outcome=Outcome.NOT_HELD)  # earlier hour
    event(by_row, Code.REPLIED, D(2025, 9, 10), 4, outcome=Outcome.NOT_HELD)
    event(by_row, Code.REPLIED, D(2025, 9, 10), 4, outcome=Outcome.DISCLOSED)
    event(unanswered, Code.CLOSED, D(2025, 9, 10), 4)  # a closing without an outcome
    event(no_outcome, Code.REPLIED, D(2025, 9, 11), 4)  # the application's outcome counts
    InfoRequest.objects.filter(number=no_outcome.number).update(outcome=Outcome.OTHER)
    InfoRequest.objects.update(first_answered_on=D(2000, 1, 1), first_answer_outcome="x")
    migration.fill_first_answers(apps, SimpleNamespace(connection=connection))
    kept = {r.number: _first_answer_kept(r) for r in requests}
    assert kept == {r.number: _first_answer_from_events(r) for r in requests}
    assert kept == {
        earlier.number: (D(2025, 9, 10), Outcome.REPEAT),
        same_day.number: (D(2025, 9, 10), Outcome.NOT_HELD),
        by_row.number: (D(2025, 9, 10), Outcome.NOT_HELD),
        unanswered.number: (None, ""),
        no_outcome.number: (D(2025, 9, 11), Outcome.OTHER),
    }
