"""Every time limit of an application, each test naming its article (REGULATION.md §0–§2).

Dates are counted by hand on the official calendar: the 2025 National Day holiday ran from
1 to 8 October with Sunday 28 September and Saturday 11 October worked; the 2026 Spring
Festival from 15 to 23 February with Saturday 14 and Saturday 28 February worked.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from gongkai.info_requests import services, tasks
from gongkai.info_requests.clocks import read_clock
from gongkai.info_requests.models import Consultation, FeeNotice, InfoRequest
from gongkai.info_requests.outcomes import Outcome
from gongkai.info_requests.rules import rule_set_for
from gongkai.info_requests.workflow import InfoRequestError
from tests.info_requests.conftest import at

pytestmark = pytest.mark.django_db
State = InfoRequest.State
D = datetime.date


def due(request: InfoRequest, today: datetime.date) -> datetime.date | None:
    request.refresh_from_db()
    return read_clock(request, today=today).due_date


# --- which rules apply (REGULATION.md §0) -------------------------------------------------


def test_the_rule_set_is_chosen_by_the_receipt_date():
    """2007 Regulation (Decree 492) to 2019-05-14, the 2019 Regulation (Decree 711) from
    2019-05-15."""
    assert rule_set_for(D(2014, 3, 3)).code == "2007"
    assert rule_set_for(D(2019, 5, 14)).code == "2007"
    assert rule_set_for(D(2019, 5, 15)).code == "2019"
    assert rule_set_for(D(2019, 5, 15)).reply_limit == 20
    assert rule_set_for(D(2019, 5, 14)).reply_limit == 15


def test_2007_rules_15_working_days_for_a_2014_application(submit):
    """2007 Regulation art. 24: reply within 15 working days of receipt."""
    request = submit(D(2014, 3, 3))
    assert request.rule_set == "2007"
    assert due(request, D(2014, 3, 3)) == D(2014, 3, 24)


def test_2007_rules_extension_of_15_working_days_at_most(submit, office):
    """2007 Regulation art. 24: extended by at most 15 working days; Qingming 2014 (5–7 April)
    is not counted."""
    request = submit(D(2014, 3, 3))
    with at(D(2014, 3, 20)), pytest.raises(InfoRequestError) as error:
        services.extend_request(request, actor=office, days=16, reason="需要检索档案")
    assert "15" in error.value.message
    with at(D(2014, 3, 20)):
        services.extend_request(request, actor=office, days=15, reason="需要检索档案")
    assert due(request, D(2014, 3, 20)) == D(2014, 4, 15)


# --- REG 33: the 20-working-day limit and the extension -------------------------------------


def test_reg33_20_working_days_across_the_2025_national_day(submit):
    """REG 33: received Friday 26 September 2025; the day of receipt is not counted, the
    swapped working days are; due Thursday 30 October."""
    request = submit(D(2025, 9, 26))
    assert request.rule_set == "2019"
    assert request.due_on == D(2025, 10, 30)  # the cache written at submission
    assert due(request, D(2025, 9, 26)) == D(2025, 10, 30)


def test_reg33_20_working_days_across_the_2026_spring_festival(submit):
    """REG 33: received Friday 6 February 2026; due Thursday 12 March."""
    request = submit(D(2026, 2, 6))
    assert due(request, D(2026, 2, 6)) == D(2026, 3, 12)


def test_reg33_one_extension_of_at_most_20_working_days(assigned, office):
    """REG 33: one extension, at most 20 working days, approved by the head of the disclosure
    office, decided before the limit runs out."""
    request = assigned(D(2025, 9, 26))
    with at(D(2025, 10, 20)):
        with pytest.raises(InfoRequestError):
            services.extend_request(request, actor=office, days=21, reason="数量较大")
        services.extend_request(request, actor=office, days=20, reason="数量较大")
        with pytest.raises(InfoRequestError) as error:
            services.extend_request(request, actor=office, days=1, reason="再次延期")
    assert "once" in error.value.message
    # 30 October + 20 working days: 27 November.
    assert due(request, D(2025, 10, 20)) == D(2025, 11, 27)


def test_reg33_no_extension_after_the_limit_ran_out(assigned, office):
    request = assigned(D(2025, 9, 26))
    with at(D(2025, 10, 31)), pytest.raises(InfoRequestError):
        services.extend_request(request, actor=office, days=5, reason="迟到的延期")
    request.refresh_from_db()
    assert request.extension_days == 0


def test_reg33_a_reply_after_the_due_date_is_late(assigned, handler, legal_reviewer):
    request = assigned(D(2025, 9, 26))
    with at(D(2025, 10, 31)):
        services.draft_reply(
            request, actor=handler, outcome=Outcome.DISCLOSED, reply_text="予以公开"
        )
        services.submit_for_review(request, actor=handler)
        request = services.review_request(request, actor=legal_reviewer, approve=True)
    reading = read_clock(request, today=D(2025, 11, 3))
    assert reading.stopped_on == D(2025, 10, 31)
    assert reading.on_time is False


# --- REG 30: correction ----------------------------------------------------------------------


def test_reg30_correction_restarts_the_clock_from_the_corrected_application(submit, office):
    """REG 30: asked within 7 working days, once; the reply limit counts again from the day
    the corrected application arrives."""
    request = submit(D(2025, 9, 26))
    with at(D(2025, 9, 29)):
        request = services.request_correction(request, actor=office, what="请写明文件名称")
    assert request.state == State.CORRECTION
    assert read_clock(request, today=D(2025, 10, 9)).due_date is None  # paused: no due date
    with at(D(2025, 10, 10)):
        request = services.receive_correction(
            request, actor=None, text="《2024年低保资金发放明细》"
        )
    assert request.state == State.ACCEPTED
    # Restarted on Friday 10 October 2025: 11 October (a Saturday worked) is day 1, … day 20
    # is Thursday 6 November.
    assert due(request, D(2025, 10, 10)) == D(2025, 11, 6)


def test_reg30_correction_only_within_7_working_days_of_receipt(submit, office):
    """REG 30: the notice goes out within 7 working days: received 26 September 2025, the
    seventh working day is 13 October (28 September and 11 October worked, the holiday not)."""
    request = submit(D(2025, 9, 26))
    with at(D(2025, 10, 14)), pytest.raises(InfoRequestError) as error:
        services.request_correction(request, actor=office, what="请写明文件名称")
    assert "2025-10-13" in error.value.message
    request.refresh_from_db()
    assert request.state == State.RECEIVED


def test_reg30_correction_is_asked_once(submit, office):
    request = submit(D(2025, 9, 26))
    with at(D(2025, 9, 29)):
        services.request_correction(request, actor=office, what="请写明文件名称")
    with at(D(2025, 9, 30)):
        services.receive_correction(request, actor=None, text="补充说明")
        with pytest.raises(InfoRequestError) as error:
            services.request_correction(request, actor=office, what="还要补充")
    assert "once" in error.value.message


def test_2007_rules_correction_time_is_not_counted(submit, office):
    """Under the 2007 rules the clock does not restart: the days spent correcting are left out."""
    request = submit(D(2014, 3, 3))  # due 24 March
    with at(D(2014, 3, 5)):  # 2 working days used (4, 5 March)
        services.request_correction(request, actor=office, what="请写明文件名称")
    with at(D(2014, 3, 12)):  # 6–12 March not counted; 13 more working days from 13 March
        services.receive_correction(request, actor=None, text="补充说明")
    assert due(request, D(2014, 3, 12)) == D(2014, 3, 31)


def test_reg30_an_unanswered_correction_abandons_the_application(submit, office):
    """REG 30: no correction by the deadline = abandoned, outcome 其他处理-1, by the daily job,
    repeat-safe."""
    request = submit(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        request = services.request_correction(request, actor=office, what="请写明文件名称", days=10)
    assert request.correction_due_on == D(2025, 9, 16)
    tasks.run_all(today=D(2025, 9, 16))
    request.refresh_from_db()
    assert request.state == State.CORRECTION  # the last day is still the applicant's
    assert tasks.run_all(today=D(2025, 9, 17))["closed"] == 1
    assert tasks.run_all(today=D(2025, 9, 17))["closed"] == 0
    request.refresh_from_db()
    assert request.state == State.CLOSED
    assert request.outcome == Outcome.NO_CORRECTION


# --- REG 32/34: consultations ----------------------------------------------------------------


def test_reg32_third_party_consultation_time_is_not_counted(assigned, handler):
    """REG 32: the third party answers within 15 working days of the letter; that time is not
    counted in the reply limit."""
    request = assigned(D(2026, 2, 6))  # due 12 March 2026
    with at(D(2026, 2, 6)):
        consultation = services.consult(
            request, actor=handler, kind=Consultation.Kind.THIRD_PARTY, party="某某科技有限公司"
        )
    # 15 working days from 6 February 2026 across the Spring Festival: 5 March.
    assert consultation.due_on == D(2026, 3, 5)
    request.refresh_from_db()
    assert request.state == State.CONSULTING
    with at(D(2026, 2, 27)):  # 9 working days later (13, 14, 24–27 February … )
        services.settle_consultation(
            consultation, actor=handler, answer=Consultation.Answer.OBJECTS, note="涉及商业秘密"
        )
    request.refresh_from_db()
    assert request.state == State.HANDLING
    # Nothing was counted before the letter (sent the day of receipt) and 9–27 February are
    # left out: 20 working days from 27 February is 26 March 2026.
    assert due(request, D(2026, 2, 27)) == D(2026, 3, 26)


def test_reg32_no_answer_can_only_be_recorded_after_15_working_days(assigned, handler):
    request = assigned(D(2025, 9, 26))
    with at(D(2025, 9, 26)):
        consultation = services.consult(
            request, actor=handler, kind=Consultation.Kind.THIRD_PARTY, party="第三方"
        )
    assert consultation.due_on == D(2025, 10, 23)
    with at(D(2025, 10, 23)), pytest.raises(InfoRequestError):
        services.settle_consultation(
            consultation, actor=handler, answer=Consultation.Answer.NO_ANSWER
        )
    with at(D(2025, 10, 24)):
        services.settle_consultation(
            consultation, actor=handler, answer=Consultation.Answer.NO_ANSWER
        )


def test_reg34_consulting_other_agencies_pauses_only_under_the_2019_rules(assigned, handler):
    request = assigned(D(2014, 3, 3))
    with at(D(2014, 3, 4)), pytest.raises(InfoRequestError):
        services.consult(request, actor=handler, kind=Consultation.Kind.AGENCY, party="区财政局")


# --- REG 42 and the fee rules -------------------------------------------------------------


def test_reg42_per_application_fee_counts_the_month_across_agencies(
    submit, office, handler, handling_agency, agency_factory
):
    """国办函〔2020〕109号: the same applicant's 1st–10th applications in a calendar month are
    free, the 11th costs 100元; applications to other agencies count too, last month's not."""
    other = agency_factory()
    submit(D(2025, 8, 29))  # last month: not counted
    requests = [submit(D(2025, 9, 1), to=other if n % 2 else None) for n in range(10)]
    tenth = requests[-1]
    with at(D(2025, 9, 1)):
        services.accept_request(tenth, actor=office, handling_agency=handling_agency)
        with pytest.raises(InfoRequestError) as error:
            services.issue_fee_notice(
                tenth, actor=handler, method="per_application", payment="银行转账"
            )
    assert "free" in error.value.message
    eleventh = submit(D(2025, 9, 2))
    with at(D(2025, 9, 2)):
        services.accept_request(eleventh, actor=office, handling_agency=handling_agency)
        notice = services.issue_fee_notice(
            eleventh, actor=handler, method="per_application", payment="银行转账至……"
        )
    assert notice.quantity == 11
    assert notice.amount == Decimal("100.00")
    assert "国办函〔2020〕109号" in notice.basis


def test_reg42_an_unpaid_fee_abandons_the_application_and_pauses_the_clock(assigned, handler):
    """FEE: payment within 20 working days from the notice; the reply clock is suspended
    meanwhile (the default); unpaid = 其他处理-2."""
    request = assigned(D(2025, 9, 1))
    with at(D(2025, 9, 2)):
        notice = services.issue_fee_notice(
            request, actor=handler, method="per_page", pages=150, payment="银行转账"
        )
    assert notice.amount == Decimal("1700.00")  # 70 × 10 + 50 × 20
    assert notice.due_on == D(2025, 9, 29)  # Sunday 28 September worked
    request.refresh_from_db()
    assert request.state == State.AWAITING_FEE
    assert read_clock(request, today=D(2025, 9, 20)).due_date is None  # paused
    assert tasks.run_all(today=D(2025, 9, 29))["closed"] == 0
    assert tasks.run_all(today=D(2025, 9, 30))["closed"] == 1
    request.refresh_from_db()
    notice.refresh_from_db()
    assert request.outcome == Outcome.UNPAID_FEE
    assert notice.settlement == FeeNotice.Settlement.LAPSED


def test_reg42_a_paid_fee_resumes_the_clock(assigned, handler):
    request = assigned(D(2025, 9, 1))  # 1 working day used by 2 September
    with at(D(2025, 9, 2)):
        notice = services.issue_fee_notice(
            request, actor=handler, method="per_page", pages=31, payment="现场缴纳"
        )
    with at(D(2025, 9, 9)):
        services.settle_fee(notice, actor=handler, settlement=FeeNotice.Settlement.PAID)
    request.refresh_from_db()
    assert request.state == State.HANDLING
    # 3–9 September not counted: 19 working days left from 9 September, across the National
    # Day holiday → Saturday 11 October 2025 (worked).
    assert due(request, D(2025, 9, 9)) == D(2025, 10, 11)


def test_the_daily_job_marks_an_overdue_application_once(assigned, handler):
    """REG 33: past the due date (30 October 2025) the job marks the application overdue,
    once, even when a service had already cached the overdue state."""
    from gongkai.info_requests.models import RequestEvent

    request = assigned(D(2025, 9, 26))
    with at(D(2025, 10, 31)):
        services.consult(request, actor=handler, kind=Consultation.Kind.AGENCY, party="区财政局")
    tasks.run_all(today=D(2025, 11, 3))
    tasks.run_all(today=D(2025, 11, 4))
    marks = RequestEvent.objects.filter(request=request, code=RequestEvent.Code.OVERDUE)
    assert marks.count() == 1


def test_fees_paid_in_a_year_are_summed_for_the_annual_report(assigned, handler):
    """REG 42 / FMT2021 section 六: the fees collected in the year, by the day they were paid."""
    from gongkai.info_requests.selectors import fees_collected

    request = assigned(D(2025, 12, 1))
    with at(D(2025, 12, 2)):
        notice = services.issue_fee_notice(
            request, actor=handler, method="per_page", pages=40, payment="银行转账"
        )
    with at(D(2026, 1, 5)):
        services.settle_fee(notice, actor=handler, settlement=FeeNotice.Settlement.PAID)
    assert fees_collected(2025) == Decimal("0.00")  # issued in 2025, paid in 2026
    assert fees_collected(2026) == Decimal("100.00")  # 10 pages over 30 at 10元
    assert fees_collected(2026, agency_ids=[request.handling_agency_id]) == Decimal("100.00")
    assert fees_collected(2026, agency_ids=[]) == Decimal("0.00")
