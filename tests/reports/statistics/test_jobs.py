"""The daily jobs: the period's submissions opened once for the submitting agencies,
reminders before the due day and overdue notices after it sent once, without personal data."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from gongkai.agencies.models import Agency
from gongkai.core.models import OutgoingMail
from gongkai.reports.statistics import jobs, services
from gongkai.reports.statistics.models import StatisticsForm, StatisticsSubmission, SubmissionEvent
from tests.reports.statistics.conftest import D, moment

pytestmark = pytest.mark.django_db

State = StatisticsSubmission.State


def _mails() -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(topic__startswith="statistics.").order_by("id"))


def test_opening_the_period_is_repeat_safe(test_form, dept, other_dept, government):
    now = moment(D(2025, 4, 2))
    assert jobs.open_period_submissions(now=now) == 3  # every member, the government too
    assert jobs.open_period_submissions(now=now) == 0
    rows = StatisticsSubmission.objects.filter(form=test_form)
    assert sorted(rows.values_list("agency_id", flat=True)) == sorted(
        [dept.pk, other_dept.pk, government.pk]
    )
    assert set(rows.values_list("period_key", flat=True)) == {"2025-03"}
    assert SubmissionEvent.objects.filter(code="opened").count() == 3


def test_only_the_chosen_kinds_submit_a_form_limited_to_them(test_form, dept, government):
    StatisticsForm.objects.filter(pk=test_form.pk).update(
        all_members=False, agency_kinds=[Agency.Kind.DEPARTMENT]
    )
    jobs.open_period_submissions(now=moment(D(2025, 4, 2)))
    assert list(StatisticsSubmission.objects.values_list("agency_id", flat=True)) == [dept.pk]


def test_an_agency_that_is_not_a_member_does_not_submit(test_form, dept, agency_factory):
    agency_factory(name="未加入的单位")  # no membership
    jobs.open_period_submissions(now=moment(D(2025, 4, 2)))
    assert list(StatisticsSubmission.objects.values_list("agency_id", flat=True)) == [dept.pk]


def test_an_inactive_form_is_not_opened(test_form, dept):
    StatisticsForm.objects.update(active=False)
    assert jobs.open_period_submissions(now=moment(D(2025, 4, 2))) == 0


def test_a_reminder_is_sent_once_within_the_reminder_days(
    test_form, dept, dept_staff, other_dept, office, django_capture_on_commit_callbacks
):
    jobs.open_period_submissions(now=moment(D(2025, 4, 2)))
    StatisticsSubmission.objects.exclude(agency=dept).delete()
    # Due on 10 April, reminders 3 days before: not yet on the 6th.
    assert jobs.send_reminders(today=D(2025, 4, 6)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.send_reminders(today=D(2025, 4, 7)) == 1
    assert jobs.send_reminders(today=D(2025, 4, 7)) == 0
    assert jobs.send_reminders(today=D(2025, 4, 9)) == 0
    mails = _mails()
    assert [mail.recipient for mail in mails] == [dept_staff.email]
    assert "2025-04-10" in mails[0].subject
    assert SubmissionEvent.objects.filter(code="reminded").count() == 1


def test_a_submitted_form_gets_no_reminder_and_no_overdue_notice(test_form, dept, dept_staff):
    jobs.open_period_submissions(now=moment(D(2025, 4, 2)))
    submission = StatisticsSubmission.objects.get(agency=dept)
    values = {**submission.values, "new_media": "1", "budget": "0"}
    services.save_values(submission, values=values, actor=dept_staff)
    services.submit_submission(submission, actor=dept_staff)
    assert jobs.send_reminders(today=D(2025, 4, 8)) == 0
    assert jobs.send_overdue_notices(today=D(2025, 4, 11)) == 0
    assert not _mails()


def test_an_overdue_notice_goes_once_to_the_agency_and_the_office(
    test_form, dept, dept_staff, office, django_capture_on_commit_callbacks
):
    jobs.open_period_submissions(now=moment(D(2025, 4, 2)))
    StatisticsSubmission.objects.exclude(agency=dept).delete()
    assert jobs.send_overdue_notices(today=D(2025, 4, 10)) == 0  # the due day itself
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.send_overdue_notices(today=D(2025, 4, 11)) == 1
    assert jobs.send_overdue_notices(today=D(2025, 4, 12)) == 0
    recipients = sorted(mail.recipient for mail in _mails())
    assert recipients == sorted([dept_staff.email, office.email])


def test_the_command_runs_every_job_and_a_second_run_does_nothing(
    test_form, dept, dept_staff, time_machine
):
    time_machine.move_to(moment(D(2025, 4, 8)), tick=False)
    call_command("run_statistics_jobs", stdout=(first := io.StringIO()))
    assert "opened 1, reminders 1, overdue notices 0" in first.getvalue()
    call_command("run_statistics_jobs", stdout=(second := io.StringIO()))
    assert "opened 0, reminders 0, overdue notices 0" in second.getvalue()


def test_the_mails_carry_no_personal_data(
    test_form, dept, dept_staff, office, march_records, django_capture_on_commit_callbacks
):
    from tests.info_requests.conftest import APPLICANT_NAME, APPLICANT_PHONE, VALID_ID
    from tests.interaction.letters.conftest import WRITER_EMAIL, WRITER_NAME, WRITER_PHONE

    jobs.open_period_submissions(now=moment(D(2025, 4, 2)))
    with django_capture_on_commit_callbacks(execute=True):
        jobs.send_reminders(today=D(2025, 4, 8))
        jobs.send_overdue_notices(today=D(2025, 4, 11))
    text = " ".join(mail.subject + mail.body for mail in _mails())
    assert text
    for secret in (
        APPLICANT_NAME,
        APPLICANT_PHONE,
        VALID_ID,
        WRITER_NAME,
        WRITER_PHONE,
        WRITER_EMAIL,
    ):
        assert secret not in text
