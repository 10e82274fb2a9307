"""The submissions' services: prefilled from the records, the state machine, the lock after
acceptance, validation messages, permissions and the audit trail."""

from __future__ import annotations

import datetime

import pytest

from gongkai.catalogue.models import Document, DocumentVersion
from gongkai.core.models import AuditEntry
from gongkai.info_requests.models import InfoRequest
from gongkai.interaction.letters.models import Letter
from gongkai.reports.statistics import services
from gongkai.reports.statistics.models import StatisticsSubmission, SubmissionEvent
from gongkai.reports.statistics.periods import MONTHLY, period_from_key
from gongkai.reports.statistics.workflow import StatisticsError, StatisticsPermissionDenied
from tests.reports.statistics.conftest import MARCH, D, moment

pytestmark = pytest.mark.django_db

State = StatisticsSubmission.State
APRIL_2 = moment(D(2025, 4, 2))
MANUAL = {"new_media": "12", "budget": "3.5", "remarks": "按时报送"}


def _independent(agency) -> dict[str, int]:
    """The March figures of ``agency`` counted straight from the models, by local day."""
    zone = datetime.timezone(datetime.timedelta(hours=8))
    since = datetime.datetime(2025, 3, 1, tzinfo=zone)
    before = datetime.datetime(2025, 4, 1, tzinfo=zone)
    documents = {
        version.document_id
        for version in DocumentVersion.objects.select_related("document")
        if version.number == 1
        and version.document.agency_id == agency.pk
        and version.document.kind != Document.Kind.INTERPRETATION
        and since <= version.published_at < before
    }
    requests = list(InfoRequest.objects.filter(agency=agency))
    letters = [
        item
        for item in Letter.objects.all()
        if (item.handling_agency_id or item.agency_id) == agency.pk
        and item.state != Letter.State.REJECTED
    ]
    in_march = lambda day: day is not None and D(2025, 3, 1) <= day <= D(2025, 3, 31)  # noqa: E731
    return {
        "documents": len(documents),
        "received": sum(1 for r in requests if in_march(r.received_on)),
        "answered": sum(1 for r in requests if in_march(r.replied_on)),
        "letters": sum(1 for item in letters if in_march(item.received_on)),
    }


def _open(test_form, agency, *, actor=None, now=APRIL_2):
    return services.open_submission(test_form, agency=agency, period=MARCH, actor=actor, now=now)


def _submitted(test_form, dept, dept_staff):
    submission = _open(test_form, dept)
    services.save_values(submission, values={**submission.values, **MANUAL}, actor=dept_staff)
    return services.submit_submission(submission, actor=dept_staff)


def _snapshot(submission: StatisticsSubmission) -> tuple:
    submission.refresh_from_db()
    return (
        submission.state,
        submission.values,
        submission.return_reason,
        submission.accepted_at,
        submission.events.count(),
    )


def test_prefilled_values_equal_an_independent_count(test_form, dept, other_dept, march_records):
    submission = _open(test_form, dept)
    expected = _independent(dept)
    assert expected == {"documents": 2, "received": 2, "answered": 2, "letters": 1}
    assert submission.prefilled == expected
    assert submission.values == {key: str(value) for key, value in expected.items()}
    other = _open(test_form, other_dept)
    assert other.prefilled == _independent(other_dept)
    assert other.prefilled == {"documents": 1, "received": 1, "answered": 0, "letters": 1}
    assert submission.due_on == D(2025, 4, 10)
    assert submission.events.get().code == SubmissionEvent.Code.OPENED


def test_opening_twice_returns_the_same_submission(test_form, dept, march_records):
    first = _open(test_form, dept)
    again = _open(test_form, dept, now=moment(D(2025, 4, 3)))
    assert again.pk == first.pk
    assert StatisticsSubmission.objects.count() == 1
    assert SubmissionEvent.objects.count() == 1


def test_a_period_not_ended_cannot_be_opened(test_form, dept):
    with pytest.raises(StatisticsError, match="once it has ended"):
        _open(test_form, dept, now=moment(D(2025, 3, 31)))
    assert not StatisticsSubmission.objects.exists()


def test_manual_edit_of_a_computed_value_is_kept_and_shown(
    test_form, dept, dept_staff, march_records
):
    submission = _open(test_form, dept)
    values = {**submission.values, **MANUAL, "documents": "5"}
    submission = services.save_values(submission, values=values, actor=dept_staff)
    assert submission.values["documents"] == "5"
    assert submission.prefilled["documents"] == 2
    assert submission.edited_keys() == ["documents"]
    assert submission.values["budget"] == "3.50"
    submission = services.refresh_prefill(submission, actor=dept_staff)
    assert submission.values["documents"] == "2"
    assert submission.values["new_media"] == "12"  # typed-in values stay
    assert submission.edited_keys() == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("new_media", "", "“政务新媒体发布（条）” is required."),
        ("new_media", "-1", "must be a whole number, 0 or more"),
        ("new_media", "1.5", "must be a whole number, 0 or more"),
        ("budget", "abc", "“工作经费（万元）” must be a number, 0 or more."),
        ("budget", "-2", "must be a number, 0 or more"),
        ("remarks", "字" * 2001, "longer than 2000 characters"),
    ],
)
def test_bad_values_are_refused_with_a_message_and_change_nothing(
    test_form, dept, dept_staff, field, value, message
):
    submission = _open(test_form, dept)
    services.save_values(submission, values={**submission.values, **MANUAL}, actor=dept_staff)
    before = _snapshot(submission)
    with pytest.raises(StatisticsError, match=message) as caught:
        services.save_values(
            submission, values={**submission.values, field: value}, actor=dept_staff
        )
    assert caught.value.field == field
    assert _snapshot(submission) == before


def test_submitting_without_a_required_value_is_refused(test_form, dept, dept_staff):
    submission = _open(test_form, dept)
    before = _snapshot(submission)
    with pytest.raises(StatisticsError, match="is required"):
        services.submit_submission(submission, actor=dept_staff)
    assert _snapshot(submission) == before


def test_the_whole_cycle_draft_submitted_returned_resubmitted_accepted(
    test_form, dept, dept_staff, office
):
    submission = _submitted(test_form, dept, dept_staff)
    assert submission.state == State.SUBMITTED
    submission = services.return_submission(submission, reason="请补充说明。", actor=office)
    assert submission.state == State.RETURNED
    assert submission.return_reason == "请补充说明。"
    values = {**submission.values, "new_media": "13"}
    submission = services.save_values(submission, values=values, actor=dept_staff)
    submission = services.submit_submission(submission, actor=dept_staff)
    assert submission.state == State.RESUBMITTED
    submission = services.accept_submission(submission, actor=office)
    assert submission.state == State.ACCEPTED
    assert submission.accepted_by == office
    codes = list(submission.events.values_list("code", flat=True))
    assert codes == ["opened", "saved", "submitted", "returned", "saved", "resubmitted", "accepted"]
    actions = set(
        AuditEntry.objects.filter(action__startswith="statistics.").values_list("action", flat=True)
    )
    assert actions >= {
        "statistics.open", "statistics.save", "statistics.submit", "statistics.return",
        "statistics.accept",
    }  # fmt: skip


def test_refused_transitions_change_nothing(test_form, dept, dept_staff, office):
    draft = _open(test_form, dept)
    services.save_values(draft, values={**draft.values, **MANUAL}, actor=dept_staff)
    before = _snapshot(draft)
    with pytest.raises(StatisticsError, match="cannot become"):
        services.accept_submission(draft, actor=office)
    with pytest.raises(StatisticsError, match="cannot become"):
        services.return_submission(draft, reason="原因", actor=office)
    assert _snapshot(draft) == before

    submitted = services.submit_submission(draft, actor=dept_staff)
    before = _snapshot(submitted)
    with pytest.raises(StatisticsError, match="waiting for the office"):
        services.save_values(submitted, values=submitted.values, actor=dept_staff)
    with pytest.raises(StatisticsError, match="waiting for the office"):
        services.submit_submission(submitted, actor=dept_staff)
    with pytest.raises(StatisticsError, match="Say why"):
        services.return_submission(submitted, reason="  ", actor=office)
    assert _snapshot(submitted) == before


def test_an_accepted_submission_is_locked(test_form, dept, dept_staff, office, march_records):
    submission = services.accept_submission(_submitted(test_form, dept, dept_staff), actor=office)
    before = _snapshot(submission)
    attempts = [
        lambda: services.save_values(submission, values=submission.values, actor=dept_staff),
        lambda: services.save_values(submission, values=submission.values, actor=office),
        lambda: services.refresh_prefill(submission, actor=office),
        lambda: services.submit_submission(submission, actor=dept_staff),
        lambda: services.return_submission(submission, reason="再改一下", actor=office),
        lambda: services.accept_submission(submission, actor=office),
    ]
    for attempt in attempts:
        with pytest.raises(StatisticsError, match="locked"):
            attempt()
    assert _snapshot(submission) == before


def test_only_the_agency_or_the_office_may_fill_and_only_the_office_may_check(
    test_form, dept, dept_staff, dept_reviewer, other_staff, office
):
    submission = _open(test_form, dept)
    before = _snapshot(submission)
    for outsider in (other_staff, dept_reviewer):  # another agency; a role that does not fill
        with pytest.raises(StatisticsPermissionDenied):
            services.save_values(submission, values={**submission.values, **MANUAL}, actor=outsider)
        with pytest.raises(StatisticsPermissionDenied):
            services.submit_submission(submission, actor=outsider)
    with pytest.raises(StatisticsPermissionDenied):
        _open(test_form, dept, actor=other_staff, now=moment(D(2025, 5, 2)))
    assert _snapshot(submission) == before
    submitted = _submitted(test_form, dept, dept_staff)
    before = _snapshot(submitted)
    with pytest.raises(StatisticsPermissionDenied):
        services.accept_submission(submitted, actor=dept_staff)
    with pytest.raises(StatisticsPermissionDenied):
        services.return_submission(submitted, reason="不行", actor=dept_staff)
    assert _snapshot(submitted) == before


def test_a_period_of_another_kind_is_refused(test_form, dept):
    quarter = period_from_key("quarterly", "2025-Q1")
    with pytest.raises(StatisticsError, match="not one of this form's periods"):
        services.open_submission(test_form, agency=dept, period=quarter, actor=None, now=APRIL_2)
    assert period_from_key(MONTHLY, "2025-03") == MARCH


def test_no_personal_data_reaches_the_events_or_the_audit(
    test_form, dept, dept_staff, office, march_records
):
    from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID
    from tests.interaction.letters.conftest import WRITER_EMAIL, WRITER_NAME, WRITER_PHONE

    submission = _submitted(test_form, dept, dept_staff)
    services.accept_submission(submission, actor=office)
    stored = repr(list(SubmissionEvent.objects.values()))
    stored += repr(list(AuditEntry.objects.filter(action__startswith="statistics.").values()))
    stored += repr(list(StatisticsSubmission.objects.values()))
    for secret in (
        APPLICANT_NAME,
        APPLICANT_PHONE,
        VALID_ID,
        WRITER_NAME,
        WRITER_PHONE,
        WRITER_EMAIL,
    ):
        assert secret not in stored
